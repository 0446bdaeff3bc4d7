"""``check --patch --tree``: patches checked in the context of a real tree.

The tree's helpers and atomic generator are copied to a temporary folder
and the patches applied there in order (``git apply``); every tree question
(does the tree inline helpers, what helpers.c should define) is answered
from the real tree.  Only what the series makes new is reported: the tree
is checked before and after, and a missing annotation only where the series
added or changed the declaration, credited to the patch that last changed
its line.  A series that HEAD already holds (a b4 prep branch) is found by
applying it in reverse, and checked as it stands.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, replace

import unidiff

from ... import proc
from ...batch import scan_paths
from ...diagnostics import Diagnostic
from ...findings import MISSING_RUST_HELPER, REMOVED_RUST_HELPER, RUST_HELPER_PENDING
from ...kernel.kconfig import HelpersBlock, helpers_block_for, old_layout
from ...kernel.paths import ATOMIC_DIR, HELPERS
from ...kernel.queries import defines_anywhere
from .diffs import PatchError, helper_files
from .inbox import Mail
from .origins import Origins

Patch = tuple[Mail, unidiff.PatchSet]


@dataclass
class InTree:
    """A series checked against the real tree: only what it makes new."""

    findings: list[Diagnostic]
    lines: int
    bad: bool
    note: str


def _apply(tmp: str, tree: str, mail: Mail, ps: unidiff.PatchSet, reverse: bool = False) -> str:
    """Apply one patch to the copy; "" or git's first complaint."""
    cmd = ["git", "apply", f"--include={HELPERS}/*", f"--include={ATOMIC_DIR}/*"]
    cmd += ["--reverse"] if reverse else []
    if any(all(not ln.is_context for ln in h) for pf in ps for h in pf):
        cmd.append("--unidiff-zero")  # a -U0 diff: hunks without context
    p = proc.run([*cmd, "-"], cwd=tmp, input=mail.text.encode("utf-8", "surrogateescape"))
    return "" if p.returncode == 0 else proc.complaint(p)


def _copy(src: str, dst: str) -> None:
    for sub in (HELPERS, ATOMIC_DIR):
        if os.path.isdir(os.path.join(src, sub)):
            shutil.copytree(os.path.join(src, sub), os.path.join(dst, sub), symlinks=True)


def _annotated(root: str, files: list[str]) -> dict[str, set[str]]:
    """Per file (relative), the helpers annotated in ``root``."""
    out: dict[str, set[str]] = {}
    paths = [os.path.join(root, f) for f in files if os.path.isfile(os.path.join(root, f))]
    for item in scan_paths(paths):
        rel = os.path.relpath(item.path, root)
        out[rel] = {d.name for d in item.scan.definitions if d.annotated} if item.scan else set()
    return out


def _key(f: Diagnostic) -> tuple:
    """A finding without its line numbers: the same problem before and after."""
    return (f.path, f.type, f.helper, re.sub(r"\d+", "#", f.message))


def _base(patches: list[Patch], tree: str, tmp: str) -> tuple[str, bool]:
    """A copy of the tree as the series expects it: the tree itself, or,
    where HEAD already holds the series, the tree with it reversed."""
    base = os.path.join(tmp, "base")
    _copy(tree, base)
    probe = os.path.join(tmp, "probe")
    shutil.copytree(base, probe, symlinks=True)
    why = _apply(probe, tree, *patches[0])
    shutil.rmtree(probe)
    if not why:
        return base, False
    for mail, ps in reversed(patches):
        if _apply(base, tree, mail, ps, reverse=True):
            raise PatchError(f"'{patches[0][0].origin}' does not apply to {tree}: {why}")
    return base, True


def check_in_tree(patches: list[Patch], tree: str, choice: HelpersBlock) -> InTree:
    from ..tree import check_helpers

    if old_layout(tree):
        raise PatchError(old_layout(tree))
    if not os.path.isdir(os.path.join(tree, HELPERS)):
        raise PatchError(f"{tree}: no rust/helpers/ in this tree")
    block, _ = helpers_block_for(tree, choice)  # the real tree's Kconfig
    note = ""
    origins = Origins()
    if not patches:
        return InTree([], 0, False, "")
    with tempfile.TemporaryDirectory(prefix="helperfix-patch-") as tmp:
        base, applied = _base(patches, tree, tmp)
        if applied:
            note = (
                f"; the series is already applied in {tree} (HEAD holds it): checked as it stands"
            )
        work = os.path.join(tmp, "work")
        shutil.copytree(base, work, symlinks=True)
        for mail, ps in patches:
            touched = [path for _, path in helper_files(mail, ps)]
            before = {f: origins.read(work, f) for f in touched}
            why = _apply(work, tree, mail, ps)
            if why:
                raise PatchError(f"'{mail.origin}' does not apply to {tree}: {why}")
            for f in touched:
                origins.update(f, before[f], origins.read(work, f), mail.origin)
        old, _, _ = check_helpers(base, [os.path.join(base, HELPERS)], helpers_block=block)
        findings, lines, bad = check_helpers(
            work, [os.path.join(work, HELPERS)], helpers_block=block
        )
        pending = not defines_anywhere(work)  # annotations come with the migration
        was_annotated = _annotated(base, origins.files())
    already = Counter(_key(f) for f in old)
    kept = []
    for f in findings:
        if f.path not in origins.files():
            continue
        missing = f.kind is MISSING_RUST_HELPER
        origin = origins.of(f.path, f.span if missing else (f.line, f.line))
        if missing:
            if origin is None:
                continue  # not a declaration the series added or changed
            if f.helper in was_annotated.get(f.path, set()):
                msg = f"patch removes __rust_helper from helper '{f.helper}'"
                f = f.retyped(REMOVED_RUST_HELPER, msg)
            elif pending:
                msg = (
                    f"helper '{f.helper}' has no __rust_helper; this tree does not define "
                    "the macro yet, so annotations come with the migration"
                )
                f = f.retyped(RUST_HELPER_PENDING, msg)
        elif already[_key(f)]:
            already[_key(f)] -= 1
            continue  # the tree had it before the series: not the series' doing
        kept.append(replace(f, origin=origin or origins.last(f.path)))
    return InTree(kept, lines, bad, note)
