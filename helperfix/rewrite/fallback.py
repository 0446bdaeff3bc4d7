"""Remove the obsolete ``#ifndef __rust_helper`` fallback.

Before helpers.c defined ``__rust_helper`` itself, files that used it carried
an empty fallback definition.  Only the exact construct goes: an optional
``// TODO: Remove this after INLINE_HELPERS support is added.`` line,
``#ifndef __rust_helper`` / ``#define __rust_helper`` / ``#endif``, and one
blank line after it.  Any other definition of the macro is reported instead.
"""

from __future__ import annotations

import re

from ..diagnostics import Diagnostic, display
from ..scan import FileScan
from ..source import Source
from . import Edit
from .defines import bindgen_groups, defines, in_group

_TODO = re.compile(
    rb"[ \t]*//[ \t]*TODO: Remove this after INLINE_HELPERS support is added\.[ \t]*\r?$"
)
_IFNDEF = re.compile(rb"[ \t]*#[ \t]*ifndef[ \t]+__rust_helper[ \t]*\r?$")
_DEFINE = re.compile(rb"[ \t]*#[ \t]*define[ \t]+__rust_helper[ \t]*\r?$")
_ENDIF = re.compile(rb"[ \t]*#[ \t]*endif\b.*\r?$")
_BLANK = re.compile(rb"[ \t]*\r?$")


def construct_at(src: Source, line: int) -> tuple[int, int] | None:
    """Byte span of the fallback construct whose ``#ifndef`` is on ``line``
    (with its TODO line and trailing blank line), or None if it is not exact."""

    def text(n: int) -> bytes:
        return src.data[src.line_start(n) : src.line_end(n)] if 1 <= n <= src.nlines else b""

    if not (
        _IFNDEF.match(text(line)) and _DEFINE.match(text(line + 1)) and _ENDIF.match(text(line + 2))
    ):
        return None
    first, last = line, line + 2
    if _TODO.match(text(line - 1)):
        first -= 1
    if last + 1 <= src.nlines and _BLANK.match(text(last + 1)) and last + 1 < src.nlines:
        last += 1
    end = src.line_start(last + 1) if last < src.nlines else len(src.data)
    return src.line_start(first), end


def constructs_in_text(src: Source) -> list[tuple[int, int]]:
    """Every exact construct, by text alone (for the generator's heredoc)."""
    spans = []
    for n in range(1, src.nlines + 1):
        span = construct_at(src, n)
        if span:
            spans.append(span)
    return spans


def edits(fs: FileScan, diags: list[Diagnostic], report: bool = True) -> list[Edit]:
    """Edits removing every exact fallback; other ``__rust_helper`` defines
    (outside helpers.c's own block) are reported into ``diags``."""
    src = fs.source
    out: list[Edit] = []
    covered: set[int] = set()
    for d in fs.directives:
        if d.name == "ifndef" and d.rest(src) == b"__rust_helper":
            span = construct_at(src, d.line)
            if span:
                out.append(Edit(span[0], span[1], b"", migrate=True))
                covered.add(d.line + 1)
    blocks = bindgen_groups(fs)
    for d in defines(fs):
        if report and d.line not in covered and not in_group(blocks, d.line):
            msg = "__rust_helper defined outside helpers.c's block; not removed"
            diags.append(Diagnostic(display(src.path), d.line, msg, "warning"))
    return out
