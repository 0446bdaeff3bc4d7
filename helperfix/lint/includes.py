"""HELPER_NOT_INCLUDED, INCLUDE_MISSING_FILE and INCLUDE_ORDER.

Helper files are compiled only through ``#include "x.c"`` in helpers.c (under
``#ifdef`` or from subfolders too), so a file nobody includes is dead, and an
include of a missing file breaks the build.  Alphabetical order is what
helpers.c asks for, but upstream has exceptions: that one is only a CHECK."""

from __future__ import annotations

import os
from collections.abc import Iterable

from ..diagnostics import CHECK, ERROR, WARNING, Diagnostic
from ..kernel import HELPERS_C
from . import TreeContext, Type, rule

NOT_INCLUDED = Type("HELPER_NOT_INCLUDED", WARNING, "Helper file never included from helpers.c")
MISSING_FILE = Type("INCLUDE_MISSING_FILE", ERROR, "helpers.c includes a file that does not exist")
ORDER = Type("INCLUDE_ORDER", CHECK, "helpers.c includes out of alphabetical order")


@rule("tree", NOT_INCLUDED, MISSING_FILE, ORDER)
def check_tree(ctx: TreeContext) -> Iterable[Diagnostic]:
    if not ctx.tree or ctx.helpers is None:
        return
    included: set[str] = set()
    todo = [HELPERS_C]
    while todo:
        rel = todo.pop()
        names = ctx.includes.get(rel, [])
        for (line, name), prev in zip(names, [None] + names[:-1]):
            target = os.path.normpath(os.path.join(os.path.dirname(rel), name))
            if not os.path.isfile(ctx.abspath(target)):
                msg = f'#include "{name}": no such helper file'
                yield Diagnostic(rel, line, msg, MISSING_FILE.level, MISSING_FILE.name, 1)
            elif target not in included:
                included.add(target)
                todo.append(target)
            if prev is not None and name < prev[1]:
                msg = f'"{name}" is out of alphabetical order (after "{prev[1]}")'
                yield Diagnostic(rel, line, msg, ORDER.level, ORDER.name, 1)
    for rel in sorted(ctx.files):
        if rel != HELPERS_C and rel not in included:
            msg = "never #included from helpers.c, so never compiled"
            yield Diagnostic(rel, 0, msg, NOT_INCLUDED.level, NOT_INCLUDED.name)
