"""helperfix exports as kernel developers run it, on Debian's 6.12 checkout:
their own build made with LLVM=-19 (never changed), a versioned toolchain
alone on PATH, ARCH=arm64, a tree that inlines helpers, the fix applied with
git am, two runs at once, and a build that fails."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, run, unavailable

from helperfix.exports.toolchain import version_text

LLVM19 = ["clang-19", "ld.lld-19", "llvm-ar-19", "llvm-nm-19", "llvm-objcopy-19"]


def _need(*tools: str) -> None:
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        unavailable(f"{', '.join(missing)} not installed (apt-get install clang-19 lld-19 llvm-19)")


def snapshot(build: Path) -> dict[str, tuple[int, int]]:
    """Every file's size and mtime, and every folder's mtime (the build's own too)."""
    out = {".": (0, build.stat().st_mtime_ns)}
    for p in build.rglob("*"):
        st = p.lstat()
        out[str(p.relative_to(build))] = (0 if p.is_dir() else st.st_size, st.st_mtime_ns)
    return out


def sha1(path: Path) -> str:
    return hashlib.sha1(path.read_bytes()).hexdigest()


@pytest.fixture(scope="session")
def user_build(kernel, tmp_path_factory) -> Path:
    """The developer's own build: make O=B LLVM=-19 defconfig prepare, while
    the unversioned clang on PATH is another (Debian's 14)."""
    _need(*LLVM19)
    if version_text("clang") == version_text("clang-19"):
        pytest.fail("the unversioned clang must differ from clang-19 for this test")
    out = tmp_path_factory.mktemp("user-build")
    subprocess.run(
        [
            "make",
            "-s",
            "-C",
            str(kernel),
            f"O={out}",
            "LLVM=-19",
            f"-j{os.cpu_count()}",
            "defconfig",
            "prepare",
        ],
        check=True,
        capture_output=True,
    )
    return out


def test_user_build_is_read_never_changed(kernel, user_build):
    before = snapshot(user_build)
    sums = sha1(user_build / ".config"), sha1(user_build / "include/generated/autoconf.h")
    r = run(
        "exports",
        "--build-dir",
        str(user_build),
        "--format",
        "json",
        cwd=kernel,
        env={"LLVM": "", "ARCH": ""},
    )
    assert r.returncode == 0, r.stderr.decode()
    rows = json.loads(r.stdout)
    assert [x["symbol"] for x in rows if x["status"] != "ok"] == ["vrealloc_noprof"]
    assert b"make -n LLVM=-19 ARCH=x86; nothing is built" in r.stderr
    assert b"confirming vrealloc_noprof in mm/vmalloc.c (-E)" in r.stderr
    # the wrong toolchain asked for: refused, with the one command to run
    wrong = run(
        "check",
        "--exports",
        "--build-dir",
        str(user_build),
        cwd=kernel,
        env={"LLVM": "1", "ARCH": ""},
    )
    assert wrong.returncode == 2
    assert b"it was configured with LLVM=-19, not LLVM=1" in wrong.stdout
    assert f"O={user_build} LLVM=-19 ARCH=x86".encode() in wrong.stdout
    assert snapshot(user_build) == before
    assert (sha1(user_build / ".config"), sha1(user_build / "include/generated/autoconf.h")) == sums


def test_versioned_clang_alone_on_path(kernel, tmp_path):
    """No unversioned clang, one clang-N: used, and said."""
    _need(*LLVM19)
    farm = tmp_path / "bin"
    farm.mkdir()
    for d in ("/usr/local/bin", "/usr/bin", "/bin"):
        for name in os.listdir(d):
            if name != "clang" and not (farm / name).exists() and not name.startswith("clang-1"):
                os.symlink(os.path.join(d, name), farm / name)
    os.symlink("/usr/bin/clang-19", farm / "clang-19")
    r = run(
        "exports",
        "--format",
        "json",
        cwd=kernel,
        env={"PATH": str(farm), "LLVM": "", "ARCH": "", "HELPERFIX_CACHE_DIR": str(tmp_path / "c")},
    )
    assert r.returncode == 0, r.stderr.decode()
    assert b"no clang on PATH; using clang-19 (LLVM=-19)" in r.stderr
    assert b"(make LLVM=-19;" in r.stderr
    assert [x["symbol"] for x in json.loads(r.stdout) if x["status"] != "ok"] == ["vrealloc_noprof"]


def test_arm64_reaches_other_symbols(kernel, configs):
    x86 = run("exports", "--format", "json", cwd=kernel, env={"ARCH": ""})
    arm = run("exports", "--arch", "arm64", "--format", "json", cwd=kernel)
    assert arm.returncode == 0, arm.stderr.decode()
    assert b"make LLVM=1 ARCH=arm64" in arm.stderr
    a = {x["symbol"] for x in json.loads(arm.stdout)}
    b = {x["symbol"] for x in json.loads(x86.stdout)}
    assert {"__arch_copy_from_user", "__arch_copy_to_user"} <= a - b
    assert {"_copy_from_user", "_copy_to_user", "pcpu_hot"} <= b - a
    assert "vrealloc_noprof" in a & b


KCONFIG = """
config RUST_INLINE_HELPERS
	bool "Inline C helpers into Rust code (EXPERIMENTAL)"
	depends on RUST && RUSTC_CLANG_LLVM_COMPATIBLE
"""


def test_inlining_tree_gates_annotated_helpers(kernel, configs):
    """With RUST_INLINE_HELPERS in the Kconfig, verdicts are errors, for
    the helpers marked __rust_helper (the others are not inlined)."""
    files = ["lib/Kconfig.debug", "rust/helpers/helpers.c", "rust/helpers/vmalloc.c"]
    try:
        with open(kernel / files[0], "a") as fh:
            fh.write(KCONFIG)
        helpers = (kernel / files[1]).read_text()
        (kernel / files[1]).write_text(
            helpers.replace('#include "blk.c"', '#define __rust_helper\n#include "blk.c"')
        )
        vm = (kernel / files[2]).read_text()
        (kernel / files[2]).write_text(
            vm.replace("void * __must_check", "__rust_helper void * __must_check")
        )
        r = run("exports", cwd=kernel)
        out = r.stdout.decode()
        assert r.returncode == 1, r.stderr.decode()
        assert ": ERROR:HELPER_UNEXPORTED_SYMBOL: rust_helper_vrealloc reaches" in out
        assert "30 helpers without __rust_helper are not inlined, not analysed" in out
        assert "the tree's Kconfig has RUST_INLINE_HELPERS" in out
    finally:
        subprocess.run(["git", "checkout", "-q", "--", *files], cwd=kernel, check=True)


def test_fix_applies_and_clears_the_verdict(kernel, configs, tmp_path):
    out = tmp_path / "out"
    r = run("exports", "--fix", "-o", str(out), cwd=kernel)
    assert r.returncode == 0, r.stderr.decode()
    (patch,) = sorted(out.iterdir())
    mail = patch.read_text()
    assert "Subject: [PATCH] mm/vmalloc: export vrealloc_noprof" in mail
    assert "  rust_helper_vrealloc -> vrealloc -> vrealloc_noprof" in mail
    assert "bindings::vrealloc (rust/kernel/alloc/allocator.rs:58)" in mail
    assert 'ERROR: modpost: "vrealloc_noprof" [' in mail
    assert "only matters once helpers are inlined" in mail
    assert "Signed-off-by: Kernel Developer <dev@example.org>" in mail
    assert "To: Andrew Morton <akpm@linux-foundation.org>" in mail and "linux-mm@kvack.org" in mail
    assert "}\n+EXPORT_SYMBOL(vrealloc_noprof);\n" in mail
    diff = run("exports", "--fix", "--diff", "-q", cwd=kernel).stdout.decode()
    assert diff.splitlines()[-5:] == mail.split("\n-- \n")[0].splitlines()[-5:]
    # checkpatch-clean, and git am takes it on the base
    cp = subprocess.run(
        ["perl", "scripts/checkpatch.pl", "-q", str(patch)],
        cwd=kernel,
        capture_output=True,
        text=True,
    )
    assert cp.returncode == 0, cp.stdout
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "-s", "-n", str(kernel), str(clone)], check=True)
    subprocess.run(
        ["git", "sparse-checkout", "set", "--no-cone", "mm/vmalloc.c"], cwd=clone, check=True
    )
    subprocess.run(["git", "checkout", "-q", "master"], cwd=clone, check=True)
    am = subprocess.run(
        ["git", "-c", "user.name=a", "-c", "user.email=a@b", "am", "-q", str(patch)],
        cwd=clone,
        capture_output=True,
        text=True,
    )
    assert am.returncode == 0, am.stderr
    # applied to the tree, the verdict is gone even where inlining is assumed
    try:
        subprocess.run(["git", "apply", str(patch)], cwd=kernel, check=True)
        after = run("exports", "--assume-inline", "--format", "json", cwd=kernel)
        assert after.returncode == 0, after.stderr.decode()
        assert not [x for x in json.loads(after.stdout) if x["status"] == "not-exported"]
    finally:
        subprocess.run(["git", "checkout", "-q", "--", "mm/vmalloc.c"], cwd=kernel, check=True)


def test_two_cold_runs_at_once(kernel, tmp_path):
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "HELPERFIX_CACHE_DIR": str(tmp_path / "c"),
        "LLVM": "",
        "ARCH": "",
    }
    cmd = [sys.executable, "-m", "helperfix", "exports", "--format", "json"]
    procs = [
        subprocess.Popen(cmd, cwd=kernel, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    results = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results[0][1].decode() + results[1][1].decode()
    assert json.loads(results[0][0]) == json.loads(results[1][0])
    errs = b"".join(e for _, e in results)
    assert (
        errs.count(b"configuring defconfig") == 1 and b"waiting for another helperfix run" in errs
    )


def test_failed_build_shows_the_compiler_error(kernel, configs):
    stamp = Path(configs["defconfig"].dir) / ".helperfix-stamp"
    saved = stamp.read_text()
    helpers = kernel / "rust/helpers/helpers.c"
    try:
        stamp.write_text(json.dumps({**json.loads(saved), "head": "0" * 40}))
        helpers.write_text(helpers.read_text() + "int helperfix_broken(void) { return }\n")
        r = run("exports", cwd=kernel, env={"LLVM": "", "ARCH": ""})
        err = r.stderr.decode()
        assert r.returncode == 2
        assert "rust/helpers/helpers.c:" in err and "error: expected expression" in err
        assert f"to reproduce: make -C {kernel} O={configs['defconfig'].dir} LLVM=1 " in err
    finally:
        subprocess.run(
            ["git", "checkout", "-q", "--", "rust/helpers/helpers.c"], cwd=kernel, check=True
        )
        stamp.write_text(saved)
