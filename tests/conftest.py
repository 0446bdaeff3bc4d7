"""Shared fixtures: temporary kernel-like trees and a CLI runner."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus" / "linux-late-2025"
GOLDEN = SHARED / "corpus" / "golden"
SAMPLES = ROOT / "samples"
sys.path.insert(0, str(ROOT / "scripts"))
from benchlib import fresh_copy  # noqa: E402


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory, monkeypatch):
    """Each test session gets its own generator cache, never the user's."""
    monkeypatch.setenv("HELPERFIX_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))


def make_tree(root: Path, files: dict[str, bytes | str]) -> Path:
    """A kernel-like tree: rust/helpers/ plus the given files (relative paths)."""
    (root / "rust" / "helpers").mkdir(parents=True, exist_ok=True)
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)
    return root


def copy_tree(src: Path, dst: Path) -> Path:
    """A writable copy (the shared corpus is read-only)."""
    fresh_copy(str(src), str(dst))
    return dst


def run(
    *args: str, cwd: Path | None = None, stdin: bytes | None = None
) -> subprocess.CompletedProcess:
    """Run the real CLI in a subprocess, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "helperfix", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def snapshot(root: Path) -> dict[str, bytes]:
    out = {}
    for dirpath, _, files in os.walk(root):
        for f in files:
            p = Path(dirpath) / f
            if ".git" not in p.parts:
                out[str(p.relative_to(root))] = p.read_bytes()
    return out


needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")
needs_golden = pytest.mark.skipif(not GOLDEN.is_dir(), reason="../shared/corpus/golden is absent")


def generate_atomic(root: Path) -> bytes:
    """atomic.c as the kernel's gen-atomics.sh makes it: the tree's generator
    run from the root on atomics.tbl, then ``// <sha1>``."""
    import hashlib

    out = subprocess.run(
        ["/bin/sh", "scripts/atomic/gen-rust-atomic-helpers.sh", "scripts/atomic/atomics.tbl"],
        cwd=root,
        capture_output=True,
        check=True,
    ).stdout
    return out + b"// " + hashlib.sha1(out).hexdigest().encode() + b"\n"
