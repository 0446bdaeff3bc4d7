"""Real kernel inputs from ../shared/corpus: golden files and the late-2025 tree."""

from __future__ import annotations

import difflib
import json
import shutil

import pytest
from conftest import (
    CORPUS,
    GOLDEN,
    census,
    copy_tree,
    generate_atomic,
    needs_corpus,
    needs_golden,
    require,
    run,
    snapshot,
)

from helperfix.c.scan import scan
from helperfix.c.source import Source


def width(line: bytes) -> int:
    return len(line.rstrip(b"\r\n").expandtabs(8))


@needs_golden
@needs_corpus
@pytest.mark.parametrize("name", ["cpufreq", "security"])
def test_golden_byte_for_byte(tmp_path, name):
    (tmp_path / "rust/helpers").mkdir(parents=True)
    shutil.copy(CORPUS / ".clang-format", tmp_path / ".clang-format")
    target = tmp_path / "rust/helpers" / f"{name}.c"
    shutil.copy(GOLDEN / f"{name}.c.before", target)
    target.chmod(0o644)
    r = run("annotate", str(target))
    assert r.returncode == 0, r.stderr
    assert target.read_bytes() == (GOLDEN / f"{name}.c.after").read_bytes()


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """A copy of the late-2025 tree before and after one full run."""
    require(CORPUS)
    root = copy_tree(CORPUS, tmp_path_factory.mktemp("late") / "linux")
    before = snapshot(root)
    r = run("annotate", str(root / "rust/helpers"))
    assert r.returncode == 0, r.stderr
    return root, before, snapshot(root)


def decl_lines(data: bytes) -> set[int]:
    """Lines from each definition's anchor to the line before its '{'."""
    src = Source("x.c", data)
    fs = scan(src)
    assert fs.error is None
    out = set()
    for d in fs.definitions:
        out.update(range(src.line_of(d.anchor), src.line_of(d.lbrace) + 1))
    return out


@needs_corpus
def test_list_agrees_with_an_independent_census():
    rows = json.loads(run("list", "--json", str(CORPUS / "rust/helpers")).stdout)
    found: dict[str, list[int]] = {}
    for x in rows:
        n = found.setdefault(x["path"], [0, 0])
        n[0] += 1
        n[1] += x["annotated"]
    expected = {f: c for f, c in census(snapshot(CORPUS)).items() if c[0]}
    assert {f: tuple(n) for f, n in found.items()} == expected
    assert sum(d for d, _ in expected.values()) == 356  # what the corpus README describes


@needs_corpus
def test_every_helper_annotated(migrated):
    root, before, _ = migrated
    after = census(snapshot(root))
    assert {f: d for f, (d, _) in after.items()} == {f: d for f, (d, _) in census(before).items()}
    assert [f for f, (d, marked) in after.items() if d != marked] == []
    rows = json.loads(run("list", "--json", str(root / "rust/helpers")).stdout)
    assert len(rows) == sum(d for d, _ in after.values()) and all(x["annotated"] for x in rows)


@needs_corpus
def test_second_run_is_a_noop(migrated):
    root, _, after = migrated
    r = run("annotate", "--check", str(root / "rust/helpers"))
    assert r.returncode == 0, r.stdout + r.stderr
    run("annotate", str(root / "rust/helpers"))
    assert snapshot(root) == after


@needs_corpus
def test_only_declaration_lines_change_and_fit_80_columns(migrated):
    _, before, after = migrated
    special = ("rust/helpers/helpers.c", "rust/helpers/atomic.c")
    helpers = [k for k in before if k.startswith("rust/helpers/") and k not in special]
    with_defs = [k for k in helpers if decl_lines(before[k])]
    assert sorted(k for k in helpers if before[k] != after[k]) == sorted(with_defs)
    for k in helpers:
        old, new = before[k].splitlines(True), after[k].splitlines(True)
        old_decl, new_decl = decl_lines(before[k]), decl_lines(after[k])
        sm = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
        for tag, i1, i2, j1, j2 in sm.get_opcodes():
            if tag == "equal":
                continue
            assert set(range(i1 + 1, i2 + 1)) <= old_decl, (k, old[i1:i2])
            assert set(range(j1 + 1, j2 + 1)) <= new_decl, (k, new[j1:j2])
            for line in new[j1:j2]:
                assert width(line) <= 80, (k, line)


@needs_corpus
def test_helpers_block_once_and_no_fallback_left(migrated):
    root, _, after = migrated
    helpers = after["rust/helpers/helpers.c"]
    assert helpers.count(b"#ifdef __BINDGEN__") == 1
    assert helpers.count(b"#include <linux/compiler_types.h>") == 1
    assert helpers.index(b"#include <linux/compiler_types.h>") < helpers.index(
        b'#include "atomic.c"'
    )
    assert helpers.index(b" */\n") < helpers.index(b"#include <linux/compiler_types.h>")
    for k, v in after.items():
        assert b"#ifndef __rust_helper" not in v, k
        assert b"INLINE_HELPERS" not in v, k


@needs_corpus
def test_atomic_regenerated_like_the_kernel_does(migrated):
    root, before, after = migrated
    atomic = after["rust/helpers/atomic.c"]
    assert generate_atomic(root) == atomic  # the generator reproduces it, sha1 line included
    assert (
        before["scripts/atomic/gen-rust-atomic-helpers.sh"]
        != after["scripts/atomic/gen-rust-atomic-helpers.sh"]
    )
