"""Bad input: a clear path:line error, the file untouched, the rest processed."""

from __future__ import annotations

import os

import pytest
from conftest import make_tree, run, snapshot

BAD = [
    ("unterminated comment", "void a(void)\n{\n}\n/* oops\n", 4),
    ("unbalanced #if", "#ifdef X\nvoid a(void)\n{\n}\n", 1),
    ("#endif without #if", "void a(void)\n{\n}\n#endif\n", 4),
    ("unterminated string", 'void a(void)\n{\n\tputs("x);\n}\n', 3),
    ("brace split across arms", "#ifdef X\nvoid a(void) {\n#else\nvoid a(int b) {\n#endif\n}\n", 2),
]


@pytest.mark.parametrize("text,line", [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_file_reported_and_untouched(tmp_path, text, line):
    root = make_tree(
        tmp_path, {"rust/helpers/bad.c": text, "rust/helpers/good.c": "void g(void)\n{\n}\n"}
    )
    r = run("annotate", str(root / "rust/helpers"), cwd=root)
    err = r.stderr.decode()
    assert r.returncode == 2
    assert f"rust/helpers/bad.c:{line}: error: " in err, err
    assert "Traceback" not in err
    assert (root / "rust/helpers/bad.c").read_text() == text
    assert (root / "rust/helpers/good.c").read_text().startswith("__rust_helper void g(void)")


def test_missing_path(tmp_path):
    root = make_tree(tmp_path, {})
    r = run("annotate", "--root", str(root), str(root / "rust/helpers/nope.c"))
    assert r.returncode == 2 and b"nope.c: error: no such file or directory" in r.stderr


def test_symlink_out_of_tree_is_refused(tmp_path):
    outside = tmp_path / "outside.c"
    outside.write_text("void o(void)\n{\n}\n")
    root = make_tree(tmp_path / "k", {"rust/helpers/a.c": "void a(void)\n{\n}\n"})
    os.symlink(outside, root / "rust/helpers/link.c")
    r = run("annotate", str(root / "rust/helpers"))
    assert r.returncode == 2 and b"link.c: error: symlink leads outside the kernel tree" in r.stderr
    assert outside.read_text() == "void o(void)\n{\n}\n"
    assert (root / "rust/helpers/a.c").read_text().startswith("__rust_helper")


def test_read_only_file_is_reported(tmp_path):
    root = make_tree(
        tmp_path,
        {"rust/helpers/a.c": "void a(void)\n{\n}\n", "rust/helpers/b.c": "void b(void)\n{\n}\n"},
    )
    os.chmod(root / "rust/helpers/a.c", 0o444)
    r = run("annotate", str(root / "rust/helpers"))
    assert r.returncode == 2 and b"rust/helpers/a.c: error: read-only file; not touched" in r.stderr
    assert (root / "rust/helpers/a.c").read_text() == "void a(void)\n{\n}\n"
    assert (root / "rust/helpers/b.c").read_text().startswith("__rust_helper")


def test_no_temporary_files_left(tmp_path):
    root = make_tree(
        tmp_path, {"rust/helpers/a.c": "void a(void)\n{\n}\n", "rust/helpers/b.c": "/* bad"}
    )
    run("annotate", str(root / "rust/helpers"))
    assert sorted(snapshot(root)) == ["rust/helpers/a.c", "rust/helpers/b.c"]


def test_a_temporary_name_already_taken_is_drawn_again(tmp_path, monkeypatch):
    from helperfix import files

    target = tmp_path / "a.c"
    target.write_bytes(b"old\n")
    monkeypatch.setattr(files, "_unnamed", lambda directory, mode: -1)  # a named file
    monkeypatch.setattr(files, "_staging", lambda directory: directory)
    draws = iter([b"\x00" * 4, b"\x00" * 4, b"\x01" * 4])
    monkeypatch.setattr(files.os, "urandom", lambda n: next(draws))
    taken = tmp_path / f"{files.TEMP_PREFIX}{os.getpid()}-00000000{files.TEMP_SUFFIX}"
    taken.write_bytes(b"another run's\n")
    files.atomic_write(str(target), b"new\n" * 100_000)
    assert target.read_bytes() == b"new\n" * 100_000
    assert taken.read_bytes() == b"another run's\n"  # never opened, never removed
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["a.c", taken.name])


def test_write_keeps_permissions(tmp_path):
    root = make_tree(tmp_path, {"rust/helpers/a.c": "void a(void)\n{\n}\n"})
    os.chmod(root / "rust/helpers/a.c", 0o640)
    assert run("annotate", str(root / "rust/helpers")).returncode == 0
    assert os.stat(root / "rust/helpers/a.c").st_mode & 0o777 == 0o640


def test_failing_checkpatch_is_said_once_with_its_reason(tmp_path):
    files = {f"rust/helpers/{n}.c": f"void {n}(void)\n{{\n}}\n" for n in "abc"}
    files["scripts/checkpatch.pl"] = "this is not perl;;;{\n"
    root = make_tree(tmp_path, files)
    r = run("annotate", str(root / "rust/helpers"))
    err = r.stderr.decode()
    assert r.returncode == 0, err
    assert err.count("checkpatch.pl not consulted (it failed: ") == 1, err
    assert "0 errors, 1 warnings" in err


def test_declaration_clang_format_cannot_take_is_said(tmp_path):
    from helperfix import annotate_source

    data = (
        b"void rust_helper_x(int a /* caf\xe9 */, int b, int c, int d, int e, int f, int g)\n{\n}\n"
    )
    new, diags = annotate_source(data, "rust/helpers/x.c")
    assert new == b"__rust_helper " + data  # plain insertion, not re-wrapped
    assert [(d.type, d.level) for d in diags] == [("FALLBACK", "WARNING")]
    assert "not UTF-8" in diags[0].message
