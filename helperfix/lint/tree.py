"""``helperfix check`` on a tree: scan in batches (in worker processes for
large trees), run the file rules on each scan and keep only what the tree
rules need, so memory stays flat."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial

from .. import generator, signals
from ..batch import MAX_FILE_SIZE, counted, parallel, scan_paths, split
from ..c.scan import FileScan
from ..diagnostics import Diagnostic
from ..findings import INTERNAL_ERROR
from ..kernel.kconfig import HelpersBlock
from ..kernel.paths import HELPERS_C
from ..kernel.queries import c_includes, defines
from ..tree import helper_files
from . import FileContext, Rule, TreeContext, input_types, rules

_PARALLEL_MIN = 400  # files; below this one process is faster


@dataclass
class _Batch:
    """What one batch's scan tells the tree rules, and its file findings."""

    findings: list[Diagnostic] = field(default_factory=list)
    lines: int = 0
    files: list[str] = field(default_factory=list)
    includes: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    helpers: FileScan | None = None
    annotated: dict[str, tuple[int, str, int]] = field(default_factory=dict)
    defined: bool = False


def _guarded(rule: Rule, rel: str, *args: object) -> list[Diagnostic]:
    """A rule's findings; a rule that fails costs its own findings, reported
    as INTERNAL_ERROR (the gate then exits 2), never the run."""
    try:
        return list(rule.fn(*args))
    except Exception as e:
        msg = f"internal error in rule {rule.name}: {type(e).__name__}: {e} (please report)"
        return [INTERNAL_ERROR(rel, 0, msg)]


def _check_batch(paths: list[str], root: str, max_size: int) -> _Batch:
    out = _Batch()
    file_rules = rules("file")
    for item in scan_paths(paths, max_size):
        rel = os.path.relpath(item.path, root)
        if item.source is not None:
            out.lines += item.source.data.count(b"\n")
        if item.error:
            out.findings.append(replace(item.error, path=rel))
            continue
        out.files.append(rel)
        out.includes[rel] = c_includes(item.scan)
        marked = [d for d in item.scan.definitions if d.annotated]
        if marked:
            out.annotated[rel] = (marked[0].line, marked[0].name, len(marked))
        out.defined = out.defined or bool(defines(item.scan))
        ctx = FileContext(rel)
        for r in file_rules:
            out.findings.extend(_guarded(r, rel, item.scan, ctx))
        if rel == HELPERS_C:
            out.helpers = item.scan
    return out


def check_helpers(
    root: str,
    paths: list[str],
    jobs: int = 1,
    max_size: int = MAX_FILE_SIZE,
    helpers_block: HelpersBlock = HelpersBlock.BLOCK,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[Diagnostic], int, bool]:
    """Findings for the helper files under ``paths``, the number of lines
    checked, and whether any input could not be read or parsed."""
    files, findings = helper_files(paths, root)
    ctx = TreeContext(root, os.path.join(root, HELPERS_C) in files, helpers_block=helpers_block)
    if ctx.whole_tree:
        ctx.atomic = generator.start(root, edit=False)  # runs in the background
    work = partial(_check_batch, root=root, max_size=max_size)
    batches = split(files, jobs, _PARALLEL_MIN)
    try:
        results = parallel(work, batches, jobs)
        lines = _collect(counted(results, batches, len(files), progress), ctx, findings)
        signals.checkpoint()
        for r in rules("tree"):
            findings.extend(_guarded(r, HELPERS_C, ctx))
    finally:
        if ctx.atomic is not None:
            ctx.atomic.close()
    bad = input_types()
    bad_input = any(f.type in bad for f in findings)
    findings.sort(key=lambda f: (f.path, f.line, f.type))
    return findings, lines, bad_input


def _collect(results, ctx: TreeContext, findings: list[Diagnostic]) -> int:
    lines = 0
    for b in results:
        findings.extend(b.findings)
        lines += b.lines
        ctx.files.extend(b.files)
        ctx.includes.update(b.includes)
        ctx.helpers = b.helpers or ctx.helpers
        ctx.annotated.update(b.annotated)
        ctx.defined = ctx.defined or b.defined
    return lines
