"""helpers.c block, fallback removal and the generated atomic.c (issue 3)."""

from __future__ import annotations

import hashlib

import pytest
from conftest import SAMPLES, copy_tree, generate_atomic, make_tree, run, snapshot

HEADER = "// SPDX-License-Identifier: GPL-2.0\n/*\n * Helpers.\n */\n\n"
FALLBACK = "// TODO: Remove this after INLINE_HELPERS support is added.\n#ifndef __rust_helper\n#define __rust_helper\n#endif\n\n"


def annotate(root, *extra):
    return run("annotate", *extra, str(root / "rust/helpers"))


def test_block_inserted_once_after_header(tmp_path):
    root = make_tree(
        tmp_path,
        {
            "rust/helpers/helpers.c": HEADER + '#include "a.c"\n',
            "rust/helpers/a.c": "void a(void)\n{\n}\n",
        },
    )
    assert annotate(root).returncode == 0
    text = (root / "rust/helpers/helpers.c").read_text()
    assert text.startswith(HEADER + "#include <linux/compiler_types.h>\n\n#ifdef __BINDGEN__\n")
    assert text.count("#define __rust_helper __always_inline\n") == 1
    assert text.endswith('#endif\n\n#include "a.c"\n')
    once = snapshot(root)
    assert annotate(root).returncode == 0 and snapshot(root) == once


def test_plain_define_in_helpers_c_is_replaced(tmp_path):
    text = HEADER + "#define __rust_helper\n\n" + '#include "a.c"\n'
    root = make_tree(tmp_path, {"rust/helpers/helpers.c": text})
    assert annotate(root).returncode == 0
    out = (root / "rust/helpers/helpers.c").read_text()
    assert "\n#define __rust_helper\n\n#include" not in out
    assert out.count("#ifdef __BINDGEN__") == 1 and out.count("#define __rust_helper\n") == 1
    assert out.index("#ifdef __BINDGEN__") < out.index("#define __rust_helper\n")


def test_existing_include_not_duplicated(tmp_path):
    text = HEADER + "#include <linux/compiler_types.h>\n\n" + '#include "a.c"\n'
    root = make_tree(tmp_path, {"rust/helpers/helpers.c": text})
    annotate(root)
    assert (root / "rust/helpers/helpers.c").read_text().count("compiler_types.h") == 1


def test_block_twice_is_reported_not_touched(tmp_path):
    block = "#ifdef __BINDGEN__\n#define __rust_helper\n#else\n#define __rust_helper __always_inline\n#endif\n"
    text = HEADER + block + block + '#include "a.c"\n'
    root = make_tree(tmp_path, {"rust/helpers/helpers.c": text})
    r = annotate(root)
    assert b"helpers.c:11: warning: __BINDGEN__ block for __rust_helper appears twice" in r.stderr
    assert (root / "rust/helpers/helpers.c").read_text() == text


@pytest.mark.parametrize(
    "before,after",
    [
        (FALLBACK + "void a(void)\n{\n}\n", "__rust_helper void a(void)\n{\n}\n"),
        (
            "#include <x.h>\n\n" + FALLBACK.split("\n", 1)[1] + "int b;\n",
            "#include <x.h>\n\nint b;\n",
        ),
        ("/*\n" + FALLBACK + "*/\n", "/*\n" + FALLBACK + "*/\n"),  # inside a comment: not code
    ],
    ids=["with TODO", "without TODO", "in a comment"],
)
def test_fallback_removed(tmp_path, before, after):
    root = make_tree(tmp_path, {"rust/helpers/a.c": before})
    assert annotate(root).returncode == 0
    assert (root / "rust/helpers/a.c").read_text() == after


def test_other_define_reported_not_removed(tmp_path):
    text = "#define __rust_helper inline\nvoid a(void)\n{\n}\n"
    root = make_tree(tmp_path, {"rust/helpers/a.c": text})
    r = annotate(root)
    assert (
        b"rust/helpers/a.c:1: warning: __rust_helper defined outside helpers.c's block" in r.stderr
    )
    assert (root / "rust/helpers/a.c").read_text().startswith("#define __rust_helper inline\n")


@pytest.fixture
def sample(tmp_path):
    return copy_tree(SAMPLES / "mini", tmp_path / "mini")


def test_atomic_regenerated(sample):
    assert annotate(sample).returncode == 0
    gen = (sample / "scripts/atomic/gen-rust-atomic-helpers.sh").read_text()
    assert "#ifndef __rust_helper" not in gen
    atomic = (sample / "rust/helpers/atomic.c").read_bytes()
    assert b"#ifndef __rust_helper" not in atomic
    assert atomic == generate_atomic(sample)
    once = snapshot(sample)
    assert annotate(sample).returncode == 0 and snapshot(sample) == once


def test_atomic_diff_writes_nothing(sample):
    before = snapshot(sample)
    r = annotate(sample, "--diff")
    assert r.returncode == 0
    assert b"+++ b/scripts/atomic/gen-rust-atomic-helpers.sh" in r.stdout
    assert b"+++ b/rust/helpers/atomic.c" in r.stdout
    assert snapshot(sample) == before


@pytest.mark.parametrize("keep_sha", [False, True], ids=["sha line stale", "sha line updated"])
def test_hand_edited_atomic_left_alone(sample, keep_sha):
    path = sample / "rust/helpers/atomic.c"
    data = path.read_bytes()
    body = data[: data.rstrip(b"\n").rfind(b"\n") + 1].replace(
        b"atomic_read(v)", b"atomic_read(v) + 0"
    )
    sha = hashlib.sha1(body).hexdigest().encode() if keep_sha else data.splitlines()[-1][3:]
    path.write_bytes(body + b"// " + sha + b"\n")
    edited = snapshot(sample)
    r = annotate(sample)
    assert r.returncode == 2
    assert b"rust/helpers/atomic.c" in r.stderr and b"hand-edited" in r.stderr
    after = snapshot(sample)
    for k in ("rust/helpers/atomic.c", "scripts/atomic/gen-rust-atomic-helpers.sh"):
        assert after[k] == edited[k]
    assert after["rust/helpers/mem.c"] != edited["rust/helpers/mem.c"]  # the rest is processed


def test_nothing_outside_the_tree(tmp_path):
    root = make_tree(tmp_path / "k", {"rust/helpers/a.c": "void a(void)\n{\n}\n"})
    other = make_tree(tmp_path / "other", {"rust/helpers/b.c": "void b(void)\n{\n}\n"})
    r = run("annotate", "--root", str(root), str(other / "rust/helpers/b.c"))
    assert r.returncode == 2 and b"outside the kernel tree" in r.stderr
    assert (other / "rust/helpers/b.c").read_text() == "void b(void)\n{\n}\n"
