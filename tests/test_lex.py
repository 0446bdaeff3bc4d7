"""The lexer: libclang's own tokens, through helperfix's own small binding."""

from __future__ import annotations

import clang.cindex as ci
import pytest
from conftest import CORPUS, make_tree, needs_corpus, run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helperfix.c.lex import tokenize, tokenize_many


def _reference(data: bytes) -> list[tuple[int, int, int]]:
    """The tokens clang.cindex's own API gives for ``data``."""
    name = "ref.c"
    tu = ci.Index.create().parse(
        name, args=["-xc", "-nostdinc", "-w"], unsaved_files=[(name, data)], options=0x602
    )
    return [
        (t.kind.value, t.extent.start.offset, t.extent.end.offset)
        for t in tu.get_tokens(extent=tu.cursor.extent)
    ]


@needs_corpus
def test_same_tokens_as_cindex_on_real_helpers():
    files = sorted((CORPUS / "rust/helpers").rglob("*.c"))
    assert len(files) > 50
    blobs = [f.read_bytes() for f in files]
    for f, data, (tokens, errors) in zip(files, blobs, tokenize_many(blobs)):
        assert errors == [], f
        assert [tuple(t) for t in tokens] == _reference(data), f


_piece = st.sampled_from(
    [
        b"int x;\n",
        b"/* a comment */\n",
        b"// line comment\n",
        b"\"str\" 'c'\n",
        b"#define A(x) x##y \\\n  more\n",
        b"#if 0\nvoid f(void) {}\n#endif\n",
        b"\xef\xbb\xbf",
        b"a \\\n b\n",
        b"\\",
        b"\n\n",
        b"/* open",
        b'"open',
        b"x\x00y",
        b"\xff\xfe",
        b"void rust_helper_f(void)\n{\n}\n",
    ]
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(_piece, max_size=6).map(b"".join), min_size=1, max_size=5))
def test_lexing_in_one_batch_is_lexing_each_alone(blobs):
    assert tokenize_many(blobs) == [tokenize(b) for b in blobs]


def test_a_library_that_cannot_load_is_a_clear_error(tmp_path):
    fake = tmp_path / "lib"
    fake.mkdir()
    (fake / "libclang.so").write_bytes(b"not a shared object")
    root = make_tree(tmp_path / "tree", {"rust/helpers/a.c": "void a(void)\n{\n}\n"})
    r = run(
        "check", "--no-cache", str(root / "rust/helpers"), env={"LIBCLANG_LIBRARY_PATH": str(fake)}
    )
    assert r.returncode == 2
    err = r.stderr.decode()
    assert err.startswith("helperfix: error: cannot load libclang: ") and "Traceback" not in err


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"int", b"a\n\n"])
def test_edges(data):
    tokens, errors = tokenize(data)
    assert errors == []
    assert [tuple(t) for t in tokens] == _reference(data)
