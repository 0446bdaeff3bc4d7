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

    def lines(self) -> bytes:
        """The whole lines this edit re-emits into a patch."""
        return self.head + self.text + self.tail


def apply(data: bytes, edits: list[Edit]) -> bytes:
    """Apply non-overlapping edits, back to front."""
    out = data
    last = len(data) + 1
    for e in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        if e.end > last:
            raise ValueError(f"overlapping edits at offset {e.start}")
        out = out[: e.start] + e.text + out[e.end :]
        last = e.start
    return out
