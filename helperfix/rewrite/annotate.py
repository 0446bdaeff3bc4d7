"""Insert ``__rust_helper`` before every helper definition that lacks it."""

from __future__ import annotations

from ..format import Chunk
from ..scan import ANNOTATION, Definition, FileScan
from ..source import Source
from . import Edit


def _region_end(src: Source, d: Definition) -> int:
    """Index into d.tokens of the last token whose layout depends on the
    annotated line: that line itself, and if it leaves a parenthesis open,
    every line up to the one that closes it."""
    data = src.data
    line = src.line_of(d.first)
    depth, last = 0, 0
    for i, t in enumerate(d.tokens):
        if src.line_of(t.start) > line and depth == 0:
            break
        c = data[t.start : t.end]
        depth += c == b"("
        depth -= c == b")"
        last = i
    return last


def edit_for(src: Source, d: Definition) -> Edit:
    nl = src.newline(src.line_of(d.anchor))
    if d.own_line:
        return Edit(d.anchor, d.anchor, ANNOTATION + nl)
    if d.crosses_directive or d.macro:
        return Edit(d.anchor, d.anchor, ANNOTATION + b" ")
    last = d.tokens[_region_end(src, d)]
    text = ANNOTATION + b" " + src.data[d.first : last.end]
    decl = ANNOTATION + b" " + src.data[d.first : d.lbrace]
    decl = decl.replace(b"\r\n", b"\n") + b"{\n}\n"
    chunk = Chunk(decl, decl.count(b"\n") - 1)
    data = src.data
    expect = (ANNOTATION,) + tuple(data[t.start : t.end] for t in d.tokens if t.end <= last.end)
    return Edit(d.first, last.end, text, chunk, expect, nl)


def edits(fs: FileScan) -> list[Edit]:
    return [edit_for(fs.source, d) for d in fs.definitions if not d.annotated]
