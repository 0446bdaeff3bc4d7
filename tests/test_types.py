"""Every documented type is emitted when its condition holds: one small tree
(or patch) per type, and a check that the table covers every declared type."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import SAMPLES, exports_args, exports_tree, make_tree, run

from helperfix.lint import types

HELPERS_C = '// SPDX-License-Identifier: GPL-2.0\n\n#define __rust_helper\n\n#include "a.c"\n'
OK_A = "__rust_helper void a(void)\n{\n}\n"
FALLBACK = "#ifndef __rust_helper\n#define __rust_helper\n#endif\n\n"


def check_types(root: Path, *args: str) -> set[str]:
    r = run("check", "--format", "json", *args, str(root / "rust/helpers"))
    return {row["type"] for row in json.loads(r.stdout)}


def patch_types(diff: bytes, *args: str) -> set[str]:
    r = run("check", "--format", "json", "--patch", "-", *args, stdin=diff)
    return {row["type"] for row in json.loads(r.stdout)}


def tree(tmp: Path, **files: str) -> Path:
    return make_tree(tmp, {"rust/helpers/helpers.c": HELPERS_C, **files})


def sample(tmp: Path) -> Path:
    root = tmp / "mini"
    shutil.copytree(SAMPLES / "mini", root)
    return root


def _atomic(tmp: Path, change) -> set[str]:
    root = sample(tmp)
    change(root)
    return check_types(root)


def _hand_edit(root: Path) -> None:
    """atomic.c edited by hand, its sha1 line updated to match."""
    path = root / "rust/helpers/atomic.c"
    body = path.read_bytes().rsplit(b"// ", 1)[0] + b"/* edited */\n"
    path.write_bytes(body + b"// " + hashlib.sha1(body).hexdigest().encode() + b"\n")


def _dangling(tmp: Path) -> set[str]:
    root = tree(tmp, **{"rust/helpers/a.c": OK_A})
    os.symlink(root / "rust/helpers/gone", root / "rust/helpers/b.c")
    return check_types(root)


def _outside(tmp: Path) -> set[str]:
    root = tree(tmp / "k", **{"rust/helpers/a.c": OK_A})
    (tmp / "elsewhere").mkdir()
    os.symlink(tmp / "elsewhere", root / "rust/helpers/sub")
    return check_types(root)


def _internal(tmp: Path, monkeypatch) -> set[str]:
    from helperfix.lint import missing_annotation
    from helperfix.lint.tree import check_helpers

    def boom(*a, **k):
        raise RuntimeError("boom")

    monkeypatch.setattr(missing_annotation, "diagnostic", boom)
    root = tree(tmp, **{"rust/helpers/a.c": "void a(void)\n{\n}\n"})
    findings, _, bad = check_helpers(str(root), [str(root / "rust/helpers")])
    assert bad
    return {f.type for f in findings}


def _write_error(tmp: Path) -> set[str]:
    from helperfix import engine
    from helperfix.mode import Mode

    root = tree(tmp, **{"rust/helpers/a.c": "void a(void)\n{\n}\n"})
    os.chmod(root / "rust/helpers/a.c", 0o444)
    job = engine.Job(str(root), Mode(rewrites=frozenset({"annotate"})))
    outcomes = engine.run([str(root / "rust/helpers/a.c")], job)
    return {d.type for o in outcomes for d in o.diagnostics}


def _fallback(tmp: Path) -> set[str]:
    root = tree(tmp, **{"rust/helpers/a.c": "void a(void)\n{\n}\n"})  # no checkpatch.pl
    r = run("annotate", str(root / "rust/helpers"))
    assert r.returncode == 0
    return {"FALLBACK"} if b"helperfix: warning: checkpatch.pl not consulted" in r.stderr else set()


A2 = "__rust_helper void a(void)\n{\n}\n\n__rust_helper int b(int x)\n{\n\treturn x;\n}\n"
REMOVE_U1 = (
    b"--- a/rust/helpers/a.c\n+++ b/rust/helpers/a.c\n@@ -4,3 +4,3 @@\n \n"
    b"-__rust_helper int b(int x)\n+int b(int x)\n {\n"
)
REMOVE_U0 = (
    b"--- a/rust/helpers/a.c\n+++ b/rust/helpers/a.c\n@@ -5 +5 @@\n"
    b"-__rust_helper int b(int x)\n+int b(int x)\n"
)
ADD = (
    b"--- a/rust/helpers/a.c\n+++ b/rust/helpers/a.c\n@@ -3 +3,5 @@\n }\n+\n+void z(void)\n+{\n+}\n"
)

CASES = {
    "MISSING_RUST_HELPER": lambda t, m: check_types(
        tree(t, **{"rust/helpers/a.c": "void a(void)\n{\n}\n"})
    ),
    "MISSING_BINDGEN_BLOCK": lambda t, m: check_types(
        make_tree(t, {"rust/helpers/helpers.c": '#include "a.c"\n', "rust/helpers/a.c": OK_A})
    ),
    "DUPLICATE_BINDGEN_BLOCK": lambda t, m: check_types(
        tree(
            t,
            **{
                "rust/helpers/helpers.c": (
                    "#ifdef __BINDGEN__\n#define __rust_helper\n#else\n#define __rust_helper inline\n#endif\n"
                )
                * 2
                + '#include "a.c"\n',
                "rust/helpers/a.c": OK_A,
            },
        )
    ),
    "OBSOLETE_RUST_HELPER_FALLBACK": lambda t, m: check_types(
        tree(t, **{"rust/helpers/a.c": FALLBACK + OK_A})
    ),
    "STRAY_RUST_HELPER_DEFINE": lambda t, m: check_types(
        tree(t, **{"rust/helpers/a.c": "#define __rust_helper inline\n" + OK_A})
    ),
    "ATOMIC_CHECKSUM": lambda t, m: _atomic(
        t,
        lambda r: (r / "rust/helpers/atomic.c").write_bytes(
            (r / "rust/helpers/atomic.c").read_bytes() + b"// x\n"
        ),
    ),
    "ATOMIC_OUT_OF_DATE": lambda t, m: _atomic(t, _hand_edit),
    "ATOMIC_GENERATOR_MISSING": lambda t, m: _atomic(
        t, lambda r: (r / "scripts/atomic/gen-rust-atomic-helpers.sh").unlink()
    ),
    "ATOMIC_GENERATOR_FAILED": lambda t, m: _atomic(
        t,
        lambda r: (r / "scripts/atomic/gen-rust-atomic-helpers.sh").write_text(
            "echo broken >&2\nexit 3\n"
        ),
    ),
    "HELPER_NOT_INCLUDED": lambda t, m: check_types(
        tree(t, **{"rust/helpers/a.c": OK_A, "rust/helpers/b.c": OK_A.replace(" a(", " b(")})
    ),
    "INCLUDE_MISSING_FILE": lambda t, m: check_types(
        tree(
            t,
            **{
                "rust/helpers/helpers.c": HELPERS_C + '#include "gone.c"\n',
                "rust/helpers/a.c": OK_A,
            },
        )
    ),
    "INCLUDE_ORDER": lambda t, m: check_types(
        tree(
            t,
            **{
                "rust/helpers/helpers.c": HELPERS_C + '#include "0.c"\n',
                "rust/helpers/a.c": OK_A,
                "rust/helpers/0.c": "",
            },
        )
    ),
    "PARSE_ERROR": lambda t, m: check_types(tree(t, **{"rust/helpers/a.c": "void a(void)\n{\n/*"})),
    "READ_ERROR": lambda t, m: _dangling(t),
    "PATH_ERROR": lambda t, m: _outside(t),
    "TOO_LARGE": lambda t, m: check_types(
        tree(t, **{"rust/helpers/a.c": OK_A + "\n" * 5000}), "--max-file-size", "1k"
    ),
    "INTERNAL_ERROR": _internal,
    "FALLBACK": lambda t, m: _fallback(t),
    "WRITE_ERROR": lambda t, m: _write_error(t),
    "REMOVED_RUST_HELPER": lambda t, m: patch_types(REMOVE_U1),
    "PATCH_CONTEXT": lambda t, m: patch_types(REMOVE_U0),
    "RUST_HELPER_PENDING": lambda t, m: patch_types(
        ADD,
        "--tree",
        str(
            make_tree(
                t,
                {
                    "rust/helpers/helpers.c": '#include "a.c"\n',
                    "rust/helpers/a.c": OK_A.replace("__rust_helper ", ""),
                },
            )
        ),
    ),
}


def _exports(tmp: Path) -> set[str]:
    root = exports_tree(tmp)
    helpers = root / "rust/helpers/helpers.c"
    helpers.write_text(
        helpers.read_text()
        + "static int local(void) { return 0; }\n"
        + "__rust_helper int rust_helper_d(void) { return local(); }\n"
    )
    return check_types(root, "--exports", *exports_args(root))


def _undefined(tmp: Path) -> set[str]:
    """One file checked, annotated, in a tree that defines the macro nowhere."""
    root = make_tree(tmp, {"rust/helpers/helpers.c": '#include "a.c"\n', "rust/helpers/a.c": OK_A})
    r = run("check", "--format", "json", str(root / "rust/helpers/a.c"))
    return {row["type"] for row in json.loads(r.stdout)}


LEAVING = b"""diff --git a/rust/helpers/../../kernel/evil.c b/rust/helpers/../../kernel/evil.c
--- a/rust/helpers/../../kernel/evil.c
+++ b/rust/helpers/../../kernel/evil.c
@@ -1,1 +1,2 @@
 int x;
+int rust_helper_evil(void) { return 0; }
"""


EXPORTS_CASES = {
    "HELPER_UNEXPORTED_SYMBOL": lambda t, m: _exports(t),
    "HELPER_NAMESPACE_IMPORT": lambda t, m: _exports(t),
    "HELPER_LINK_TRAP": lambda t, m: _exports(t),
    "HELPER_STATIC_IN_INLINE": lambda t, m: _exports(t),
    "EXPORTS_UNAVAILABLE": lambda t, m: check_types(
        tree(t, **{"rust/helpers/a.c": OK_A}), "--exports", "--build-dir", str(t / "none")
    ),
}
CASES.update(EXPORTS_CASES)


def _series_notes(tmp: Path, extra: int = 0, **options) -> set[str]:
    """The warnings a series run returns (they are findings, as check's)."""
    from conftest import make_repo

    from helperfix.series import SeriesOptions, run

    root = sample(tmp)
    for i in range(extra):
        (root / f"rust/helpers/gen{i:02d}.c").write_text(f"int rust_helper_gen{i}(void)\n{{\n}}\n")
    repo = make_repo(tmp / "repo", root, None)
    result = run(str(repo), SeriesOptions(outdir=str(tmp / "out"), **options), lambda m: None)
    return {d.type for d in result.notes}


def _by_hand(tmp: Path) -> set[str]:
    root = exports_tree(tmp)
    (root / "lib/unexported.c").unlink()
    (root / "lib/unexported.S").write_text(
        "SYM_FUNC_START(unexported)\n\tret\nSYM_FUNC_END(unexported)\n"
    )
    r = run("exports", "--root", str(root), *exports_args(root), "--fix", "--diff")
    said = "warning: unexported: not patched: defined in assembly (lib/unexported.S:1)"
    return {"EXPORT_BY_HAND"} if r.returncode == 1 and said.encode() in r.stderr else set()


CASES["SERIES_NO_PREVIOUS"] = lambda t, m: _series_notes(t, version=2)
CASES["SERIES_OVER_LIMIT"] = lambda t, m: _series_notes(t, extra=16)
CASES["EXPORT_BY_HAND"] = lambda t, m: _by_hand(t)
CASES["UNDEFINED_RUST_HELPER"] = lambda t, m: _undefined(t)
CASES["PATCH_PATH"] = lambda t, m: patch_types(LEAVING)


def test_the_table_covers_every_declared_type():
    assert set(CASES) == set(types())


@pytest.mark.parametrize("name", sorted(CASES))
def test_type_is_emitted(tmp_path, monkeypatch, name):
    assert name in CASES[name](tmp_path, monkeypatch)
