"""What a run tells the person at the terminal: stage lines on stderr.

Progress goes to stderr (stdout carries only the diff, the findings or the
series report), one line per stage with its counts, and ``-q`` silences it.
Per-batch counts are shown only for trees of several batches, where a run
takes more than a second.
"""

from __future__ import annotations

import sys


class Progress:
    def __init__(self, quiet: bool = False, stream=None) -> None:
        self.quiet = quiet
        self.stream = stream

    def __call__(self, message: str) -> None:
        if not self.quiet:
            print(f"helperfix: {message}", file=self.stream or sys.stderr, flush=True)

    def files(self, verb: str) -> FileCounter:
        return FileCounter(self, verb)


class FileCounter:
    """``done/total files`` after each batch of a multi-batch run."""

    def __init__(self, progress: Progress, verb: str) -> None:
        self.progress, self.verb = progress, verb

    def __call__(self, done: int, total: int) -> None:
        if done < total:
            self.progress(f"{self.verb} {done}/{total} files")
