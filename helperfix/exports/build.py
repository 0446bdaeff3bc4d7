"""A configured build of the tree: where the helpers' compile flags come from.

Without ``--build-dir``, helperfix configures an out-of-tree build (``O=``)
in its cache, with clang (``LLVM=1``: Kconfig's answers depend on the
compiler), runs ``make prepare`` and builds ``rust/helpers/helpers.o`` once
so that Kbuild records the exact command.  CONFIG_RUST is not needed for
that.  The next run reuses the folder; when the tree's commit or the config
changes, the same steps run again, incrementally.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
from collections.abc import Callable
from dataclasses import dataclass

from .. import signals
from ..files import atomic_write, cache_dir
from .flags import HELPERS_O

TOOLS = ("make", "clang", "ld.lld", "llvm-ar", "llvm-nm", "llvm-objcopy", "flex", "bison", "bc")
PACKAGES = "clang lld llvm make flex bison bc libelf-dev libssl-dev"
# A single-object build keeps -Werror but not rust/Makefile's flag removals.
KCFLAGS = "KCFLAGS=-Wno-missing-prototypes -Wno-missing-declarations"
_STAMP = ".helperfix-stamp"
_TARGET = re.compile(r"[a-z0-9_.]*config")


class BuildError(Exception):
    """The tree cannot be configured; the message says why and what to do."""


@dataclass(frozen=True)
class Build:
    root: str
    dir: str  # the build folder (O=), absolute


def cache_root() -> str:
    return os.path.join(cache_dir(), "exports")


def is_target(config: str) -> bool:
    """A make target (defconfig, tinyconfig, ...) rather than a .config file."""
    return bool(_TARGET.fullmatch(config)) and not os.path.isfile(config)


def label(config: str) -> str:
    return config if is_target(config) else os.path.basename(config)


def configured(root: str, config: str, jobs: int, say: Callable[[str], None]) -> Build:
    """The cached build folder for ``config``, configured now if needed."""
    text = _config_text(config)
    key = hashlib.sha1(f"{os.path.realpath(root)}\0{config}".encode()).hexdigest()[:16]
    out = os.path.join(cache_root(), f"{label(config)}-{key}")
    stamp = {"config": hashlib.sha1(text).hexdigest(), "head": _head(root)}
    try:
        old = json.loads(_read(os.path.join(out, _STAMP)) or "{}")
    except ValueError:
        old = {}
    if old == stamp and os.path.exists(os.path.join(out, "rust/helpers/.helpers.o.cmd")):
        return Build(root, out)
    _preflight(root)
    os.makedirs(out, exist_ok=True)
    if old.get("config") == stamp["config"] and os.path.exists(os.path.join(out, ".config")):
        say(f"updating {label(config)} in {out} (the tree is at another commit)")
    else:
        say(f"configuring {label(config)} in {out} (make LLVM=1; first run about half a minute)")
        if is_target(config):
            make(root, out, [config], jobs)
        else:
            atomic_write(os.path.join(out, ".config"), text)
            make(root, out, ["olddefconfig"], jobs)
    make(root, out, ["prepare"], jobs)
    make(root, out, [KCFLAGS, HELPERS_O], jobs)
    atomic_write(os.path.join(out, _STAMP), json.dumps(stamp).encode())
    return Build(root, out)


def make(root: str, out: str, targets: list[str], jobs: int = 1) -> None:
    """``make -C root O=out LLVM=1 targets``; a signal stops it at once."""
    objtree = [] if os.path.realpath(out) == os.path.realpath(root) else [f"O={out}"]
    cmd = ["make", "-C", root, *objtree, "LLVM=1", f"-j{jobs}", "-s", *targets]
    try:
        proc = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **signals.CHILD
        )
    except OSError as e:
        raise BuildError(f"cannot run make: {e.strerror}") from e
    while True:
        try:
            _, err = proc.communicate(timeout=0.25)
            break
        except subprocess.TimeoutExpired:
            if signals.pending():
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait()
                signals.checkpoint()
    if proc.returncode:
        tail = err.decode("utf-8", "replace").strip().splitlines()[-6:]
        what = " ".join(t for t in targets if not t.startswith("KCFLAGS"))
        raise BuildError(
            f"make O={out} LLVM=1 {what} failed (exit {proc.returncode}):\n  " + "\n  ".join(tail)
        )


def _preflight(root: str) -> None:
    if not os.path.isfile(os.path.join(root, "Makefile")):
        raise BuildError(f"{root}: no top-level Makefile (not a kernel tree?)")
    if not os.path.isfile(os.path.join(root, "rust/helpers/helpers.c")):
        raise BuildError(
            f"{root}: no rust/helpers/helpers.c (the helpers moved there in 6.11; "
            "older trees keep them in rust/helpers.c, which helperfix does not analyse)"
        )
    if os.path.exists(os.path.join(root, ".config")):
        raise BuildError(
            f"{root} is configured in place (.config): Kbuild refuses O= builds beside it; "
            "use --build-dir . to analyse that configuration, or 'make mrproper'"
        )
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        raise BuildError(
            f"cannot configure {root}: {', '.join(missing)} not found "
            f"(Debian: apt-get install {PACKAGES}); or give --build-dir or --compile-commands"
        )


def _config_text(config: str) -> bytes:
    if is_target(config):
        return config.encode()
    try:
        with open(config, "rb") as fh:
            return fh.read()
    except OSError as e:
        raise BuildError(f"--config {config}: {e.strerror}") from e


def _head(root: str) -> str:
    try:
        r = subprocess.run(
            ["git", "-C", root, "rev-parse", "-q", "--verify", "HEAD"],
            capture_output=True,
            text=True,
            **signals.CHILD,
        )
    except OSError:
        return ""
    return r.stdout.strip()


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except OSError:
        return ""


def preprocess(build: Build, source: str) -> str:
    """``make path/file.i`` for a source relative to the root: the
    preprocessed text, or "" when it does not preprocess."""
    target = source[:-2] + ".i"
    try:
        make(build.root, build.dir, [target])
    except BuildError:
        return ""
    return _read(os.path.join(build.dir, target))
