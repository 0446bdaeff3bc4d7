"""Insert ``__rust_helper`` before every helper definition that lacks it."""

from __future__ import annotations

from ..c.scan import Definition, FileScan
from ..c.source import Source
from ..clangformat import Chunk
from ..kernel.atomic import hand_written
from ..kernel.paths import ANNOTATION
from . import Context, Edit, rewrite


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


def _columns(text: bytes) -> int:
    col = 0
    for c in text:
        col = (col // 8 + 1) * 8 if c == 9 else col + 1
    return col


def _macro_edit(src: Source, d: Definition, nl: bytes) -> Edit:
    """Inside a multi-line macro body the annotation gets a continuation line
    of its own, its backslash aligned with the next line's, so no line grows."""
    line = src.line_of(d.anchor)
    start, end = src.line_start(line), src.line_end(line)
    text = src.data[start:end]
    indent = src.data[start : d.anchor]
    if not text.endswith(b"\\") or indent.strip():
        return Edit(d.anchor, d.anchor, ANNOTATION + b" ")
    target = _columns(text[:-1])  # the backslash's column
    col = _columns(indent + ANNOTATION)
    pad = b""
    while (col // 8 + 1) * 8 <= target:
        pad += b"\t"
        col = (col // 8 + 1) * 8
    pad += b" " * (target - col) if pad or col < target else b" "
    return Edit(d.anchor, d.anchor, ANNOTATION + pad + b"\\" + nl + indent)


def _lead(src: Source, at: int) -> bytes:
    """A space when the annotation would touch the previous token (it could
    otherwise glue onto an identifier: ``S`` + ``__rust_helper``)."""
    if at == 0 or src.data[at - 1 : at].isspace() or at == src.bom:
        return b""
    return b" "


def edit_for(src: Source, d: Definition) -> Edit:
    nl = src.newline(src.line_of(d.anchor))
    if d.own_line:
        return Edit(d.anchor, d.anchor, ANNOTATION + nl)
    if d.macro:
        e = _macro_edit(src, d, nl)
        e.text = _lead(src, e.start) + e.text
        return e
    alt = Edit(d.first, d.first, _lead(src, d.first) + ANNOTATION + nl)
    if d.crosses_directive:
        text = _lead(src, d.anchor) + ANNOTATION + b" "
        return _around(src, Edit(d.anchor, d.anchor, text, alt=alt))
    last = d.tokens[_region_end(src, d)]
    lead = _lead(src, d.first)
    text = lead + ANNOTATION + b" " + src.data[d.first : last.end]
    decl = ANNOTATION + b" " + src.data[d.first : d.lbrace]
    decl = decl.replace(b"\r\n", b"\n") + b"{\n}\n"
    data = src.data
    expect = (ANNOTATION,) + tuple(data[t.start : t.end] for t in d.tokens if t.end <= last.end)
    e = Edit(d.first, last.end, text, Chunk(decl), expect, nl, alt=alt, lead=lead)
    return _around(src, e)


def _around(src: Source, e: Edit) -> Edit:
    e.head = src.data[src.line_start(src.line_of(e.start)) : e.start]
    e.tail = src.data[e.end : src.line_end(src.line_of(e.end))]
    return e


@rewrite(
    "annotate",
    "put __rust_helper before every helper definition, re-wrapping touched lines",
    order=40,
    applies=hand_written,
)
def edits(fs: FileScan, ctx: Context) -> list[Edit]:
    return [edit_for(fs.source, d) for d in fs.definitions if not d.annotated]
