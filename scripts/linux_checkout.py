"""A full git checkout of Debian's linux-source-6.12, as users work in one.

Extracted from /usr/src/linux-source-6.12.tar.xz once into a cache folder
(``$HELPERFIX_KERNEL_CACHE``, else ``~/.cache/helperfix-kernel``) and reused:
about a minute the first time (tar, then ``git add -A`` of 86,000 files).
Debian's ``.gitignore`` ignores everything, so it is removed first.

    python3 scripts/linux_checkout.py        # prints the checkout's path
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys

TARBALL = "/usr/src/linux-source-6.12.tar.xz"
IDENTITY = ["-c", "user.name=helperfix tests", "-c", "user.email=tests@helperfix.invalid"]


def cache_dir() -> str:
    return os.environ.get("HELPERFIX_KERNEL_CACHE") or os.path.join(
        os.path.expanduser("~"), ".cache", "helperfix-kernel"
    )


def _git(tree: str, *args: str) -> str:
    return subprocess.run(
        ["git", *IDENTITY, *args], cwd=tree, capture_output=True, text=True, check=True
    ).stdout


def checkout() -> str | None:
    """The path of a clean checkout (one commit, ``master``), or None when
    the package is not installed."""
    tarballs = sorted(glob.glob(TARBALL))
    if not tarballs:
        return None
    tree = os.path.join(cache_dir(), "linux-source-6.12")
    marker = os.path.join(cache_dir(), "ready")
    if os.path.exists(marker):
        _git(tree, "checkout", "-q", "-f", "master")
        _git(tree, "clean", "-q", "-fdx")
        for b in _git(tree, "for-each-ref", "--format=%(refname:short)", "refs/heads/").split():
            if b != "master":
                _git(tree, "branch", "-q", "-D", b)
        return tree
    shutil.rmtree(cache_dir(), ignore_errors=True)
    os.makedirs(cache_dir())
    subprocess.run(["tar", "-xJf", tarballs[0], "-C", cache_dir()], check=True)
    os.remove(os.path.join(tree, ".gitignore"))
    _git(tree, "init", "-q", "-b", "master")
    _git(tree, "config", "user.name", "Kernel Developer")
    _git(tree, "config", "user.email", "dev@example.org")
    _git(tree, "add", "-A")
    _git(tree, "commit", "-q", "-m", "Linux 6.12 (Debian linux-source-6.12)")
    open(marker, "w").close()
    return tree


if __name__ == "__main__":
    path = checkout()
    print(path or f"no {TARBALL}: apt-get install linux-source-6.12", file=sys.stdout)
    sys.exit(0 if path else 1)
