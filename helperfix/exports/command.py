"""The command line of ``helperfix exports`` and of ``check --exports``."""

from __future__ import annotations

import argparse
import os
import sys

from ..diagnostics import ERROR, Diagnostic
from ..kernel import HELPERS_C
from ..tree import TreeError, find_root
from ..ui import Progress
from . import ExportsError, Options, analyse, report, verdict


def exports_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--build-dir", metavar="DIR", help="a configured build (O=) to take flags from")
    p.add_argument(
        "--compile-commands", metavar="FILE", help="compile_commands.json holding helpers.c"
    )
    p.add_argument("--symvers", metavar="FILE", help="Module.symvers of a full build (exact)")
    p.add_argument(
        "--config",
        dest="configs",
        action="append",
        default=[],
        metavar="defconfig|FILE",
        help="configure helperfix's cached build from this make target or .config "
        "(default: defconfig); may be given several times",
    )


def exports_args(e: argparse.ArgumentParser) -> None:
    e.add_argument("--root", help="the kernel tree (default: found from the cwd)")
    exports_options(e)
    e.add_argument("--format", choices=("text", "json", "sarif", "github"), default="text")
    e.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    e.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")


def _options(args: argparse.Namespace):
    return Options(
        args.build_dir,
        args.compile_commands,
        args.symvers,
        tuple(args.configs),
        max(1, args.jobs),
    )


def exports_findings(root: str, args: argparse.Namespace) -> tuple[list, bool]:
    """check --exports: the verdicts as findings; a tree that cannot be
    configured or parsed is an input error (the gate fails with status 2).
    Without --exports: nothing, and the exports options are refused."""
    from ..lint.exports import UNAVAILABLE

    if not args.exports:
        given = args.build_dir or args.compile_commands or args.symvers or args.configs
        if given:
            raise TreeError(
                "--build-dir, --compile-commands, --symvers and --config go with --exports"
            )
        return [], False
    say = Progress(args.quiet)
    try:
        result = analyse(root, _options(args), lambda m: say(f"exports: {m}"))
    except ExportsError as e:
        return [Diagnostic(HELPERS_C, 0, str(e), ERROR, UNAVAILABLE.name)], True
    return report.diagnostics(result.findings), False


def cmd_exports(args: argparse.Namespace) -> int:
    root = os.path.abspath(args.root) if args.root else find_root(os.getcwd())
    say = Progress(args.quiet)
    try:
        result = analyse(root, _options(args), say)
    except ExportsError as e:
        print(f"helperfix: error: {e}", file=sys.stderr)
        return 2
    sys.stdout.write(
        report.render(args.format, result.findings, result.helpers, result.traps_left_out)
    )
    bad = any(f.status == verdict.NOT_EXPORTED for f in result.findings)
    return 1 if bad else 0  # as every command: found, or clean
