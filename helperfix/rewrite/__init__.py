"""Rewrites: each small module turns a scanned file into byte-range edits.

An edit replaces ``data[start:end]`` with ``text``.  Edits that touch a
declaration carry a clang-format chunk; the format stage may replace their text
with the re-wrapped version, and keeps the plain insertion when it cannot prove
the re-wrap changed whitespace only.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..format import Chunk


@dataclass
class Edit:
    start: int
    end: int
    text: bytes
    chunk: Chunk | None = None  # declaration to re-wrap with clang-format
    expect: tuple[bytes, ...] = ()  # the code tokens the edit's text must keep
    newline: bytes = b"\n"  # the file's newline at the edit
    head: bytes = b""  # the rest of the edit's first line, before it
    tail: bytes = b""  # the rest of its last line, after it
    alt: Edit | None = None  # the same annotation on a line of its own
    lead: bytes = b""  # kept before the re-wrapped text (a separating space)
    migrate: bool = False  # a directive-level migration edit (not annotation)

    def lines(self) -> bytes:
        """The whole lines this edit re-emits into a patch."""
        return self.head + self.text + self.tail


def apply(data: bytes, edits: list[Edit]) -> tuple[bytes, list[tuple[int, int]]]:
    """Apply non-overlapping edits; also return where the migration edits'
    texts landed in the result (their tokens are not compared by verify)."""
    out = []
    spans = []
    pos = 0
    length = 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if e.start < pos:
            raise ValueError(f"overlapping edits at offset {e.start}")
        out.append(data[pos : e.start])
        length += e.start - pos
        if e.migrate:
            spans.append((length, length + len(e.text)))
        out.append(e.text)
        length += len(e.text)
        pos = e.end
    out.append(data[pos:])
    return b"".join(out), spans
