"""``python -m helperfix`` and the ``helperfix`` script.

A Ctrl-C during start-up (while modules are still being imported) ends the
run quietly with status 130, like one at any later point; one that arrives
while a finished run exits is ignored."""

from __future__ import annotations

import os
import signal
import sys


def entry() -> int:
    from .errors import by_signal

    try:
        from .cli import main
    except KeyboardInterrupt:
        # CPython may re-raise a SIGINT it noted during imports when it shuts
        # down (status -2 instead of 130): leave at once, nothing to clean up.
        print("helperfix: interrupted", file=sys.stderr, flush=True)
        os._exit(by_signal(signal.SIGINT))
    status = main()
    # The work is done (or was stopped and reported): a signal arriving while
    # the interpreter shuts down must not turn a finished run into a kill.
    for s in (signal.SIGINT, signal.SIGTERM):
        signal.signal(s, signal.SIG_IGN)
    return status


if __name__ == "__main__":
    sys.exit(entry())
