"""The command line of ``helperfix check``: the lint gate on a tree or on
patches, as checkpatch's contract has it (``-q``, ``--no-summary``,
``--terse``, ``--ignore``, ``--types``; b4 runs ``check -q --no-summary
--patch -`` per patch)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from ..diagnostics import ERROR, WARNING
from ..errors import Exit
from ..kernel.kconfig import helpers_block_for
from ..options import block_option, common, output_format
from ..tree import TreeError
from ..ui import Progress
from . import resolve
from .exports import exports_findings, exports_options


def _type_list(value: str) -> frozenset[str]:
    """--ignore/--types: known type names (case as checkpatch: any)."""
    from ..lint import types

    names = frozenset(x.strip().upper() for x in value.split(",") if x.strip())
    unknown = sorted(names - set(types()))
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown type {', '.join(unknown)!r} (helperfix check --list-types lists them)"
        )
    return names


def add_arguments(c: argparse.ArgumentParser) -> None:
    common(c)
    output_format(c)
    c.add_argument(
        "--no-summary",
        action="store_true",
        help="no 'total:' line (with -q and --patch -: b4's per-patch check command)",
    )
    c.add_argument(
        "--ignore",
        metavar="TYPES",
        type=_type_list,
        default=frozenset(),
        help="comma-separated finding types not to report (as checkpatch's --ignore)",
    )
    c.add_argument(
        "--types",
        metavar="TYPES",
        type=_type_list,
        default=frozenset(),
        help="report only these comma-separated finding types (as checkpatch's --types)",
    )
    c.add_argument(
        "--terse",
        action="store_true",
        help="one line per finding (always so; accepted as checkpatch's)",
    )
    c.add_argument(
        "--patch",
        metavar="FILE",
        help="check a patch, mail or mbox ('-': stdin); with --root DIR, applied to a copy "
        "of DIR's helpers first and checked in context",
    )
    c.add_argument(
        "--tree", dest="root", metavar="DIR", help="with --patch: the same as --root DIR"
    )
    c.add_argument(
        "--list-types", action="store_true", help="list every finding type with its level; exit"
    )
    c.add_argument(
        "--no-cache",
        action="store_true",
        help="parse every helper file, even those unchanged since the last check (whose "
        "results are otherwise reused; see docs/check.md)",
    )
    c.add_argument(
        "--exports",
        action="store_true",
        help="also predict modpost failures of inlined helpers (see 'helperfix exports')",
    )
    exports_options(c)
    block_option(c)


def run(args: argparse.Namespace) -> int:
    from ..lint.output import list_types, render

    if args.list_types:
        sys.stdout.write(list_types())
        return Exit.OK
    note = ""
    if args.patch is not None:
        from ..lint.patches.check import check_patch
        from ..lint.patches.diffs import PatchError

        if args.paths:
            raise TreeError("--patch takes no PATH (--root DIR checks it in that tree)")
        if args.exports:
            raise TreeError("--exports analyses a configured tree, not a patch")
        name = "<stdin>" if args.patch == "-" else args.patch
        try:
            with _patch_file(args.patch) as path:
                result = check_patch(path, os.path.basename(name), args.root, args.helpers_block)
        except OSError as e:
            raise TreeError(f"{args.patch}: {e.strerror}") from e
        except PatchError as e:
            print(f"{name}: error: {e}", file=sys.stderr)
            return Exit.ERROR
        findings, lines, bad = result.findings, result.lines, result.bad
        if result.mails > 1 or result.skipped:
            note = f"; {result.mails} mails, {result.skipped} without a diff (skipped)"
        note += result.note
    else:
        from ..lint.tree import check_helpers

        root, paths = resolve(args)
        block, _ = helpers_block_for(root, args.helpers_block)
        progress = Progress(args.quiet).files("checked")
        findings, lines, bad = check_helpers(
            root, paths, max(1, args.jobs), args.max_file_size, block, progress, not args.no_cache
        )
        more, failed = exports_findings(root, args)
        findings, bad = findings + more, bad or failed
    findings = _selected(findings, args.ignore, args.types)
    # as checkpatch: -q drops the total of a clean run, --no-summary every total
    summary = not args.no_summary and not (args.quiet and not findings)
    sys.stdout.write(render(args.format, findings, lines, note, summary))
    if bad:
        return Exit.ERROR
    return Exit.FOUND if any(f.level in (ERROR, WARNING) for f in findings) else Exit.OK


def _selected(findings: list, ignore: frozenset[str], only: frozenset[str]) -> list:
    """--ignore and --types.  Input errors are never hidden: a gate never
    passes what it could not read."""
    from ..lint import input_types

    kept = input_types()
    return [
        f
        for f in findings
        if f.type in kept or (f.type not in ignore and (not only or f.type in only))
    ]


@contextmanager
def _patch_file(arg: str) -> Iterator[str]:
    """The patch as a file: stdin is spooled to a temporary file in chunks,
    so that an mbox of any size is read one mail at a time."""
    if arg != "-":
        yield arg
        return
    import shutil  # only mails on stdin need these (start-up time)
    import tempfile

    with tempfile.NamedTemporaryFile(prefix="helperfix-stdin-", suffix=".mbox") as fh:
        shutil.copyfileobj(sys.stdin.buffer, fh, 1 << 20)
        fh.flush()
        yield fh.name
