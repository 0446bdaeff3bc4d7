"""Which patch of a series last added or changed each line of a file, so a
finding made on the series' result can name the patch it comes from."""

from __future__ import annotations

import difflib
import os


class Origins:
    def __init__(self) -> None:
        self._names: list[str] = []  # patch origins, in order
        self._maps: dict[str, list[int]] = {}  # per file: per line, index+1 (0: the tree)
        self._last: dict[str, int] = {}

    @staticmethod
    def read(root: str, rel: str) -> list[bytes]:
        try:
            with open(os.path.join(root, rel), "rb") as fh:
                return fh.read().splitlines()
        except OSError:
            return []

    def update(self, rel: str, before: list[bytes], after: list[bytes], origin: str) -> None:
        """Record that ``origin`` turned ``before`` into ``after``."""
        if not self._names or self._names[-1] != origin:
            self._names.append(origin)
        mark = len(self._names)
        old = self._maps.get(rel) or [0] * len(before)
        new = [mark] * len(after)
        matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                new[j1:j2] = old[i1:i2]
        self._maps[rel] = new
        self._last[rel] = mark

    def files(self) -> list[str]:
        return list(self._maps)

    def of(self, rel: str, span: tuple[int, int]) -> str | None:
        """The latest patch that changed a line of ``span`` (1-based,
        inclusive), or None when the series changed none of them."""
        lines = self._maps.get(rel, [])
        marks = [lines[n - 1] for n in range(span[0], span[1] + 1) if 0 < n <= len(lines)]
        best = max(marks, default=0)
        return self._names[best - 1] if best else None

    def last(self, rel: str) -> str:
        """The latest patch that touched the file."""
        return self._names[self._last[rel] - 1] if rel in self._last else ""
