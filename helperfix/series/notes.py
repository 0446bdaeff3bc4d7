"""What an annotation commit really did to a file, for its commit message:
which helpers it marked, where clang-format also normalised spacing, and
where the annotation sits on a line of its own (and why)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from ..c.scan import scan
from ..c.source import Source
from ..kernel.paths import ANNOTATION

_WORD = re.compile(rb"\b__rust_helper\b")


@dataclass
class FileNotes:
    helpers: list[str] = field(default_factory=list)  # newly annotated
    spacing: list[tuple[str, str]] = field(default_factory=list)  # (before, after) lines
    own_line_checkpatch: list[str] = field(default_factory=list)
    own_line_arms: list[str] = field(default_factory=list)  # split return type
    rewrapped: bool = False  # some declaration's lines were re-wrapped


def _squash(text: bytes) -> bytes:
    return b" ".join(_WORD.sub(b"", text).split())


def describe(old: bytes, new: bytes, path: str) -> FileNotes:
    notes = FileNotes()
    before = {d.name for d in scan(Source(path, old)).definitions if d.annotated}
    src = Source(path, new)
    for d in scan(src).definitions:
        if not d.annotated or d.name in before:
            continue
        notes.helpers.append(d.name)
        line = src.line_of(d.anchor)
        text = new[src.line_start(line) : src.line_end(line)]
        if text.strip() == ANNOTATION:
            nxt = new[src.line_start(line + 1) : src.line_end(line + 1)].lstrip()
            arms = notes.own_line_arms if nxt.startswith(b"#") else notes.own_line_checkpatch
            arms.append(d.name)
    a, b = old.splitlines(), new.splitlines()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag != "replace":
            continue
        if b[j1:j2] != [ANNOTATION + b" " + line for line in a[i1:i2]]:
            notes.rewrapped = True
        if _squash(b"\n".join(a[i1:i2])) != _squash(b"\n".join(b[j1:j2])):
            pair = (a[i1].decode("utf-8", "replace"), b[j1].decode("utf-8", "replace"))
            notes.spacing.append(pair)
    return notes
