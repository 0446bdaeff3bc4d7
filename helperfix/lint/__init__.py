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
    """What the tree-wide rules see.  Per-file rules see one scan at a time, so
    memory stays flat however many files a tree holds."""

    root: str
    tree: bool = False  # the whole rust/helpers folder is being checked
    files: list[str] = field(default_factory=list)  # every scanned file, relative
    helpers: FileScan | None = None  # rust/helpers/helpers.c
    includes: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # '#include "x.c"'s
    atomic: Pending | None = None  # the generator run, started early

    def abspath(self, rel: str) -> str:
        return os.path.join(self.root, rel)


FileRule = Callable[[str, FileScan], Iterable[Finding]]
TreeRule = Callable[[Context], Iterable[Finding]]


def file_rules() -> list[FileRule]:
    from . import fallbacks, missing_annotation

    return [missing_annotation.check_file, fallbacks.check_file]


def tree_rules() -> list[TreeRule]:
    from . import atomic, bindgen_block, fallbacks, includes

    return [fallbacks.check_tree, bindgen_block.check_tree, atomic.check_tree, includes.check_tree]


def column(src: Source, offset: int) -> int:
    return offset - src.line_start(src.line_of(offset)) + 1
