"""MISSING_BINDGEN_BLOCK / DUPLICATE_BINDGEN_BLOCK in helpers.c.

Without the block ``__rust_helper`` is undefined and no helper compiles;
twice, and the second copy is dead weight that can drift from the first."""

from __future__ import annotations

from collections.abc import Iterable

from ..diagnostics import Diagnostic
from ..findings import DUPLICATE_BINDGEN_BLOCK, MISSING_BINDGEN_BLOCK
from ..kernel.kconfig import HelpersBlock
from ..kernel.paths import HELPERS_C
from ..kernel.queries import bindgen_blocks, plain_defines
from . import TreeContext, rule


@rule("tree", MISSING_BINDGEN_BLOCK, DUPLICATE_BINDGEN_BLOCK)
def check_definition(ctx: TreeContext) -> Iterable[Diagnostic]:
    fs = ctx.helpers
    if fs is None:
        return
    groups = bindgen_blocks(fs)
    if not groups and ctx.helpers_block is HelpersBlock.PLAIN and not plain_defines(fs):
        msg = (
            "no '#define __rust_helper' (this tree does not inline helpers: a plain empty "
            "definition; run helperfix annotate)"
        )
        yield MISSING_BINDGEN_BLOCK(HELPERS_C, 0, msg)
    elif not groups and ctx.helpers_block is HelpersBlock.BLOCK:
        msg = "no '#ifdef __BINDGEN__' block defining __rust_helper (run helperfix annotate)"
        yield MISSING_BINDGEN_BLOCK(HELPERS_C, 0, msg)
    for g in groups[1:]:
        first = groups[0].opener.line
        msg = f"second '#ifdef __BINDGEN__' block for __rust_helper (first at line {first})"
        yield DUPLICATE_BINDGEN_BLOCK(HELPERS_C, g.opener.line, msg, column=1)
