"""Property: on generated helper files, annotate keeps every code token, adds
the annotation to every helper, and a second run is a no-op."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helperfix import annotate_source
from helperfix.c.lex import COMMENT, tokenize
from helperfix.c.scan import scan
from helperfix.c.source import Source

IDENT = st.from_regex(r"[a-z_][a-z0-9_]{0,30}", fullmatch=True).filter(
    lambda s: s
    not in {"if", "do", "for", "int", "void", "static", "struct", "return", "while", "else"}
)
TYPE = st.sampled_from(
    ["void", "int", "bool", "unsigned long", "struct page *", "const char *", "u64", "gfp_t"]
)
ATTR = st.sampled_from(
    ["", "__must_check ", "__noreturn ", "__cold ", "void * __must_check __realloc_size(2)\n"]
)
PARAM = st.builds(
    lambda t, n: f"{t} {n}".replace("* ", "*"), TYPE.filter(lambda t: t != "void"), IDENT
)


@st.composite
def helper(draw) -> str:
    name = "rust_helper_" + draw(IDENT)
    params = draw(st.lists(PARAM, max_size=5))
    attr = draw(ATTR)
    ret = "" if attr.endswith("\n") else draw(TYPE) + (" " if not draw(TYPE).endswith("*") else "")
    if ret.endswith("* "):
        ret = ret[:-1]
    sep = draw(st.sampled_from([" ", "\n"])) if ret else ""
    plist = ", ".join(params) or "void"
    body = draw(st.sampled_from(["", "\treturn 0;\n", '\tputs("{}");\n']))
    text = f"{attr}{ret}{sep}{name}({plist})\n{{\n{body}}}\n"
    comment = draw(st.sampled_from(["", "/* a helper */\n", "// why\n"]))
    return comment + text


@st.composite
def helper_file(draw) -> bytes:
    parts = ["// SPDX-License-Identifier: GPL-2.0\n\n#include <linux/x.h>\n\n"]
    for _ in range(draw(st.integers(1, 5))):
        h = draw(helper())
        if draw(st.booleans()):
            cond = draw(
                st.sampled_from(["#ifdef CONFIG_A", "#ifndef CONFIG_B", "#if IS_ENABLED(CONFIG_C)"])
            )
            other = draw(helper())
            h = f"{cond}\n{h}#else\n{other}#endif\n"
        parts.append(h + "\n")
    text = "".join(parts).encode()
    if draw(st.booleans()):
        text = text.replace(b"\n", b"\r\n")
    if draw(st.booleans()):
        text = text.rstrip(b"\r\n")
    return text


def code(data: bytes) -> list[bytes]:
    tokens, errors = tokenize(data)
    assert not errors
    return [
        data[t.start : t.end]
        for t in tokens
        if t.kind != COMMENT and data[t.start : t.end] != b"__rust_helper"
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=helper_file())
def test_tokens_kept_all_annotated_idempotent(data):
    path = "rust/helpers/gen.c"
    first, diags = annotate_source(data, path)
    assert not diags
    assert code(first) == code(data)
    assert all(d.annotated for d in scan(Source(path, first)).definitions)
    assert annotate_source(first, path) == (first, [])
