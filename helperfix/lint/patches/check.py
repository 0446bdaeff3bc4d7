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

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, replace

import unidiff

from ...batch import scan_paths
from ...c.scan import FileScan, scan
from ...c.source import Source
from ...diagnostics import Diagnostic
from ...kernel import ATOMIC_DIR, HELPERS, defines, fallback_directives
from ...signals import CHILD
from ..missing_annotation import MISSING, diagnostic
from . import HIDDEN, PENDING, REMOVED
from .mail import Mail, read_mails
from .origins import Origins

_PREFIX = HELPERS + "/"
_LABEL = re.compile(r"^[A-Za-z_]\w*:\s*$")
_TOKEN = re.compile(r"\b__rust_helper\b")


class PatchError(Exception):
    pass


@dataclass
class Result:
    findings: list[Diagnostic]
    lines: int  # lines added to helper files
    bad: bool  # some input could not be read
    mails: int  # mails (or diffs) read
    skipped: int  # mails without a diff: cover letters, replies


def _parse(mail: Mail) -> unidiff.PatchSet:
    try:
        return unidiff.PatchSet(mail.text)
    except unidiff.UnidiffParseError as e:
        raise PatchError(f"malformed patch '{mail.origin}': {e}") from e


def _target(pf: unidiff.PatchedFile) -> str | None:
    path = pf.target_file
    if path == "/dev/null":
        return None
    return path[2:] if path.startswith("b/") else path


def _helper_files(mail: Mail, ps: unidiff.PatchSet) -> list[tuple[unidiff.PatchedFile, str]]:
    out = []
    for pf in ps:
        path = _target(pf)
        if path is None or not path.startswith(_PREFIX):
            continue  # deleted, or outside rust/helpers/: ignored
        if pf.is_binary_file:
            raise PatchError(f"'{mail.origin}': binary patch for {path}: cannot check it")
        out.append((pf, path))
    return out


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
    fs: FileScan
    first: int  # file line of the fragment's first line
    spans: list[tuple[int, int]]  # file lines of each definition, anchor to '{'


def _fragment(lines: list[tuple[int, str, bool]], at_top: bool, where: str) -> _Side | None:
    """Scan one side of a hunk (``lines``: file line, text, changed?).  A
    fragment cut inside a comment or string in *context* lines is shortened;
    one that cannot be read in a *changed* line is an error."""
    lines = lines[_resync(lines, at_top) :]
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
            return _Side(fs, first, spans)
        bad = min(fs.error.line, len(lines)) - 1
        if any(changed for _, _, changed in lines[bad:]):
            raise PatchError(f"{where}, line {lines[bad][0]}: cannot be read as C: {fs.error}")
        lines = lines[:bad]  # the hunk ends inside a comment or string: cut it there
    return None


def _hunk(mail: Mail, path: str, hunk: unidiff.Hunk) -> list[Diagnostic]:
    where = f"'{mail.origin}': {path}: hunk @@ -{hunk.source_start} +{hunk.target_start} @@"
    new = [(ln.target_line_no, ln.value, ln.is_added) for ln in hunk if not ln.is_removed]
    old = [(ln.source_line_no, ln.value, ln.is_removed) for ln in hunk if not ln.is_added]
    new_side = _fragment(new, hunk.target_start <= 1, where)
    old_side = _fragment(old, hunk.source_start <= 1, where)
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
                f = replace(f, type=REMOVED.name, level=REMOVED.level, message=msg)
            findings.append(replace(f, origin=mail.origin))
    for side, lines, verb in ((new_side, new, "added"), (old_side, old, "removed")):
        spans = side.spans if side else []
        for n, text, changed in lines:
            if not changed or not _TOKEN.search(text) or text.lstrip().startswith("#"):
                continue
            if any(lo <= n <= hi for lo, hi in spans):
                continue
            line = n if verb == "added" else hunk.target_start
            msg = f"__rust_helper {verb} where the hunk does not show the declaration; use --tree"
            findings.append(
                Diagnostic(path, line, msg, HIDDEN.level, HIDDEN.name, origin=mail.origin)
            )
    return findings


def _apply(tmp: str, tree: str, mail: Mail, ps: unidiff.PatchSet) -> None:
    cmd = ["git", "apply", f"--include={_PREFIX}*", f"--include={ATOMIC_DIR}/*"]
    if any(all(not ln.is_context for ln in h) for pf in ps for h in pf):
        cmd.append("--unidiff-zero")  # a -U0 diff: hunks without context
    p = subprocess.run(
        [*cmd, "-"],
        cwd=tmp,
        input=mail.text.encode("utf-8", "surrogateescape"),
        capture_output=True,
        **CHILD,
    )
    if p.returncode != 0:
        msg = p.stderr.decode("utf-8", "replace").strip().splitlines()
        raise PatchError(f"'{mail.origin}' does not apply to {tree}: {msg[0] if msg else ''}")


def _annotated(root: str, files: list[str]) -> dict[str, set[str]]:
    """Per file (relative), the helpers annotated in ``root``."""
    out: dict[str, set[str]] = {}
    paths = [os.path.join(root, f) for f in files if os.path.isfile(os.path.join(root, f))]
    for item in scan_paths(paths):
        rel = os.path.relpath(item.path, root)
        out[rel] = {d.name for d in item.scan.definitions if d.annotated} if item.scan else set()
    return out


def _defines_macro(root: str) -> bool:
    """Whether the tree defines __rust_helper anywhere (helpers.c, or a
    fallback in a helper file): if not, annotations come with the migration."""
    helpers = os.path.join(root, HELPERS)
    paths = [os.path.join(d, f) for d, _, fs in os.walk(helpers) for f in fs if f.endswith(".c")]
    return any(
        item.scan and (defines(item.scan) or fallback_directives(item.scan))
        for item in scan_paths(paths)
    )


def _in_tree(patches: list[tuple[Mail, unidiff.PatchSet]], tree: str) -> tuple[list, int, bool]:
    from ..tree import check_tree

    if not os.path.isdir(os.path.join(tree, HELPERS)):
        raise PatchError(f"{tree}: no rust/helpers/ in this tree")
    origins = Origins()
    with tempfile.TemporaryDirectory(prefix="helperfix-patch-") as tmp:
        for sub in (HELPERS, ATOMIC_DIR):
            if os.path.isdir(os.path.join(tree, sub)):
                shutil.copytree(os.path.join(tree, sub), os.path.join(tmp, sub), symlinks=True)
        for mail, ps in patches:
            touched = [path for _, path in _helper_files(mail, ps)]
            before = {f: origins.read(tmp, f) for f in touched}
            _apply(tmp, tree, mail, ps)
            for f in touched:
                origins.update(f, before[f], origins.read(tmp, f), mail.origin)
        findings, lines, bad = check_tree(tmp, [os.path.join(tmp, HELPERS)])
        pending = not _defines_macro(tmp)
    was_annotated = _annotated(tree, origins.files())
    kept = []
    for f in findings:
        if f.path not in origins.files():
            continue
        origin = origins.of(f.path, f.span if f.type == MISSING.name else (f.line, f.line))
        if f.type == MISSING.name:
            if origin is None:
                continue  # not a declaration the series added or changed
            if f.helper in was_annotated.get(f.path, set()):
                msg = f"patch removes __rust_helper from helper '{f.helper}'"
                f = replace(f, type=REMOVED.name, level=REMOVED.level, message=msg)
            elif pending:
                msg = (
                    f"helper '{f.helper}' has no __rust_helper; this tree does not define "
                    "the macro yet, so annotations come with the migration"
                )
                f = replace(f, type=PENDING.name, level=PENDING.level, message=msg)
        kept.append(replace(f, origin=origin or origins.last(f.path)))
    return kept, lines, bad


def check_patch(data: bytes, name: str, tree: str | None = None) -> Result:
    """Findings for the helpers a patch (mail, mbox or diff) adds or changes."""
    mails = read_mails(data, name)
    with_diff = [(m, _parse(m)) for m in mails if m.has_diff]
    if not any(len(ps) for _, ps in with_diff):
        raise PatchError("no diff found")
    skipped = len(mails) - len(with_diff)
    if tree is not None:
        findings, lines, bad = _in_tree(with_diff, tree)
        return Result(findings, lines, bad, len(mails), skipped)
    findings: list[Diagnostic] = []
    lines = 0
    for mail, ps in with_diff:
        for pf, path in _helper_files(mail, ps):
            if path.endswith(".c"):
                for hunk in pf:
                    findings.extend(_hunk(mail, path, hunk))
            lines += pf.added
    findings.sort(key=lambda f: (f.path, f.line))
    return Result(findings, lines, False, len(mails), skipped)
