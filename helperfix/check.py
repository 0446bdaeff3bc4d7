"""``helperfix check`` on a tree: scan, run every lint rule, collect findings."""

from __future__ import annotations

import os

from .batch import scan_paths
from .lint import ERROR, Context, Finding, rules
from .rewrite import atomic
from .tree import HELPERS, helper_files

_BATCH = 200


def check_tree(root: str, paths: list[str]) -> tuple[list[Finding], int, bool]:
    """Findings for the helper files under ``paths``, the number of lines
    checked, and whether any input could not be read or parsed."""
    files, diags = helper_files(paths, root)
    helpers_c = os.path.join(root, HELPERS, "helpers.c")
    ctx = Context(root, tree=helpers_c in files)
    if ctx.tree:
        ctx.atomic = atomic.start(root, enabled=False)  # runs in the background
    findings = [Finding(d.path, d.line, ERROR, "PARSE_ERROR", d.message) for d in diags]
    lines = 0
    for i in range(0, len(files), _BATCH):
        for item in scan_paths(files[i : i + _BATCH]):
            rel = os.path.relpath(item.path, root)
            if item.source is not None:
                lines += item.source.data.count(b"\n")
            if item.error:
                findings.append(
                    Finding(rel, item.error.line, ERROR, "PARSE_ERROR", item.error.message)
                )
            else:
                ctx.scans[rel] = item.scan
    for rule in rules():
        findings.extend(rule(ctx))
    bad_input = any(f.type == "PARSE_ERROR" for f in findings)
    findings.sort(key=lambda f: (f.path, f.line, f.type))
    return findings, lines, bad_input
