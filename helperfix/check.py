"""``helperfix check`` on a tree: scan in batches (in worker processes for
large trees), run the per-file rules on each scan and keep only what the
tree-wide rules need, so memory stays flat."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import partial

from .batch import parallel, scan_paths, split
from .lint import ERROR, Context, Finding, file_rules, tree_rules
from .lint.includes import quoted_c_includes
from .rewrite import atomic
from .scan import FileScan
from .tree import HELPERS, helper_files

_PARALLEL_MIN = 400  # files; below this one process is faster


@dataclass
class _Batch:
    findings: list[Finding] = field(default_factory=list)
    lines: int = 0
    files: list[str] = field(default_factory=list)
    includes: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    helpers: FileScan | None = None


def _check_batch(paths: list[str], root: str) -> _Batch:
    out = _Batch()
    top = os.path.join(HELPERS, "helpers.c")
    for item in scan_paths(paths):
        rel = os.path.relpath(item.path, root)
        if item.source is not None:
            out.lines += item.source.data.count(b"\n")
        if item.error:
            out.findings.append(
                Finding(rel, item.error.line, ERROR, "PARSE_ERROR", item.error.message)
            )
            continue
        out.files.append(rel)
        out.includes[rel] = quoted_c_includes(item.scan)
        for rule in file_rules():
            out.findings.extend(rule(rel, item.scan))
        if rel == top:
            out.helpers = item.scan
    return out


def check_tree(root: str, paths: list[str], jobs: int = 1) -> tuple[list[Finding], int, bool]:
    """Findings for the helper files under ``paths``, the number of lines
    checked, and whether any input could not be read or parsed."""
    files, diags = helper_files(paths, root)
    ctx = Context(root, tree=os.path.join(root, HELPERS, "helpers.c") in files)
    if ctx.tree:
        ctx.atomic = atomic.start(root, enabled=False)  # runs in the background
    findings = [Finding(d.path, d.line, ERROR, "PARSE_ERROR", d.message) for d in diags]
    work = partial(_check_batch, root=root)
    batches = split(files, jobs, _PARALLEL_MIN)
    lines = _collect(parallel(work, batches, jobs), ctx, findings)
    for rule in tree_rules():
        findings.extend(rule(ctx))
    bad_input = any(f.type == "PARSE_ERROR" for f in findings)
    findings.sort(key=lambda f: (f.path, f.line, f.type))
    return findings, lines, bad_input


def _collect(results, ctx: Context, findings: list[Finding]) -> int:
    lines = 0
    for b in results:
        findings.extend(b.findings)
        lines += b.lines
        ctx.files.extend(b.files)
        ctx.includes.update(b.includes)
        ctx.helpers = b.helpers or ctx.helpers
    return lines
