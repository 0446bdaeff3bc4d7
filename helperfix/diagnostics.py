"""One diagnostic type for every command: annotate's errors, check's
findings, patch mode, series and exports all report ``Diagnostic``s, and the
emitters (``lint/output.py``, ``Diagnostic.render``) only render them.

A ``Diagnostic`` is made by calling its ``Type`` (every type is declared
once, in ``findings``): it holds the declaration itself, so a type that was
never declared cannot be emitted."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, replace

# Levels, as checkpatch names them.  ERROR: the tree will not build, is
# inconsistent, or could not be read; WARNING: a helper or the migration is
# incomplete; CHECK: a note that upstream tolerates.
ERROR, WARNING, CHECK = "ERROR", "WARNING", "CHECK"
_PLAIN = {ERROR: "error", WARNING: "warning", CHECK: "note"}


_DECLARED: dict[str, Type] = {}


@dataclass(frozen=True)
class Type:
    """A finding type: stable name, level, one-line description; ``input``
    types mean an input could not be read (a gate never passes them)."""

    name: str
    level: str
    description: str
    input: bool = False

    def __post_init__(self) -> None:
        if _DECLARED.setdefault(self.name, self) != self:
            raise ValueError(f"finding type {self.name} declared twice, differently")

    def __call__(
        self,
        path: str,
        line: int,
        message: str,
        *,
        column: int = 0,
        helper: str | None = None,
        origin: str = "",
        span: tuple[int, int] = (0, 0),
        level: str = "",
    ) -> Diagnostic:
        """A finding of this type (``level`` overrides the declared one where
        a policy decides it: exports' verdicts)."""
        return Diagnostic(path, line, message, self, column, helper, origin, span, level)


def declared() -> dict[str, Type]:
    """Every type declared so far, by name (``findings`` declares them all:
    ask ``lint.types()``, which imports it)."""
    return dict(sorted(_DECLARED.items()))


@dataclass(frozen=True)
class Diagnostic:
    """One finding at a path and line, of a declared type."""

    path: str  # as shown: relative to the kernel root (check) or the cwd (annotate)
    line: int  # 1-based; 0 for the whole file
    message: str
    kind: Type  # its declaration (``helperfix check --list-types``)
    column: int = 0
    helper: str | None = None
    origin: str = ""  # where it came from: a patch's file name or subject
    span: tuple[int, int] = (0, 0)  # first and last line of the declaration (not shown)
    level: str = ""  # the kind's level unless a policy decided otherwise

    def __post_init__(self) -> None:
        if not isinstance(self.kind, Type):
            raise TypeError(f"a Diagnostic needs a declared Type, not {self.kind!r}")
        if not self.level:
            object.__setattr__(self, "level", self.kind.level)
        elif self.level not in _PLAIN:
            raise ValueError(f"a Diagnostic's level is ERROR, WARNING or CHECK, not {self.level!r}")

    @property
    def type(self) -> str:
        """The stable type name."""
        return self.kind.name

    def retyped(self, kind: Type, message: str) -> Diagnostic:
        """The same finding, as another type (patch mode re-reads a tree's)."""
        return replace(self, kind=kind, message=message, level=kind.level)

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def render(self) -> str:
        """The compiler-style form annotate and list print on stderr."""
        return f"{self.where}: {_PLAIN[self.level]}: {self.message}"


def display(path: str) -> str:
    """A path as the user would type it: relative to the cwd when inside it."""
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def unique(diags: list[Diagnostic]) -> list[Diagnostic]:
    """Without repeats: a fallback's warning comes once per run, however many
    batches or workers met it."""
    return list(dict.fromkeys(diags))


def emit(diags: list[Diagnostic]) -> None:
    for d in unique(diags):
        print(d.render(), file=sys.stderr)
