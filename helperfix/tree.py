"""The kernel tree: finding its root and the helper files inside it."""

from __future__ import annotations

import os

from .diagnostics import ERROR, Diagnostic, display
from .kernel import HELPERS

_OUT = "symlink leads outside the kernel tree; not followed"


class TreeError(Exception):
    pass


def find_root(path: str) -> str:
    """The nearest directory at or above ``path`` that holds rust/helpers/."""
    here = os.path.abspath(path)
    if not os.path.isdir(here):
        here = os.path.dirname(here)
    while True:
        if os.path.isdir(os.path.join(here, HELPERS)):
            return here
        parent = os.path.dirname(here)
        if parent == here:
            raise TreeError(
                f"{display(path)}: no kernel tree (rust/helpers/) around it; use --root"
            )
        here = parent


def _path_error(path: str, message: str) -> Diagnostic:
    return Diagnostic(display(path), 0, message, ERROR, "PATH_ERROR")


def _inside(path: str, root: str) -> bool:
    return os.path.commonpath([path, root]) == root


def helper_files(paths: list[str], root: str) -> tuple[list[str], list[Diagnostic]]:
    """Every ``*.c`` file under ``paths`` (sorted, once each), refusing files
    outside ``root`` and symlinks that lead out of it."""
    real_root = os.path.realpath(root)
    found: list[str] = []
    diags: list[Diagnostic] = []
    seen: set[str] = set()

    def add(f: str) -> None:
        absf = os.path.abspath(f)
        if not _inside(absf, os.path.abspath(root)):
            diags.append(_path_error(f, "outside the kernel tree; not touched"))
            return
        real = os.path.realpath(absf)
        if not _inside(real, real_root):
            diags.append(_path_error(f, _OUT))
            return
        if real not in seen:
            seen.add(real)
            found.append(real if os.path.islink(absf) else absf)

    for p in paths:
        if os.path.isdir(p):
            if os.path.islink(p) and not _inside(os.path.realpath(p), real_root):
                diags.append(_path_error(p, _OUT))
                continue
            for dirpath, dirnames, filenames in os.walk(p):
                kept = []
                for d in sorted(dirnames):
                    full = os.path.join(dirpath, d)
                    if os.path.islink(full) and not _inside(os.path.realpath(full), real_root):
                        diags.append(_path_error(full, _OUT))
                    else:
                        kept.append(d)
                dirnames[:] = kept
                for name in sorted(filenames):
                    if name.endswith(".c"):
                        add(os.path.join(dirpath, name))
        elif os.path.exists(p) or os.path.islink(p):
            add(p)
        else:
            diags.append(_path_error(p, "no such file or directory"))
    return sorted(found), diags
