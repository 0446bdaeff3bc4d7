"""Where things are in a kernel tree, and the annotation's spelling: plain
constants, the bottom of the package (the C front end reads them too)."""

from __future__ import annotations

import os

ANNOTATION = b"__rust_helper"
HELPERS = os.path.join("rust", "helpers")
HELPERS_C = os.path.join(HELPERS, "helpers.c")
HELPERS_O = os.path.join(HELPERS, "helpers.o")
HELPERS_CMD = os.path.join(HELPERS, ".helpers.o.cmd")  # Kbuild's record of its command
OLD_HELPERS = os.path.join("rust", "helpers.c")  # where helpers lived before 6.11
GENERATOR = os.path.join("scripts", "atomic", "gen-rust-atomic-helpers.sh")
TABLE = os.path.join("scripts", "atomic", "atomics.tbl")
ATOMIC_C = os.path.join(HELPERS, "atomic.c")
ATOMIC_DIR = os.path.join("scripts", "atomic")
# Where upstream declares helper inlining (RUST_INLINE_HELPERS, lib/Kconfig.debug).
KCONFIGS = (os.path.join("lib", "Kconfig.debug"), os.path.join("init", "Kconfig"), "Kconfig")
MAINTAINERS = "MAINTAINERS"
CHECKPATCH = os.path.join("scripts", "checkpatch.pl")
GET_MAINTAINER = os.path.join("scripts", "get_maintainer.pl")


def is_helper_path(rel: str) -> bool:
    """Whether a path relative to the kernel root names a helper file."""
    return rel.endswith(".c") and rel.startswith(HELPERS + os.sep)
