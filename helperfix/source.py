"""Files as bytes: line tables, newline style and atomic writes.

Everything works on ``bytes`` so CRLF, stray non-UTF-8 bytes, tabs and a missing
final newline survive untouched; only deliberate edits change a file.
"""

from __future__ import annotations

import bisect
import os
import tempfile
from dataclasses import dataclass, field


@dataclass
class Source:
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


def read(path: str) -> Source:
    with open(path, "rb") as fh:
        return Source(path, fh.read())


def atomic_write(path: str, data: bytes) -> None:
    """Replace ``path`` with ``data`` through a temporary file and a rename.

    The file keeps its permission bits; a crash leaves either the old or the new
    content, never a mix, and the temporary file is removed on any error.
    """
    directory = os.path.dirname(os.path.abspath(path))
    mode = os.stat(path).st_mode & 0o7777 if os.path.exists(path) else 0o644
    fd, tmp = tempfile.mkstemp(prefix=".helperfix-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
