"""UNDEFINED_RUST_HELPER: a helper marked ``__rust_helper`` in a tree that
defines the macro nowhere does not build (``unknown type name
'__rust_helper'``).  For a subset of files without helpers.c; where
helpers.c is checked, MISSING_BINDGEN_BLOCK reports the cause there."""

from __future__ import annotations

from collections.abc import Iterable

from ..diagnostics import ERROR, Diagnostic
from ..kernel import defines_anywhere
from . import TreeContext, Type, rule

UNDEFINED = Type(
    "UNDEFINED_RUST_HELPER",
    ERROR,
    "A helper carries __rust_helper but the tree defines the macro nowhere: it does not build",
)


@rule("tree", UNDEFINED)
def check_tree(ctx: TreeContext) -> Iterable[Diagnostic]:
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
        yield Diagnostic(rel, line, msg, UNDEFINED.level, UNDEFINED.name, helper=name)
