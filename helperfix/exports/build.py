"""Configured builds: where the helpers' compile flags come from.

Without ``--build-dir``, helperfix configures an out-of-tree build (``O=``)
in its own cache with the toolchain ``LLVM=``/``ARCH=`` name (Kconfig's
answers depend on the compiler), runs ``make prepare`` and builds
``rust/helpers/helpers.o`` once so that Kbuild records the exact command.
Each cached build has a lock: a second run waits for the first and then
uses what it built.

A build the user configured is read, never changed: its recorded
``.helpers.o.cmd``, or else the command a dry run (``make -n``) prints, and
make runs there only when the toolchain on PATH is exactly the one the build
was configured with (see ``toolchain``).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from .. import proc, signals
from ..files import atomic_write, cache_dir
from ..kernel.paths import HELPERS_CMD, HELPERS_O
from .flags import Command, from_cmd_file, from_dry_run
from .toolchain import (
    PACKAGES,
    OtherTree,
    Toolchain,
    ToolchainError,
    for_build,
    guess,
    make_command,
    objtree,
    passed_vars,
    version_text,
)

# A single-object build keeps -Werror but not rust/Makefile's flag removals.
KCFLAGS = "KCFLAGS=-Wno-missing-prototypes -Wno-missing-declarations"
_STAMP = ".helperfix-stamp"
_TARGET = re.compile(r"[a-z0-9_.]*config")
_ERROR = re.compile(r"^(?:In file included from |\S+:\d+:(?:\d+:)? (?:fatal )?error: )")


class BuildError(Exception):
    """The tree cannot be configured or built; the message says why and
    what to do."""


@dataclass(frozen=True)
class Build:
    root: str
    dir: str  # the build folder (O=), absolute
    chain: Toolchain
    ours: bool = True  # helperfix's cache (make may run there), or the user's


def cache_root() -> str:
    return os.path.join(cache_dir(), "exports")


def is_target(config: str) -> bool:
    """A make target (defconfig, tinyconfig, ...) rather than a .config file."""
    return bool(_TARGET.fullmatch(config)) and not os.path.isfile(config)


def label(config: str) -> str:
    return config if is_target(config) else os.path.basename(config)


def _lock_file(path: str) -> int:
    """The lock file of a cached build (``path`` + ``.lock``), opened."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return os.open(path + ".lock", os.O_RDWR | os.O_CREAT, 0o644)


def _take(fd: int) -> bool:
    """Take the lock if no other run holds it."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


@contextmanager
def locked(path: str, say: Callable[[str], None]) -> Iterator[None]:
    """Hold the lock of a cached build; a second run waits, and says so."""
    fd = _lock_file(path)
    try:
        if not _take(fd):
            say(f"waiting for another helperfix run using {path}")
            while not _take(fd):  # in steps, so that a signal still stops the wait
                signals.checkpoint()
                time.sleep(0.2)
        yield
    finally:
        os.close(fd)  # releases the lock


def cached(root: str, config: str, chain: Toolchain) -> Build:
    """Where helperfix's build of ``config`` with ``chain`` lives (the cache
    key holds the tree, the config and LLVM=/ARCH=)."""
    key = f"{os.path.realpath(root)}\0{config}\0{chain.label()}"
    digest = hashlib.sha1(key.encode()).hexdigest()[:16]
    arch = f"-{chain.arch}" if chain.arch else ""
    return Build(root, os.path.join(cache_root(), f"{label(config)}{arch}-{digest}"), chain)


def configured(build: Build, config: str, jobs: int, say: Callable[[str], None]) -> Build:
    """The cached build, configured now if needed (the config, the tree's
    commit or the compiler changed).  Call it with the build's lock held."""
    root, out, chain = build.root, build.dir, build.chain
    text = _config_text(config)
    stamp = {
        "config": hashlib.sha1(text).hexdigest(),
        "head": _head(root),
        "compiler": version_text(chain.cc),
    }
    try:
        old = json.loads(_read(os.path.join(out, _STAMP)) or "{}")
    except ValueError:
        old = {}
    if old == stamp and os.path.exists(os.path.join(out, HELPERS_CMD)):
        return build
    _preflight(root, chain)
    os.makedirs(out, exist_ok=True)
    if (
        old.get("config") == stamp["config"]
        and old.get("compiler") == stamp["compiler"]
        and os.path.exists(os.path.join(out, ".config"))
    ):
        say(f"updating {label(config)} in {out} (the tree is at another commit)")
    else:
        say(
            f"configuring {label(config)} in {out} (make {chain.label()}; "
            "first run about half a minute)"
        )
        if is_target(config):
            make(build, [config], jobs)
        else:
            atomic_write(os.path.join(out, ".config"), text)
            make(build, ["olddefconfig"], jobs)
    make(build, ["prepare"], jobs)
    make(build, [KCFLAGS, HELPERS_O], jobs)
    atomic_write(os.path.join(out, _STAMP), json.dumps(stamp).encode())
    say(f"cache: {cache_root()} holds {human(size(cache_root()))} (--clean-cache removes it)")
    return build


def make(build: Build, targets: list[str], jobs: int = 1) -> None:
    """make in a build folder; a signal stops it at once, a failure quotes
    the compiler's first errors and the full command to reproduce it."""
    root, out = build.root, build.dir
    cmd = ["make", "-C", root, *objtree(root, out), *build.chain.make_vars(), f"-j{jobs}", "-s"]
    cmd += targets
    shown = make_command(root, out, build.chain, [t for t in targets])
    try:
        done = proc.run(cmd, env=build.chain.environ(), text=True)
    except OSError as e:
        raise BuildError(f"cannot run make: {e.strerror}") from e
    except proc.TimeoutExpired as e:
        raise BuildError(f"make ran for more than {e.timeout:.0f} s\nto reproduce: {shown}") from e
    if done.returncode:
        raise BuildError(
            f"make failed (exit {done.returncode}):\n  "
            + "\n  ".join(first_errors(done.stderr))
            + f"\nto reproduce: {shown}"
        )


def first_errors(stderr: str, limit: int = 8) -> list[str]:
    """The compiler's first error with its context (file:line, the source
    line, the caret), else make's last lines."""
    lines = stderr.rstrip().splitlines()
    for i, line in enumerate(lines):
        if _ERROR.match(line) and ": error: " in "".join(lines[i : i + 4]):
            end = next((k for k in range(i, len(lines)) if ": error: " in lines[k]), i)
            return lines[i : max(end + 3, i + 1)][:limit]
    return lines[-6:]


def user_command(
    root: str, build_dir: str, llvm: str | None, arch: str | None, say: Callable[[str], None]
) -> tuple[Command, Build]:
    """helpers.o's command in a build the user configured, without changing
    anything there: its ``.helpers.o.cmd``, else what ``make -n`` prints
    once the toolchain on PATH is shown to be the build's own."""
    out = os.path.abspath(build_dir)
    if os.path.exists(os.path.join(out, HELPERS_CMD)):
        command = from_cmd_file(out)
        return command, Build(root, out, Toolchain(""), ours=False)
    if not os.path.exists(os.path.join(out, ".config")):
        raise BuildError(f"{build_dir}: not a configured build (no .config)")
    try:
        chain = for_build(root, out, llvm, arch)
    except OtherTree as e:
        raise BuildError(str(e)) from e
    except ToolchainError as e:
        shown = make_command(root, out, guess(out), [KCFLAGS, HELPERS_O])
        raise BuildError(
            f"{e}\nhelperfix does not run make in your build with another toolchain (Kbuild "
            f"would re-sync its configuration). Build {HELPERS_O} there yourself, then rerun:\n"
            f"  {shown}"
        ) from e
    say(f"reading {HELPERS_O}'s command in {build_dir} (make -n {chain.label()}; nothing is built)")
    cmd = ["make", "-n", "-s", "-C", root, *objtree(root, out), *chain.make_vars()]
    cmd += [*passed_vars(out), "V=1", HELPERS_O]
    folders = _folders(out)
    try:
        p = proc.run(cmd, env=chain.environ(), text=True, timeout=300)
    except (OSError, proc.TimeoutExpired) as e:
        raise BuildError(f"cannot run make -n: {e}") from e
    finally:
        _remove_new_folders(out, folders, say)
    if p.returncode:
        raise BuildError(
            f"make -n failed (exit {p.returncode}):\n  "
            + "\n  ".join(first_errors(p.stderr))
            + f"\nto reproduce: {make_command(root, out, chain, ['-n', 'V=1', HELPERS_O])}"
        )
    command = from_dry_run(p.stdout, out, f"make -n in {build_dir}")
    return command, Build(root, out, chain, ours=False)


def _folders(out: str) -> dict[str, tuple[int, int]]:
    """Every folder of a build, with its access and modification times."""
    found = {}
    for folder, _, _ in os.walk(out):
        st = os.stat(folder)
        found[folder] = (st.st_atime_ns, st.st_mtime_ns)
    return found


def _remove_new_folders(
    out: str, before: dict[str, tuple[int, int]], say: Callable[[str], None]
) -> None:
    """Kbuild creates the output folders of what it visits even under
    ``make -n`` (``$(shell mkdir -p ...)`` in Makefile.build): remove those
    the dry run made, and give their parents back their times, so the build
    is as it was (a folder that is not empty stays, and is named)."""
    new = [folder for folder, _, _ in os.walk(out) if folder not in before]
    for folder in sorted(new, key=len, reverse=True):
        try:
            os.rmdir(folder)
        except OSError:
            say(f"make -n left {folder} in your build, not empty: look at it")
    for parent in {os.path.dirname(folder) for folder in new}:
        if parent in before:
            try:
                os.utime(parent, ns=before[parent])
            except OSError:
                pass  # its listing is as it was; only the time moved


def _preflight(root: str, chain: Toolchain) -> None:
    if not os.path.isfile(os.path.join(root, "Makefile")):
        raise BuildError(f"{root}: no top-level Makefile (not a kernel tree?)")
    if os.path.exists(os.path.join(root, ".config")):
        raise BuildError(
            f"{root} is configured in place (.config): Kbuild refuses O= builds beside it; "
            "use --build-dir . to analyse that configuration, or 'make mrproper'"
        )
    missing = chain.missing()
    if missing:
        raise BuildError(
            f"cannot configure {root} with {chain.label()}: {', '.join(missing)} not found "
            f"(Debian: apt-get install {PACKAGES}); set LLVM= for a versioned toolchain, "
            "or give --build-dir or --compile-commands"
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
        r = proc.run(["git", "-C", root, "rev-parse", "-q", "--verify", "HEAD"], text=True)
    except (OSError, proc.TimeoutExpired):
        return ""
    return r.stdout.strip()


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return fh.read()
    except OSError:
        return ""


def preprocess(build: Build | None, command: Command, root: str, source: str) -> str:
    """A source (relative to the root) preprocessed for this build: ``make
    path/file.i`` in helperfix's own build (its exact flags), else the
    build's compiler run with helpers.o's flags, printing to stdout (nothing
    is written).  "" when it does not preprocess."""
    if build is not None and build.ours:
        target = source[:-2] + ".i"
        try:
            make(build, [target])
        except BuildError:
            return ""
        return _read(os.path.join(build.dir, target))
    args = command.preprocess_args(os.path.join(root, source))
    try:
        p = proc.run(args, cwd=command.directory, text=True, timeout=120)
    except (OSError, proc.TimeoutExpired):
        return ""
    return p.stdout if p.returncode == 0 else ""


# -- the cache ------------------------------------------------------------------


def size(path: str) -> int:
    total = 0
    for dirpath, _, files in os.walk(path):
        for f in files:
            try:
                total += os.lstat(os.path.join(dirpath, f)).st_size
            except OSError:
                pass
    return total


def human(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def clean_cache(say: Callable[[str], None]) -> int:
    """Remove every cached build no other run holds; the bytes freed."""
    root = cache_root()
    freed = 0
    try:
        names = sorted(os.listdir(root))
    except OSError:
        say(f"cache: {root} is empty")
        return 0
    for name in names:
        path = os.path.join(root, name)
        if name.endswith(".lock"):
            continue
        lock = _lock_file(path)
        try:
            if not _take(lock):
                say(f"cache: {path} is in use by another run; kept")
                continue
            n = size(path) if os.path.isdir(path) else os.path.getsize(path)
            if os.path.isdir(path):
                shutil.rmtree(path, ignore_errors=True)
            else:
                os.unlink(path)
            os.unlink(path + ".lock")
            freed += n
        finally:
            os.close(lock)
    say(f"cache: removed {human(freed)} from {root}")
    return freed
