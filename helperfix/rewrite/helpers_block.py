"""Give helpers.c the one definition of ``__rust_helper`` the tree needs.

The block goes after the file's header comment and before the first
``#include "....c"``; a plain ``#define __rust_helper`` is replaced by it.
"""

from __future__ import annotations

from ..c.scan import FileScan
from ..c.source import Source
from ..findings import DUPLICATE_BINDGEN_BLOCK
from ..kernel.kconfig import HelpersBlock
from ..kernel.queries import bindgen_blocks, block_anchor, plain_defines
from . import Context, Edit, rewrite
from .helpers_define import edits as plain_define
from .helpers_define import is_helpers_c

INCLUDE = b"#include <linux/compiler_types.h>"
BLOCK = INCLUDE + b"""

#ifdef __BINDGEN__
// bindgen drops inline functions, so it has to see helpers as ordinary ones.
#define __rust_helper
#else
// Helper bitcode is linked into Rust crates. LLVM will not inline across C
// and Rust codegen units whose options differ, even harmlessly (hardening
// flags, builtin lists, target feature strings); __always_inline overrides
// that check so the wrappers cost nothing.
#define __rust_helper __always_inline
#endif
"""


def _blank(src: Source, n: int) -> bool:
    return 1 <= n < src.nlines and not src.data[src.line_start(n) : src.line_end(n)].strip()


def _remove_line(src: Source, line: int) -> Edit:
    """Remove a line, and the blank line after it when one precedes it too."""
    start = src.line_start(line)
    end = src.line_start(line + 1) if line < src.nlines else len(src.data)
    if _blank(src, line - 1) and _blank(src, line + 1):
        end = src.line_start(line + 2) if line + 1 < src.nlines else len(src.data)
    return Edit(start, end, b"", migrate=True)


@rewrite(
    "helpers-block",
    "give helpers.c the '#ifdef __BINDGEN__' block defining __rust_helper",
    order=30,
    applies=is_helpers_c,
)
def edits(fs: FileScan, ctx: Context) -> list[Edit]:
    src = fs.source
    blocks = bindgen_blocks(fs)
    if len(blocks) > 1:
        msg = "__BINDGEN__ block for __rust_helper appears twice; not touched"
        ctx.report(DUPLICATE_BINDGEN_BLOCK, blocks[1].opener.line, msg)
    if blocks:
        return []
    if ctx.helpers_block is HelpersBlock.PLAIN:  # no helper inlining in this tree: a plain define
        return plain_define(fs, ctx)
    out = [_remove_line(src, d.line) for d in plain_defines(fs)]  # the block replaces it
    nl = src.newline()
    has_include = any(
        d.name == "include" and d.rest(src) == b"<linux/compiler_types.h>" for d in fs.directives
    )
    text = BLOCK if not has_include else BLOCK[len(INCLUDE) + 2 :]
    at = block_anchor(fs)
    if at == len(src.data) and src.data and not src.data.endswith(b"\n"):
        text = b"\n" + text
    text = (text + b"\n").replace(b"\n", nl) if at < len(src.data) else text.replace(b"\n", nl)
    if any(e.start <= at < e.end for e in out):
        at = next(e.start for e in out if e.start <= at < e.end)
    out.append(Edit(at, at, text, migrate=True))
    return out
