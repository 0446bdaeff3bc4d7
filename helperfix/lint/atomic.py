"""ATOMIC_CHECKSUM, ATOMIC_OUT_OF_DATE, ATOMIC_GENERATOR_*: the generated
``rust/helpers/atomic.c`` must end with the sha1 of the rest (what the
kernel's check-atomics.sh verifies) and be what its generator produces."""

from __future__ import annotations

from collections.abc import Iterable

from ..diagnostics import ERROR, Diagnostic
from ..generator import Status
from ..kernel import ATOMIC_C, GENERATOR
from . import TreeContext, Type, rule

CHECKSUM = Type("ATOMIC_CHECKSUM", ERROR, "atomic.c's trailing sha1 line is wrong")
OUT_OF_DATE = Type("ATOMIC_OUT_OF_DATE", ERROR, "atomic.c differs from its generator's output")
MISSING = Type(
    "ATOMIC_GENERATOR_MISSING", ERROR, "atomic.c is generated but its generator is missing"
)
FAILED = Type("ATOMIC_GENERATOR_FAILED", ERROR, "the atomic helper generator failed")


@rule("tree", CHECKSUM, OUT_OF_DATE, MISSING, FAILED)
def check_tree(ctx: TreeContext) -> Iterable[Diagnostic]:
    pair = ctx.atomic
    if pair is None:
        return
    status, err = pair.status()
    if status is Status.CHECKSUM:
        msg = "trailing sha1 line does not match the file (hand-edited?)"
        yield Diagnostic(ATOMIC_C, pair.checksum_line, msg, ERROR, CHECKSUM.name)
    elif status is Status.GENERATOR_MISSING:
        msg = f"generated, but {GENERATOR} is missing"
        yield Diagnostic(ATOMIC_C, 0, msg, ERROR, MISSING.name)
    elif status is Status.FAILED:
        yield Diagnostic(GENERATOR, 0, f"generator failed: {err}", ERROR, FAILED.name)
    elif status is Status.OUT_OF_DATE:
        msg = f"does not match what {GENERATOR} generates (hand-edited, or not regenerated)"
        yield Diagnostic(ATOMIC_C, 0, msg, ERROR, OUT_OF_DATE.name)
