"""Faults: SIGKILL mid-run, files that vanish, and the fuzzer's fast subset."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import CORPUS, ROOT, make_tree, needs_corpus, snapshot

sys.path.insert(0, str(ROOT / "scripts"))
import fuzz  # noqa: E402
import gentree  # noqa: E402

from helperfix import engine  # noqa: E402
from helperfix.mode import Mode  # noqa: E402


def test_sigkill_leaves_every_file_old_or_new(tmp_path):
    tree = tmp_path / "tree"
    gentree.make(str(tree), 2000)
    original = snapshot(tree)
    done = tmp_path / "done"
    shutil.copytree(tree, done)
    subprocess.run(
        [sys.executable, "-m", "helperfix", "annotate", "-q", str(done / "rust/helpers")],
        check=True,
    )
    rewritten = snapshot(done)
    first = sorted(k for k in original if original[k] != rewritten[k])[0]

    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "helperfix",
            "annotate",
            "-q",
            "-j",
            "2",
            str(tree / "rust/helpers"),
        ],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while (tree / first).read_bytes() == original[first] and time.monotonic() < deadline:
        time.sleep(0.005)
    time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()

    after = snapshot(tree)
    assert set(after) == set(original), "stray or missing files in the tree"
    old = sum(after[k] == original[k] for k in after)
    new = sum(after[k] == rewritten[k] and original[k] != rewritten[k] for k in after)
    assert old + new == len(after), "a file is neither original nor completely rewritten"
    assert new > 0 and old > 0, (old, new)  # the kill did land mid-run

    # the next run finishes the job and leaves nothing behind
    subprocess.run(
        [sys.executable, "-m", "helperfix", "annotate", "-q", str(tree / "rust/helpers")],
        check=True,
    )
    assert snapshot(tree) == rewritten


def test_files_that_vanish(tmp_path):
    root = make_tree(
        tmp_path,
        {f"rust/helpers/{n}.c": f"void {n}(void)\n{{\n}}\n" for n in ("a", "b", "c")},
    )
    files = [str(root / f"rust/helpers/{n}.c") for n in ("a", "b", "c")]
    job = engine.Job(str(root), Mode(rewrites=frozenset({"annotate"})))
    os.unlink(files[0])  # gone after listing
    plans = engine.plan_batch(files, job)
    os.unlink(files[1])  # gone between planning and writing
    outcomes = engine.finish_batch(plans, job)
    errors = [d.render() for o in outcomes for d in o.diagnostics]
    assert any("a.c: error: cannot read: No such file" in e for e in errors)
    assert any("b.c: error: cannot read: No such file" in e for e in errors)
    assert Path(files[2]).read_text().startswith("__rust_helper void c(void)")


@needs_corpus
def test_fuzz_subset():
    """Seeded from the shared corpus too (where the tests find it: the
    fuzzer reads the same location, never quietly the samples alone)."""
    assert Path(fuzz.CORPUS).resolve() == (CORPUS / "rust" / "helpers").resolve()
    assert len(fuzz.seeds()) > len(fuzz.seeds(corpus=False)) + 50
    stats, failures = fuzz.fuzz(300, seed=7, batch=150)
    assert failures == []
    assert stats["rewritten"] > 50 and stats["refused (path:line: error)"] > 50


def test_fuzz_subset_samples_only():
    """Seeded from samples/ alone (as without ../shared); case 525 of seed 7
    is the truncated file ending in a backslash that once hung the scanner."""
    stats, failures = fuzz.fuzz(600, seed=7, batch=200, corpus=False)
    assert failures == [] and stats["cases"] == 600
