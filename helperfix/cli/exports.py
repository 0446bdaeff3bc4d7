"""The command line of ``helperfix exports`` and of ``check --exports``.

The analysis (libclang and friends) is imported only when a command runs:
building the parser must stay cheap for every other command."""

from __future__ import annotations

import argparse
import os
import sys

from ..diagnostics import emit
from ..errors import Exit
from ..kernel.paths import HELPERS_C
from ..options import jobs, output_format, quiet, root
from ..tree import TreeError, find_root
from ..ui import Progress


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
    p.add_argument(
        "--llvm",
        metavar="VALUE",
        help="Kbuild's LLVM= (1, -19, /usr/lib/llvm-19/bin/; default: $LLVM, else clang, "
        "else the one clang-N on PATH)",
    )
    p.add_argument(
        "--arch", metavar="ARCH", help="Kbuild's ARCH= (default: $ARCH, else the host's)"
    )
    p.add_argument(
        "--assume-inline",
        action="store_true",
        help="judge as on a tree that inlines helpers (errors, not predictions)",
    )


def add_arguments(e: argparse.ArgumentParser) -> None:
    root(e, "found from the cwd")
    exports_options(e)
    output_format(e)
    jobs(e, "make -j for helperfix's own builds")
    quiet(e)
    e.add_argument(
        "--fix", action="store_true", help="write the patches that export what is not exported"
    )
    e.add_argument(
        "-o",
        "--output-directory",
        dest="outdir",
        metavar="DIR",
        help="with --fix: where the patches go (default: outgoing)",
    )
    e.add_argument("--diff", action="store_true", help="with --fix: print the change instead")
    e.add_argument(
        "--clean-cache", action="store_true", help="remove helperfix's cached builds; exit"
    )


def _options(args: argparse.Namespace):
    from ..exports.analysis import ExportsOptions

    return ExportsOptions(
        args.build_dir,
        args.compile_commands,
        args.symvers,
        tuple(args.configs),
        max(1, args.jobs),
        args.llvm,
        args.arch,
        args.assume_inline,
    )


def exports_findings(root: str, args: argparse.Namespace) -> tuple[list, bool]:
    """check --exports: the verdicts as findings; a tree that cannot be
    configured or parsed is an input error (the gate fails with status 2).
    Without --exports: nothing, and the exports options are refused."""
    if not args.exports:
        given = [
            args.build_dir,
            args.compile_commands,
            args.symvers,
            args.configs,
            args.llvm,
            args.arch,
            args.assume_inline,
        ]
        if any(given):
            raise TreeError(
                "--build-dir, --compile-commands, --symvers, --config, --llvm, --arch and "
                "--assume-inline go with --exports"
            )
        return [], False
    from ..exports import report
    from ..exports.analysis import ExportsError, analyse
    from ..findings import EXPORTS_UNAVAILABLE

    say = Progress(args.quiet)
    try:
        result = analyse(root, _options(args), lambda m: say(f"exports: {m}"))
    except ExportsError as e:
        return [EXPORTS_UNAVAILABLE(HELPERS_C, 0, str(e))], True
    say(f"exports: {result.policy.why}")
    return report.diagnostics(result.findings, result.policy.predict), False


def run(args: argparse.Namespace) -> int:
    from ..exports import report
    from ..exports.analysis import ExportsError, analyse

    say = Progress(args.quiet)
    if args.clean_cache:
        from ..exports.build import clean_cache

        clean_cache(Progress(False))
        return Exit.OK
    if (args.diff or args.outdir) and not args.fix:
        raise TreeError("--diff and -o go with --fix")
    root = os.path.abspath(args.root) if args.root else find_root(os.getcwd())
    try:
        result = analyse(root, _options(args), say)
    except ExportsError as e:
        print(f"helperfix: error: {e}", file=sys.stderr)
        return Exit.ERROR
    if args.fix:
        return _fix(root, result, args, say)
    sys.stdout.write(report.render(args.format, result))
    return Exit.FOUND if report.failed(result) else Exit.OK


def _fix(root: str, result, args: argparse.Namespace, say: Progress) -> int:
    """The patches (or with --diff the change) exporting what is not
    exported; 1 when something is left to do by hand."""
    from ..exports import fix
    from ..files import unified_diff
    from ..series.git import SeriesError

    fixes, by_hand = fix.fixes_for(root, result.findings)
    emit(by_hand)
    if not fixes:
        say("nothing to export" if not by_hand else "nothing patched")
    elif args.diff:
        out = sys.stdout.buffer
        for f in fixes:
            out.write(unified_diff(f.path, f.old, f.new))
        out.flush()
    else:
        from ..exports.patches import write

        outdir = args.outdir or "outgoing"
        try:
            files, notes = write(root, fixes, outdir, max(1, args.jobs))
        except SeriesError as e:
            print(f"helperfix: error: {e}", file=sys.stderr)
            return Exit.ERROR
        emit(notes)
        for f in files:
            print(f)
        say(f"next: git send-email {os.path.join(outdir, '*')} (each patch carries its To/Cc)")
    return Exit.FOUND if by_hand else Exit.OK
