"""``helperfix series``: arguments in, the series built, its report out."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import fields

from ..diagnostics import emit
from ..errors import Exit
from ..options import block_option, jobs, quiet, root
from ..ui import Progress


def add_arguments(se: argparse.ArgumentParser) -> None:
    from ..series import DEFAULT_BRANCH

    root(se, "the git work tree around the cwd")
    se.add_argument("--base", default="HEAD", help="commit to build the series on (default: HEAD)")
    se.add_argument(
        "-o",
        "--output-directory",
        dest="outdir",
        default="outgoing",
        metavar="DIR",
        help="where the patches go; must be empty (default: outgoing)",
    )
    se.add_argument("--branch", help=f"branch to create (default: {DEFAULT_BRANCH}[-vN])")
    se.add_argument(
        "-v",
        "--reroll-count",
        dest="version",
        type=int,
        metavar="N",
        help="series version, as git format-patch -v (default: 1)",
    )
    se.add_argument(
        "--group-by",
        choices=("file", "maintainer"),
        default="file",
        help="one patch per helper file, or per set of files sharing their MAINTAINERS "
        "sections (default: file)",
    )
    se.add_argument(
        "--dry-run", action="store_true", help="show the series; create no branch or files"
    )
    jobs(se, "get_maintainer.pl runs and workers at a time")
    quiet(se)
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


def run(args: argparse.Namespace) -> int:
    from ..series import SeriesError, SeriesOptions
    from ..series import run as build_series

    values = {f.name: getattr(args, f.name) for f in fields(SeriesOptions)}
    values.update(jobs=max(1, args.jobs), to=tuple(args.to), cc=tuple(args.cc))
    opts = SeriesOptions(**values)
    try:
        result = build_series(args.root or os.getcwd(), opts, Progress(args.quiet))
    except SeriesError as e:
        print(f"helperfix: error: {e}", file=sys.stderr)
        return Exit.ERROR
    emit(result.notes)  # warnings are findings: shown under -q too
    if not result.commits:
        print("helperfix: nothing to do: the tree is already migrated", file=sys.stderr)
        return Exit.OK
    report(result, opts)
    return Exit.OK


def report(result, opts) -> None:
    """The series as stdout shows it: its patches, what was made, what next."""
    n, branch, union = result.patches, result.branch, result.recipients
    for i, c in enumerate(result.commits, 1):
        print(f"{i:3d}/{n} {c.subject}")
    if opts.dry_run:
        print(f"dry run: would create branch {branch} and write {n + 1} files to {opts.outdir}")
        return
    print(
        f"branch {branch}: {len(result.commits)} commits on {result.base[:12]}; "
        f"series in {opts.outdir}"
    )
    who = f"{len(union.to)} people (To) and {len(union.cc)} lists (Cc)"
    if opts.b4:
        print(
            f"next: git checkout {branch} && b4 send   (the cover goes to {who};"
            " b4 send -o DIR --no-sign to look first)"
        )
    else:
        print(
            f"next: git send-email {os.path.join(opts.outdir, '*')}   (each patch carries "
            f"its own To/Cc; the cover letter goes to {who})"
        )
