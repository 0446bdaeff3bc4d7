"""``helperfix check --patch``: the lint gate for patches on the list.

Without a tree each hunk is read as a fragment, both sides: a helper whose
declaration the patch adds or changes without ``__rust_helper`` is
MISSING_RUST_HELPER, or REMOVED_RUST_HELPER when the old side had it; an
annotation added or removed where the hunk does not show the declaration
(``-U0``, ``-U1``) is a CHECK asking for ``--tree``; a changed line the C
lexer cannot read is an error naming the patch and the hunk.  With
``--tree`` the patches are applied in order (``git apply``) to a copy of the
tree's helpers, the result is checked in context, and each finding is
credited to the patch that last changed its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import unidiff

from ...c.scan import FileScan, scan
from ...c.source import Source
from ...diagnostics import Diagnostic
from ...findings import PATCH_CONTEXT, REMOVED_RUST_HELPER
from ...kernel.kconfig import HelpersBlock
from ...kernel.paths import ATOMIC_DIR
from ..missing_annotation import diagnostic
from .diffs import PREFIX, PatchError, helper_files, parse
from .inbox import Mail, mails

_LABEL = re.compile(r"^[A-Za-z_]\w*:\s*$")
_TOKEN = re.compile(r"\b__rust_helper\b")


@dataclass
class PatchResult:
    """The findings of a patch check, and how much it read."""

    findings: list[Diagnostic]
    lines: int  # lines added to helper files
    bad: bool  # some input could not be read
    mails: int  # mails (or diffs) read
    skipped: int  # mails without a diff: cover letters, replies
    note: str = ""  # how the tree was used (--tree)


def _resync(lines: list[tuple[int, str, bool]], at_top: bool) -> int:
    """Index of the first line of a hunk that surely sits at file scope: a
    column-0 line after a blank line, a closing brace or a comment's end."""
    for i, (_, text, _) in enumerate(lines):
        if not text[:1] or not (text[0].isalpha() or text[0] in "_#") or _LABEL.match(text):
            continue
        prev = lines[i - 1][1].rstrip() if i else ""
        if (i == 0 and at_top) or (i and (not prev or prev == "}" or prev.endswith("*/"))):
            return i
    return len(lines)


@dataclass
class _Side:
    """A patched file's fragment as scanned, placed in the file."""

    fs: FileScan
    first: int  # file line of the fragment's first line
    spans: list[tuple[int, int]]  # file lines of each definition, anchor to '{'


def _skipped(lines: list[tuple[int, str, bool]], cut: int, where: str) -> list[int]:
    """Changed lines before the first line the fragment reader trusts: a
    comment one of them opens and the hunk never closes cannot be read (a
    PatchError); a column-0 declaration among them is returned (its file
    line), to be reported as PATCH_CONTEXT; indented body lines and comment
    lines are what a hunk starting inside a function shows."""
    texts = [t for _, t, _ in lines]
    out = []
    for i, (n, text, changed) in enumerate(lines[:cut]):
        if not changed:
            continue
        opened = text.rfind("/*")
        if opened >= 0 and "*/" not in text[opened:] and not any("*/" in t for t in texts[i + 1 :]):
            raise PatchError(f"{where}, line {n}: cannot be read as C: unterminated /* comment")
        if text[:1].isalpha() or text[:1] == "_":
            if not _LABEL.match(text):
                out.append(n)
    return out


def _fragment(
    lines: list[tuple[int, str, bool]], at_top: bool, where: str
) -> tuple[_Side | None, list[int]]:
    """Scan one side of a hunk (``lines``: file line, text, changed?), and
    the changed declaration lines it could not place.  A fragment cut inside
    a comment or string in *context* lines is shortened; one that cannot be
    read in a *changed* line is an error."""
    cut = _resync(lines, at_top)
    unread = _skipped(lines, cut, where)
    lines = lines[cut:]
    while lines:
        text = "".join(v if v.endswith("\n") else v + "\n" for _, v, _ in lines)
        src = Source(where, text.encode("utf-8", "surrogateescape"))
        fs = scan(src, lenient=True)
        if fs.error is None:
            first = lines[0][0]
            spans = [
                (src.line_of(d.anchor) + first - 1, src.line_of(d.lbrace) + first - 1)
                for d in fs.definitions
            ]
            return _Side(fs, first, spans), unread
        bad = min(fs.error.line, len(lines)) - 1
        if any(changed for _, _, changed in lines[bad:]):
            raise PatchError(f"{where}, line {lines[bad][0]}: cannot be read as C: {fs.error}")
        lines = lines[:bad]  # the hunk ends inside a comment or string: cut it there
    return None, unread


def _hunk(mail: Mail, path: str, hunk: unidiff.Hunk) -> list[Diagnostic]:
    where = f"'{mail.origin}': {path}: hunk @@ -{hunk.source_start} +{hunk.target_start} @@"
    new = [(ln.target_line_no, ln.value, ln.is_added) for ln in hunk if not ln.is_removed]
    old = [(ln.source_line_no, ln.value, ln.is_removed) for ln in hunk if not ln.is_added]
    new_side, unread = _fragment(new, hunk.target_start <= 1, where)
    old_side, _ = _fragment(old, hunk.source_start <= 1, where)
    was_annotated = {d.name for d in old_side.fs.definitions if d.annotated} if old_side else set()
    added = {n for n, _, changed in new if changed}
    findings = []
    if new_side:
        for d, (lo, hi) in zip(new_side.fs.definitions, new_side.spans):
            if d.annotated or not added.intersection(range(lo, hi + 1)):
                continue
            f = diagnostic(path, new_side.fs.source, d, new_side.first - 1, added=True)
            if d.name in was_annotated:
                msg = f"patch removes __rust_helper from helper '{d.name}'"
                f = f.retyped(REMOVED_RUST_HELPER, msg)
            findings.append(replace(f, origin=mail.origin))
    for side, lines, verb in ((new_side, new, "added"), (old_side, old, "removed")):
        spans = side.spans if side else []
        for n, text, changed in lines:
            if not changed or not _TOKEN.search(text) or text.lstrip().startswith("#"):
                continue
            if any(lo <= n <= hi for lo, hi in spans):
                continue
            line = n if verb == "added" else hunk.target_start
            msg = f"__rust_helper {verb} where the hunk does not show the declaration; use --root"
            findings.append(PATCH_CONTEXT(path, line, msg, origin=mail.origin))
    noted = {f.line for f in findings if f.kind is PATCH_CONTEXT}
    for n in (n for n in unread if n not in noted):
        msg = "changed line not checked: the hunk does not show where it sits; use --root"
        findings.append(PATCH_CONTEXT(path, n, msg, origin=mail.origin))
    return findings


def check_patch(
    path: str,
    name: str,
    tree: str | None = None,
    helpers_block: HelpersBlock = HelpersBlock.AUTO,
) -> PatchResult:
    """Findings for the helpers a patch (mail, mbox or diff, in the file at
    ``path``) adds or changes.  Mails are read one at a time; with ``tree``,
    only those touching the helpers or their generator are kept, to be
    applied in order."""
    findings: list[Diagnostic] = []
    kept: list[tuple[Mail, unidiff.PatchSet]] = []
    lines = total = with_diff = 0
    for mail in mails(path, name):
        total += 1
        if not mail.has_diff:
            continue
        with_diff += 1
        if tree is not None:
            if PREFIX in mail.text or ATOMIC_DIR in mail.text:
                kept.append((mail, parse(mail)))
            continue
        ps = parse(mail)
        for pf, file in helper_files(mail, ps, findings):
            for hunk in pf:
                findings.extend(_hunk(mail, file, hunk))
            lines += pf.added
    if not with_diff:
        raise PatchError("no diff found")
    skipped = total - with_diff
    if tree is not None:
        from .intree import check_in_tree

        found = check_in_tree(kept, tree, helpers_block)
        return PatchResult(found.findings, found.lines, found.bad, total, skipped, found.note)
    findings.sort(key=lambda f: (f.path, f.line))
    return PatchResult(findings, lines, False, total, skipped)
