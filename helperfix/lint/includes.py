"""HELPER_NOT_INCLUDED, INCLUDE_MISSING_FILE and INCLUDE_ORDER.

Helper files are compiled only through ``#include "x.c"`` in helpers.c (under
``#ifdef`` or from subfolders too), so a file nobody includes is dead, and an
include of a missing file breaks the build.  Alphabetical order is what
helpers.c asks for, but upstream has exceptions: that one is only a CHECK."""

from __future__ import annotations

import os
from collections.abc import Iterable

from ..scan import FileScan
from ..tree import HELPERS
from . import CHECK, ERROR, WARNING, Context, Finding


def quoted_c_includes(fs: FileScan) -> list[tuple[int, str]]:
    """Every ``#include "x.c"`` of a file: (line, name)."""
    out = []
    for d in fs.directives:
        arg = d.rest(fs.source)
        if d.name == "include" and arg.startswith(b'"') and arg.endswith(b'.c"'):
            out.append((d.line, arg[1:-1].decode("utf-8", "replace")))
    return out


def check_tree(ctx: Context) -> Iterable[Finding]:
    top = os.path.join(HELPERS, "helpers.c")
    if not ctx.tree or ctx.helpers is None:
        return
    included: set[str] = set()
    todo = [top]
    while todo:
        rel = todo.pop()
        names = ctx.includes.get(rel, [])
        for (line, name), prev in zip(names, [None] + names[:-1]):
            target = os.path.normpath(os.path.join(os.path.dirname(rel), name))
            if not os.path.isfile(ctx.abspath(target)):
                msg = f'#include "{name}": no such helper file'
                yield Finding(rel, line, ERROR, "INCLUDE_MISSING_FILE", msg, 1)
            elif target not in included:
                included.add(target)
                todo.append(target)
            if prev is not None and name < prev[1]:
                msg = f'"{name}" is out of alphabetical order (after "{prev[1]}")'
                yield Finding(rel, line, CHECK, "INCLUDE_ORDER", msg, 1)
    for rel in sorted(ctx.files):
        if rel != top and rel not in included:
            msg = "never #included from helpers.c, so never compiled"
            yield Finding(rel, 0, WARNING, "HELPER_NOT_INCLUDED", msg)
