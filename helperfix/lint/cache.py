"""What ``helperfix check`` learnt from each file, kept for the next run.

A file rule sees one file at a time, so a file's findings (and what the tree
rules need from it) depend only on its path, its bytes and helperfix's own
code.  A file whose bytes are what they were at the last check needs no
libclang parse: its results come back from here.  Every file is still read
and hashed on every run, so it is always judged on what it holds now; the
cache file's name fingerprints helperfix's code, Python and libclang, so a
change to any of them starts afresh.  helpers.c is always scanned (the tree
rules read it whole).  A cache that cannot be read or written only makes the
run slower (``--no-cache`` skips it).
"""

from __future__ import annotations

import marshal
import os
import sys

from .. import __version__
from ..diagnostics import Diagnostic, declared
from ..files import atomic_write, cache_dir
from ..sha1 import sha1

_PREFIX, _SUFFIX = "check-", ".marshal"

# What one file told the check: its line count, its findings, whether it was
# scanned (False: a parse error), its '#include "x.c"'s, its annotated
# helpers (first line, name, count) and whether it defines __rust_helper.
Record = tuple[int, list[Diagnostic], bool, list[tuple[int, str]], tuple | None, bool]
Entry = tuple[str, tuple]  # (hash of the bytes, the record as stored)


def _fingerprint() -> str:
    """Names helperfix's code (every module's size and mtime), Python's
    version and the libclang library, so that any change to them misses."""
    from ..c.clanglib import library_file

    h = sha1(f"{__version__}\0{sys.version}\0".encode())
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for folder, dirs, names in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(n for n in names if n.endswith(".py")):
            st = os.stat(os.path.join(folder, name))
            h.update(f"{folder[len(package):]}/{name}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    lib = library_file()
    st = os.stat(lib)
    h.update(f"{lib}\0{st.st_size}\0{st.st_mtime_ns}".encode())
    return h.hexdigest()[:16]


def digest(rel: str, data: bytes) -> str:
    """The key a file's record is stored under: its path and its bytes."""
    return sha1(rel.encode() + b"\0" + data).hexdigest()


def _stored(d: Diagnostic) -> tuple:
    return (d.path, d.line, d.message, d.type, d.column, d.helper, d.origin, d.span, d.level)


def unpack(entry: tuple) -> Record:
    """A stored record, with its findings rebuilt from their declared types."""
    lines, found, scanned, includes, marked, defined = entry
    types = declared()
    findings = [
        Diagnostic(path, line, msg, types[kind], col, helper, origin, tuple(span), level)
        for path, line, msg, kind, col, helper, origin, span, level in found
    ]
    return lines, findings, scanned, [tuple(i) for i in includes], marked, defined


def pack(record: Record) -> tuple:
    """A record as marshal stores it: findings by their type's name."""
    lines, findings, scanned, includes, marked, defined = record
    return lines, [_stored(d) for d in findings], scanned, includes, marked, defined


class CheckCache:
    """The results of the last check, by file (relative path)."""

    def __init__(self) -> None:
        self.path = os.path.join(cache_dir(), f"{_PREFIX}{_fingerprint()}{_SUFFIX}")
        self.entries: dict[str, Entry] = {}
        self.changed = False
        try:
            with open(self.path, "rb") as fh:
                loaded = marshal.loads(fh.read())
            if isinstance(loaded, dict):
                self.entries = loaded
        except (OSError, ValueError, EOFError, TypeError):
            pass  # none yet, or unreadable: every file is scanned

    def update(self, fresh: dict[str, Entry]) -> None:
        for rel, entry in fresh.items():
            if self.entries.get(rel) != entry:
                self.entries[rel] = entry
                self.changed = True

    def save(self) -> None:
        """Write the cache if it changed, and drop those of other versions."""
        if not self.changed:
            return
        try:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            atomic_write(self.path, marshal.dumps(self.entries))
            for name in os.listdir(os.path.dirname(self.path)):
                full = os.path.join(os.path.dirname(self.path), name)
                if name.startswith(_PREFIX) and name.endswith(_SUFFIX) and full != self.path:
                    os.unlink(full)
        except OSError:
            pass  # the cache only saves time
