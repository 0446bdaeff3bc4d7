"""MISSING_BINDGEN_BLOCK / DUPLICATE_BINDGEN_BLOCK in helpers.c.

Without the block ``__rust_helper`` is undefined and no helper compiles;
twice, and the second copy is dead weight that can drift from the first."""

from __future__ import annotations

import os
from collections.abc import Iterable

from ..rewrite.defines import bindgen_groups
from ..tree import HELPERS
from . import ERROR, WARNING, Context, Finding


def check_tree(ctx: Context) -> Iterable[Finding]:
    rel = os.path.join(HELPERS, "helpers.c")
    fs = ctx.helpers
    if fs is None:
        return
    groups = bindgen_groups(fs)
    if not groups:
        msg = "no '#ifdef __BINDGEN__' block defining __rust_helper (run helperfix annotate)"
        yield Finding(rel, 0, ERROR, "MISSING_BINDGEN_BLOCK", msg)
    for g in groups[1:]:
        first = groups[0].opener.line
        msg = f"second '#ifdef __BINDGEN__' block for __rust_helper (first at line {first})"
        yield Finding(rel, g.opener.line, WARNING, "DUPLICATE_BINDGEN_BLOCK", msg, 1)
