"""Keep the generated ``rust/helpers/atomic.c`` in step with its generator.

atomic.c is never edited as a helper file: the fallback is removed from the
generator's heredoc, then atomic.c becomes what the edited generator makes,
with its ``// <sha1>`` line (``generator.py`` runs it).  If atomic.c did not
match its generator before the run, both files are left alone.
"""

from __future__ import annotations

from ..c.scan import FileScan
from ..findings import ATOMIC_GENERATOR_FAILED
from ..kernel.paths import ATOMIC_C, GENERATOR
from . import Context, Edit, rewrite


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
    from ..generator import Status, problem  # loaded by the run that made ``pair``

    status, err = pair.status()
    if ctx.rel == ATOMIC_C:
        found = problem(pair, status, err, ctx.shown, "; left alone")
        if found is not None:
            ctx.diagnostics.append(found)
    if status is not Status.OK or not pair.spans:
        return []
    new, err = pair.regenerated()
    if new is None:
        if ctx.rel == ATOMIC_C:
            msg = f"edited generator failed: {err}"
            ctx.diagnostics.append(ATOMIC_GENERATOR_FAILED(ctx.shown(GENERATOR), 0, msg))
        return []
    if ctx.rel == GENERATOR:
        return [Edit(a, b, b"") for a, b in pair.spans]
    return [Edit(0, len(fs.source.data), new)]
