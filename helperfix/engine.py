"""Run the rewrites over a tree: plan every file, format, then finish each.

Planning and finishing are per-file and run in worker processes; only the
small edit lists travel between them, so memory stays flat on large trees.
Formatting happens once, in between, for every touched declaration at once.
"""

from __future__ import annotations

import difflib
import hashlib
import os
from dataclasses import dataclass, field
from multiprocessing import get_context

from . import format as fmt
from .diagnostics import Diagnostic, display
from .lex import COMMENT, tokenize
from .mode import Mode
from .rewrite import Edit, apply
from .rewrite import annotate
from .scan import scan
from .source import atomic_write, read
from . import verify

_PARALLEL_MIN = 64  # below this many files, worker start-up costs more than it saves


@dataclass
class FilePlan:
    path: str
    digest: str = ""  # of the bytes, to notice a file changed under us
    code: str = ""  # of the code tokens, to prove the rewrite kept them
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


def plan_file(path: str) -> FilePlan:
    plan = FilePlan(path)
    try:
        src = read(path)
    except OSError as e:
        plan.diagnostics.append(Diagnostic(display(path), 0, f"cannot read: {e.strerror}"))
        return plan
    plan.digest = hashlib.sha1(src.data).hexdigest()
    fs = scan(src)
    if fs.error:
        plan.diagnostics.append(Diagnostic(display(path), fs.error.line, fs.error.message))
        return plan
    plan.code = verify.digest(src.data, fs.tokens)
    plan.definitions = len(fs.definitions)
    plan.annotated = sum(d.annotated for d in fs.definitions)
    plan.edits = annotate.edits(fs)
    return plan


def _settle(plans: list[FilePlan], mode: Mode) -> None:
    """Replace each formattable edit's text with clang-format's layout when the
    result keeps the same tokens; otherwise keep the plain insertion."""
    todo = [e for p in plans for e in p.edits if e.chunk is not None]
    if not todo:
        return
    outputs = fmt.format_chunks([e.chunk for e in todo], mode)
    joined = b"".join(outputs)
    tokens, _ = tokenize(joined)
    code = [t for t in tokens if t.kind != COMMENT]
    base, k = 0, 0
    for e, out in zip(todo, outputs):
        limit = base + len(out)
        mine = []
        while k < len(code) and code[k].start < limit:
            mine.append(code[k])
            k += 1
        n = len(e.expect)
        if tuple(joined[t.start : t.end] for t in mine[:n]) == e.expect:
            e.text = joined[base : mine[n - 1].end].replace(b"\n", e.newline)
        base = limit


def finish_file(plan: FilePlan, mode: Mode) -> Outcome:
    out = Outcome(plan.path, diagnostics=list(plan.diagnostics))
    if not plan.edits:
        return out
    name = display(plan.path)
    try:
        src = read(plan.path)
    except OSError as e:
        out.diagnostics.append(Diagnostic(name, 0, f"cannot read: {e.strerror}"))
        return out
    if hashlib.sha1(src.data).hexdigest() != plan.digest:
        out.diagnostics.append(Diagnostic(name, 0, "changed while helperfix ran; not touched"))
        return out
    new = apply(src.data, plan.edits)
    if verify.digest(new) != plan.code:
        line = src.line_of(plan.edits[0].start)
        out.diagnostics.append(Diagnostic(name, line, "internal check failed: rewrite would change code; not touched"))
        return out
    out.changed = new != src.data
    if out.changed and mode.diff:
        rel = os.path.relpath(plan.path, mode.root)
        out.diff = b"".join(
            difflib.diff_bytes(
                difflib.unified_diff,
                src.data.splitlines(keepends=True),
                new.splitlines(keepends=True),
                b"a/" + rel.encode(),
                b"b/" + rel.encode(),
            )
        )
        if not new.endswith(b"\n") or not src.data.endswith(b"\n"):
            out.diff = _mark_no_newline(out.diff)
    if out.changed and mode.writes:
        try:
            atomic_write(plan.path, new)
        except OSError as e:
            out.changed = False
            out.diagnostics.append(Diagnostic(name, 0, f"cannot write: {e.strerror}"))
    return out


def _mark_no_newline(diff: bytes) -> bytes:
    """difflib omits git's marker for a last line without a newline."""
    lines = diff.splitlines(keepends=True)
    fixed = []
    for ln in lines:
        fixed.append(ln)
        if not ln.endswith(b"\n"):
            fixed[-1] = ln + b"\n\\ No newline at end of file\n"
    return b"".join(fixed)


def _map(fn, items: list, mode: Mode) -> list:
    if mode.jobs <= 1 or len(items) < _PARALLEL_MIN:
        return [fn(x) for x in items]
    with get_context("fork").Pool(mode.jobs) as pool:
        return pool.map(fn, items, chunksize=max(1, len(items) // (mode.jobs * 8)))


def _finish(args: tuple[FilePlan, Mode]) -> Outcome:
    return finish_file(*args)


def run(files: list[str], mode: Mode) -> tuple[list[FilePlan], list[Outcome]]:
    plans = _map(plan_file, files, mode)
    _settle(plans, mode)
    outcomes = _map(_finish, [(p, mode) for p in plans], mode)
    return plans, outcomes
