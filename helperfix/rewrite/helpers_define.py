"""A plain, empty ``#define __rust_helper`` in helpers.c.

The series' first step: once the fallbacks are gone, helpers.c must define
the macro so that every commit still builds.  Not run by default.
"""

from __future__ import annotations

from ..c.scan import FileScan
from ..kernel.paths import HELPERS_C
from ..kernel.queries import block_anchor, defines
from . import Context, Edit, rewrite

PLAIN = b"#define __rust_helper\n"


def is_helpers_c(rel: str, data: bytes) -> bool:
    return rel == HELPERS_C


@rewrite(
    "helpers-define",
    "a plain '#define __rust_helper' in helpers.c (a series' first step)",
    order=20,
    applies=is_helpers_c,
    default=False,
)
def edits(fs: FileScan, ctx: Context) -> list[Edit]:
    if defines(fs):
        return []
    at = block_anchor(fs)
    return [Edit(at, at, (PLAIN + b"\n").replace(b"\n", fs.source.newline()), migrate=True)]
