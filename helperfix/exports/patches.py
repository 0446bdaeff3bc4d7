"""The mails of ``helperfix exports --fix``: one ``git format-patch`` patch
per defining file, committed without a checkout (the series' workspace),
signed off with the git identity and addressed with the tree's
get_maintainer.pl, as ``helperfix series`` does."""

from __future__ import annotations

import os

from .. import signals
from ..diagnostics import Diagnostic
from ..series.git import SeriesError, Workspace, identity, place, signoff, text
from ..series.outbox import add_recipients, recipients
from .fix import FileFix, message


def commits(ws: Workspace, root: str, fixes: list[FileFix], idents: tuple[str, str]) -> None:
    """One commit per defining file in a workspace extracted at the base."""
    author, committer = idents
    ws.extract([f.path for f in fixes])
    for f in fixes:
        path = os.path.join(ws.tree, f.path)
        with open(path, "rb") as fh:
            if fh.read() != f.old:
                raise SeriesError(f"{f.path} differs from the base; commit or stash it first")
        with open(path, "wb") as fh:
            fh.write(f.new)
        subject, body = message(root, f)
        ws.commit(
            [f.path],
            f"{subject}\n\n{body}\n\nSigned-off-by: {signoff(committer)}\n",
            author,
            committer,
        )


def write(
    root: str, fixes: list[FileFix], outdir: str, jobs: int
) -> tuple[list[str], list[Diagnostic]]:
    """The patches, in ``outdir`` (which must be empty); nothing else changes."""
    try:
        top = text(root, "rev-parse", "--show-toplevel").strip()
    except SeriesError as e:
        raise SeriesError(
            "--fix writes patches in a git checkout (--diff prints the change)"
        ) from e
    dirty = text(top, "status", "--porcelain", "--", *[f.path for f in fixes]).splitlines()
    if dirty:
        raise SeriesError(f"uncommitted changes in {dirty[0][3:]}; commit or stash them first")
    if os.path.isdir(outdir) and os.listdir(outdir):
        raise SeriesError(f"{outdir} is not empty; pick another with -o")
    base = text(top, "rev-parse", "HEAD").strip()
    idents = identity(top, "AUTHOR"), identity(top, "COMMITTER")
    with Workspace(top, base) as ws:
        commits(ws, top, fixes, idents)
        tip = ws.finish()
        files = ws.format_patch(["--thread", f"{base}..{tip}"])
        found, notes = recipients(ws.repo, files, jobs)
        for p, r in zip(files, found):
            add_recipients(p, r)
        signals.checkpoint()
        with signals.deferred():
            return place(files, outdir), notes
