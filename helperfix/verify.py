"""Proof that a rewrite changed nothing but what it meant to.

Before and after a rewrite, the file's code tokens (libclang's lexer; comments
and ``__rust_helper`` set aside) are compared: layout may move, code may not.
The lines that a migration edit removes or inserts (a fallback, the
``__BINDGEN__`` block) are left out on each side.  A rewrite that fails this
is refused, not written.
"""

from __future__ import annotations

from .c.lex import COMMENT, Token
from .kernel.paths import ANNOTATION


def code(data: bytes, tokens: list[Token], skip: list[tuple[int, int]] = ()) -> list[bytes]:
    """The text of each code token, in order, outside the ``skip`` spans."""
    if not skip:  # the usual case, in comprehensions
        texts = [data[s:e] for kind, s, e in tokens if kind != COMMENT]
        return [t for t in texts if t != ANNOTATION]
    spans = sorted(skip)
    out = []
    k = 0
    for t in tokens:
        while k < len(spans) and spans[k][1] <= t.start:
            k += 1
        if k < len(spans) and spans[k][0] <= t.start < spans[k][1]:
            continue
        if t.kind != COMMENT:
            s = data[t.start : t.end]
            if s != ANNOTATION:
                out.append(s)
    return out
