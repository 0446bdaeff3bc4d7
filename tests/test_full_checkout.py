"""A full git checkout of Debian's linux-source-6.12 (86,000 files), as
users work: scope, a series built without touching the checkout."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import ROOT, git, run


@pytest.mark.parametrize(
    "args,message",
    [
        (
            ["annotate", "kernel/sched/core.c"],
            b"kernel/sched/core.c: error: not a Rust helper file",
        ),
        (
            ["annotate", "Documentation/scheduler/sched-pelt.c"],
            b"sched-pelt.c: error: not a Rust helper file (helpers live in rust/helpers/)",
        ),
        (["check", "Documentation"], b"Documentation: error: not a Rust helper folder"),
        (["list", "kernel"], b"kernel: error: not a Rust helper folder"),
        (
            ["annotate", "rust/helpers/mutex.c", "mm/slab.h"],
            b"mm/slab.h: error: not a Rust helper file",
        ),
    ],
)
def test_only_helper_files_are_in_scope(kernel, args, message):
    r = run(*args, cwd=kernel)
    assert r.returncode == 2 and message in r.stderr, r.stderr
    assert b"Traceback" not in r.stderr
    assert git(kernel, "status", "--porcelain") == ""  # nothing written, not even mutex.c


def test_the_kernel_root_means_its_helpers(kernel):
    r = run("annotate", "--diff", ".", cwd=kernel)
    assert r.returncode == 0, r.stderr
    touched = {ln[6:] for ln in r.stdout.decode().splitlines() if ln.startswith("+++ b/")}
    assert touched and all(t.startswith("rust/helpers/") for t in touched)
    assert b"19 files, 31 helpers" in r.stderr
    assert git(kernel, "status", "--porcelain") == ""


def test_series_on_the_full_checkout(kernel, tmp_path):
    before = git(kernel, "rev-parse", "HEAD"), git(kernel, "worktree", "list")
    index = (kernel / ".git/index").read_bytes()
    r = subprocess.run(
        [sys.executable, "-m", "helperfix", "series", "-o", str(tmp_path / "out")],
        cwd=kernel,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp_path)},
    )
    assert r.returncode == 0, r.stderr
    assert (git(kernel, "rev-parse", "HEAD"), git(kernel, "worktree", "list")) == before
    assert (kernel / ".git/index").read_bytes() == index
    assert git(kernel, "status", "--porcelain") == ""
    log = git(kernel, "log", "--format=%s", "master..rust-helper-annotations").splitlines()
    # 6.12 has no RUST_INLINE_HELPERS: a plain define, no __BINDGEN__ block commit
    assert len(log) == 18 and log[-1] == "rust: helpers: define __rust_helper in helpers.c"
    assert (
        b"helpers.c gets a plain define (the tree's Kconfig has no RUST_INLINE_HELPERS" in r.stderr
    )
    helpers_c = git(kernel, "show", "rust-helper-annotations:rust/helpers/helpers.c")
    assert "\n#define __rust_helper\n" in helpers_c and "__BINDGEN__" not in helpers_c
    bodies = git(kernel, "log", "--format=%B", "master..rust-helper-annotations")
    for absent in ("gen-rust-atomic-helpers", "atomic.c", "no longer costs", "__always_inline"):
        assert absent not in bodies, absent  # 6.12 has none of these
    assert len(list((tmp_path / "out").iterdir())) == 19
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no temporary file left


def test_helpers_block_follows_the_trees_kconfig(kernel):
    r = run("annotate", "--diff", ".", cwd=kernel)
    assert r.returncode == 0, r.stderr
    assert b"+#define __rust_helper\n" in r.stdout and b"__BINDGEN__" not in r.stdout
    assert b"helpers.c: a plain #define __rust_helper (the tree's Kconfig has no" in r.stderr
    forced = run("annotate", "--diff", "--helpers-block", "block", ".", cwd=kernel)
    assert b"+#ifdef __BINDGEN__\n" in forced.stdout
    assert b"helpers.c: the __BINDGEN__ block (--helpers-block block)" in forced.stderr
    # check expects what annotate makes: a plain define is enough in 6.12
    r = run("check", "--format", "json", ".", cwd=kernel)
    missing = [row for row in json.loads(r.stdout) if row["type"] == "MISSING_BINDGEN_BLOCK"]
    assert missing and "plain empty definition" in missing[0]["message"]
