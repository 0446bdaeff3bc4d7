"""The error a run reports to the user and stops on, with exit status 2."""

from __future__ import annotations


class UsageError(Exception):
    """A usage error or an input that cannot be used: the message says
    which and why; the command line prints it and exits 2."""
