"""Run ``annotate`` over a tree: the I/O around the pure core.

Each batch of files goes through every stage in one worker: read and scan
(one libclang parse), plan, re-wrap (one clang-format run), consult
checkpatch, then re-read, prove and write or diff each file.  Memory is
bounded by the batch, and batches spread over processes on large trees.
Tree rewrites (the generated atomic.c and its generator) are planned last,
once the generator has run in the background.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, NamedTuple

from . import clangformat, core, signals
from .batch import MAX_FILE_SIZE, Scanned, cannot_read, counted, parallel, scan_paths, split
from .core import Plan
from .diagnostics import Diagnostic, display
from .files import atomic_write, clean_stale, unified_diff
from .findings import INTERNAL_ERROR, WRITE_ERROR
from .mode import Mode, WriteBack
from .rewrite import Context

if TYPE_CHECKING:
    from .generator import AtomicPair

_PARALLEL_MIN = 64  # below this many files, worker start-up costs more than it saves


class Job(NamedTuple):
    """Where and how a run happens, beside the policy in ``Mode``."""

    root: str  # the kernel tree; nothing outside it is ever touched
    mode: Mode = Mode()
    write_back: WriteBack = WriteBack.YES
    jobs: int = 1
    max_file_size: int = MAX_FILE_SIZE

    @property
    def style(self) -> str:
        return clangformat.style_file(self.root, self.mode.style)


@dataclass
class Outcome:
    """What a run did to one file: changed or not, its diff and findings."""

    path: str
    changed: bool = False
    diff: bytes = b""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    definitions: int = 0
    annotated: int = 0  # how many were annotated before the run


def _plan(item: Scanned, job: Job) -> Plan:
    if item.scan is None:  # could not be read
        return Plan(item.path, display(item.path), diagnostics=[item.error])
    ctx = Context(
        os.path.relpath(item.path, job.root), job.root, helpers_block=job.mode.helpers_block
    )
    return core.plan_file(item.scan, ctx, core.selected(job.mode, tree=False))


def plan_batch(paths: list[str], job: Job) -> list[Plan]:
    """Read, scan and plan a batch of helper files, in the order given."""
    plans = {item.path: _plan(item, job) for item in scan_paths(paths, job.max_file_size)}
    return [plans[p] for p in paths]


def _current(plan: Plan, job: Job) -> bytes | None:
    """The file as it is now, if it may still be rewritten as planned."""
    try:
        with open(plan.path, "rb") as fh:
            data = fh.read()
    except OSError as e:
        plan.diagnostics.append(cannot_read(plan.path, e))
        return None
    why = ""
    if data != plan.original:
        why = "changed while helperfix ran; not touched"
    elif job.write_back.writes and not os.stat(plan.path).st_mode & 0o222:
        why = "read-only file; not touched"
    if why:
        plan.diagnostics.append(WRITE_ERROR(plan.shown, 0, why))
        return None
    return data


def write_plans(plans: list[Plan], job: Job) -> list[Outcome]:
    """Apply each plan's edits to the file as it is now, prove the code tokens
    unchanged (one libclang parse for the batch), then write or diff."""
    outcomes = [
        Outcome(p.path, diagnostics=p.diagnostics, definitions=p.definitions, annotated=p.annotated)
        for p in plans
    ]
    todo = [
        (p, o, old)
        for p, o in zip(plans, outcomes)
        if p.edits and (old := _current(p, job)) is not None
    ]
    news = core.verify_tokens([p for p, _, _ in todo], [old for _, _, old in todo])
    for (plan, out, old), new in zip(todo, news):
        if new is None:
            continue
        if signals.pending():  # interrupted: no further file is written
            break
        try:
            _emit(plan, out, old, new, job)
        except Exception as e:  # a bug must cost one file, not the run
            msg = f"internal error: {type(e).__name__}: {e}; not touched (please report)"
            out.diagnostics.append(INTERNAL_ERROR(plan.shown, 0, msg))
    return outcomes


def _emit(plan: Plan, out: Outcome, old: bytes, new: bytes, job: Job) -> None:
    out.changed = new != old
    if out.changed and job.write_back.diff:
        out.diff = unified_diff(os.path.relpath(plan.path, job.root), old, new)
    if out.changed and job.write_back.writes:
        try:
            atomic_write(plan.path, new)
        except OSError as e:
            out.changed = False
            msg = f"cannot write: {e.strerror}"
            out.diagnostics.append(WRITE_ERROR(plan.shown, 0, msg))


def finish_batch(plans: list[Plan], job: Job) -> list[Outcome]:
    """Re-wrap, quiet and finish planned files (one clang-format run); a
    fallback's warning goes with the batch's first outcome."""
    notes = core.rewrap(plans, job.style, job.jobs)
    if job.mode.checkpatch:
        notes += core.avoid_checkpatch_noise(plans, job.root)
    outcomes = write_plans(plans, job)
    if notes and outcomes:
        outcomes[0].diagnostics.extend(notes)
    return outcomes


def _process(paths: list[str], job: Job) -> list[Outcome]:
    """Every stage for one batch, so memory is bounded by the batch size
    (none once interrupted: the batches still queued end at once)."""
    if signals.pending():
        return []
    return finish_batch(plan_batch(paths, job), job)


def _tree_plans(pair: AtomicPair, job: Job) -> list[Plan]:
    rewrites = core.selected(job.mode, tree=True)
    return [
        core.plan_tree_file(src, Context(rel, job.root, atomic=pair), rewrites)
        for rel, src in pair.sources()
    ]


def run(
    files: list[str],
    job: Job,
    emit: Callable[[Outcome], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Outcome]:
    """Rewrite ``files`` batch by batch (in worker processes for large
    trees).  ``emit`` receives each outcome as soon as its batch is done;
    its diff is then dropped from memory.  ``progress(done, total)`` is
    called after each batch.  After SIGINT or SIGTERM it returns what was
    done so far (see ``signals``)."""
    targets = {t for r in core.selected(job.mode, tree=True) for t in r.targets}
    pair = None
    if any(os.path.join(job.root, t) in files for t in targets):
        from . import generator  # only the atomic pair needs it (start-up time)

        pair = generator.start(job.root, edit=True)  # the generator runs meanwhile
    if job.write_back.writes:
        import tempfile  # only writes need it (start-up time)

        for directory in sorted({os.path.dirname(f) for f in files} | {tempfile.gettempdir()}):
            clean_stale(directory)
    outcomes: list[Outcome] = []

    def take(o: Outcome) -> None:
        if emit is not None:
            emit(o)
            o.diff = b""
        outcomes.append(o)

    work = partial(_process, job=job)
    batches = split(files, job.jobs, _PARALLEL_MIN)
    try:
        results = parallel(work, batches, job.jobs)
        for res in counted(results, batches, len(files), progress):
            for o in res:
                take(o)
        if pair is not None and not signals.pending():
            for o in finish_batch(_tree_plans(pair, job), job):
                take(o)
    finally:
        if pair is not None:
            pair.close()
    return outcomes
