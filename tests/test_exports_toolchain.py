"""helperfix exports in the developer's own set-up, without a kernel:
Kbuild's LLVM=/ARCH= conventions, a configured build's record, the dry run's
recipe, failures that explain themselves, the lock and the cache."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import run

from helperfix.exports import build, flags, toolchain
from helperfix.exports.toolchain import Toolchain, ToolchainError

V19 = "Debian clang version 19.1.7 (3~deb12u1)"
V14 = "Debian clang version 14.0.6"


@pytest.mark.parametrize(
    "llvm,cc,ld",
    [
        ("1", "clang", "ld.lld"),
        ("-19", "clang-19", "ld.lld-19"),
        ("/usr/lib/llvm-19/bin/", "/usr/lib/llvm-19/bin/clang", "/usr/lib/llvm-19/bin/ld.lld"),
    ],
)
def test_kbuild_tool_names(llvm, cc, ld):
    tools = Toolchain(llvm, "arm64").tools()
    assert (tools["CC"], tools["LD"]) == (cc, ld)
    assert Toolchain(llvm, "arm64").make_vars() == [f"LLVM={llvm}", "ARCH=arm64"]


def fake_bin(d: Path, names: list[str], version: str = V19) -> Path:
    d.mkdir(exist_ok=True)
    for n in names:
        (d / n).write_text(f"#!/bin/sh\necho '{version}'\necho 'Target: x86_64'\n")
        (d / n).chmod(0o755)
    return d


@pytest.mark.parametrize(
    "present,env,expected",
    [
        (["clang", "clang-19"], {}, "1"),
        (["clang-19"], {}, "-19"),
        (["clang-19"], {"LLVM": "-14"}, "-14"),
        (["clang-14", "clang-19"], {}, "several versioned ones (clang-14, clang-19)"),
    ],
)
def test_choose(tmp_path, monkeypatch, present, env, expected):
    monkeypatch.setenv("PATH", str(fake_bin(tmp_path / "bin", present)))
    monkeypatch.delenv("LLVM", raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    said: list[str] = []
    if expected.startswith("several"):
        with pytest.raises(ToolchainError, match=expected.replace("(", r"\(").replace(")", r"\)")):
            toolchain.choose(None, None, said.append)
        return
    assert toolchain.choose(None, None, said.append).llvm == expected
    assert said == (
        ["no clang on PATH; using clang-19 (LLVM=-19)"]
        if present == ["clang-19"] and not env
        else []
    )


AUTOCONF_CMD = """autoconfig := include/config/auto.conf

deps_config := \\
\tKconfig \\
\tinit/Kconfig

$(autoconfig): $(deps_config)
$(deps_config): ;

ifneq "$(ARCH)" "x86"
$(autoconfig): FORCE
endif
ifneq "$(KERNELVERSION)" "6.12.1"
$(autoconfig): FORCE
endif
ifneq "$(CC)" "clang-19"
$(autoconfig): FORCE
endif
ifneq "$(LD)" "ld.lld-19"
$(autoconfig): FORCE
endif
ifneq "$(srctree)" "{root}"
$(autoconfig): FORCE
endif
ifneq "$(CC_VERSION_TEXT)" "{version}"
$(autoconfig): FORCE
endif
ifneq "$(RUSTC)" "rustc"
$(autoconfig): FORCE
endif
"""


def user_build(tmp_path: Path, version: str = V19) -> tuple[Path, Path]:
    """A kernel tree and a build of it that says it was configured with
    LLVM=-19 on x86 (clang-19 on PATH prints ``version``)."""
    root = tmp_path / "linux"
    (root / "init").mkdir(parents=True)
    (root / "Makefile").write_text("VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 1\nEXTRAVERSION =\n")
    (root / "Kconfig").write_text("")
    (root / "init" / "Kconfig").write_text("")
    out = tmp_path / "build"
    (out / "include" / "config").mkdir(parents=True)
    (out / ".config").write_text("#\n# Linux/x86 6.12.1 Kernel Configuration\n#\n")
    (out / "include" / "config" / "auto.conf").write_text("CONFIG_X=y\n")
    (out / "include" / "config" / "auto.conf.cmd").write_text(
        AUTOCONF_CMD.format(root=root, version=V19)
    )
    old = time.time() - 100
    for p in (root / "Kconfig", root / "init" / "Kconfig"):
        os.utime(p, (old, old))
    fake_bin(tmp_path / "bin", ["clang-19"], version)
    return root, out


@pytest.mark.parametrize(
    "version,llvm,arch,touch,message",
    [
        (V19, None, None, None, None),
        (V14, None, None, None, f"it was configured with '{V19}'; clang-19 on PATH is '{V14}'"),
        (V19, "1", None, None, "it was configured with LLVM=-19, not LLVM=1"),
        (V19, None, "arm64", None, "it was configured with ARCH=x86, not ARCH=arm64"),
        (V19, None, None, "init/Kconfig", "init/Kconfig changed since it was configured"),
        (V19, None, None, "Makefile", "it was configured for 6.12.1; the tree is 6.12.2"),
        (V19, None, None, "srctree", "builds {root}, not {other}: run it there, or give --root"),
    ],
)
def test_build_record(tmp_path, monkeypatch, version, llvm, arch, touch, message):
    root, out = user_build(tmp_path, version)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:{os.environ['PATH']}")
    monkeypatch.delenv("LLVM", raising=False)
    monkeypatch.delenv("ARCH", raising=False)
    if touch == "Makefile":
        (root / "Makefile").write_text("VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 2\n")
    elif touch == "srctree":  # the build belongs to another checkout
        other = tmp_path / "other"
        shutil.copytree(root, other)
        message = message.format(root=root, other=other)
        root = other
    elif touch:
        (root / touch).write_text("# changed\n")
    if message is None:
        assert toolchain.for_build(str(root), str(out), llvm, arch) == Toolchain("-19", "x86")
        return
    with pytest.raises(ToolchainError) as e:
        toolchain.for_build(str(root), str(out), llvm, arch)
    assert message in str(e.value)


def test_mismatch_prints_the_command_and_changes_nothing(tmp_path):
    root, out = user_build(tmp_path, V14)
    (root / "rust" / "helpers").mkdir(parents=True)
    (root / "rust" / "helpers" / "helpers.c").write_text("")
    before = sorted((p, p.stat().st_mtime_ns) for p in out.rglob("*"))
    r = run(
        "exports",
        "--root",
        str(root),
        "--build-dir",
        str(out),
        "-q",
        env={"PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}", "LLVM": "", "ARCH": ""},
    )
    assert r.returncode == 2, r.stderr
    err = r.stderr.decode()
    assert f"make -C {root} O={out} LLVM=-19 ARCH=x86 " in err and "rust/helpers/helpers.o" in err
    assert "does not run make in your build with another toolchain" in err
    assert sorted((p, p.stat().st_mtime_ns) for p in out.rglob("*")) == before


RECIPE = (
    "set -e; exec >/dev/null;   trap 'rm -f rust/helpers/helpers.o; trap - HUP; kill -s HUP $$' HUP;"
    "  clang-19 -Wp,-MMD,rust/helpers/.helpers.o.d -nostdinc -I./include -D__KERNEL__ -Werror"
    " -O2 -c -o rust/helpers/helpers.o /src/rust/helpers/helpers.c  ; scripts/basic/fixdep"
    " rust/helpers/.helpers.o.d rust/helpers/helpers.o 'clang-19 -c -o x /src/rust/helpers/helpers.c'"
)


def test_dry_run_recipe(tmp_path):
    c = flags.from_dry_run("make[1]: Entering directory\n" + RECIPE + "\n", str(tmp_path), "t")
    assert (c.executable, c.werror, c.source) == ("clang-19", True, "/src/rust/helpers/helpers.c")
    assert c.args[:3] == ("-nostdinc", f"-I{tmp_path}/include", "-D__KERNEL__")
    assert c.preprocess_args("/src/mm/x.c")[0] == "clang-19"
    with pytest.raises(flags.FlagsError, match="printed no command"):
        flags.from_dry_run("nothing to be done\n", str(tmp_path), "t")


MAKE_ERR = """In file included from /src/rust/helpers/helpers.c:10:
/src/rust/helpers/blk.c:6:7: error: no previous prototype for function 'f' [-Werror]
    6 | void *f(void)
      |       ^
/src/rust/helpers/blk.c:6:1: note: declare 'static'
1 error generated.
make[3]: *** [scripts/Makefile.build:234: rust/helpers/helpers.o] Error 1
make: *** [Makefile:236: __sub-make] Error 2
"""


def test_first_errors():
    assert build.first_errors(MAKE_ERR) == MAKE_ERR.splitlines()[:4]
    tail = "\n".join(f"line {i}" for i in range(10))
    assert build.first_errors(tail) == [f"line {i}" for i in range(4, 10)]


def hold_lock(path: str, seconds: float) -> subprocess.Popen:
    """Another process holding a cached build's lock for ``seconds``."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, time\n"
            f"fd = os.open({path!r} + '.lock', os.O_RDWR | os.O_CREAT)\n"
            f"fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); time.sleep({seconds})\n",
        ],
        stdout=subprocess.PIPE,
    )
    assert holder.stdout.readline() == b"held\n"
    return holder


def test_lock_waits_and_says_so(tmp_path):
    path = str(tmp_path / "build")
    holder = hold_lock(path, 1.5)
    said: list[str] = []
    start = time.monotonic()
    with build.locked(path, said.append):
        waited = time.monotonic() - start
    holder.wait()
    assert said == [f"waiting for another helperfix run using {path}"] and waited > 0.5


def test_clean_cache_keeps_what_is_in_use(tmp_path):
    cache = tmp_path / "cache" / "exports"
    for name in ("defconfig-a", "defconfig-arm64-b"):
        (cache / name).mkdir(parents=True)
        (cache / name / "vmlinux.o").write_bytes(b"x" * 2048)
    holder = hold_lock(str(cache / "defconfig-a"), 3)
    r = run("exports", "--clean-cache", env={"HELPERFIX_CACHE_DIR": str(tmp_path / "cache")})
    holder.kill()
    assert r.returncode == 0
    assert b"defconfig-a is in use by another run; kept" in r.stderr
    assert b"removed 2.0 KB from" in r.stderr
    assert (cache / "defconfig-a").is_dir() and not (cache / "defconfig-arm64-b").exists()


@pytest.mark.parametrize(
    "content,message",
    [
        ("", b"Module.symvers: empty; a Module.symvers lists every export"),
        ("garbage\n", b"Module.symvers:1: not a Module.symvers line"),
        ("0x1\tf\tvmlinux\n", b"Module.symvers:1: not a Module.symvers line"),
    ],
)
def test_bad_symvers_is_refused_at_once(tmp_path, content, message):
    from conftest import exports_args, exports_tree

    root = exports_tree(tmp_path)
    (root / "Module.symvers").write_text(content)
    r = run("exports", "--root", str(root), *exports_args(root))
    assert r.returncode == 2 and message in r.stderr
    assert b"parsing" not in r.stderr  # refused before the 6 s parse
