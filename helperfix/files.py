"""File I/O: reading helper files and replacing them atomically.

A file is either old or new, never half-written: every write goes to a
temporary file that is renamed over the original.
"""

from __future__ import annotations

import functools
import os

from .c.source import Source


def read(path: str) -> Source:
    with open(path, "rb") as fh:
        return Source(path, fh.read())


TEMP_PREFIX, TEMP_SUFFIX = ".helperfix-", ".tmp"


_LINKABLE: dict[str, bool] = {}  # per folder: can an O_TMPFILE there be given a name?


def _unnamed(directory: str, mode: int) -> int:
    """An unnamed file in ``directory`` (O_TMPFILE) that can be linked in
    later, or -1 where the system or the sandbox does not allow it."""
    if not hasattr(os, "O_TMPFILE") or _LINKABLE.get(directory) is False:
        return -1
    try:
        fd = os.open(directory, os.O_TMPFILE | os.O_WRONLY, mode)
    except OSError:
        _LINKABLE[directory] = False
        return -1
    if directory not in _LINKABLE:
        probe = os.path.join(directory, f"{TEMP_PREFIX}{os.getpid()}-probe{TEMP_SUFFIX}")
        try:
            os.link(f"/proc/self/fd/{fd}", probe, follow_symlinks=True)
            os.unlink(probe)
            _LINKABLE[directory] = True
        except OSError:
            _LINKABLE[directory] = False
            os.close(fd)
            return -1
    return fd


@functools.cache
def _staging(directory: str) -> str:
    """Where a named temporary file goes: the system's temporary folder when
    it is on the same filesystem (a killed run then leaves nothing in the
    tree), else the target's own folder."""
    import tempfile  # only writes need it (start-up time)

    tmpdir = tempfile.gettempdir()
    try:
        if os.stat(tmpdir).st_dev == os.stat(directory).st_dev:
            return tmpdir
    except OSError:
        pass
    return directory


def _temporary_name(directory: str) -> str:
    return os.path.join(directory, f"{TEMP_PREFIX}{os.getpid()}-{os.urandom(4).hex()}{TEMP_SUFFIX}")


def _named(directory: str) -> tuple[int, str]:
    """A new named temporary file (mode 0600) for a write into ``directory``."""
    for _ in range(100):
        tmp = _temporary_name(_staging(directory))
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600), tmp
        except FileExistsError:
            continue  # another run's name: draw again
    raise FileExistsError(f"no free temporary name beside {directory}")


def cache_dir() -> str:
    """helperfix's cache: $HELPERFIX_CACHE_DIR, else $XDG_CACHE_HOME/helperfix."""
    base = os.environ.get("HELPERFIX_CACHE_DIR")
    if base:
        return base
    xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(xdg, "helperfix")


def atomic_write(path: str, data: bytes) -> None:
    """Replace ``path`` with ``data`` through a temporary file and a rename.

    The file keeps its permission bits; a killed run leaves either the old or
    the new content, never a mix.  (Like ``clang-format -i``, there is no
    fsync: durability across a power cut is left to the filesystem.)  Where
    Linux allows it the content goes to an unnamed ``O_TMPFILE`` that gets a
    name only for the instant before the rename, so even SIGKILL almost never
    leaves a stray file; elsewhere a named temporary file is used, in the
    system's temporary folder when that is on the same filesystem.
    ``clean_stale`` removes what a killed run left in the tree.
    """
    directory = os.path.dirname(os.path.abspath(path))
    try:
        mode = os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o644
    fd = _unnamed(directory, mode)
    named = fd < 0
    if named:
        fd, tmp = _named(directory)
    else:
        tmp = _temporary_name(directory)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fchmod(fd, mode)
            if not named:
                os.link(f"/proc/self/fd/{fd}", tmp, follow_symlinks=True)
                named = True
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        if named:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
        raise


def clean_stale(directory: str) -> None:
    """Remove temporary files a killed helperfix run left in ``directory``
    (only files that match its own naming and whose writer is gone)."""
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        if name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX):
            pid = name[len(TEMP_PREFIX) :].split("-", 1)[0]
            if pid.isdigit() and os.path.exists(f"/proc/{pid}"):
                continue  # a live run is writing it
            try:
                os.unlink(os.path.join(directory, name))
            except OSError:
                pass


def unified_diff(rel: str, old: bytes, new: bytes) -> bytes:
    """A git-style unified diff of one file (``git apply``-able), with git's
    marker for a last line without a newline (difflib omits it)."""
    name = rel.encode()
    import difflib  # only --diff needs it (start-up time)

    lines = difflib.diff_bytes(
        difflib.unified_diff,
        old.splitlines(keepends=True),
        new.splitlines(keepends=True),
        b"a/" + name,
        b"b/" + name,
    )
    out = []
    for ln in lines:
        out.append(ln if ln.endswith(b"\n") else ln + b"\n\\ No newline at end of file\n")
    return b"".join(out)
