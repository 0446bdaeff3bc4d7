"""Proof that a rewrite changed nothing but what it meant to.

Before and after every rewrite the file's code tokens (libclang's lexer,
comments and ``__rust_helper`` set aside) are hashed: layout may move, code
may not.  A rewrite that fails this is refused, not written.
"""

from __future__ import annotations

import hashlib

from .lex import COMMENT, Token, tokenize

ANNOTATION = b"__rust_helper"


def code_tokens(data: bytes, tokens: list[Token] | None = None) -> list[bytes]:
    if tokens is None:
        tokens, _ = tokenize(data)
    return [
        data[t.start : t.end]
        for t in tokens
        if t.kind != COMMENT and data[t.start : t.end] != ANNOTATION
    ]


def digest(data: bytes, tokens: list[Token] | None = None) -> str:
    return hashlib.sha1(b"\0".join(code_tokens(data, tokens))).hexdigest()
