"""The kernel tree: finding its root and the helper files inside it.

Helper files are ``rust/helpers/**/*.c`` and nothing else: a path that is
the kernel root (or any folder above ``rust/helpers``) means its helpers; a
path elsewhere in the kernel is a usage error, so that ``helperfix annotate
kernel/sched/core.c`` never rewrites scheduler code.
"""

from __future__ import annotations

import os

from .diagnostics import Diagnostic, display
from .errors import UsageError
from .findings import PATH_ERROR
from .kernel.kconfig import old_layout
from .kernel.paths import HELPERS, is_helper_path

_OUT = "symlink leads outside the kernel tree; not followed"
NOT_HELPER_FILE = "not a Rust helper file (helpers live in rust/helpers/)"
NOT_HELPER_DIR = "not a Rust helper folder (helpers live in rust/helpers/)"


class TreeError(UsageError):
    """The kernel tree or a path given cannot be used."""


class ScopeError(Exception):
    """Command-line paths that name no helper files: nothing is run."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("; ".join(d.render() for d in diagnostics))
        self.diagnostics = diagnostics


def find_root(path: str) -> str:
    """The nearest directory at or above ``path`` that holds rust/helpers/."""
    here = os.path.abspath(path)
    if not os.path.isdir(here):
        here = os.path.dirname(here)
    while True:
        if os.path.isdir(os.path.join(here, HELPERS)):
            return here
        if old_layout(here):
            raise TreeError(old_layout(here))
        parent = os.path.dirname(here)
        if parent == here:
            raise TreeError(
                f"{display(path)}: no kernel tree (rust/helpers/) around it; use --root"
            )
        here = parent


def _path_error(path: str, message: str) -> Diagnostic:
    return PATH_ERROR(display(path), 0, message)


def _inside(path: str, root: str) -> bool:
    return os.path.commonpath([path, root]) == root


def _scope(p: str, root: str) -> str | Diagnostic:
    """Where to look for helper files for the argument ``p``: a file or a
    folder inside rust/helpers, else a usage diagnostic."""
    absp, helpers = os.path.abspath(p), os.path.join(root, HELPERS)
    if not (os.path.exists(p) or os.path.islink(p)):
        return _path_error(p, "no such file or directory")
    if not _inside(absp, root):
        return _path_error(p, "outside the kernel tree; not touched")
    if os.path.isdir(absp):
        if _inside(absp, helpers):
            return absp
        return helpers if _inside(helpers, absp) else _path_error(p, NOT_HELPER_DIR)
    if not is_helper_path(os.path.relpath(absp, root)):
        return _path_error(p, NOT_HELPER_FILE)
    return absp


def helper_files(paths: list[str], root: str) -> tuple[list[str], list[Diagnostic]]:
    """Every helper file named by ``paths`` (sorted, once each), and the
    symlinks met on the way that lead out of the tree (refused).  Raises
    ScopeError when an argument names no helper files."""
    root = os.path.abspath(root)
    real_root = os.path.realpath(root)
    scopes = [_scope(p, root) for p in paths]
    bad = [s for s in scopes if isinstance(s, Diagnostic)]
    if bad:
        raise ScopeError(bad)
    found: list[str] = []
    diags: list[Diagnostic] = []
    seen: set[str] = set()

    def add(f: str) -> None:
        real = os.path.realpath(f)
        if not _inside(real, real_root):
            diags.append(_path_error(f, _OUT))
        elif real not in seen:
            seen.add(real)
            found.append(real if os.path.islink(f) else f)

    for p in scopes:
        if not os.path.isdir(p):
            add(p)
            continue
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
    return sorted(found), diags
