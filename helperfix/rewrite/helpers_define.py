"""A plain, empty ``#define __rust_helper`` in helpers.c.

The series' first step: once the fallbacks are gone, helpers.c must define
the macro so that every commit still builds.  Not run by default.
"""

from __future__ import annotations

from ..c.scan import FileScan
from ..kernel import defines
from . import Context, Edit, rewrite
from .helpers_block import anchor, is_helpers_c

PLAIN = b"#define __rust_helper\n"


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
    at = anchor(fs)
    return [Edit(at, at, (PLAIN + b"\n").replace(b"\n", fs.source.newline()), migrate=True)]
