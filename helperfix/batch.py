"""Read and scan files in batches: one libclang parse lexes a whole batch."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .diagnostics import Diagnostic, display
from .lex import tokenize_many
from .scan import FileScan, scan
from .source import Source, read


@dataclass
class Scanned:
    path: str
    source: Source | None  # None: could not be read
    scan: FileScan | None
    error: Diagnostic | None  # unreadable or unscannable


def scan_paths(paths: list[str]) -> Iterator[Scanned]:
    sources: list[tuple[str, Source]] = []
    for path in paths:
        try:
            sources.append((path, read(path)))
        except OSError as e:
            yield Scanned(
                path, None, None, Diagnostic(display(path), 0, f"cannot read: {e.strerror}")
            )
    lexed = tokenize_many([src.data for _, src in sources]) if sources else []
    for (path, src), lx in zip(sources, lexed):
        fs = scan(src, lx)
        err = Diagnostic(display(path), fs.error.line, fs.error.message) if fs.error else None
        yield Scanned(path, src, fs, err)
