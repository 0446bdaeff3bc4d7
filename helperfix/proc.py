"""One way to run another program (git, perl, make, clang-format, the atomic
generator, the compiler): in a session of its own, so that a terminal's
Ctrl-C reaches helperfix alone; stopped at once, its whole process group,
when SIGINT or SIGTERM arrives (then helperfix stops at its safe point);
with a timeout; and one rule for the line of its complaint that is quoted.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Sequence

from . import signals

TIMEOUT = 1800.0  # seconds: the longest legitimate run is configuring a kernel
_POLL = 0.25  # how often a running child is checked for a pending signal

Completed = subprocess.CompletedProcess
TimeoutExpired = subprocess.TimeoutExpired


def start(
    cmd: Sequence[str],
    *,
    cwd: str | None = None,
    env: dict[str, str] | None = None,
    stdin: int | None = subprocess.DEVNULL,
    text: bool = False,
) -> subprocess.Popen:
    """A child in a session of its own, its output captured."""
    return subprocess.Popen(
        list(cmd),
        cwd=cwd,
        env=env,
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        text=text,
        errors="replace" if text else None,
    )


def stop(p: subprocess.Popen) -> None:
    """End a child and everything it started (make's compilers, too)."""
    try:
        os.killpg(p.pid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()


def finish(
    p: subprocess.Popen,
    input: bytes | str | None = None,
    timeout: float = TIMEOUT,
    interruptible: bool = True,
) -> Completed:
    """Wait for a child, feeding it ``input``; a pending signal stops it
    and raises ``signals.Interrupted`` (unless not ``interruptible``: a short
    run whose caller stops at its own safe point right after), a timeout
    stops it and raises ``TimeoutExpired``."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            out, err = p.communicate(input, timeout=_POLL)
            return Completed(p.args, p.returncode, out, err)
        except subprocess.TimeoutExpired:
            input = None  # communicate goes on feeding what it was given
            if interruptible and signals.pending():
                stop(p)
                signals.checkpoint()
            if time.monotonic() > deadline:
                stop(p)
                raise subprocess.TimeoutExpired(p.args, timeout) from None


def run(
    cmd: Sequence[str],
    *,
    cwd: str | None = None,
    input: bytes | str | None = None,
    env: dict[str, str] | None = None,
    timeout: float = TIMEOUT,
    text: bool = False,
    interruptible: bool = True,
) -> Completed:
    """Run a program to its end (see ``finish``).  OSError when it cannot
    start."""
    stdin = subprocess.PIPE if input is not None else subprocess.DEVNULL
    p = start(cmd, cwd=cwd, env=env, stdin=stdin, text=text)
    try:
        return finish(p, input, timeout, interruptible)
    except BaseException:
        if p.poll() is None:
            stop(p)
        raise


def complaint(result: Completed) -> str:
    """The line to quote from a failed run: the first that says error or
    fatal, else the last line of its stderr (or stdout), else its status."""
    for stream in (result.stderr, result.stdout):
        text = stream.decode("utf-8", "replace") if isinstance(stream, bytes) else stream or ""
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        said = [ln for ln in lines if "error" in ln.lower() or "fatal" in ln.lower()]
        if said or lines:
            return (said or lines)[0 if said else -1]
    return f"exit status {result.returncode}"
