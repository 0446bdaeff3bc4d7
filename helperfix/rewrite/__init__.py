"""Rewrites: each small module turns a scanned file into byte-range edits.

Every rewrite is one module that registers itself with ``@rewrite(...)``: its
name, a one-line description, the files it applies to and its place in the
order; all share one signature, ``(FileScan, Context) -> list[Edit]``.
Adding a rewrite means adding one module here.

An edit replaces ``data[start:end]`` with ``text``.  Edits that touch a
declaration carry a clang-format chunk; the format stage may replace their text
with the re-wrapped version, and keeps the plain insertion when it cannot prove
the re-wrap changed whitespace only.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from ..c.scan import FileScan
from ..clangformat import Chunk
from ..diagnostics import Diagnostic, Type, display
from ..kernel.kconfig import HelpersBlock

if TYPE_CHECKING:  # annotate --only annotate never loads the generator
    from ..generator import AtomicPair


@dataclass
class Edit:
    """Replace bytes start..end of a file with text (re-wrapped when chunk is set)."""

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


@dataclass
class Context:
    """What a rewrite may ask besides the scanned file, and where it reports."""

    rel: str  # the file's path relative to the kernel root
    root: str | None = None  # None: an in-memory source (``annotate_source``)
    atomic: AtomicPair | None = None  # the generator runs (the atomic pair only)
    helpers_block: HelpersBlock = HelpersBlock.BLOCK  # what helpers.c gets
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def shown(self, rel: str | None = None) -> str:
        """A tree path as diagnostics show it (relative to the cwd)."""
        rel = self.rel if rel is None else rel
        return display(os.path.join(self.root, rel)) if self.root else rel

    def report(self, kind: Type, line: int, message: str, rel: str | None = None) -> None:
        self.diagnostics.append(kind(self.shown(rel), line, message))


Applies = Callable[[str, bytes], bool]  # (path relative to the root, content)
RewriteFn = Callable[[FileScan, Context], list[Edit]]


class Rewrite(NamedTuple):
    """A registered rewrite: its name, function, order and the files it targets."""

    name: str
    description: str
    fn: RewriteFn
    order: int  # position in the pipeline (and in --only's listing)
    applies: Applies | None = None  # per-file rewrites: which helper files
    targets: tuple[str, ...] = ()  # tree rewrites: the files they plan, in order
    default: bool = True  # run unless --only names others

    @property
    def tree(self) -> bool:
        """Planned after every helper file, on its ``targets`` read as plain
        bytes (not scanned as C, not token-proven), when the run covers one."""
        return bool(self.targets)


_REGISTRY: dict[str, Rewrite] = {}
_loaded = False


def rewrite(
    name: str,
    description: str,
    order: int,
    *,
    applies: Applies | None = None,
    targets: tuple[str, ...] = (),
    default: bool = True,
) -> Callable[[RewriteFn], RewriteFn]:
    """Register the decorated function as the rewrite ``name``."""

    def register(fn: RewriteFn) -> RewriteFn:
        if name in _REGISTRY:
            raise ValueError(f"rewrite {name} registered twice")
        _REGISTRY[name] = Rewrite(name, description, fn, order, applies, targets, default)
        return fn

    return register


def registry() -> dict[str, Rewrite]:
    """Every rewrite, in pipeline order (the modules of this package are
    imported on first use)."""
    global _loaded
    if not _loaded:
        for m in pkgutil.iter_modules(__path__):
            importlib.import_module(f"{__name__}.{m.name}")
        _loaded = True
    return dict(sorted(_REGISTRY.items(), key=lambda kv: kv[1].order))


def defaults() -> frozenset[str]:
    return frozenset(n for n, r in registry().items() if r.default)
