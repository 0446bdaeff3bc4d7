"""Types the front end emits for input it could not read or write.

They come from scanning and file handling, not from a rule; they are
declared here so that ``--list-types`` and SARIF know them, and so that a
lint gate never passes a tree it could not read (exit status 2).
"""

from __future__ import annotations

from ..diagnostics import ERROR, WARNING
from . import Type, declare

declare(
    "input",
    Type("PARSE_ERROR", ERROR, "File cannot be read as C"),
    Type("READ_ERROR", ERROR, "File cannot be read"),
    Type("PATH_ERROR", ERROR, "Path missing, outside the kernel tree or not a helper file"),
    Type("TOO_LARGE", ERROR, "File over the size limit (--max-file-size); not read"),
    Type("WRITE_ERROR", ERROR, "File read-only, changed while helperfix ran, or not writable"),
    Type("INTERNAL_ERROR", ERROR, "helperfix failed on this file (please report)"),
    Type("FALLBACK", WARNING, "A tool helperfix uses was missing or failed; a fallback was used"),
    name="input",
)
