"""Proof that a rewrite changed nothing but what it meant to.

Before and after a rewrite, the file's live code tokens (libclang's lexer;
comments, directives, ``#if 0`` arms and ``__rust_helper`` set aside) are
hashed: layout may move and directives may be added or removed by the
migration rewrites, but code may not change.  A rewrite that fails this is
refused, not written.
"""

from __future__ import annotations

import hashlib

from .directives import ScanError, layout
from .lex import Token
from .source import Source

ANNOTATION = b"__rust_helper"


def digest_live(data: bytes, live: list[Token]) -> str:
    h = hashlib.sha1()
    for t in live:
        s = data[t.start : t.end]
        if s != ANNOTATION:
            h.update(s + b"\0")
    return h.hexdigest()


def digest(src: Source, tokens: list[Token]) -> str | None:
    """The live-code digest of a file, or None if its directives are broken."""
    try:
        return digest_live(src.data, layout(src, tokens).live)
    except ScanError:
        return None
