"""Run the rewrites over a tree, batch by batch.

Each batch of files goes through every stage in one worker: read and lex (one
libclang parse), scan and plan edits, re-wrap with one clang-format run,
consult checkpatch, then prove and write each file.  Memory is bounded by the
batch, and batches spread over processes on large trees.  The generated
atomic.c and its generator are settled last, once the generator has run.
"""

from __future__ import annotations

import difflib
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from . import checkpatch, verify
from . import format as fmt
from .batch import Scanned, parallel, scan_paths, split
from .diagnostics import Diagnostic, display
from .lex import COMMENT, tokenize, tokenize_many
from .mode import Mode
from .rewrite import Edit, annotate, apply, atomic, fallback, helpers_block
from .source import Source, atomic_write, clean_stale, read
from .tree import HELPERS

_PARALLEL_MIN = 64  # below this many files, worker start-up costs more than it saves
HELPERS_C = os.path.join(HELPERS, "helpers.c")


@dataclass
class FilePlan:
    path: str
    digest: str = ""  # of the bytes, to notice a file changed under us
    code: str = ""  # of the code tokens, to prove the rewrite kept them ("": not C)
    edits: list[Edit] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    definitions: int = 0
    annotated: int = 0  # how many were already annotated


@dataclass
class Outcome:
    path: str
    changed: bool = False
    diff: bytes = b""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    definitions: int = 0
    annotated: int = 0  # how many were annotated before the run


def _rewrites(path: str, mode: Mode) -> list[str]:
    """Which rewrites apply to a file, by its place in the tree."""
    rel = os.path.relpath(path, mode.root)
    names = ["fallback", "annotate"]
    if rel == HELPERS_C:
        names[1:1] = ["helpers-define", "helpers-block"]
    return [n for n in names if n in mode.rewrites]


def plan_batch(paths: list[str], mode: Mode, generated: str = "") -> list[FilePlan]:
    """Read, lex (in one libclang parse) and scan a batch of files, and plan
    each file's edits."""
    plans = []
    for item in scan_paths(paths):
        plan = FilePlan(item.path)
        plans.append(plan)
        if item.error:
            plan.diagnostics.append(item.error)
            continue
        try:
            _plan_file(plan, item, mode, generated)
        except Exception as e:  # a bug must cost one file, not the run
            plan.edits = []
            msg = f"internal error: {type(e).__name__}: {e}; not touched (please report)"
            plan.diagnostics.append(Diagnostic(display(plan.path), 0, msg))
    order = {p: i for i, p in enumerate(paths)}
    return sorted(plans, key=lambda p: order[p.path])


def _plan_file(plan: FilePlan, item: Scanned, mode: Mode, generated: str) -> None:
    src, fs = item.source, item.scan
    plan.digest = hashlib.sha1(src.data).hexdigest()
    plan.definitions = len(fs.definitions)
    plan.annotated = sum(d.annotated for d in fs.definitions)
    rel = os.path.relpath(plan.path, mode.root)
    for name in _rewrites(plan.path, mode) if plan.path != generated else ():
        if name == "fallback":
            plan.edits += fallback.edits(fs, plan.diagnostics, report=rel != HELPERS_C)
        elif name == "helpers-block":
            plan.edits += helpers_block.edits(fs, plan.diagnostics)
        elif name == "helpers-define":
            plan.edits += helpers_block.plain_define(fs)
        else:
            plan.edits += annotate.edits(fs)
    migrated = [(e.start, e.end) for e in plan.edits if e.migrate]
    plan.code = verify.digest(src.data, fs.tokens, migrated)


def _settle(plans: list[FilePlan], mode: Mode) -> None:
    """Replace each formattable edit's text with clang-format's layout when the
    result keeps the same tokens; otherwise keep the plain insertion."""
    todo = [e for p in plans for e in p.edits if e.chunk is not None]
    if not todo:
        return
    outputs = fmt.format_chunks([e.chunk for e in todo], mode)
    done = [(e, out) for e, out in zip(todo, outputs) if out is not None]
    joined = b"".join(out for _, out in done)
    tokens, _ = tokenize(joined) if joined else ([], [])
    code = [t for t in tokens if t.kind != COMMENT]
    base, k = 0, 0
    for e, out in done:
        limit = base + len(out)
        mine = []
        while k < len(code) and code[k].start < limit:
            mine.append(code[k])
            k += 1
        n = len(e.expect)
        if tuple(joined[t.start : t.end] for t in mine[:n]) == e.expect:
            e.text = e.lead + joined[base : mine[n - 1].end].replace(b"\n", e.newline)
        base = limit


def _quiet(plans: list[FilePlan], mode: Mode) -> None:
    """Annotations whose re-emitted lines checkpatch would flag go on a line
    of their own, leaving the declaration untouched (see checkpatch.py)."""
    todo = [(p, i) for p in plans for i, e in enumerate(p.edits) if e.alt is not None]
    if not todo:
        return
    hits = checkpatch.flagged(mode.root, [p.edits[i].lines() for p, i in todo])
    for k in hits:
        plan, i = todo[k]
        plan.edits[i] = plan.edits[i].alt


def finish_batch(plans: list[FilePlan], mode: Mode) -> list[Outcome]:
    """Apply each plan's edits to the file as it is now, prove the code tokens
    unchanged (one libclang parse for the batch), then write or diff."""
    outcomes = [
        Outcome(
            p.path,
            diagnostics=list(p.diagnostics),
            definitions=p.definitions,
            annotated=p.annotated,
        )
        for p in plans
    ]
    pending: list[tuple[FilePlan, Outcome, Source, bytes]] = []
    for plan, out in zip(plans, outcomes):
        if not plan.edits:
            continue
        name = display(plan.path)
        try:
            src = read(plan.path)
        except OSError as e:
            out.diagnostics.append(Diagnostic(name, 0, f"cannot read: {e.strerror}"))
            continue
        if hashlib.sha1(src.data).hexdigest() != plan.digest:
            out.diagnostics.append(Diagnostic(name, 0, "changed while helperfix ran; not touched"))
            continue
        if mode.writes and not os.stat(plan.path).st_mode & 0o222:
            out.diagnostics.append(Diagnostic(name, 0, "read-only file; not touched"))
            continue
        new, spans = apply(src.data, plan.edits)
        pending.append((plan, out, src, new, spans))
    lexed = tokenize_many([p[3] for p in pending]) if pending else []
    for (plan, out, src, new, spans), (tokens, _) in zip(pending, lexed):
        if plan.code and verify.digest(new, tokens, spans) != plan.code:
            line = src.line_of(plan.edits[0].start)
            msg = "internal check failed: the rewrite would change code; not touched"
            out.diagnostics.append(Diagnostic(display(plan.path), line, msg))
            continue
        try:
            _emit(plan, out, src.data, new, mode)
        except Exception as e:  # a bug must cost one file, not the run
            msg = f"internal error: {type(e).__name__}: {e}; not touched (please report)"
            out.diagnostics.append(Diagnostic(display(plan.path), 0, msg))
    return outcomes


def _emit(plan: FilePlan, out: Outcome, old: bytes, new: bytes, mode: Mode) -> None:
    out.changed = new != old
    if out.changed and mode.diff:
        rel = os.path.relpath(plan.path, mode.root).encode()
        diff = difflib.diff_bytes(
            difflib.unified_diff,
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            b"a/" + rel,
            b"b/" + rel,
        )
        out.diff = _mark_no_newline(b"".join(diff))
    if out.changed and mode.writes:
        try:
            atomic_write(plan.path, new)
        except OSError as e:
            out.changed = False
            out.diagnostics.append(Diagnostic(display(plan.path), 0, f"cannot write: {e.strerror}"))


def _mark_no_newline(diff: bytes) -> bytes:
    """difflib omits git's marker for a last line without a newline."""
    lines = diff.splitlines(keepends=True)
    fixed = []
    for ln in lines:
        fixed.append(ln)
        if not ln.endswith(b"\n"):
            fixed[-1] = ln + b"\n\\ No newline at end of file\n"
    return b"".join(fixed)


def complete(plans: list[FilePlan], mode: Mode) -> list[Outcome]:
    """Format, quiet and finish planned files (one clang-format run)."""
    _settle(plans, mode)
    if mode.checkpatch and checkpatch.available(mode.root):
        _quiet(plans, mode)
    return finish_batch(plans, mode)


def _process(paths: list[str], mode: Mode, generated: str) -> list[Outcome]:
    """Every stage for one batch, so memory is bounded by the batch size."""
    return complete(plan_batch(paths, mode, generated), mode)


def run(
    files: list[str], mode: Mode, emit: Callable[[Outcome], None] | None = None
) -> list[Outcome]:
    """Rewrite ``files`` batch by batch (in worker processes for large
    trees).  ``emit`` receives each outcome as soon as its batch is done;
    its diff is then dropped from memory."""
    pending = None
    if "atomic" in mode.rewrites and os.path.join(mode.root, atomic.OUTPUT) in files:
        pending = atomic.start(mode.root, enabled=True)  # the generator runs meanwhile
    generated = pending.out.path if pending and (pending.gen or pending.diagnostics) else ""
    if mode.writes:
        for directory in sorted({os.path.dirname(f) for f in files}):
            clean_stale(directory)
    outcomes: list[Outcome] = []

    def take(o: Outcome) -> None:
        if emit is not None:
            emit(o)
            o.diff = b""
        outcomes.append(o)

    work = partial(_process, mode=mode, generated=generated)
    for res in parallel(work, split(files, mode.jobs, _PARALLEL_MIN), mode.jobs):
        for o in res:
            take(o)
    if pending is not None:
        plans = [
            FilePlan(path, digest=hashlib.sha1(data).hexdigest(), edits=edits)
            for path, data, edits in pending.finish()
        ]
        if pending.diagnostics:
            plans.append(FilePlan(pending.out.path, diagnostics=pending.diagnostics))
        for o in complete(plans, mode):
            take(o)
    return outcomes
