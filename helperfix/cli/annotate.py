"""``helperfix annotate``: arguments in, the engine's outcomes rendered."""

from __future__ import annotations

import argparse
import os
import sys

from .. import signals
from ..diagnostics import ERROR, display, emit, unique
from ..errors import Exit, by_signal
from ..kernel.kconfig import HelpersBlock, helpers_block_for
from ..kernel.paths import HELPERS_C
from ..kernel.queries import defines_anywhere
from ..mode import Mode, WriteBack
from ..options import block_option, common
from ..tree import helper_files
from ..ui import Progress
from . import resolve

_DEFINES = {
    HelpersBlock.BLOCK: "the __BINDGEN__ block",
    HelpersBlock.PLAIN: "a plain #define __rust_helper",
}


def _rewrite_names() -> list[str]:
    from ..rewrite import registry

    return [n if r.default else f"{n} (not by default)" for n, r in registry().items()]


def _rewrite_list(value: str) -> frozenset[str]:
    """--only's value: known rewrite names, else a usage error."""
    from ..rewrite import registry

    names = frozenset(x.strip() for x in value.split(",") if x.strip())
    unknown = sorted(names - set(registry()))
    if unknown or not names:
        known = ", ".join(registry())
        raise argparse.ArgumentTypeError(f"unknown rewrite {', '.join(unknown)!r} (known: {known})")
    return names


def add_arguments(a: argparse.ArgumentParser) -> None:
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


def run(args: argparse.Namespace) -> int:
    from .. import engine
    from ..rewrite import defaults

    root, paths = resolve(args)
    rewrites = args.only or defaults()
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
        more = engine.run([helpers_c], job._replace(mode=define), show)
        outcomes += more
        if any(o.changed for o in more):
            what = _DEFINES[block]
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
    if helpers_c in files and "helpers-block" in rewrites:
        what = _DEFINES[block]
        progress(f"helpers.c: {what} ({why})")
    progress(
        f"{len(files)} files, {helpers} helpers, {todo} unannotated; {verb} {changed} files; "
        f"{errors} errors, {len(diags) - errors} warnings"
    )
    if errors:
        return Exit.ERROR
    return Exit.FOUND if write_back.check and changed else Exit.OK


def _interrupted(written: list[str], progress: Progress) -> int:
    """After SIGINT/SIGTERM: say what was already written (every such file is
    complete), then exit 130 or 143."""
    signum = signals.pending()
    progress.quiet = False
    progress(f"interrupted ({signals.Interrupted(signum)}); {len(written)} files rewritten before:")
    for path in written:
        print(f"  {display(path)}", file=sys.stderr)
    return by_signal(signum)


def _check_style(style: str | None) -> None:
    """A --style file that does not exist or does not parse is a usage error,
    before anything is written."""
    if style is None:
        return
    from ..clangformat import check_style

    check_style(style)
