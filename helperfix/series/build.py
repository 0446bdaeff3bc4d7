"""The series' commits, in upstream's order, built in a workspace.

First the fallbacks go and helpers.c gets a plain definition (so every
commit still builds), then one commit per helper file (or per MAINTAINERS
section), then the ``__BINDGEN__`` block.  Every helper file is annotated in
one run (one clang-format and one checkpatch process), and the commits take
the results group by group.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from .. import engine, signals
from ..diagnostics import ERROR
from ..engine import Job
from ..files import read
from ..kernel.kconfig import HelpersBlock
from ..kernel.paths import HELPERS, HELPERS_C
from ..mode import Mode, WriteBack
from ..tree import helper_files
from ..ui import Progress
from . import maintainers as mt
from . import text
from .git import SeriesError, Workspace, signoff
from .notes import describe


@dataclass
class Commit:
    subject: str
    body: str
    files: list[str]  # changed files, relative to the root


def _rewrite(
    root: str,
    rewrites: set[str],
    files: list[str],
    jobs: int,
    block: HelpersBlock = HelpersBlock.BLOCK,
) -> list[engine.Outcome]:
    """Run rewrites over the workspace's tree."""
    job = Job(root, Mode(frozenset(rewrites), helpers_block=block), WriteBack.YES, jobs)
    outcomes = engine.run(files, job)
    signals.checkpoint()
    errors = [d.render() for o in outcomes for d in o.diagnostics if d.level == ERROR]
    if errors:
        raise SeriesError("the tree cannot be migrated:\n  " + "\n  ".join(errors))
    return outcomes


def _changed(root: str, outcomes: list[engine.Outcome]) -> list[str]:
    """The files (relative to the root) that a run changed."""
    return sorted(os.path.relpath(o.path, root) for o in outcomes if o.changed)


def _stem(rel: str) -> str:
    return os.path.splitext(os.path.relpath(rel, HELPERS))[0]


def _groups(root: str, files: list[str], by: str) -> list[list[str]]:
    if by == "file":
        return [[f] for f in files]
    path = os.path.join(root, "MAINTAINERS")
    sections = mt.parse(path) if os.path.isfile(path) else []
    groups: dict[tuple[str, ...], list[str]] = {}
    for f in files:
        key = tuple(s.name for s in mt.sections_for(sections, [f], root))
        groups.setdefault(key, []).append(f)
    return list(groups.values())


def _subject(group: list[str]) -> str:
    stems = ", ".join(_stem(f) for f in group)
    subject = f"rust: {stems}: add __rust_helper to helpers"
    if len(subject) > 75:
        subject = f"rust: helpers: add __rust_helper to {len(group)} helper files"
    return subject


@dataclass
class Built:
    commits: list[Commit]
    helpers: int  # helpers annotated by the series
    files: int  # helper files annotated


def build(
    ws: Workspace,
    group_by: str,
    jobs: int,
    idents: tuple[str, str],
    policy: tuple[str, bool | None],
    progress: Progress,
) -> Built:
    """Rewrite the workspace's tree step by step, committing each step's
    files as they stand right after it.  ``policy``: what helpers.c gets
    (HelpersBlock.BLOCK or PLAIN) and whether the tree inlines helpers."""
    root = ws.tree
    block, inlining = policy
    all_files, _ = helper_files([os.path.join(root, HELPERS)], root)
    made: list[Commit] = []
    author, committer = idents

    def commit(c: Commit) -> None:
        signals.checkpoint()
        message = f"{c.subject}\n\n{c.body}\n\nSigned-off-by: {signoff(committer)}\n"
        ws.commit(c.files, message, author, committer)
        made.append(c)

    first = _rewrite(root, {"fallback", "atomic", "helpers-define"}, all_files, jobs)
    if changed := _changed(root, first):
        commit(Commit(*text.first(changed), changed))
    # Files with helpers left to annotate, as the first run counted them (it
    # annotates nothing); the generated atomic.c is never edited by hand.
    todo = [o.path for o in first if o.definitions > o.annotated]
    old = {os.path.relpath(p, root): read(p).data for p in todo}
    annotated = _changed(root, _rewrite(root, {"annotate"}, todo, jobs))
    notes = {f: describe(old[f], read(os.path.join(root, f)).data, f) for f in annotated}
    progress(f"series: annotated the helpers of {len(annotated)} files")
    for group in _groups(root, annotated, group_by):
        commit(Commit(_subject(group), text.annotate(group, notes, inlining), group))
    last = _changed(
        root, _rewrite(root, {"helpers-block"}, [os.path.join(root, HELPERS_C)], jobs, block)
    )
    if last:
        subject = "rust: helpers: make __rust_helper __always_inline outside bindgen"
        commit(Commit(subject, text.block(inlining), last))
    check = engine.run(all_files, Job(root, Mode(helpers_block=block), WriteBack.CHECK, jobs))
    if any(o.changed for o in check):
        raise SeriesError("internal error: the series does not reach what helperfix annotate does")
    return Built(made, sum(len(n.helpers) for n in notes.values()), len(annotated))
