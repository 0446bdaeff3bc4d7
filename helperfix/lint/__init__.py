"""Lint rules for ``helperfix check``: one small module per concern.

Each module registers its rule functions with ``@rule(...)``, declaring the
types they emit (stable checkpatch-style names), each with its level and a
one-line description; ``helperfix check --list-types`` prints them from here.
File rules see one scanned file at a time, ``(FileScan, FileContext)``; tree
rules see the whole tree's summary, ``(TreeContext)``; both yield
``Diagnostic``s.  Adding a rule means adding one module here.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from .. import findings  # noqa: F401  (every type is declared there)
from ..diagnostics import Diagnostic, Type, declared
from ..kernel.kconfig import HelpersBlock

if TYPE_CHECKING:  # only types: ``--help`` and the parser must not load libclang
    from ..c.scan import FileScan
    from ..c.source import Source
    from ..generator import AtomicPair


class FileContext(NamedTuple):
    rel: str  # the file's path relative to the kernel root


@dataclass
class TreeContext:
    """What the tree rules see.  File rules see one scan at a time, so memory
    stays flat however many files a tree holds."""

    root: str
    whole_tree: bool = False  # the whole rust/helpers folder is being checked
    files: list[str] = field(default_factory=list)  # every scanned file, relative
    helpers: FileScan | None = None  # rust/helpers/helpers.c
    includes: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # '#include "x.c"'s
    atomic: AtomicPair | None = None  # the generator run, started early
    helpers_block: HelpersBlock = HelpersBlock.BLOCK  # what helpers.c should define
    # per file: (line, helper, how many) of its helpers marked __rust_helper
    annotated: dict[str, tuple[int, str, int]] = field(default_factory=dict)
    defined: bool = False  # some scanned file defines __rust_helper

    def abspath(self, rel: str) -> str:
        return os.path.join(self.root, rel)


FileRule = Callable[["FileScan", FileContext], Iterable[Diagnostic]]
TreeRule = Callable[[TreeContext], Iterable[Diagnostic]]


class Rule(NamedTuple):
    name: str  # module.function
    scope: str  # "file" or "tree"
    types: tuple[Type, ...]
    fn: FileRule | TreeRule


_RULES: list[Rule] = []
_loaded = False


def rule(scope: str, *types: Type) -> Callable[[Callable], Callable]:
    """Register the decorated function as a ``scope`` ("file" or "tree")
    rule that emits ``types`` (declared in ``findings``)."""

    def register(fn: Callable) -> Callable:
        name = f"{fn.__module__.rsplit('.', 1)[-1]}.{fn.__name__}"
        _RULES.append(Rule(name, scope, types, fn))
        return fn

    return register


def _load() -> None:
    """Import every module of this package once (a module imported earlier
    for its helpers has registered its rules already)."""
    global _loaded
    if not _loaded:
        for m in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
            importlib.import_module(f"{__name__}.{m.name}")
        _loaded = True


def rules(scope: str) -> list[Rule]:
    _load()
    return [r for r in _RULES if r.scope == scope]


def types() -> dict[str, Type]:
    """Every finding type helperfix emits, by name."""
    return declared()


def input_types() -> set[str]:
    """Types that mean an input could not be read: a gate never passes them."""
    return {t.name for t in declared().values() if t.input}


def column(src: Source, offset: int) -> int:
    return offset - src.line_start(src.line_of(offset)) + 1
