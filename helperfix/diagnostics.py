"""One diagnostic type for every command: annotate's errors, check's
findings, patch mode and series all report ``Diagnostic``s, and the emitters
(``lint/output.py``, ``Diagnostic.render``) only render them."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

# Levels, as checkpatch names them.  ERROR: the tree will not build, is
# inconsistent, or could not be read; WARNING: a helper or the migration is
# incomplete; CHECK: a note that upstream tolerates.
ERROR, WARNING, CHECK = "ERROR", "WARNING", "CHECK"
_PLAIN = {ERROR: "error", WARNING: "warning", CHECK: "note"}


@dataclass(frozen=True)
class Diagnostic:
    path: str  # as shown: relative to the kernel root (check) or the cwd (annotate)
    line: int  # 1-based; 0 for the whole file
    message: str
    level: str
    type: str  # stable type name, declared by a rule (``helperfix check --list-types``)
    column: int = 0
    helper: str | None = None
    origin: str = ""  # where it came from: a patch's file name or subject
    span: tuple[int, int] = (0, 0)  # first and last line of the declaration (not shown)

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def render(self) -> str:
        """The compiler-style form annotate and list print on stderr."""
        return f"{self.where}: {_PLAIN[self.level]}: {self.message}"


def parse_error(shown: str, line: int, message: str) -> Diagnostic:
    """A file that cannot be read as C (and so is never touched)."""
    return Diagnostic(shown, line, message, ERROR, "PARSE_ERROR")


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
