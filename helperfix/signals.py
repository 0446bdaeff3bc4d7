"""SIGINT and SIGTERM stop a run at a safe point, never half-way.

The first signal only raises a flag, shared with forked workers; work stops
where it is safe (before the next file is written, between batches, between
a series' stages), reports what it already did, cleans up its temporary
files and exits 130 (SIGINT) or 143 (SIGTERM).  A second signal stops at
once (temporary files are still removed by the ``finally`` blocks).  Child
processes run in a session of their own (``proc``), so a terminal's Ctrl-C
cannot kill a ``git`` that holds a lock; helperfix stops them itself.
"""

from __future__ import annotations

import mmap
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager

from .errors import by_signal

_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class _Shared:
    """One byte of anonymous shared memory: created before workers fork, so
    they share it (and cheaper to set up than multiprocessing's values)."""

    def __init__(self) -> None:
        self._map = mmap.mmap(-1, 1)

    @property
    def value(self) -> int:
        return self._map[0]

    @value.setter
    def value(self, v: int) -> None:
        self._map[0] = v


_flag = _Shared()
# Fault injection for the tests: "N:SIGINT" sends that signal to this process
# at the Nth checkpoint, so every safe point can be interrupted on purpose.
_FAULT = os.environ.get("HELPERFIX_FAULT_SIGNAL", "")
_checkpoints = 0


class Interrupted(Exception):
    """Raised at a safe point after SIGINT or SIGTERM."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def status(self) -> int:
        return by_signal(self.signum)


def _handler(signum: int, frame: object) -> None:
    if _flag.value:
        raise KeyboardInterrupt  # a second signal: stop now
    _flag.value = signum


def install() -> None:
    """Turn SIGINT and SIGTERM into the flag (in the main process)."""
    _flag.value = 0
    for s in _SIGNALS:
        signal.signal(s, _handler)


def pending() -> int:
    """The signal received so far, or 0."""
    return _flag.value


def checkpoint() -> None:
    """Raise Interrupted if a signal arrived: call where stopping is safe."""
    global _checkpoints
    if _FAULT:
        _checkpoints += 1
        n, name = _FAULT.split(":")
        if _checkpoints == int(n):
            os.kill(os.getpid(), getattr(signal, name))
    if _flag.value:
        raise Interrupted(_flag.value)


@contextmanager
def deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back while a short final step must complete
    (creating a branch, moving patches into place)."""
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def worker_init() -> None:
    """In a forked worker: SIGINT raises the shared flag (inherited), and
    SIGTERM, which the pool sends to stop its workers, ends the worker at
    once.  (Unwinding instead would run multiprocessing's exit handlers,
    which can block on a queue lock the pool no longer serves; a worker
    ended in the middle of a write leaves at most a temporary file in the
    system's temporary folder, which the next run removes.)"""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
