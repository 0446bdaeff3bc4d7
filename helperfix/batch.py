"""Read and scan files in batches: one libclang parse lexes a whole batch,
and batches spread over worker processes on large trees."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import NamedTuple, TypeVar

from . import signals
from .c.scan import FileScan, scan_many
from .c.source import Source
from .diagnostics import Diagnostic, display
from .files import read
from .findings import PARSE_ERROR, READ_ERROR, TOO_LARGE
from .options import MAX_FILE_SIZE

BATCH = 200  # files per batch: bounds memory, amortises a libclang parse
T = TypeVar("T")
R = TypeVar("R")


class Scanned(NamedTuple):
    """A file read and scanned, or why it could not be."""

    path: str
    source: Source | None  # None: could not be read
    scan: FileScan | None
    error: Diagnostic | None  # unreadable or unscannable


def cannot_read(path: str, e: OSError) -> Diagnostic:
    return READ_ERROR(display(path), 0, f"cannot read: {e.strerror}")


def too_large(path: str, size: int, limit: int) -> Diagnostic:
    msg = f"too large ({size} bytes > {limit}); skipped (--max-file-size)"
    return TOO_LARGE(display(path), 0, msg)


def read_paths(
    paths: list[str], max_size: int = MAX_FILE_SIZE
) -> tuple[list[Source], list[Scanned]]:
    """Read files: their sources, and the files that could not be read with
    why; a file over ``max_size`` bytes is reported and never read, so
    memory stays bounded."""
    sources: list[Source] = []
    failed: list[Scanned] = []
    for path in paths:
        try:
            size = os.stat(path).st_size
            if size > max_size:
                failed.append(Scanned(path, None, None, too_large(path, size, max_size)))
                continue
            sources.append(read(path))
        except OSError as e:
            failed.append(Scanned(path, None, None, cannot_read(path, e)))
    return sources, failed


def scan_sources(sources: list[Source]) -> Iterator[Scanned]:
    """Scan files already read (one libclang parse for all of them)."""
    for fs in scan_many(sources):
        path = fs.source.path
        err = PARSE_ERROR(display(path), fs.error.line, fs.error.message) if fs.error else None
        yield Scanned(path, fs.source, fs, err)


def scan_paths(paths: list[str], max_size: int = MAX_FILE_SIZE) -> Iterator[Scanned]:
    """Read and scan files: those that cannot be read first, then the rest."""
    sources, failed = read_paths(paths, max_size)
    yield from failed
    yield from scan_sources(sources)


def split(items: list[T], jobs: int, parallel_min: int) -> list[list[T]]:
    """Batches of at most BATCH items; below ``parallel_min`` items (where
    worker start-up costs more than it saves) or with one job, full ones,
    else small enough to give every core several."""
    if jobs <= 1 or len(items) < parallel_min:
        size = BATCH
    else:
        size = max(1, min(BATCH, -(-len(items) // (jobs * 4))))
    return [items[i : i + size] for i in range(0, len(items), size)]


def parallel(fn: Callable[[list[T]], R], batches: list[list[T]], jobs: int) -> Iterator[R]:
    """``fn`` over the batches, in order, in ``jobs`` forked workers when
    there is more than one batch to share."""
    if jobs <= 1 or len(batches) <= 1:
        yield from map(fn, batches)
        return
    from multiprocessing import get_context  # only trees of several batches need it

    with get_context("fork").Pool(jobs, initializer=signals.worker_init) as pool:
        yield from pool.imap(fn, batches)


def counted(
    results: Iterator[R],
    batches: list[list[T]],
    total: int,
    progress: Callable[[int, int], None] | None,
) -> Iterator[R]:
    """The batches' results, calling ``progress(done, total)`` after each
    (not once interrupted: the run is winding down)."""
    done = 0
    for batch, result in zip(batches, results):
        done += len(batch)
        if progress is not None and not signals.pending():
            progress(done, total)
        yield result
