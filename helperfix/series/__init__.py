"""``helperfix series``: the migration as a patch series for the mailing list.

Built without a checkout (``git.Workspace``): the files the series needs are
extracted from the base into a temporary folder, rewritten and committed
there with git plumbing (``build``), written out by ``git format-patch``,
addressed per patch (``mail``), and only then published: the branch is
created and the patches are moved into the output folder in one final step
that signals cannot split.  Until that step, an interrupt or an error leaves
the repository exactly as it was.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass

from .. import __version__, signals
from ..kernel import ATOMIC_DIR, HELPERS, helpers_block_for, inlines_helpers
from ..ui import Progress
from . import maintainers as mt
from . import text as prose
from .build import build
from .git import SeriesError, Workspace, identity, text
from .mail import add_recipients, fill_cover, recipients

__all__ = ["Options", "SeriesError", "run"]

VGER_LIMIT = 15
# What the series reads at the base: the helpers and their generator, the
# style, checkpatch (annotate asks it) and MAINTAINERS (--group-by).
NEEDED = [
    HELPERS,
    ATOMIC_DIR,
    ".clang-format",
    "MAINTAINERS",
    "scripts/checkpatch.pl",
    "scripts/spelling.txt",
    "scripts/const_structs.checkpatch",
    "lib/Kconfig.debug",  # RUST_INLINE_HELPERS: does the tree inline helpers?
    "init/Kconfig",
    "Kconfig",
]
# Paths whose uncommitted changes the series would silently leave out.
_WATCHED = [HELPERS, ATOMIC_DIR, ".clang-format"]


@dataclass
class Options:
    base: str = "HEAD"
    outdir: str = "outgoing"
    branch: str | None = None
    version: int | None = None
    group_by: str = "file"
    dry_run: bool = False
    jobs: int = 1
    quiet: bool = False
    helpers_block: str = "auto"


def _ok(root: str, *args: str) -> bool:
    return (
        subprocess.run(["git", *args], cwd=root, capture_output=True, **signals.CHILD).returncode
        == 0
    )


def _preflight(cwd: str, opts: Options) -> tuple[str, str, str]:
    """The tree root, the base commit and the branch name, or a refusal; the
    same refusals with --dry-run as without."""
    try:
        root = text(cwd, "rev-parse", "--show-toplevel").strip()
    except SeriesError as e:
        raise SeriesError("not inside a git work tree") from e
    if not os.path.isdir(os.path.join(root, HELPERS)):
        raise SeriesError(f"{root}: no rust/helpers/ in this tree")
    dirty = text(
        root,
        "--no-optional-locks",
        "status",
        "--porcelain",
        "--untracked-files=no",
        "--",
        *_WATCHED,
    ).splitlines()
    if dirty:
        raise SeriesError(
            f"uncommitted changes in {len(dirty)} files the series reads "
            f"({dirty[0][3:]}...); commit or stash them"
        )
    for key in ("user.name", "user.email"):
        if not _ok(root, "config", key):
            raise SeriesError(f"no git identity: set {key} (git config {key} ...)")
    if not _ok(root, "rev-parse", "--verify", "--quiet", opts.base + "^{commit}"):
        raise SeriesError(f"--base {opts.base}: no such commit")
    base = text(root, "rev-parse", "--verify", "--quiet", opts.base + "^{commit}").strip()
    if not _ok(root, "merge-base", "--is-ancestor", base, "HEAD"):
        raise SeriesError(f"--base {opts.base} is not an ancestor of HEAD")
    branch = opts.branch or "rust-helper-annotations" + (
        f"-v{opts.version}" if opts.version else ""
    )
    if _ok(root, "rev-parse", "--verify", "--quiet", "refs/heads/" + branch):
        raise SeriesError(f"branch {branch} already exists; pick another with --branch")
    if os.path.isdir(opts.outdir) and os.listdir(opts.outdir):
        raise SeriesError(f"{opts.outdir} is not empty; pick another with -o")
    return root, base, branch


def _place(files: list[str], outdir: str) -> list[str]:
    """Move the written patches into ``outdir`` (created if needed)."""
    os.makedirs(outdir, exist_ok=True)
    placed = []
    for f in files:
        dst = os.path.join(outdir, os.path.basename(f))
        shutil.move(f, dst)
        placed.append(dst)
    return placed


def run(cwd: str, opts: Options, out=None, err=None) -> int:
    out = out or sys.stdout
    progress = Progress(opts.quiet, err)
    root, base, branch = _preflight(cwd, opts)
    idents = identity(root, "AUTHOR"), identity(root, "COMMITTER")
    with Workspace(root, base) as ws:
        n = ws.extract(NEEDED)
        progress(f"series: read {n} files at {base[:12]} ({', '.join(NEEDED[:2])}, ...)")
        block, why = helpers_block_for(ws.tree, opts.helpers_block)
        inlining = inlines_helpers(ws.tree)
        what = "the __BINDGEN__ block" if block == "block" else "a plain define"
        progress(f"series: helpers.c gets {what} ({why})")
        built = build(ws, opts.group_by, opts.jobs, idents, (block, inlining), progress)
        commits = built.commits
        if not commits:
            progress.quiet = False
            progress("nothing to do: the tree is already migrated")
            return 0
        tip = ws.finish()
        progress(f"series: {len(commits)} commits on {base[:12]}")
        args = ["--cover-letter", "--thread", f"--base={base}"]
        args += [f"-v{opts.version}"] if opts.version else []
        files = ws.format_patch([*args, f"{base}..{tip}"])
        cover, patches = files[0], files[1:]
        blurb = prose.cover(len(patches), built.helpers, built.files, block, why, __version__)
        fill_cover(cover, blurb, branch)
        union = mt.Recipients()
        for p, r in zip(patches, recipients(root, patches, opts.jobs, progress)):
            add_recipients(p, r)
            union.add(r)
        add_recipients(cover, union)
        progress(f"series: recipients for {len(patches)} patches")
        signals.checkpoint()
        if not opts.dry_run:
            with signals.deferred():
                ws.publish(branch, tip)
                files = _place(files, opts.outdir)
    for i, c in enumerate(commits, 1):
        print(f"{i:3d}/{len(patches)} {c.subject}", file=out)
    if opts.dry_run:
        what = f"would create branch {branch} and write {len(files)} files to {opts.outdir}"
        print(f"dry run: {what}", file=out)
    else:
        print(
            f"branch {branch}: {len(commits)} commits on {base[:12]}; series in {opts.outdir}",
            file=out,
        )
    if len(patches) > VGER_LIMIT:
        progress.quiet = False
        progress(
            f"warning: {len(patches)} patches; vger lists take at most {VGER_LIMIT} "
            "at once. Send them in batches of 15 or fewer (each with its own cover letter), "
            "or regroup with --group-by maintainer."
        )
    return 0
