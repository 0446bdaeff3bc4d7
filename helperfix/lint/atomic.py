"""ATOMIC_CHECKSUM, ATOMIC_OUT_OF_DATE, ATOMIC_GENERATOR_*: the generated
``rust/helpers/atomic.c`` must end with the sha1 of the rest (what the
kernel's check-atomics.sh verifies) and be what its generator produces."""

from __future__ import annotations

from collections.abc import Iterable

from ..diagnostics import Diagnostic
from ..generator import PROBLEMS, problem
from . import TreeContext, rule


@rule("tree", *PROBLEMS.values())
def check_generated(ctx: TreeContext) -> Iterable[Diagnostic]:
    pair = ctx.atomic
    if pair is None:
        return
    status, err = pair.status()
    found = problem(pair, status, err)
    if found is not None:
        yield found
