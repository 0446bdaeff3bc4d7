"""What the tree's atomic generator produces, asked by the atomic rewrite and
the atomic lint rule alike.

The generator is run the way the kernel's ``gen-atomics.sh`` runs it (from
the tree root, on ``atomics.tbl``).  It is a shell script taking about a
second, so its runs start in the background before the helper files are
scanned, and their output is cached by the content of ``scripts/atomic/``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

from .c.source import Source
from .diagnostics import Diagnostic
from .files import atomic_write, cache_dir, read
from .findings import (
    ATOMIC_CHECKSUM,
    ATOMIC_GENERATOR_FAILED,
    ATOMIC_GENERATOR_MISSING,
    ATOMIC_OUT_OF_DATE,
)
from .kernel.atomic import checksum_ok, is_generated, with_checksum
from .kernel.paths import ATOMIC_C, ATOMIC_DIR, GENERATOR, TABLE
from .kernel.queries import fallbacks_in_text
from .sha1 import sha1

if TYPE_CHECKING:
    import subprocess


def _key(root: str, generator: bytes) -> str:
    """A hash of everything the generator can read: scripts/atomic/ itself."""
    h = sha1(generator)
    atomic_dir = os.path.join(root, ATOMIC_DIR)
    for dirpath, dirnames, files in os.walk(atomic_dir):
        dirnames.sort()
        for name in sorted(files):
            path = os.path.join(dirpath, name)
            if os.path.relpath(path, root) == GENERATOR:
                continue
            h.update(os.path.relpath(path, root).encode() + b"\0")
            with open(path, "rb") as fh:
                h.update(fh.read())
    return h.hexdigest()


@dataclass
class _Run:
    """One generator run, possibly still going in the background."""

    key: str
    proc: subprocess.Popen | None = None
    tmp: str | None = None
    cached: bytes | None = None
    error: str = ""

    def result(self) -> tuple[bytes | None, str]:
        """The generator's output, or None and its last line of stderr
        (waits for the run the first time)."""
        if self.cached is not None:
            return self.cached, ""
        if self.error:
            return None, self.error
        assert self.proc is not None
        from . import proc  # a cached output needs no process (start-up time)

        done = proc.finish(self.proc, timeout=300, interruptible=False)
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)
        if done.returncode != 0:
            self.error = proc.complaint(done)
            return None, self.error
        self.cached = done.stdout
        path = os.path.join(cache_dir(), f"atomic-{self.key}.c")
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            atomic_write(path, self.cached)
        except OSError:
            pass  # the cache is an optimisation only
        return self.cached, ""


def _start_run(root: str, generator: bytes, original: bool) -> _Run:
    run = _Run(_key(root, generator))
    try:
        with open(os.path.join(cache_dir(), f"atomic-{run.key}.c"), "rb") as fh:
            run.cached = fh.read()
            return run
    except OSError:
        pass
    cwd = root
    if not original:  # the edited generator runs in a copy of scripts/atomic
        import tempfile  # only a run of the generator needs it (start-up time)

        run.tmp = cwd = tempfile.mkdtemp(prefix="helperfix-atomic-")
        shutil.copytree(os.path.join(root, ATOMIC_DIR), os.path.join(cwd, ATOMIC_DIR))
        with open(os.path.join(cwd, GENERATOR), "wb") as fh:
            fh.write(generator)
    from . import proc

    run.proc = proc.start(["/bin/sh", GENERATOR, TABLE], cwd=cwd)
    return run


class Status(Enum):
    NOT_GENERATED = "not-generated"  # no atomic.c, or not a generated one
    GENERATOR_MISSING = "generator-missing"
    CHECKSUM = "checksum"  # its sha1 line does not match the rest
    FAILED = "failed"  # the generator failed
    OUT_OF_DATE = "out-of-date"  # the generator does not reproduce it
    OK = "ok"


PROBLEMS = {
    Status.CHECKSUM: ATOMIC_CHECKSUM,
    Status.GENERATOR_MISSING: ATOMIC_GENERATOR_MISSING,
    Status.FAILED: ATOMIC_GENERATOR_FAILED,
    Status.OUT_OF_DATE: ATOMIC_OUT_OF_DATE,
}


def problem(
    pair: AtomicPair, status: Status, err: str, shown: Callable[[str], str] = str, tail: str = ""
) -> Diagnostic | None:
    """The finding for a status that is not OK, said the same way by check
    and annotate (which adds ``tail``); ``shown`` turns a tree path into
    the path diagnostics show."""
    if status is Status.CHECKSUM:
        msg = "trailing sha1 line does not match the file (hand-edited?)"
        return ATOMIC_CHECKSUM(shown(ATOMIC_C), pair.checksum_line, msg + tail)
    if status is Status.GENERATOR_MISSING:
        msg = f"generated, but {GENERATOR} is missing"
        return ATOMIC_GENERATOR_MISSING(shown(ATOMIC_C), 0, msg + tail)
    if status is Status.FAILED:
        return ATOMIC_GENERATOR_FAILED(shown(GENERATOR), 0, f"generator failed: {err}")
    if status is Status.OUT_OF_DATE:
        msg = f"does not match what {GENERATOR} generates (hand-edited, or not regenerated)"
        return ATOMIC_OUT_OF_DATE(shown(ATOMIC_C), 0, msg + tail)
    return None


@dataclass
class AtomicPair:
    """atomic.c and its generator, with the generator runs started early."""

    root: str
    gen: Source | None = None
    out: Source | None = None
    spans: list[tuple[int, int]] = field(default_factory=list)  # fallbacks in the heredoc
    before: _Run | None = None  # the generator as it is
    after: _Run | None = None  # the generator without its fallbacks
    _status: tuple[Status, str] | None = None

    def status(self) -> tuple[Status, str]:
        """Whether atomic.c is what its generator makes (waits for the run);
        the detail is the generator's error, for FAILED."""
        if self._status is None:
            self._status = self._judge()
        return self._status

    def _judge(self) -> tuple[Status, str]:
        if self.out is None or not is_generated(self.out.data):
            return Status.NOT_GENERATED, ""
        if self.gen is None:
            return Status.GENERATOR_MISSING, ""
        if not checksum_ok(self.out.data):
            return Status.CHECKSUM, ""
        assert self.before is not None
        output, err = self.before.result()
        if output is None:
            return Status.FAILED, err
        if with_checksum(output) != self.out.data:
            return Status.OUT_OF_DATE, ""
        return Status.OK, ""

    @property
    def checksum_line(self) -> int:
        return self.out.data.count(b"\n") if self.out else 0

    def close(self) -> None:
        """Stop runs still going and remove their temporary copies (an
        interrupted or failed run must leave nothing behind)."""
        for run in (self.before, self.after):
            if run is not None and run.proc is not None and run.proc.poll() is None:
                run.proc.kill()
                run.proc.communicate()
            if run is not None and run.tmp:
                shutil.rmtree(run.tmp, ignore_errors=True)

    def sources(self) -> list[tuple[str, Source]]:
        """The generator and atomic.c as read at the start, for planning."""
        pairs = ((GENERATOR, self.gen), (ATOMIC_C, self.out))
        return [(rel, src) for rel, src in pairs if src is not None]

    def regenerated(self) -> tuple[bytes | None, str]:
        """atomic.c as the generator without its fallbacks makes it (with its
        sha1 line), or None and the error."""
        assert self.after is not None
        output, err = self.after.result()
        return (with_checksum(output) if output is not None else None), err


def _read(root: str, rel: str) -> Source | None:
    try:
        return read(os.path.join(root, rel))
    except OSError:
        return None


def start(root: str, edit: bool) -> AtomicPair:
    """Read the generator and atomic.c and start the generator runs (with
    ``edit``, also the run of the generator without its fallbacks)."""
    pair = AtomicPair(root, out=_read(root, ATOMIC_C))
    if pair.out is None or not is_generated(pair.out.data):
        return pair
    pair.gen = _read(root, GENERATOR)
    if pair.gen is None or not checksum_ok(pair.out.data):
        return pair
    pair.spans = fallbacks_in_text(pair.gen) if edit else []
    pair.before = _start_run(root, pair.gen.data, original=True)
    if pair.spans:
        new = bytearray(pair.gen.data)
        for a, b in reversed(pair.spans):
            del new[a:b]
        pair.after = _start_run(root, bytes(new), original=False)
    return pair
