"""Interrupts, dry-run refusals and size limits: a run that is stopped
changes nothing it did not report and leaves no temporary file anywhere."""

from __future__ import annotations

import hashlib
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import gentree
import pytest
from conftest import ROOT, SAMPLES, git, make_repo, make_tree, snapshot


def state(repo: Path) -> tuple:
    """Everything of a repository a run could change."""
    index = (repo / ".git" / "index").read_bytes()
    return (
        git(repo, "for-each-ref"),
        git(repo, "worktree", "list", "--porcelain"),
        hashlib.sha1(index).hexdigest(),
        git(repo, "status", "--porcelain", "--ignored"),
        git(repo, "count-objects", "-v"),
        sorted(p.name for p in (repo / ".git").iterdir()),
    )


def helperfix(*args: str, cwd: Path, tmpdir: Path, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "helperfix", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmpdir), **env},
    )


@pytest.fixture
def repo(tmp_path):
    return make_repo(tmp_path / "mini", SAMPLES / "mini", None)


@pytest.fixture
def tmpdir(tmp_path):
    d = tmp_path / "tmp"
    d.mkdir()
    return d


@pytest.mark.parametrize("sig", ["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("point", [1, 2, 4, 7, 9])
def test_series_interrupted_at_each_safe_point(repo, tmpdir, sig, point):
    """The signal arrives at the Nth safe point (fault injection): the
    repository is as it was, nothing is left in the temporary folder."""
    before = state(repo)
    p = helperfix(
        "series", "-o", "outgoing", cwd=repo, tmpdir=tmpdir, HELPERFIX_FAULT_SIGNAL=f"{point}:{sig}"
    )
    out, err = p.communicate(timeout=120)
    assert p.returncode == 128 + getattr(signal, sig), err
    assert b"interrupted" in err and b"Traceback" not in err
    assert out == b""
    assert state(repo) == before
    assert not (repo / "outgoing").exists()
    assert list(tmpdir.iterdir()) == []


@pytest.mark.parametrize("delay", [0.15, 0.3, 0.8, 1.5])
def test_series_real_signal_is_all_or_nothing(repo, tmpdir, delay):
    """A real SIGINT at some moment: either the series is complete (it was
    already in its final step) or the repository is exactly as it was."""
    before = state(repo)
    p = helperfix("series", "-o", "outgoing", cwd=repo, tmpdir=tmpdir)
    time.sleep(delay)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=120)
    assert b"Traceback" not in err
    if p.returncode == 0:
        assert "rust-helper-annotations" in git(repo, "branch")
        assert len(list((repo / "outgoing").iterdir())) > 1
    else:
        assert p.returncode == 130, (p.returncode, err)
        assert state(repo) == before and not (repo / "outgoing").exists()
    assert list(tmpdir.iterdir()) == []


def test_annotate_interrupted_reports_exactly_what_it_wrote(tmp_path, tmpdir):
    tree = tmp_path / "tree"
    gentree.make(str(tree), 3000)
    original = snapshot(tree)
    p = helperfix("annotate", "-j", "2", str(tree / "rust/helpers"), cwd=tree, tmpdir=tmpdir)
    first = p.stderr.readline()  # the first batch is done: interrupt mid-run
    assert first.startswith(b"helperfix: annotated "), first
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=300)
    assert p.returncode == 130, err
    text = (first + err).decode()
    assert "interrupted (SIGINT)" in text
    reported = {line.strip() for line in text.splitlines() if line.startswith("  ")}
    after = snapshot(tree)
    changed = {k for k in original if after[k] != original[k]}
    assert {os.path.relpath(tree / r, tree) for r in reported} == changed
    assert 0 < len(changed) < 3000
    for k in changed:
        assert after[k].count(b"__rust_helper") >= 1
    assert sorted(after) == sorted(original)  # no stray file in the tree
    assert list(tmpdir.iterdir()) == []


def _real_and_dry(repo: Path, outdir: Path) -> list[tuple[int, bytes, bytes]]:
    """(status, stdout, stderr) of the series without and with --dry-run."""
    outs = []
    for extra in ([], ["--dry-run"]):
        p = subprocess.run(
            [sys.executable, "-m", "helperfix", "series", "-o", str(outdir), *extra],
            cwd=repo,
            capture_output=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        outs.append((p.returncode, p.stdout, p.stderr))
    return outs


def test_dry_run_makes_the_same_refusals(repo, tmp_path):
    git(repo, "branch", "rust-helper-annotations")
    real, dry = _real_and_dry(repo, tmp_path / "o")
    assert real == dry
    assert real[0] == 2 and real[1] == b""
    assert b"branch rust-helper-annotations already exists" in real[2]
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    git(repo, "branch", "-D", "rust-helper-annotations")
    real, dry = _real_and_dry(repo, tmp_path / "full")
    assert real == dry
    assert real[0] == 2 and real[1] == b"" and b"is not empty" in real[2]


def test_series_progress_on_stderr_only(repo, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "helperfix", "series", "--dry-run"]
    loud = subprocess.run(cmd + ["-o", str(tmp_path / "a")], cwd=repo, capture_output=True, env=env)
    quiet = subprocess.run(
        cmd + ["-q", "-o", str(tmp_path / "a")], cwd=repo, capture_output=True, env=env
    )
    assert loud.returncode == quiet.returncode == 0
    stages = [ln for ln in loud.stderr.decode().splitlines() if ln.startswith("helperfix: series")]
    assert any(" commits on " in ln for ln in stages) and any("recipients" in ln for ln in stages)
    assert quiet.stderr == b""
    assert loud.stdout == quiet.stdout and b"dry run: would create branch" in loud.stdout


def test_too_large_file_is_reported_fast_and_flat(tmp_path):
    root = make_tree(tmp_path, {"rust/helpers/a.c": "void a(void)\n{\n}\n"})
    big = root / "rust/helpers/big.c"
    with open(big, "wb") as fh:
        for i in range(30 * 1024 * 1024 // 40):
            fh.write(b"int rust_helper_%08d(void) { return 0; }\n" % i)
    before = big.read_bytes()
    r = subprocess.run(
        [sys.executable, "-m", "helperfix", "annotate", str(root / "rust/helpers")],
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert r.returncode == 2
    assert b"big.c: error: too large (" in r.stderr and b"> 1048576)" in r.stderr
    assert big.read_bytes() == before
    assert (root / "rust/helpers/a.c").read_text().startswith("__rust_helper")
    assert peak_mib < 300
    # the limit can be raised, and check and list honour it too
    for cmd in (["check"], ["list"]):
        r = subprocess.run(
            [sys.executable, "-m", "helperfix", *cmd, "--max-file-size", "64k", str(big)],
            capture_output=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert r.returncode == 2 and b"too large" in (r.stdout + r.stderr), cmd
