"""A file as bytes, with its line table and newline style.

Everything works on ``bytes`` so CRLF, stray non-UTF-8 bytes, tabs and a missing
final newline survive untouched; only deliberate edits change a file.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

BOM = b"\xef\xbb\xbf"  # a UTF-8 byte-order mark: kept, never lexed


@dataclass
class Source:
    """A file's bytes and line table."""

    path: str
    data: bytes
    _starts: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        starts = [0]
        find = self.data.find
        pos = find(b"\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find(b"\n", pos + 1)
        self._starts = starts

    def line_of(self, offset: int) -> int:
        """1-based line number of a byte offset."""
        return bisect.bisect_right(self._starts, offset)

    def line_start(self, line: int) -> int:
        return self._starts[line - 1]

    def line_end(self, line: int) -> int:
        """Offset of the end of ``line``, before its newline (CR included)."""
        if line < len(self._starts):
            end = self._starts[line] - 1
        else:
            end = len(self.data)
        if end > 0 and self.data[end - 1 : end] == b"\r" and end < len(self.data):
            end -= 1
        return end

    def newline(self, line: int = 1) -> bytes:
        """The newline this file uses at ``line`` (falls back to the file's first)."""
        for n in (line, 1):
            if n < len(self._starts):
                nl = self._starts[n] - 1
                return b"\r\n" if nl > 0 and self.data[nl - 1 : nl] == b"\r" else b"\n"
        return b"\n"

    @property
    def nlines(self) -> int:
        return len(self._starts)

    @property
    def bom(self) -> int:
        """Length of the byte-order mark the file starts with (0 or 3)."""
        return bom_length(self.data)


def bom_length(data: bytes) -> int:
    return len(BOM) if data.startswith(BOM) else 0
