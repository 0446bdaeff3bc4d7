"""UNDEFINED_RUST_HELPER: a helper marked ``__rust_helper`` in a tree that
defines the macro nowhere does not build (``unknown type name
'__rust_helper'``).  For a subset of files without helpers.c; where
helpers.c is checked, MISSING_BINDGEN_BLOCK reports the cause there."""

from __future__ import annotations

from collections.abc import Iterable

from ..diagnostics import Diagnostic
from ..findings import UNDEFINED_RUST_HELPER
from ..kernel.queries import defines_anywhere
from . import TreeContext, rule


@rule("tree", UNDEFINED_RUST_HELPER)
def check_defined(ctx: TreeContext) -> Iterable[Diagnostic]:
    if ctx.helpers is not None:
        return  # helpers.c is checked: MISSING_BINDGEN_BLOCK names the cause there
    if not ctx.annotated or ctx.defined or defines_anywhere(ctx.root):
        return
    for rel, (line, name, count) in sorted(ctx.annotated.items()):
        more = f" (and {count - 1} more in this file)" if count > 1 else ""
        msg = (
            f"helper '{name}'{more} carries __rust_helper, which the tree defines nowhere: "
            "the build fails (unknown type name '__rust_helper'); helperfix annotate gives "
            "helpers.c the definition"
        )
        yield UNDEFINED_RUST_HELPER(rel, line, msg, helper=name)
