"""Re-wrap touched declarations with clang-format, one process for many files.

clang-format costs tens of milliseconds per process, so every declaration that
needs re-wrapping, from every file, goes into one synthetic buffer holding
nothing else (each declaration with an empty body, between marker comments),
which is formatted whole and split back.  (``--lines`` ranges would do the
same here but cost time quadratic in their number.)
"""

from __future__ import annotations

import functools
import importlib.util
import os
import re
import shutil
from typing import NamedTuple

from . import proc
from .errors import UsageError

_MARK = b"/* helperfix:chunk:%d */"
_MARK_RE = re.compile(rb"^/\* helperfix:chunk:(\d+) \*/\n", re.M)
_BATCH = 1000  # chunks per clang-format process (batches run in parallel)
_DATA = os.path.join(os.path.dirname(__file__), "data", "kernel.clang-format")


class FormatError(UsageError):
    """clang-format cannot be used at all: the run stops (exit 2)."""


class _Rejected(Exception):
    """clang-format refused one batch: its declarations are tried alone."""


class Chunk(NamedTuple):
    text: bytes  # LF-only C text: a declaration followed by "{\n}\n"


@functools.cache
def executable() -> str:
    """The pinned clang-format from the PyPI wheel (found without importing
    its package), else the one on PATH."""
    spec = importlib.util.find_spec("clang_format")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        exe = os.path.join(folder, "data", "bin", "clang-format")
        if os.access(exe, os.X_OK):
            return exe
    exe = shutil.which("clang-format")
    if exe is None:
        raise FormatError("clang-format not found (pip install clang-format)")
    return exe


def style_file(root: str | None, style: str | None) -> str:
    """``style`` if given, else the tree's own .clang-format, else
    helperfix's kernel-style settings."""
    if style:
        return style
    tree = os.path.join(root, ".clang-format") if root else ""
    return tree if tree and os.path.isfile(tree) else _DATA


def check_style(style: str) -> None:
    """Raise FormatError unless ``style`` is a style file clang-format reads."""
    if not os.path.isfile(style):
        raise FormatError(f"--style {style}: no such file")
    cmd = [executable(), f"--style=file:{style}", "--dump-config"]
    try:
        p = proc.run(cmd, timeout=60)
    except (OSError, proc.TimeoutExpired) as e:
        raise FormatError(f"cannot run clang-format: {e}") from e
    if p.returncode != 0:
        raise FormatError(f"--style {style}: clang-format cannot read it: {proc.complaint(p)}")


def _run(chunks: list[Chunk], style: str) -> list[bytes]:
    buf: list[bytes] = []
    for i, c in enumerate(chunks):
        buf.append(_MARK % i + b"\n")
        buf.append(c.text if c.text.endswith(b"\n") else c.text + b"\n")
    cmd = [executable(), f"--style=file:{style}", "--assume-filename=helperfix.c"]
    try:  # in annotate's workers: let it finish, the batch stops right after
        done = proc.run(cmd, input=b"".join(buf), timeout=600, interruptible=False)
    except (OSError, proc.TimeoutExpired) as e:
        raise FormatError(f"cannot run clang-format: {e}") from e
    if done.returncode != 0:
        raise _Rejected(proc.complaint(done))
    parts = _MARK_RE.split(done.stdout)
    out = [b""] * len(chunks)
    if len(parts) != 2 * len(chunks) + 1:
        raise _Rejected("its output lost a chunk marker")
    for k in range(1, len(parts), 2):
        out[int(parts[k])] = parts[k + 1]
    return out


def _valid(chunk: Chunk) -> bool:
    try:
        chunk.text.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False  # clang-format reads UTF-8 only


def _run_or_split(chunks: list[Chunk], style: str) -> list[bytes | str]:
    """Format a batch; if clang-format rejects it, format each chunk alone so
    one odd declaration costs only its own re-wrap (a str: why not)."""
    try:
        return list(_run(chunks, style))
    except _Rejected as e:
        if len(chunks) == 1:
            return [str(e)]
        return [r for c in chunks for r in _run_or_split([c], style)]


def format_chunks(chunks: list[Chunk], style: str, jobs: int) -> list[bytes | str]:
    """Format every chunk with the style file ``style``; the result for chunk
    i is at index i: the bytes, or a str saying why clang-format could not
    re-wrap it (the caller keeps the plain insertion and says so).  Raises
    FormatError when clang-format cannot run at all."""
    if not chunks:
        return []
    executable()  # fail early and clearly when clang-format is missing
    valid = [i for i, c in enumerate(chunks) if _valid(c)]
    todo = [chunks[i] for i in valid]
    batches = [todo[i : i + _BATCH] for i in range(0, len(todo), _BATCH)]
    if len(batches) <= 1 or jobs <= 1:
        results = [_run_or_split(b, style) for b in batches]
    else:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(lambda b: _run_or_split(b, style), batches))
    out: list[bytes | str] = ["the declaration is not UTF-8"] * len(chunks)
    for i, r in zip(valid, (r for batch in results for r in batch)):
        out[i] = r
    return out
