"""A run's configuration, passed down instead of living in globals.

As black separates ``Mode`` from ``WriteBack``: ``Mode`` is policy (what the
rewrite produces), ``WriteBack`` is what happens to the result.  Neither
knows about files, processes or the terminal.
"""

from __future__ import annotations

from enum import Enum
from typing import NamedTuple

from .kernel.kconfig import HelpersBlock


class Mode(NamedTuple):
    """The policy of an annotate run, passed down instead of globals."""

    rewrites: frozenset[str] | None = None  # None: every rewrite that runs by default
    style: str | None = None  # .clang-format to use; None: the tree's, else helperfix's
    checkpatch: bool = True  # consult the tree's checkpatch.pl (see checkpatch.py)
    helpers_block: HelpersBlock = HelpersBlock.BLOCK  # what helpers.c defines


class WriteBack(Enum):
    YES = "write"  # rewrite files in place
    DIFF = "diff"  # print a unified diff, write nothing
    CHECK = "check"  # write nothing; exit 1 if anything would change
    CHECK_DIFF = "check-diff"  # both of the above

    @property
    def writes(self) -> bool:
        return self is WriteBack.YES

    @property
    def diff(self) -> bool:
        return self in (WriteBack.DIFF, WriteBack.CHECK_DIFF)

    @property
    def check(self) -> bool:
        return self in (WriteBack.CHECK, WriteBack.CHECK_DIFF)

    @classmethod
    def from_flags(cls, check: bool, diff: bool) -> WriteBack:
        if check:
            return cls.CHECK_DIFF if diff else cls.CHECK
        return cls.DIFF if diff else cls.YES
