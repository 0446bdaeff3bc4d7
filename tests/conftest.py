"""Shared fixtures: temporary kernel-like trees and a CLI runner."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("HELPERFIX_SHARED", ROOT.parent / "shared"))
os.environ.setdefault("HELPERFIX_SHARED", str(SHARED))  # the scripts read the same
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
    *args: str, cwd: Path | None = None, stdin: bytes | None = None, env: dict | None = None
) -> subprocess.CompletedProcess:
    """Run the real CLI in a subprocess, as a user would (``env`` overrides)."""
    return subprocess.run(
        [sys.executable, "-m", "helperfix", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
    )


def snapshot(root: Path) -> dict[str, bytes]:
    out = {}
    for dirpath, _, files in os.walk(root):
        for f in files:
            p = Path(dirpath) / f
            if ".git" not in p.parts:
                out[str(p.relative_to(root))] = p.read_bytes()
    return out


def _must_have(path: Path) -> bool:
    """Under CI=true with ../shared present, a missing corpus is a failure:
    CI must never pass what it could not read.  Elsewhere it is a skip."""
    return os.environ.get("CI") == "true" and SHARED.is_dir() and not path.is_dir()


def _corpus_mark(path: Path):
    if path.is_dir():
        return pytest.mark.skipif(False, reason="")
    if _must_have(path):
        return pytest.mark.usefixtures("_corpus_required")
    return pytest.mark.skip(reason=f"{path} is absent")


def require(path: Path) -> None:
    """For fixtures: fail or skip as ``needs_corpus`` does when ``path`` is absent."""
    if _must_have(path):
        pytest.fail(f"CI=true and {SHARED} is present, but {path} is not: cannot run this test")
    if not path.is_dir():
        pytest.skip(f"{path} is absent")


def unavailable(why: str) -> None:
    """A tool or package a test needs is missing: a failure under CI=true
    (.ci/run installs everything), a skip elsewhere."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true, but {why}")
    pytest.skip(why)


@pytest.fixture
def _corpus_required():
    require(CORPUS)
    require(GOLDEN)


needs_corpus = _corpus_mark(CORPUS)
needs_golden = _corpus_mark(GOLDEN)


def sarif_errors(doc: dict) -> list[str]:
    """Where ``doc`` breaks the OASIS SARIF 2.1.0 schema (empty: valid), as
    sarif-kit's validator reports it; the schema stays with that validator,
    whose job it is (the repository holds only text written here)."""
    from sarif_kit import validation_errors

    return validation_errors(doc)


def census(files: dict[str, bytes]) -> dict[str, tuple[int, int]]:
    """Per helper file of a snapshot: (definitions, annotated), counted
    without helperfix.  Kernel style puts a function body's '{' alone at
    column 0 (the corpus has no other column-0 braces), and an annotation is a
    `__rust_helper` outside a preprocessor line."""
    out = {}
    for rel, data in sorted(files.items()):
        if not (rel.startswith("rust/helpers/") and rel.endswith(".c")):
            continue
        lines = data.splitlines()
        defs = sum(line.rstrip(b"\r") == b"{" for line in lines)
        marked = sum(
            b"__rust_helper" in line and not line.lstrip().startswith(b"#") for line in lines
        )
        out[rel] = (defs, marked)
    return out


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


IDENTITY = ("Test Dev", "dev@example.org")
# get_maintainer.pl refuses to run outside something that looks like a kernel tree
TOP_FILES = ["COPYING", "CREDITS", "Kbuild", "Makefile", "README"]
TOP_DIRS = ["Documentation", "arch", "include", "drivers", "fs", "init", "ipc", "kernel", "lib"]


def git(repo: Path, *args: str, check: bool = True) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=check
    ).stdout


def make_repo(dst: Path, tree: Path, scripts: Path | None) -> Path:
    copy_tree(tree, dst)
    for f in TOP_FILES:
        (dst / f).write_text("stub\n")
    for d in TOP_DIRS:
        (dst / d).mkdir(exist_ok=True)
        (dst / d / ".keep").write_text("")
    if scripts is not None:
        (dst / "scripts").mkdir(exist_ok=True)
        for f in scripts.iterdir():
            shutil.copy(f, dst / "scripts" / f.name)
    git(dst, "init", "-q", "-b", "master")
    git(dst, "config", "user.name", IDENTITY[0])
    git(dst, "config", "user.email", IDENTITY[1])
    git(dst, "add", "-A")
    git(dst, "commit", "-qm", "base tree")
    return dst


EXPORTS_HELPERS = """// SPDX-License-Identifier: GPL-2.0
extern void unexported(void);
extern void in_namespace(void);
extern void trap(void);
__rust_helper void rust_helper_a(void) { unexported(); }
__rust_helper void rust_helper_b(void) { in_namespace(); }
__rust_helper void rust_helper_c(void) { trap(); }
"""


def exports_tree(root: Path) -> Path:
    """A tree for ``helperfix exports`` without kernel headers: one helper per
    verdict, its flags in a compile_commands.json, its exports in a
    Module.symvers (see ``exports_args``)."""
    command = ["clang", "-D__rust_helper=", "-c", "rust/helpers/helpers.c"]
    return make_tree(
        root,
        {
            "rust/helpers/helpers.c": EXPORTS_HELPERS,
            "lib/unexported.c": "void unexported(void)\n{\n}\n",
            "Module.symvers": "0x0\tin_namespace\tvmlinux\tEXPORT_SYMBOL_GPL\tNS\n",
            "compile_commands.json": json.dumps(
                [{"directory": str(root), "file": "rust/helpers/helpers.c", "arguments": command}]
            ),
        },
    )


def exports_args(root: Path) -> list[str]:
    return [
        "--symvers",
        str(root / "Module.symvers"),
        "--compile-commands",
        str(root / "compile_commands.json"),
    ]


# -- Debian's linux-source-6.12, configured by helperfix (exports tests) ------

RT_CHANGES = {"# CONFIG_EXPERT is not set": "CONFIG_EXPERT=y", "CONFIG_PREEMPT_VOLUNTARY=y": ""}


@pytest.fixture(scope="session")
def kernel(tmp_path_factory) -> Path:
    import linux_checkout

    from helperfix.exports.toolchain import Toolchain

    missing = Toolchain("1").missing()
    if missing:
        unavailable(f"{', '.join(missing)} not installed (.ci/run installs them)")
    path = linux_checkout.checkout()
    if path is None:
        unavailable("linux-source-6.12 is not installed (apt-get install linux-source-6.12)")
    return Path(path)


@pytest.fixture(scope="session")
def configs(kernel, tmp_path_factory) -> dict[str, object]:
    """defconfig and a PREEMPT_RT config, configured once per session in the
    session's cache (the same folder the CLI runs below reuse)."""
    from helperfix.exports.build import cached, configured
    from helperfix.exports.toolchain import Toolchain

    def build(config: str):
        return configured(cached(str(kernel), config, Toolchain("1")), config, jobs, print)

    jobs = os.cpu_count() or 1
    cache = tmp_path_factory.getbasetemp() / "cache"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HELPERFIX_CACHE_DIR", str(cache))
        default = build("defconfig")
        text = (Path(default.dir) / ".config").read_text()
        for old, new in RT_CHANGES.items():
            text = text.replace(old, new)
        rt_config = tmp_path_factory.mktemp("rt") / "rt.config"
        rt_config.write_text(text + "CONFIG_PREEMPT_RT=y\n")
        rt = build(str(rt_config))
    assert "CONFIG_PREEMPT_RT=y" in (Path(rt.dir) / ".config").read_text()
    return {"defconfig": default, "rt": rt, "rt_config": rt_config}
