"""MISSING_BINDGEN_BLOCK / DUPLICATE_BINDGEN_BLOCK in helpers.c.

Without the block ``__rust_helper`` is undefined and no helper compiles;
twice, and the second copy is dead weight that can drift from the first."""

from __future__ import annotations

from collections.abc import Iterable

from ..diagnostics import ERROR, WARNING, Diagnostic
from ..kernel import HELPERS_C, bindgen_blocks, plain_defines
from . import TreeContext, Type, rule

MISSING = Type("MISSING_BINDGEN_BLOCK", ERROR, "helpers.c lacks the __BINDGEN__ block")
DUPLICATE = Type("DUPLICATE_BINDGEN_BLOCK", WARNING, "helpers.c has the __BINDGEN__ block twice")


@rule("tree", MISSING, DUPLICATE)
def check_tree(ctx: TreeContext) -> Iterable[Diagnostic]:
    fs = ctx.helpers
    if fs is None:
        return
    groups = bindgen_blocks(fs)
    if not groups and ctx.helpers_block == "plain" and not plain_defines(fs):
        msg = (
            "no '#define __rust_helper' (this tree does not inline helpers: a plain empty "
            "definition; run helperfix annotate)"
        )
        yield Diagnostic(HELPERS_C, 0, msg, MISSING.level, MISSING.name)
    elif not groups and ctx.helpers_block == "block":
        msg = "no '#ifdef __BINDGEN__' block defining __rust_helper (run helperfix annotate)"
        yield Diagnostic(HELPERS_C, 0, msg, MISSING.level, MISSING.name)
    for g in groups[1:]:
        first = groups[0].opener.line
        msg = f"second '#ifdef __BINDGEN__' block for __rust_helper (first at line {first})"
        yield Diagnostic(HELPERS_C, g.opener.line, msg, DUPLICATE.level, DUPLICATE.name, 1)
