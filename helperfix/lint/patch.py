"""``helperfix check --patch``: the lint gate for patches on the list.

Accepts a ``git format-patch`` mail, an mbox holding a whole series (as
``b4 am`` writes it) or a plain unified diff.  Mail handling (mbox splitting,
quoted-printable and base64 bodies) is Python's ``mailbox``/``email``; diff
parsing is ``unidiff``.  Without a tree, each hunk's new side is scanned as a
fragment; with ``--tree`` the patch is applied with ``git apply`` to a copy of
the tree's helpers and the result is checked in context.
"""

from __future__ import annotations

import difflib
import email
import email.policy
import mailbox
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass

import unidiff

from ..c.scan import scan
from ..c.source import Source
from ..diagnostics import Diagnostic
from ..kernel import HELPERS
from ..signals import CHILD
from .missing_annotation import diagnostic

_PREFIX = HELPERS + "/"
_HEADER = re.compile(rb"^[A-Za-z][A-Za-z0-9-]*: ")
_LABEL = re.compile(r"^[A-Za-z_]\w*:\s*$")


class PatchError(Exception):
    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class Diff:
    subject: str
    text: str  # the unified diff, bytes decoded with surrogateescape


def _decode(b: bytes) -> str:
    return b.decode("utf-8", "surrogateescape")


def _body(msg: email.message.Message) -> bytes:
    """The decoded text of a mail (every text part, transfer encoding undone)."""
    parts = msg.walk() if msg.is_multipart() else [msg]
    out = []
    for part in parts:
        if part.get_content_maintype() == "text":
            payload = part.get_payload(decode=True)
            if payload:
                out.append(payload)
    return b"\n".join(out)


def split(data: bytes) -> list[Diff]:
    """The diffs in ``data``: one per mail of an mbox, or the data itself."""
    if data.startswith(b"From "):
        with tempfile.NamedTemporaryFile(suffix=".mbox") as fh:
            fh.write(data)
            fh.flush()
            box = mailbox.mbox(fh.name, create=False)
            mails = [box.get_message(key) for key in box.keys()]
            box.close()
    elif _HEADER.match(data) and b"\n\n" in data.replace(b"\r\n", b"\n"):
        mails = [email.message_from_bytes(data, policy=email.policy.compat32)]
    else:
        return [Diff("", _decode(data))]
    return [Diff(str(m.get("Subject", "")), _decode(_body(m))) for m in mails]


def _parse(diff: Diff) -> unidiff.PatchSet:
    try:
        return unidiff.PatchSet(diff.text)
    except unidiff.UnidiffParseError as e:
        where = f" in '{diff.subject}'" if diff.subject else ""
        raise PatchError(f"malformed patch{where}: {e}") from e


def _target(pf: unidiff.PatchedFile) -> str | None:
    path = pf.target_file
    if path == "/dev/null":
        return None
    return path[2:] if path.startswith("b/") else path


def _helper_files(patches: list[unidiff.PatchSet]) -> list[tuple[unidiff.PatchedFile, str]]:
    out = []
    for ps in patches:
        for pf in ps:
            path = _target(pf)
            if path is None or not path.startswith(_PREFIX):
                continue  # deleted, or outside rust/helpers/: ignored
            if pf.is_binary_file:
                raise PatchError(f"binary patch for {path}: cannot check it")
            out.append((pf, path))
    return out


def _resync(lines: list[tuple[int, str]], at_top: bool) -> int:
    """Index of the first line of a hunk that surely sits at file scope: a
    column-0 line after a blank line, a closing brace or a comment's end."""
    for i, (_, text) in enumerate(lines):
        if not text[:1] or not (text[0].isalpha() or text[0] in "_#") or _LABEL.match(text):
            continue
        prev = lines[i - 1][1].rstrip() if i else ""
        if (i == 0 and at_top) or (i and (not prev or prev == "}" or prev.endswith("*/"))):
            return i
    return len(lines)


def _fragment_findings(pf: unidiff.PatchedFile, path: str) -> list[Diagnostic]:
    findings = []
    for hunk in pf:
        lines = [(ln.target_line_no, ln.value) for ln in hunk if not ln.is_removed]
        added = {ln.target_line_no for ln in hunk if ln.is_added}
        start = _resync(lines, hunk.target_start <= 1)
        lines = lines[start:]
        if not lines or not added:
            continue
        first = lines[0][0]
        text = "".join(v if v.endswith("\n") else v + "\n" for _, v in lines)
        src = Source(path, text.encode("utf-8", "surrogateescape"))
        fs = scan(src, lenient=True)
        if fs.error:  # a fragment the lexer cannot read (cut inside a comment)
            continue
        for d in fs.definitions:
            span = range(src.line_of(d.anchor) + first - 1, src.line_of(d.lbrace) + first)
            if d.annotated or not added.intersection(span):
                continue
            findings.append(diagnostic(path, src, d, first - 1, added=True))
    return findings


def _in_tree(diffs: list[Diff], files: list[str], tree: str) -> tuple[list[Diagnostic], int, bool]:
    from .tree import check_tree

    if not os.path.isdir(os.path.join(tree, HELPERS)):
        raise PatchError(f"{tree}: no rust/helpers/ in this tree")
    with tempfile.TemporaryDirectory(prefix="helperfix-patch-") as tmp:
        for sub in (HELPERS, os.path.join("scripts", "atomic")):
            if os.path.isdir(os.path.join(tree, sub)):
                shutil.copytree(os.path.join(tree, sub), os.path.join(tmp, sub), symlinks=True)
        for d in diffs:
            p = subprocess.run(
                ["git", "apply", "--include=" + _PREFIX + "*", "-"],
                cwd=tmp,
                input=d.text.encode("utf-8", "surrogateescape"),
                capture_output=True,
                **CHILD,
            )
            if p.returncode != 0:
                what = f"'{d.subject}'" if d.subject else "the patch"
                msg = p.stderr.decode("utf-8", "replace").strip().splitlines()
                raise PatchError(f"{what} does not apply to {tree}: {msg[0] if msg else ''}")
        findings, lines, bad = check_tree(tmp, [os.path.join(tmp, HELPERS)])
        added = {f: _added_lines(os.path.join(tree, f), os.path.join(tmp, f)) for f in files}
    kept = [
        f
        for f in findings
        if f.path in added
        and (
            f.type != "MISSING_RUST_HELPER" or added[f.path] & set(range(f.span[0], f.span[1] + 1))
        )
    ]
    return kept, lines, bad


def _added_lines(old: str, new: str) -> set[int]:
    """Lines of ``new`` that the patch series added or changed."""
    try:
        with open(old, "rb") as fh:
            a = fh.read().splitlines()
    except OSError:
        a = []
    try:
        with open(new, "rb") as fh:
            b = fh.read().splitlines()
    except OSError:
        return set()
    out: set[int] = set()
    for tag, _, _, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag in ("replace", "insert"):
            out.update(range(j1 + 1, j2 + 1))
    return out


def check_patch(data: bytes, tree: str | None = None) -> tuple[list[Diagnostic], int, bool]:
    """Findings for the helpers a patch (mail, mbox or diff) adds or changes."""
    diffs = split(data)
    patches = [_parse(d) for d in diffs]
    if not any(len(ps) for ps in patches):
        raise PatchError("no diff found")
    files = _helper_files(patches)
    if tree is not None:
        return _in_tree(diffs, sorted({p for _, p in files}), tree)
    findings: list[Diagnostic] = []
    lines = 0
    for pf, path in files:
        if path.endswith(".c"):
            findings.extend(_fragment_findings(pf, path))
        lines += pf.added
    findings.sort(key=lambda f: (f.path, f.line))
    return findings, lines, False
