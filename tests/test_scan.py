"""The scanner: which definitions it finds, in every arm, and which it must not."""

from __future__ import annotations

import pytest

from helperfix.c.scan import scan
from helperfix.c.source import Source


def found(text: str) -> list[tuple[str, bool, str]]:
    fs = scan(Source("t.c", text.encode()))
    assert fs.error is None, fs.error and fs.error.message
    return [(d.name, d.annotated, d.condition) for d in fs.definitions]


CASES = [
    ("plain", "void rust_helper_a(void)\n{\n}\n", [("rust_helper_a", False, "")]),
    (
        "not prefixed",
        "unsigned long _find_next_bit(const unsigned long *a, unsigned long s)\n{\n}\n",
        [("_find_next_bit", False, "")],
    ),
    ("prototype", "void rust_helper_a(void);\n", []),
    ("comment", "/* void rust_helper_a(void) { } */\n// void f(void) { }\n", []),
    ("string", 'const char *s = "void f(void) { }";\n', []),
    ("macro body is not a file-scope definition", "#define X 1\nint x;\n", []),
    ("static is internal", "static void helper(void)\n{\n}\n", []),
    ("struct", "struct s { int a; };\nint tbl[] = { 1, 2 };\n", []),
    (
        "ifdef/else arms",
        "#ifdef CONFIG_A\nvoid f(void) { a(); }\n#else\nvoid f(void) { }\n#endif\n",
        [("f", False, "defined(CONFIG_A)"), ("f", False, "!(defined(CONFIG_A))")],
    ),
    (
        "ifndef, elif, IS_ENABLED",
        "#ifndef A\nint f(void) { }\n#elif IS_ENABLED(CONFIG_B)\nint g(void) { }\n#endif\n",
        [("f", False, "!defined(A)"), ("g", False, "!(!defined(A)) && IS_ENABLED(CONFIG_B)")],
    ),
    (
        "nested",
        "#ifdef A\n# if defined(B)\nvoid f(void) { }\n# endif\n#endif\n",
        [("f", False, "defined(A) && defined(B)")],
    ),
    (
        "if 0 is dead code",
        "#if 0\nvoid f(void) { }\n#endif\nvoid g(void) { }\n",
        [("g", False, "")],
    ),
    (
        "attribute macros",
        "void * __must_check __realloc_size(2)\nrust_helper_k(const void *p, size_t n)\n{\n}\n",
        [("rust_helper_k", False, "")],
    ),
    ("noreturn", "__noreturn void rust_helper_BUG(void)\n{\n}\n", [("rust_helper_BUG", False, "")]),
    (
        "trailing attribute",
        "void f(spinlock_t *l) __acquires(l)\n{\n}\n",
        [("f", False, "")],
    ),
    (
        "unknown types",
        "struct foo_bar *rust_helper_x(my_type_t a, const struct q *b)\n{\n}\n",
        [("rust_helper_x", False, "")],
    ),
    ("annotated same line", "__rust_helper void f(void)\n{\n}\n", [("f", True, "")]),
    ("annotated own line", "__rust_helper\nvoid f(void)\n{\n}\n", [("f", True, "")]),
    (
        "annotated before noreturn",
        "__rust_helper __noreturn void f(void)\n{\n}\n",
        [("f", True, "")],
    ),
    (
        "annotated split return",
        "__rust_helper int\nrust_helper_r(const atomic_t *v)\n{\n}\n",
        [("rust_helper_r", True, "")],
    ),
    ("function pointer return", "void (*get(void))(int)\n{\n}\n", [("get", False, "")]),
    (
        "macro-generated",
        "#define GEN(n) \\\n\tint rust_helper_##n(void) \\\n\t{ return n(); }\nGEN(a)\n",
        [("rust_helper_##n", False, "")],
    ),
    (
        "standalone macro call before a definition",
        "DEFINE_GUARD(x)\nvoid f(void)\n{\n}\n",
        [("f", False, "")],
    ),
    (
        "body with braces in strings",
        'void f(void)\n{\n\tputs("}");\n}\nvoid g(void) { }\n',
        [("f", False, ""), ("g", False, "")],
    ),
]


@pytest.mark.parametrize("text,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_scan(text, expected):
    assert found(text) == expected


ERRORS = [
    (
        "unterminated comment",
        "int a;\n/* never closed\nvoid f(void) { }\n",
        2,
        "unterminated /* comment",
    ),
    ("unbalanced if", "#ifdef A\nvoid f(void) { }\n", 1, "unterminated #ifdef"),
    ("stray endif", "void f(void) { }\n#endif\n", 2, "#endif without #if"),
    ("else after else", "#if A\n#else\n#else\n#endif\n", 3, "#else after #else"),
    ("unterminated string", 'void f(void)\n{\n\tputs("x);\n}\n', 3, "missing terminating quote"),
    ("unbalanced brace", "void f(void)\n{\n", 2, "unclosed '{'"),
    ("NUL byte", "int a;\n\0\n", 2, "cannot read"),
]


@pytest.mark.parametrize("text,line,message", [c[1:] for c in ERRORS], ids=[c[0] for c in ERRORS])
def test_scan_errors(text, line, message):
    fs = scan(Source("t.c", text.encode()))
    assert fs.error is not None
    assert (fs.error.line, message in fs.error.message) == (line, True), fs.error.message


def test_apostrophe_in_dead_code_and_error_directive_is_fine():
    text = "#if 0\nit's dead\n#endif\n#ifdef X\n#error don't\n#endif\nvoid f(void) { }\n"
    assert found(text) == [("f", False, "")]


def test_split_return_type_anchors_before_the_if():
    text = b"int a;\n#ifdef W\nu64\n#else\nu32\n#endif\nrust_helper_c(void)\n{\n}\n"
    fs = scan(Source("t.c", text))
    (d,) = fs.definitions
    assert d.own_line and d.anchor == text.index(b"#ifdef")


def test_split_name_is_reported():
    text = b"int\n#ifdef W\nf_a(void)\n#else\nf_b(void)\n#endif\n{\n}\n"
    fs = scan(Source("t.c", text))
    assert fs.error is not None and fs.error.line == 3
    assert "split across preprocessor arms" in fs.error.message


@pytest.mark.parametrize(
    "text", [b"#define X \\", b"void f(void)\n{\n}\n#define Y 1 \\", b"int a; \\"]
)
def test_backslash_at_end_of_file(text):
    """A splice with nothing after it (a truncated file) must not hang the
    directive reader nor produce tokens past the end."""
    fs = scan(Source("t.c", text))
    assert all(t.end <= len(text) for t in fs.tokens)
