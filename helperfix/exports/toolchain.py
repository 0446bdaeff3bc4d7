"""The toolchain a build uses, as Kbuild takes it: ``LLVM=`` and ``ARCH=``.

Kbuild derives every tool from ``LLVM=``: ``LLVM=1`` means ``clang``,
``ld.lld``, ``llvm-ar``...; ``LLVM=-19`` appends a version suffix
(``clang-19``); ``LLVM=/usr/lib/llvm-19/bin/`` is a prefix.  A configured
build records the environment its configuration was made with in
``include/config/auto.conf.cmd`` (``CC``, ``LD``, ``ARCH``,
``CC_VERSION_TEXT``...); make run there with anything else re-syncs the
configuration silently, so helperfix matches that record exactly or does
not run make there at all.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass

from .. import proc

# Kbuild's tool variables under LLVM=, and the LLVM tool each one names.
LLVM_TOOLS = {"CC": "clang", "LD": "ld.lld", "AR": "llvm-ar", "NM": "llvm-nm"}
LLVM_TOOLS["OBJCOPY"] = "llvm-objcopy"
GNU_TOOLS = {"CC": "gcc", "LD": "ld", "AR": "ar", "NM": "nm", "OBJCOPY": "objcopy"}
HOST_TOOLS = ("make", "flex", "bison", "bc")
PACKAGES = "clang lld llvm make flex bison bc libelf-dev libssl-dev"
# Tool names Kbuild reads from the environment and that helperfix passes on
# as the build recorded them (a build made with RUSTC=rustc-1.78 keeps it).
_PASSED = ("RUSTC", "BINDGEN", "PAHOLE", "PYTHON3", "HOSTRUSTC")
_VERSIONED = re.compile(r"^clang-(\d+)$")
_IFNEQ = re.compile(r'^ifneq "\$\((\w+)\)" "(.*)"$')


class ToolchainError(Exception):
    """No toolchain fits: the message says why and what to run instead."""


class OtherTree(ToolchainError):
    """The build belongs to another source tree: use that one."""


@dataclass(frozen=True)
class Toolchain:
    llvm: str  # Kbuild's LLVM= ("1", "-19", "/usr/lib/llvm-19/bin/"); "" for gcc
    arch: str = ""  # ARCH= ("" : the host's)
    cross: str = ""  # CROSS_COMPILE= (gcc builds)

    def tool(self, name: str) -> str:
        """The command Kbuild runs for an LLVM tool (``clang``, ``ld.lld``...)."""
        if self.llvm.endswith("/"):
            return self.llvm + name
        if self.llvm.startswith("-"):
            return name + self.llvm
        return name

    def tools(self) -> dict[str, str]:
        """Kbuild's tool variables (CC, LD, ...) as this toolchain sets them."""
        if not self.llvm:
            return {k: self.cross + v for k, v in GNU_TOOLS.items()}
        return {k: self.tool(v) for k, v in LLVM_TOOLS.items()}

    @property
    def cc(self) -> str:
        return self.tools()["CC"]

    def make_vars(self) -> list[str]:
        out = [f"LLVM={self.llvm}"] if self.llvm else []
        out += [f"CROSS_COMPILE={self.cross}"] if self.cross else []
        return out + ([f"ARCH={self.arch}"] if self.arch else [])

    def environ(self) -> dict[str, str]:
        """make's environment: LLVM=, ARCH= and CROSS_COMPILE= come from the
        command line only (an empty ARCH in the environment breaks Kbuild)."""
        drop = {"LLVM", "ARCH", "CROSS_COMPILE", "CC", "LD"}
        return {k: v for k, v in os.environ.items() if k not in drop}

    def label(self) -> str:
        return " ".join(self.make_vars()) or "gcc"

    def missing(self) -> list[str]:
        """The commands this toolchain needs that are not on PATH."""
        needed = [*self.tools().values(), *HOST_TOOLS]
        return [t for t in needed if shutil.which(t) is None]


def version_text(cc: str) -> str:
    """What Kbuild records as CC_VERSION_TEXT: the first line of
    ``$(CC) --version`` without '#' characters ("" when it does not run)."""
    try:
        p = proc.run([cc, "--version"], text=True, timeout=30, env={**os.environ, "LC_ALL": "C"})
    except (OSError, proc.TimeoutExpired):
        return ""
    first = p.stdout.splitlines()[0] if p.stdout else ""
    return first.replace("#", "")


def _versioned_clangs() -> list[str]:
    """``-N`` for every ``clang-N`` on PATH."""
    found: set[str] = set()
    for d in os.environ.get("PATH", "").split(os.pathsep):
        try:
            names = os.listdir(d or ".")
        except OSError:
            continue
        for n in names:
            m = _VERSIONED.match(n)
            if m and os.access(os.path.join(d, n), os.X_OK):
                found.add(f"-{m[1]}")
    return sorted(found, key=lambda s: int(s[1:]))


def choose(llvm: str | None, arch: str | None, say: Callable[[str], None]) -> Toolchain:
    """The toolchain for helperfix's own builds: ``llvm``/``arch`` (options),
    else the environment's LLVM= and ARCH=, else an unversioned clang, else
    the one ``clang-N`` on PATH (said)."""
    llvm = llvm or os.environ.get("LLVM") or ""
    arch = arch or os.environ.get("ARCH") or ""
    if llvm:
        return Toolchain(llvm, arch)
    if shutil.which("clang"):
        return Toolchain("1", arch)
    versions = _versioned_clangs()
    if len(versions) == 1:
        say(f"no clang on PATH; using clang{versions[0]} (LLVM={versions[0]})")
        return Toolchain(versions[0], arch)
    if versions:
        shown = ", ".join(f"clang{v}" for v in versions)
        raise ToolchainError(
            f"no clang on PATH but several versioned ones ({shown}): say which with "
            f"LLVM={versions[-1]} (or --llvm {versions[-1]})"
        )
    return Toolchain("1", arch)  # its missing tools are named before make runs


# -- a build the user configured ----------------------------------------------


@dataclass(frozen=True)
class Recorded:
    """What ``include/config/auto.conf.cmd`` says a build was configured
    with: the environment Kconfig read, and the Kconfig files it depends on."""

    env: dict[str, str]
    deps: tuple[str, ...]
    stamp: float  # mtime of include/config/auto.conf

    @classmethod
    def read(cls, build_dir: str) -> Recorded | None:
        path = os.path.join(build_dir, "include", "config", "auto.conf.cmd")
        try:
            with open(path, encoding="utf-8", errors="replace") as fh:
                lines = fh.read().splitlines()
            stamp = os.stat(os.path.join(build_dir, "include", "config", "auto.conf")).st_mtime
        except OSError:
            return None
        env = {m[1]: m[2] for line in lines if (m := _IFNEQ.match(line))}
        deps = tuple(
            line.strip().rstrip("\\").strip()
            for line in lines
            if line.startswith(("\t", " ")) and not line.strip().startswith("$")
        )
        return cls(env, tuple(d for d in deps if d), stamp)


def _srcarch(build_dir: str) -> str:
    """The architecture a .config was made for (its header's ``Linux/<arch>``)."""
    try:
        with open(os.path.join(build_dir, ".config"), encoding="utf-8", errors="replace") as fh:
            head = fh.read(400)
    except OSError:
        return ""
    m = re.search(r"^# Linux/(\S+) ", head, re.M)
    return m[1] if m else ""


def _from_cc(cc: str) -> Toolchain | None:
    """The LLVM= (or CROSS_COMPILE=) under which Kbuild's CC is ``cc``."""
    base = os.path.basename(cc)
    if base == "clang":
        prefix = cc[: -len(base)]
        return Toolchain(prefix if prefix else "1")
    if _VERSIONED.match(base) and cc == base:
        return Toolchain(base[len("clang") :])
    if base.endswith("gcc"):
        return Toolchain("", cross=cc[: -len("gcc")])
    return None


def recorded(build_dir: str, rec: Recorded | None) -> Toolchain | None:
    """The toolchain a build's record names: the LLVM= (or CROSS_COMPILE=)
    that gives its CC, and its ARCH (else its .config's); None without one."""
    chain = _from_cc(rec.env.get("CC", "")) if rec else None
    if chain is None:
        return None
    return Toolchain(chain.llvm, rec.env.get("ARCH", "") or _srcarch(build_dir), chain.cross)


def guess(build_dir: str) -> Toolchain:
    """The toolchain a build names, for the command shown when it cannot be
    matched: its record, else its .config's clang version."""
    chain = recorded(build_dir, Recorded.read(build_dir))
    if chain is not None:
        return chain
    try:
        with open(os.path.join(build_dir, ".config"), encoding="utf-8", errors="replace") as fh:
            m = re.search(r"^CONFIG_CLANG_VERSION=(\d+)", fh.read(), re.M)
    except OSError:
        m = None
    return Toolchain(f"-{int(m[1]) // 10000}" if m and int(m[1]) else "1", _srcarch(build_dir))


def kernel_version(root: str) -> str:
    """KERNELVERSION as the tree's Makefile spells it (VERSION.PATCHLEVEL...)."""
    fields: dict[str, str] = {}
    try:
        with open(os.path.join(root, "Makefile"), encoding="utf-8", errors="replace") as fh:
            for line in fh.read(2000).splitlines():
                m = re.match(r"^(VERSION|PATCHLEVEL|SUBLEVEL|EXTRAVERSION)\s*=\s*(.*)$", line)
                if m:
                    fields[m[1]] = m[2].strip()
    except OSError:
        return ""
    v = fields.get("VERSION", "")
    if fields.get("PATCHLEVEL"):
        v += "." + fields["PATCHLEVEL"]
        if fields.get("SUBLEVEL"):
            v += "." + fields["SUBLEVEL"]
    return v + fields.get("EXTRAVERSION", "")


def objtree(root: str, build_dir: str) -> list[str]:
    """``O=build_dir``, unless the build is the tree itself (in-tree)."""
    return [] if os.path.realpath(build_dir) == os.path.realpath(root) else [f"O={build_dir}"]


def make_command(root: str, build_dir: str, chain: Toolchain, targets: list[str]) -> str:
    """The make command line, as a user would type it."""
    import shlex

    return shlex.join(["make", "-C", root, *objtree(root, build_dir), *chain.make_vars(), *targets])


def for_build(root: str, build_dir: str, llvm: str | None, arch: str | None) -> Toolchain:
    """The toolchain a configured build was made with, checked against what
    is on PATH now; ToolchainError (saying why, and the command that builds
    helpers.o) when make could not run there without changing the build."""
    rec = Recorded.read(build_dir)
    if rec is None:
        raise ToolchainError(
            f"{build_dir} is configured but not prepared (no include/config/auto.conf.cmd)"
        )
    env = rec.env
    if "srctree" in env and os.path.realpath(env["srctree"]) != os.path.realpath(root):
        raise OtherTree(
            f"{build_dir} builds {env['srctree']}, not {root}: run it there, or give "
            f"--root {env['srctree']}"
        )
    chain = recorded(build_dir, rec)
    if chain is None:
        raise ToolchainError(f"{build_dir} was built with CC={env.get('CC')!r}, not clang or gcc")
    problems = []
    for var, want in chain.tools().items():
        if var in env and env[var] != want:
            problems.append(f"{var} is {env[var]!r}, not the {want!r} that {chain.label()} gives")
    given_llvm = llvm or os.environ.get("LLVM")
    if given_llvm and given_llvm != chain.llvm and not (chain.llvm == "1" and given_llvm == "y"):
        problems.append(f"it was configured with LLVM={chain.llvm}, not LLVM={given_llvm}")
    given_arch = arch or os.environ.get("ARCH")
    if given_arch and given_arch != chain.arch:
        problems.append(f"it was configured with ARCH={chain.arch}, not ARCH={given_arch}")
    recorded_text = env.get("CC_VERSION_TEXT")
    if recorded_text is not None:
        now = version_text(chain.cc)
        if now != recorded_text:
            problems.append(
                f"it was configured with {recorded_text!r}; {chain.cc} on PATH is "
                + (repr(now) if now else "missing")
            )
    version = kernel_version(root)
    if env.get("KERNELVERSION") and version and env["KERNELVERSION"] != version:
        problems.append(f"it was configured for {env['KERNELVERSION']}; the tree is {version}")
    newer = [d for d in rec.deps if _newer(root, d, rec.stamp)]
    if newer:
        problems.append(f"{newer[0]} changed since it was configured")
    if problems:
        raise ToolchainError(f"{build_dir}: " + "; ".join(problems))
    return chain


def passed_vars(build_dir: str) -> list[str]:
    """Tool variables the build recorded that make must see unchanged."""
    rec = Recorded.read(build_dir)
    env = rec.env if rec else {}
    return [f"{k}={env[k]}" for k in _PASSED if k in env]


def _newer(root: str, dep: str, stamp: float) -> bool:
    path = dep if os.path.isabs(dep) else os.path.join(root, dep)
    try:
        return os.stat(path).st_mtime > stamp
    except OSError:
        return False
