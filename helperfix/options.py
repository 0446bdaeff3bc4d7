"""Command-line options several commands share, defined once."""

from __future__ import annotations

import argparse
import os

from .kernel.kconfig import HelpersBlock

# the largest upstream helper file is about 20 kB
MAX_FILE_SIZE = 1 << 20


FORMATS = ("text", "json", "sarif", "github")


def paths(p: argparse.ArgumentParser) -> None:
    """PATH... and --root, as every command that reads helper files takes them."""
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="helper files or folders (default: rust/helpers of the tree around the cwd)",
    )
    root(p)
    p.add_argument(
        "--max-file-size",
        type=size,
        default=MAX_FILE_SIZE,
        metavar="BYTES",
        help="skip (and report) helper files larger than this; k/M suffixes "
        "(default: 1M; upstream's largest is about 20k)",
    )


def root(p: argparse.ArgumentParser, what: str = "found from PATH, else the cwd") -> None:
    p.add_argument("--root", metavar="DIR", help=f"the kernel tree (default: {what})")


def jobs(p: argparse.ArgumentParser, what: str = "worker processes") -> None:
    p.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        metavar="N",
        help=f"{what} (default: all cores, {os.cpu_count() or 1} here)",
    )


def quiet(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-q", "--quiet", action="store_true", help="no progress on stderr (findings still shown)"
    )


def output_format(p: argparse.ArgumentParser, choices: tuple[str, ...] = FORMATS) -> None:
    p.add_argument(
        "--format",
        choices=choices,
        default="text",
        help="text (checkpatch-shaped), json, sarif (SARIF 2.1.0) or github (workflow "
        "annotations); default: text",
    )


def common(p: argparse.ArgumentParser) -> None:
    """What annotate and check share: paths, workers, -q."""
    paths(p)
    jobs(p)
    quiet(p)


def block_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--helpers-block",
        type=HelpersBlock,
        choices=list(HelpersBlock),
        default=HelpersBlock.AUTO,
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
