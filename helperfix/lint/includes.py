"""HELPER_NOT_INCLUDED, INCLUDE_MISSING_FILE and INCLUDE_ORDER.

Helper files are compiled only through ``#include "x.c"`` in helpers.c (under
``#ifdef`` or from subfolders too), so a file nobody includes is dead, and an
include of a missing file breaks the build.  Alphabetical order is what
helpers.c asks for, but upstream has exceptions: that one is only a CHECK."""

from __future__ import annotations

import os
from collections.abc import Iterable

from ..diagnostics import Diagnostic
from ..findings import HELPER_NOT_INCLUDED, INCLUDE_MISSING_FILE, INCLUDE_ORDER
from ..kernel.paths import HELPERS_C
from . import TreeContext, rule


@rule("tree", HELPER_NOT_INCLUDED, INCLUDE_MISSING_FILE, INCLUDE_ORDER)
def check_includes(ctx: TreeContext) -> Iterable[Diagnostic]:
    if not ctx.whole_tree or ctx.helpers is None:
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
                yield INCLUDE_MISSING_FILE(rel, line, msg, column=1)
            elif target not in included:
                included.add(target)
                todo.append(target)
            if prev is not None and name < prev[1]:
                msg = f'"{name}" is out of alphabetical order (after "{prev[1]}")'
                yield INCLUDE_ORDER(rel, line, msg, column=1)
    for rel in sorted(ctx.files):
        if rel != HELPERS_C and rel not in included:
            msg = "never #included from helpers.c, so never compiled"
            yield HELPER_NOT_INCLUDED(rel, 0, msg)
