"""Facts read from a scanned helper file: the obsolete fallback construct,
definitions of ``__rust_helper``, the ``__BINDGEN__`` block and how helpers.c
includes helper files.  Above the C front end (it reads its scans);
nothing here writes anything."""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

from .paths import ANNOTATION, HELPERS

if TYPE_CHECKING:
    from ..c.directives import Directive, Group
    from ..c.scan import FileScan
    from ..c.source import Source

_DEFINE_LINE = re.compile(rb"^[ \t]*#[ \t]*define[ \t]+__rust_helper\b", re.M)


def defines_anywhere(root: str, skip: frozenset[str] = frozenset()) -> bool:
    """Whether any helper file (but those in ``skip``, absolute) defines
    ``__rust_helper`` (helpers.c's block or plain define, or a file's own
    fallback): without it an annotated helper does not build (``unknown
    type name '__rust_helper'``)."""
    for dirpath, _, files in os.walk(os.path.join(root, HELPERS)):
        for name in files:
            if not name.endswith(".c") or os.path.join(dirpath, name) in skip:
                continue
            try:
                with open(os.path.join(dirpath, name), "rb") as fh:
                    if _DEFINE_LINE.search(fh.read()):
                        return True
            except OSError:
                continue
    return False


# -- the obsolete '#ifndef __rust_helper' fallback ---------------------------

_TODO = re.compile(
    rb"[ \t]*//[ \t]*TODO: Remove this after INLINE_HELPERS support is added\.[ \t]*\r?$"
)
_IFNDEF = re.compile(rb"[ \t]*#[ \t]*ifndef[ \t]+__rust_helper[ \t]*\r?$")
_DEFINE = re.compile(rb"[ \t]*#[ \t]*define[ \t]+__rust_helper[ \t]*\r?$")
_ENDIF = re.compile(rb"[ \t]*#[ \t]*endif\b.*\r?$")
_BLANK = re.compile(rb"[ \t]*\r?$")


def fallback_at(src: Source, line: int) -> tuple[int, int] | None:
    """Byte span of the exact fallback construct whose ``#ifndef`` is on
    ``line`` (an optional TODO line before it, ``#ifndef``/``#define``/
    ``#endif``, one blank line after it), or None if it is not exact."""

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


def fallbacks_in_text(src: Source) -> list[tuple[int, int]]:
    """Every exact construct, by text alone (the generator's heredoc)."""
    return [span for n in range(1, src.nlines + 1) if (span := fallback_at(src, n))]


def fallback_directives(fs: FileScan) -> list[tuple[Directive, tuple[int, int] | None]]:
    """Every ``#ifndef __rust_helper`` with the span of its exact construct
    (None when it is not the exact, removable form)."""
    src = fs.source
    return [
        (d, fallback_at(src, d.line))
        for d in fs.directives
        if d.name == "ifndef" and d.rest(src) == ANNOTATION
    ]


# -- definitions of __rust_helper ---------------------------------------------


def defines(fs: FileScan) -> list[Directive]:
    """Every ``#define __rust_helper ...`` directive."""
    src = fs.source
    return [
        d for d in fs.directives if d.name == "define" and d.rest(src).split(b" ")[0] == ANNOTATION
    ]


def _span(g: Group) -> tuple[int, int]:
    return g.opener.line, (g.closer.line if g.closer else 1 << 30)


def in_group(groups: list[Group], line: int) -> bool:
    return any(_span(g)[0] < line < _span(g)[1] for g in groups)


def bindgen_blocks(fs: FileScan) -> list[Group]:
    """``#ifdef __BINDGEN__`` groups that define ``__rust_helper``."""
    if fs.layout is None:
        return []
    src = fs.source
    mine = defines(fs)
    return [
        g
        for g in fs.layout.groups
        if g.opener.name == "ifdef"
        and g.opener.rest(src) == b"__BINDGEN__"
        and any(_span(g)[0] < d.line < _span(g)[1] for d in mine)
    ]


def guarded(fs: FileScan, line: int) -> bool:
    """Whether ``line`` sits inside any ``#if`` group."""
    return fs.layout is not None and in_group(fs.layout.groups, line)


def plain_defines(fs: FileScan) -> list[Directive]:
    """``#define __rust_helper`` with nothing after it, outside any ``#if``:
    what helpers.c holds in a tree without helper inlining."""
    src = fs.source
    return [d for d in defines(fs) if d.rest(src) == ANNOTATION and not guarded(fs, d.line)]


def stray_defines(fs: FileScan) -> list[Directive]:
    """Definitions of the macro that are neither an exact fallback nor inside
    helpers.c's ``__BINDGEN__`` block."""
    covered = {d.line + 1 for d, span in fallback_directives(fs) if span}
    blocks = bindgen_blocks(fs)
    return [d for d in defines(fs) if d.line not in covered and not in_group(blocks, d.line)]


# -- how helpers.c reaches the helper files ------------------------------------


def is_c_include(d: Directive, src: Source) -> bool:
    """``#include "x.c"``: how helpers.c compiles a helper file."""
    arg = d.rest(src)
    return d.name == "include" and arg.startswith(b'"') and arg.endswith(b'.c"')


def c_includes(fs: FileScan) -> list[tuple[int, str]]:
    """Every ``#include "x.c"`` of a file: (line, name)."""
    src = fs.source
    return [
        (d.line, d.rest(src)[1:-1].decode("utf-8", "replace"))
        for d in fs.directives
        if is_c_include(d, src)
    ]


def block_anchor(fs: FileScan) -> int:
    """Offset where the block goes: the first ``#include "*.c"``, else the
    first directive or code after the header comment, else the end."""
    src = fs.source
    for d in fs.directives:
        if is_c_include(d, src):
            return d.start
    firsts = [d.start for d in fs.directives] + [t.start for t in fs.layout.live]
    return min(firsts) if firsts else len(src.data)
