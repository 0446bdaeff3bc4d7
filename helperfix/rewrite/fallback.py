"""Remove the obsolete ``#ifndef __rust_helper`` fallback.

Before helpers.c defined ``__rust_helper`` itself, files that used it carried
an empty fallback definition.  Only the exact construct goes (see
``kernel.fallback_at``); any other definition of the macro outside helpers.c
is reported instead.
"""

from __future__ import annotations

from ..c.scan import FileScan
from ..findings import STRAY_DEFINE
from ..kernel.atomic import hand_written
from ..kernel.paths import HELPERS_C
from ..kernel.queries import fallback_directives, stray_defines
from . import Context, Edit, rewrite


@rewrite(
    "fallback",
    "remove the obsolete '#ifndef __rust_helper' fallbacks from helper files",
    order=10,
    applies=hand_written,
)
def edits(fs: FileScan, ctx: Context) -> list[Edit]:
    out = [Edit(*span, b"", migrate=True) for _, span in fallback_directives(fs) if span]
    if ctx.rel != HELPERS_C:  # helpers.c's own definitions are the block's business
        for d in stray_defines(fs):
            msg = "__rust_helper defined outside helpers.c's block; not removed"
            ctx.report(STRAY_DEFINE, d.line, msg)
    return out
