"""What the tree's Kconfig says it can do: inline helpers or not, and so
what helpers.c must define; and whether the tree is one helperfix knows."""

from __future__ import annotations

import os
import re
from enum import Enum

from .paths import HELPERS, KCONFIGS, OLD_HELPERS

_INLINE = re.compile(rb"^config\s+RUST_INLINE_HELPERS\b", re.M)


class HelpersBlock(str, Enum):
    """What helpers.c defines ``__rust_helper`` as (``--helpers-block``)."""

    AUTO = "auto"  # ask the tree's Kconfig
    BLOCK = "block"  # the #ifdef __BINDGEN__ block: __always_inline outside bindgen
    PLAIN = "plain"  # a plain, empty #define: a tree without helper inlining

    def __str__(self) -> str:
        return self.value


def inlines_helpers(root: str) -> bool | None:
    """Whether the tree can inline helpers into Rust (its Kconfig declares
    RUST_INLINE_HELPERS); None when the tree has no Kconfig to tell."""
    found = False
    for rel in KCONFIGS:
        try:
            with open(os.path.join(root, rel), "rb") as fh:
                found = True
                if _INLINE.search(fh.read()):
                    return True
        except OSError:
            continue
    return False if found else None


def helpers_block_for(root: str, choice: HelpersBlock | str) -> tuple[HelpersBlock, str]:
    """What helpers.c gets (BLOCK or PLAIN) for ``--helpers-block choice``, and why."""
    choice = HelpersBlock(choice)
    if choice is not HelpersBlock.AUTO:
        return choice, f"--helpers-block {choice}"
    inline = inlines_helpers(root)
    if inline is None:
        why = "no Kconfig in this tree to tell; --helpers-block plain for older trees"
        return HelpersBlock.BLOCK, why
    if inline:
        return HelpersBlock.BLOCK, "the tree's Kconfig has RUST_INLINE_HELPERS"
    why = "the tree's Kconfig has no RUST_INLINE_HELPERS: helpers are not inlined"
    return HelpersBlock.PLAIN, why


def old_layout(root: str) -> str:
    """Why helperfix cannot work on ``root`` ("" when it can): before Linux
    6.11 the helpers lived in one rust/helpers.c."""
    if os.path.isfile(os.path.join(root, OLD_HELPERS)) and not os.path.isdir(
        os.path.join(root, HELPERS)
    ):
        return (
            f"{root}: this tree keeps its Rust helpers in one file, rust/helpers.c (Linux 6.10 "
            "and older); helperfix works on trees with a rust/helpers/ folder (Linux 6.11 and "
            "later)"
        )
    return ""
