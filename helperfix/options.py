"""Command-line options several commands share, defined once."""

from __future__ import annotations

import argparse
import os

# the largest upstream helper file is about 20 kB
MAX_FILE_SIZE = 1 << 20


def common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="helper files or folders (default: rust/helpers of the tree around the cwd)",
    )
    p.add_argument("--root", help="the kernel tree (default: found from PATH)")
    p.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="worker processes (default: all cores)",
    )
    p.add_argument(
        "--max-file-size",
        type=size,
        default=MAX_FILE_SIZE,
        metavar="BYTES",
        help="skip (and report) helper files larger than this; k/M suffixes "
        "(default: 1M; upstream's largest is about 20k)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress or summary on stderr")


def block_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--helpers-block",
        choices=("auto", "block", "plain"),
        default="auto",
        help="what helpers.c defines: the __BINDGEN__ block (__always_inline outside "
        "bindgen), or a plain empty #define for trees without helper inlining; auto "
        "(default) asks the tree's Kconfig for RUST_INLINE_HELPERS",
    )


def size(value: str) -> int:
    units = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
    v = value.strip().lower().removesuffix("b")
    try:
        n = int(v[:-1]) * units[v[-1]] if v and v[-1] in units else int(v)
    except ValueError:
        n = -1
    if n <= 0:
        raise argparse.ArgumentTypeError(f"not a size: {value!r} (e.g. 1048576, 512k, 1M)")
    return n
