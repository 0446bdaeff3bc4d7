"""Lint rules for ``helperfix check``: one small module per rule.

Every finding has a stable type name (checkpatch style) and a level:
ERROR (the tree will not build or is inconsistent), WARNING (a helper or the
migration is incomplete) or CHECK (a low-level note that upstream tolerates).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ..rewrite.atomic import Pending
from ..scan import FileScan
from ..source import Source

ERROR, WARNING, CHECK = "ERROR", "WARNING", "CHECK"


@dataclass(frozen=True)
class Finding:
    path: str  # relative to the kernel root
    line: int  # 1-based; 0 for the whole file
    level: str
    type: str
    message: str
    column: int = 0
    helper: str | None = None
    span: tuple[int, int] = (0, 0)  # first and last line of the declaration (not shown)


@dataclass
class Context:
    """What the rules see: the scanned files, by path relative to the root."""

    root: str
    scans: dict[str, FileScan] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    tree: bool = False  # the whole rust/helpers folder is being checked
    atomic: Pending | None = None  # the generator run, started early

    def abspath(self, rel: str) -> str:
        return os.path.join(self.root, rel)


Rule = Callable[[Context], Iterable[Finding]]


def rules() -> list[Rule]:
    from . import atomic, bindgen_block, fallbacks, includes, missing_annotation

    return [
        missing_annotation.check,
        fallbacks.check,
        bindgen_block.check,
        atomic.check,
        includes.check,
    ]


def column(src: Source, offset: int) -> int:
    return offset - src.line_start(src.line_of(offset)) + 1
