"""Keep the generated ``rust/helpers/atomic.c`` in step with its generator.

atomic.c is never edited as a helper file: the fallback is removed from the
generator's heredoc, then atomic.c becomes what the edited generator makes,
with its ``// <sha1>`` line (``generator.py`` runs it).  If atomic.c did not
match its generator before the run, both files are left alone.
"""

from __future__ import annotations

from ..c.scan import FileScan
from ..diagnostics import ERROR
from ..generator import Status
from ..kernel import ATOMIC_C, GENERATOR
from . import Context, Edit, rewrite

_PROBLEMS = {
    Status.GENERATOR_MISSING: (
        "ATOMIC_GENERATOR_MISSING",
        f"generated, but {GENERATOR} is missing; left alone",
    ),
    Status.CHECKSUM: (
        "ATOMIC_CHECKSUM",
        "trailing sha1 line does not match the file (hand-edited?); left alone",
    ),
    Status.OUT_OF_DATE: (
        "ATOMIC_OUT_OF_DATE",
        "does not match its generator (hand-edited?); left alone, regenerate it first",
    ),
}


def _report(ctx: Context, status: Status, err: str) -> None:
    pair = ctx.atomic
    if status is Status.FAILED:
        ctx.report(0, f"generator failed: {err}", "ATOMIC_GENERATOR_FAILED", ERROR, GENERATOR)
    elif status in _PROBLEMS:
        kind, msg = _PROBLEMS[status]
        line = pair.checksum_line if status is Status.CHECKSUM else 0
        ctx.report(line, msg, kind, ERROR)


@rewrite(
    "atomic",
    "remove the generator's fallback and regenerate atomic.c with its sha1 line",
    order=50,
    targets=(GENERATOR, ATOMIC_C),
)
def edits(fs: FileScan, ctx: Context) -> list[Edit]:
    pair = ctx.atomic
    if pair is None:
        return []
    status, err = pair.status()
    if ctx.rel == ATOMIC_C:
        _report(ctx, status, err)
    if status is not Status.OK or not pair.spans:
        return []
    new, err = pair.regenerated()
    if new is None:
        if ctx.rel == ATOMIC_C:
            msg = f"edited generator failed: {err}"
            ctx.report(0, msg, "ATOMIC_GENERATOR_FAILED", ERROR, GENERATOR)
        return []
    if ctx.rel == GENERATOR:
        return [Edit(a, b, b"") for a, b in pair.spans]
    return [Edit(0, len(fs.source.data), new)]
