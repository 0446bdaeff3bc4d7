"""``helperfix series``: arguments in, the series built, its report out."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import fields

from ..errors import Exit
from ..options import block_option


def add_arguments(se: argparse.ArgumentParser) -> None:
    se.add_argument("--base", default="HEAD", help="commit to build the series on (default: HEAD)")
    se.add_argument(
        "-o", "--output-directory", dest="outdir", default="outgoing", help="where the patches go"
    )
    from ..series import DEFAULT_BRANCH

    se.add_argument("--branch", help=f"branch to create (default: {DEFAULT_BRANCH}[-vN])")
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


def run(args: argparse.Namespace) -> int:
    from ..series import Options, SeriesError, run

    values = {f.name: getattr(args, f.name) for f in fields(Options)}
    values.update(jobs=max(1, args.jobs), to=tuple(args.to), cc=tuple(args.cc))
    opts = Options(**values)
    try:
        return run(os.getcwd(), opts)
    except SeriesError as e:
        print(f"helperfix: error: {e}", file=sys.stderr)
        return Exit.ERROR
