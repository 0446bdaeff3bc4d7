"""Diagnostics: one finding or error, printed in a stable, greppable form."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class Diagnostic:
    path: str
    line: int
    message: str
    level: str = "error"  # error | warning | note

    def render(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.level}: {self.message}"


def display(path: str) -> str:
    """A path as the user would type it: relative to the cwd when inside it."""
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def emit(diags: list[Diagnostic]) -> None:
    for d in diags:
        print(d.render(), file=sys.stderr)
