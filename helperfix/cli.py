"""Command line: parse arguments, build a Mode and a Job, hand over to the
stages, report.

Exit status (all commands): 0 done or clean, 1 something to change or report,
2 bad input or usage.  Diagnostics go to stderr as ``path:line: level: text``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import fields, replace

from . import __version__, signals
from .diagnostics import ERROR, emit, unique
from .errors import UsageError
from .exports.command import cmd_exports, exports_args
from .kernel import HELPERS, HELPERS_C, defines_anywhere, helpers_block_for, old_layout
from .lint.command import check_args, cmd_check
from .mode import Mode, WriteBack
from .options import block_option, common
from .tree import ScopeError, TreeError, find_root, helper_files
from .ui import Progress

EXIT_OK, EXIT_FOUND, EXIT_ERROR = 0, 1, 2


def _rewrite_names() -> list[str]:
    from .rewrite import registry

    return [n if r.default else f"{n} (not by default)" for n, r in registry().items()]


def _rewrite_list(value: str) -> frozenset[str]:
    """--only's value: known rewrite names, else a usage error."""
    from .rewrite import registry

    names = frozenset(x.strip() for x in value.split(",") if x.strip())
    unknown = sorted(names - set(registry()))
    if unknown or not names:
        known = ", ".join(registry())
        raise argparse.ArgumentTypeError(f"unknown rewrite {', '.join(unknown)!r} (known: {known})")
    return names


def _annotate_args(a: argparse.ArgumentParser) -> None:
    common(a)
    a.add_argument("--diff", action="store_true", help="print a unified diff; write nothing")
    a.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if anything would change"
    )
    a.add_argument("--style", help="clang-format style file (default: the tree's .clang-format)")
    a.add_argument(
        "--no-checkpatch",
        action="store_true",
        help="keep annotations on the declaration line even where the tree's checkpatch.pl "
        "would flag the re-emitted line",
    )
    a.add_argument(
        "--only",
        metavar="LIST",
        type=_rewrite_list,
        help="comma-separated rewrites to run: " + ", ".join(_rewrite_names()),
    )
    block_option(a)


def _series_args(se: argparse.ArgumentParser) -> None:
    se.add_argument("--base", default="HEAD", help="commit to build the series on (default: HEAD)")
    se.add_argument(
        "-o", "--output-directory", dest="outdir", default="outgoing", help="where the patches go"
    )
    se.add_argument("--branch", help="branch to create (default: rust-helper-annotations[-vN])")
    se.add_argument(
        "-v", "--reroll-count", dest="version", type=int, help="series version (format-patch -v)"
    )
    se.add_argument("--group-by", choices=("file", "maintainer"), default="file")
    se.add_argument(
        "--dry-run", action="store_true", help="show the series; create no branch or files"
    )
    se.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    se.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    se.add_argument(
        "--b4", action="store_true", help="make the branch b4-prep-managed (then: b4 send)"
    )
    se.add_argument("--subject-prefix", help="as git format-patch (default: PATCH)")
    se.add_argument("--rfc", action="store_true", help="mark the series [RFC PATCH]")
    se.add_argument("--in-reply-to", metavar="MSGID", help="thread the cover under this mail")
    se.add_argument("--to", action="append", default=[], help="add a To: to every mail")
    se.add_argument("--cc", action="append", default=[], help="add a Cc: to every mail")
    se.add_argument(
        "--exports",
        action="store_true",
        help="first, patches exporting what inlined helpers reach (see 'helperfix exports --fix')",
    )
    block_option(se)


def _list_args(ls: argparse.ArgumentParser) -> None:
    common(ls)
    ls.add_argument("--json", action="store_true", help="JSON instead of text")


_COMMANDS = {
    "annotate": ("add __rust_helper to every helper definition", _annotate_args),
    "check": ("lint gate: report what is not migrated (tree or patch)", check_args),
    "series": ("the migration as a mailing-list patch series (git tree)", _series_args),
    "list": ("inventory of helper definitions", _list_args),
    "exports": ("predict modpost failures of inlined helpers (configured tree)", exports_args),
}


DESCRIPTION = (
    "Annotate the Linux kernel's Rust C helpers (rust/helpers/*.c) with __rust_helper, "
    "gate trees and patches on it, send the migration as a series, and predict the "
    "build failures that inlining helpers causes."
)


def _parser(
    wanted: str | None = None,
) -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The parser.  Only the subcommand ``wanted`` (all, when None) gets its
    options: some of them are built from registries whose import loads
    libclang, which ``helperfix --version`` and ``--help`` never need."""
    p = argparse.ArgumentParser(prog="helperfix", description=DESCRIPTION)
    p.add_argument("--version", action="version", version=f"helperfix {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    subs = {}
    for name, (help_text, add_args) in _COMMANDS.items():
        subs[name] = sub.add_parser(name, help=help_text, description=help_text)
        if wanted in (None, name):
            add_args(subs[name])
    return p, subs


def parse(argv: list[str] | None) -> argparse.Namespace:
    """The arguments; an unknown option is reported with its subcommand's usage."""
    words = sys.argv[1:] if argv is None else argv
    wanted = next((w for w in words if w in _COMMANDS), "")
    p, subs = _parser(wanted)
    args, extra = p.parse_known_args(argv)
    if extra:
        subs[args.command].error(f"unrecognized arguments: {' '.join(extra)}")
    return args


def _resolve(args: argparse.Namespace) -> tuple[str, list[str]]:
    paths = args.paths
    if args.root:
        root = os.path.abspath(args.root)
        if not os.path.isdir(root):
            raise TreeError(f"{args.root}: not a directory")
        if old_layout(root):
            raise TreeError(old_layout(root))
    else:
        root = find_root(paths[0] if paths else os.getcwd())
    if not paths:
        paths = [os.path.join(root, HELPERS)]
    return root, paths


def cmd_annotate(args: argparse.Namespace) -> int:
    from . import engine

    root, paths = _resolve(args)
    rewrites = args.only or Mode().rewrites
    block, why = helpers_block_for(root, args.helpers_block)
    mode = Mode(rewrites, args.style, not args.no_checkpatch, block)
    write_back = WriteBack.from_flags(args.check, args.diff)
    job = engine.Job(root, mode, write_back, max(1, args.jobs), args.max_file_size)
    _check_style(args.style)
    files, diags = helper_files(paths, root)
    progress = Progress(args.quiet)
    out = sys.stdout.buffer
    written: list[str] = []

    def show(o: engine.Outcome) -> None:
        if o.diff:
            out.write(o.diff)
        if o.changed and write_back.writes:
            written.append(o.path)

    helpers_c = os.path.join(root, HELPERS_C)
    # the subset's own fallbacks go: will the tree still define the macro?
    removed = frozenset(files) if "fallback" in rewrites else frozenset()
    undefined = helpers_c not in files and not defines_anywhere(root, removed)
    outcomes = engine.run(files, job, show, progress.files("annotated"))
    marked = any(o.annotated or (o.definitions and "annotate" in rewrites) for o in outcomes)
    if undefined and marked and not signals.pending() and os.path.isfile(helpers_c):
        # annotated helpers in a tree that defines __rust_helper nowhere would not
        # build: helpers.c gets its definition in the same run
        define = Mode(frozenset({"helpers-block"}), args.style, False, block)
        more = engine.run([helpers_c], replace(job, mode=define), show)
        outcomes += more
        if any(o.changed for o in more):
            what = "the __BINDGEN__ block" if block == "block" else "a plain #define __rust_helper"
            progress(
                f"helpers.c: {what} added too: the tree defined __rust_helper nowhere, and "
                "annotated helpers would not build without it"
            )
    out.flush()
    for o in outcomes:
        diags.extend(o.diagnostics)
    diags = unique(diags)
    emit(diags)
    if signals.pending():
        return _interrupted(written, progress)
    errors = sum(d.level == ERROR for d in diags)
    changed = sum(o.changed for o in outcomes)
    helpers = sum(o.definitions for o in outcomes)
    todo = sum(o.definitions - o.annotated for o in outcomes)
    verb = "rewrote" if write_back.writes else "would rewrite"
    if os.path.join(root, HELPERS_C) in files and "helpers-block" in rewrites:
        what = "the __BINDGEN__ block" if block == "block" else "a plain #define __rust_helper"
        progress(f"helpers.c: {what} ({why})")
    progress(
        f"{len(files)} files, {helpers} helpers, {todo} unannotated; {verb} {changed} files; "
        f"{errors} errors, {len(diags) - errors} warnings"
    )
    if errors:
        return EXIT_ERROR
    return EXIT_FOUND if write_back.check and changed else EXIT_OK


def _interrupted(written: list[str], progress: Progress) -> int:
    """After SIGINT/SIGTERM: say what was already written (every such file is
    complete), then exit 130 or 143."""
    from .diagnostics import display

    signum = signals.pending()
    progress.quiet = False
    progress(f"interrupted ({signals.Interrupted(signum)}); {len(written)} files rewritten before:")
    for path in written:
        print(f"  {display(path)}", file=sys.stderr)
    return 128 + signum


def _check_style(style: str | None) -> None:
    """A --style file that does not exist or does not parse is a usage error,
    before anything is written."""
    if style is None:
        return
    from .format import check_style

    check_style(style)


def cmd_list(args: argparse.Namespace) -> int:
    from .batch import BATCH, scan_paths

    root, paths = _resolve(args)
    files, diags = helper_files(paths, root)
    rows = []
    batches = (files[i : i + BATCH] for i in range(0, len(files), BATCH))
    items = (x for b in batches for x in scan_paths(b, args.max_file_size))
    for item in items:
        if item.error:
            diags.append(item.error)
        for d in item.scan.definitions if item.scan else ():
            rows.append(
                {
                    "file": os.path.relpath(item.path, root),
                    "line": d.line,
                    "name": d.name,
                    "annotated": d.annotated,
                    "condition": d.condition,
                    "macro": d.macro,
                }
            )
    if args.json:
        json.dump(rows, sys.stdout, indent=2)
        print()
    else:
        for r in rows:
            state = "annotated" if r["annotated"] else "MISSING"
            cond = f"  [{r['condition']}]" if r["condition"] else ""
            via = f"  (macro {r['macro']})" if r["macro"] else ""
            print(f"{r['file']}:{r['line']}: {r['name']} {state}{cond}{via}")
    emit(diags)
    signals.checkpoint()
    return EXIT_ERROR if diags else EXIT_OK


def cmd_series(args: argparse.Namespace) -> int:
    from .series import Options, SeriesError, run

    values = {f.name: getattr(args, f.name) for f in fields(Options)}
    values.update(jobs=max(1, args.jobs), to=tuple(args.to), cc=tuple(args.cc))
    opts = Options(**values)
    try:
        return run(os.getcwd(), opts)
    except SeriesError as e:
        print(f"helperfix: error: {e}", file=sys.stderr)
        return EXIT_ERROR


def main(argv: list[str] | None = None) -> int:
    signals.install()
    args = parse(argv)
    try:
        commands = {
            "annotate": cmd_annotate,
            "check": lambda a: cmd_check(a, _resolve),
            "list": cmd_list,
            "series": cmd_series,
            "exports": cmd_exports,
        }
        return commands[args.command](args)
    except UsageError as e:
        print(f"helperfix: error: {e}", file=sys.stderr)
        return EXIT_ERROR
    except ScopeError as e:
        emit(e.diagnostics)
        return EXIT_ERROR
    except signals.Interrupted as e:
        print(f"helperfix: interrupted ({e}); nothing changed", file=sys.stderr)
        return e.status
    except KeyboardInterrupt:  # a second signal
        print("helperfix: interrupted", file=sys.stderr)
        return 128 + (signals.pending() or 2)
    except BrokenPipeError:  # `helperfix annotate --diff | head`: stop quietly, like git
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception as e:  # never a traceback for users; HELPERFIX_DEBUG=1 shows it
        if os.environ.get("HELPERFIX_DEBUG"):
            raise
        print(
            f"helperfix: internal error: {type(e).__name__}: {e} (please report)", file=sys.stderr
        )
        return EXIT_ERROR
