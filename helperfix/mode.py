"""The run's configuration, passed down explicitly instead of living in globals."""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import Enum

REWRITES = ("fallback", "annotate", "helpers-block", "atomic")


class Action(Enum):
    WRITE = "write"  # rewrite files in place
    DIFF = "diff"  # print a unified diff, write nothing
    CHECK = "check"  # write nothing, exit 1 if anything would change


@dataclass(frozen=True)
class Mode:
    root: str  # the kernel tree; nothing outside it is ever touched
    action: Action = Action.WRITE
    diff: bool = False  # print a diff (also with --check)
    style: str | None = None  # .clang-format to use; None: the tree's or ours
    jobs: int = os.cpu_count() or 1
    quiet: bool = False
    rewrites: frozenset[str] = frozenset(REWRITES)
    checkpatch: bool = True  # consult the tree's checkpatch.pl (see checkpatch.py)

    @property
    def writes(self) -> bool:
        return self.action is Action.WRITE
