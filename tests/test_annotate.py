"""The annotate rewrite: (input, expected output) pairs, run in memory
through the pure core (every row also checked for idempotence), then the
command-line contract: bytes, modes and exit status."""

from __future__ import annotations

import pytest
from conftest import make_tree, run, snapshot

from helperfix import annotate_source


def annotate(text: bytes | str) -> bytes:
    data = text.encode() if isinstance(text, str) else text
    new, diags = annotate_source(data, "rust/helpers/t.c")
    assert [d.render() for d in diags] == []
    return new


CASES = [
    (
        "short: same line",
        "void rust_helper_smp_mb(void)\n{\n\tsmp_mb();\n}\n",
        "__rust_helper void rust_helper_smp_mb(void)\n{\n\tsmp_mb();\n}\n",
    ),
    (
        "too long: return type on its own line",
        "void rust_helper_cpufreq_register_em_with_opp(struct cpufreq_policy *policy)\n{\n}\n",
        "__rust_helper void\nrust_helper_cpufreq_register_em_with_opp(struct cpufreq_policy *policy)\n{\n}\n",
    ),
    (
        "continuation lines re-aligned",
        "int rust_helper_security_binder_transaction(const struct cred *from,\n"
        "\t\t\t\t\t    const struct cred *to)\n{\n}\n",
        "__rust_helper int\nrust_helper_security_binder_transaction(const struct cred *from,\n"
        "\t\t\t\t\tconst struct cred *to)\n{\n}\n",
    ),
    (
        "attribute macros: only the touched line changes",
        "void * __must_check __realloc_size(2)\n"
        "rust_helper_krealloc_node_align(const void *objp, size_t new_size, unsigned long align,\n"
        "\t\t\t\tgfp_t flags, int node)\n{\n}\n",
        "__rust_helper void *__must_check __realloc_size(2)\n"
        "rust_helper_krealloc_node_align(const void *objp, size_t new_size, unsigned long align,\n"
        "\t\t\t\tgfp_t flags, int node)\n{\n}\n",
    ),
    (
        "before other attributes",
        "__noreturn void rust_helper_BUG(void)\n{\n\tBUG();\n}\n",
        "__rust_helper __noreturn void rust_helper_BUG(void)\n{\n\tBUG();\n}\n",
    ),
    (
        "every arm",
        "#ifdef CONFIG_A\nvoid f(void)\n{\n}\n#else\nvoid f(void)\n{\n}\n#endif\n",
        "#ifdef CONFIG_A\n__rust_helper void f(void)\n{\n}\n#else\n__rust_helper void f(void)\n{\n}\n#endif\n",
    ),
    (
        "return type split across arms: own line before the #if",
        "#ifdef W\nu64\n#else\nu32\n#endif\nrust_helper_c(void)\n{\n}\n",
        "__rust_helper\n#ifdef W\nu64\n#else\nu32\n#endif\nrust_helper_c(void)\n{\n}\n",
    ),
    (
        "macro body: a continuation line of its own",
        "#define G(n)\t\t\\\n\tint g_##n(void)\t\\\n\t{ return n; }\n",
        "#define G(n)\t\t\\\n\t__rust_helper\t\\\n\tint g_##n(void)\t\\\n\t{ return n; }\n",
    ),
    (
        "one-line macro",
        "#define G(n) int g_##n(void) { return n; }\n",
        "#define G(n) __rust_helper int g_##n(void) { return n; }\n",
    ),
    (
        "already annotated is left alone",
        "__rust_helper void\nrust_helper_cpufreq_x(struct cpufreq_policy *policy)\n{\n}\n",
        "__rust_helper void\nrust_helper_cpufreq_x(struct cpufreq_policy *policy)\n{\n}\n",
    ),
    (
        "already over 80 and independent: untouched",
        "void f(void)\n{\n\tthis_line_is_very_long_and_not_part_of_any_declaration_at_all(1, 2, 3, 4);\n}\n",
        "__rust_helper void f(void)\n{\n\tthis_line_is_very_long_and_not_part_of_any_declaration_at_all(1, 2, 3, 4);\n}\n",
    ),
    (
        "comment between helpers survives",
        "/* first */\nvoid a(void)\n{\n}\n\n// second\nvoid b(int x) /* why */\n{\n}\n",
        "/* first */\n__rust_helper void a(void)\n{\n}\n\n// second\n__rust_helper void b(int x) /* why */\n{\n}\n",
    ),
    (
        "if 0 is left alone",
        "#if 0\nvoid f(void)\n{\n}\n#endif\n",
        "#if 0\nvoid f(void)\n{\n}\n#endif\n",
    ),
]


@pytest.mark.parametrize("before,after", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_annotate(before, after):
    assert annotate(before).decode() == after
    # idempotent: a second run changes nothing
    assert annotate(after).decode() == after


BYTES = [
    (
        "CRLF kept",
        b"void a(void)\r\n{\r\n}\r\n",
        b"__rust_helper void a(void)\r\n{\r\n}\r\n",
    ),
    (
        "CRLF kept when re-wrapped",
        b"void rust_helper_bitmap_copy(unsigned long *to, const unsigned long *from, int n)\r\n{\r\n}\r\n",
        b"__rust_helper void rust_helper_bitmap_copy(unsigned long *to,\r\n"
        b"\t\t\t\t\t   const unsigned long *from, int n)\r\n{\r\n}\r\n",
    ),
    ("no final newline", b"void a(void)\n{\n}", b"__rust_helper void a(void)\n{\n}"),
    (
        "non-UTF-8 bytes elsewhere",
        b'/* \xff\xfe caf\xe9 */\nvoid a(void)\n{\n\tputs("\xe9");\n}\n',
        b'/* \xff\xfe caf\xe9 */\n__rust_helper void a(void)\n{\n\tputs("\xe9");\n}\n',
    ),
    (
        "byte order mark",
        b"\xef\xbb\xbfvoid a(void)\n{\n}\n",
        b"\xef\xbb\xbf__rust_helper void a(void)\n{\n}\n",
    ),
    (
        "tabs and trailing spaces elsewhere",
        b"int x;   \n\nvoid a(void)\n{\n\t\tb();  \n}\n",
        b"int x;   \n\n__rust_helper void a(void)\n{\n\t\tb();  \n}\n",
    ),
]


@pytest.mark.parametrize("before,after", [c[1:] for c in BYTES], ids=[c[0] for c in BYTES])
def test_bytes(before, after):
    assert annotate(before) == after
    assert annotate(after) == after


def test_modes_diff_check_write(tmp_path):
    root = make_tree(tmp_path, {"rust/helpers/a.c": "void a(void)\n{\n}\n"})
    before = snapshot(root)
    r = run("annotate", "--diff", str(root / "rust/helpers"))
    assert r.returncode == 0
    assert b"+++ b/rust/helpers/a.c" in r.stdout and b"+__rust_helper void a(void)" in r.stdout
    assert snapshot(root) == before
    r = run("annotate", "--check", str(root / "rust/helpers"))
    assert r.returncode == 1 and snapshot(root) == before
    r = run("annotate", str(root / "rust/helpers"))
    assert r.returncode == 0 and snapshot(root) != before
    after = snapshot(root)
    r = run("annotate", "--check", str(root / "rust/helpers"))
    assert r.returncode == 0 and snapshot(root) == after


def test_diff_applies_with_git_apply(tmp_path):
    import subprocess

    root = make_tree(
        tmp_path,
        {"rust/helpers/a.c": "void a(void)\n{\n}\n", "rust/helpers/b.c": b"int b(void)\r\n{\r\n}"},
    )
    r = run("annotate", "--diff", "--root", str(root), str(root / "rust/helpers"))
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    p = subprocess.run(
        ["git", "apply", "--check", "-"], cwd=root, input=r.stdout, capture_output=True
    )
    assert p.returncode == 0, p.stderr


def test_default_path_is_the_tree_around_cwd(tmp_path):
    root = make_tree(tmp_path, {"rust/helpers/a.c": "void a(void)\n{\n}\n"})
    (root / "drivers").mkdir()
    r = run("annotate", "--check", cwd=root / "drivers")
    assert r.returncode == 1, r.stderr


def test_no_tree_is_a_clear_error(tmp_path):
    r = run("annotate", str(tmp_path))
    assert r.returncode == 2
    assert b"no kernel tree" in r.stderr and b"Traceback" not in r.stderr


def test_list_json(tmp_path):
    import json

    root = make_tree(
        tmp_path,
        {
            "rust/helpers/a.c": "#ifdef CONFIG_X\n__rust_helper void a(void)\n{\n}\n#endif\nint b(void)\n{\n}\n"
        },
    )
    r = run("list", "--json", str(root / "rust/helpers"))
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert [(x["path"], x["line"], x["name"], x["annotated"], x["condition"]) for x in rows] == [
        ("rust/helpers/a.c", 2, "a", True, "defined(CONFIG_X)"),
        ("rust/helpers/a.c", 6, "b", False, ""),
    ]
