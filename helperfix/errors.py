"""How a run ends: its exit status, named once, and the error a run
reports to the user and stops on (exit status 2)."""

from __future__ import annotations

import signal
from enum import IntEnum


class Exit(IntEnum):
    """Every command's exit status (README, "Commands")."""

    OK = 0  # done, or clean
    FOUND = 1  # findings (check, exports), or something would change (annotate --check)
    ERROR = 2  # usage error, or input that could not be read


def by_signal(signum: int) -> int:
    """The shell's status for a run a signal stopped: 130 for SIGINT, 143
    for SIGTERM, 141 for a closed pipe."""
    return 128 + signum


BROKEN_PIPE = by_signal(signal.SIGPIPE)


class UsageError(Exception):
    """A usage error or an input that cannot be used: the message says
    which and why; the command line prints it and exits 2."""
