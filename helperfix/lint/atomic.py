"""ATOMIC_CHECKSUM, ATOMIC_OUT_OF_DATE, ATOMIC_GENERATOR_*: the generated
``rust/helpers/atomic.c`` must end with the sha1 of the rest (what the
kernel's check-atomics.sh verifies) and be what its generator produces."""

from __future__ import annotations

from collections.abc import Iterable

from ..rewrite.atomic import GENERATOR, OUTPUT, with_checksum
from . import ERROR, Context, Finding


def check_tree(ctx: Context) -> Iterable[Finding]:
    pending = ctx.atomic
    if pending is None or pending.out is None:
        return
    if pending.problem:
        d = pending.diagnostics[0]
        yield Finding(OUTPUT, d.line, ERROR, pending.problem, d.message.replace("; left alone", ""))
        return
    if pending.before is None:
        return  # not a generated file
    out, err = pending.before.result()
    if out is None:
        yield Finding(GENERATOR, 0, ERROR, "ATOMIC_GENERATOR_FAILED", f"generator failed: {err}")
    elif with_checksum(out) != pending.out.data:
        msg = f"does not match what {GENERATOR} generates (hand-edited, or not regenerated)"
        yield Finding(OUTPUT, 0, ERROR, "ATOMIC_OUT_OF_DATE", msg)
