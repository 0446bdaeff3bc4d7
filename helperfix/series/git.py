"""Commits without a checkout: git plumbing in a workspace of our own.

The series needs a handful of files (rust/helpers, the atomic generator,
.clang-format, checkpatch, MAINTAINERS), not the kernel's 86,000: they are
extracted from the base with ``git archive`` into a temporary folder outside
the repository, rewritten there, and committed by one ``git fast-import``
into a temporary bare repository whose alternates are the user's objects
(no index of 86,000 entries is ever read or written).  The user's
repository, index and work tree are untouched until ``publish`` fetches the
commits into a new branch, a step that signals cannot split.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tarfile
import tempfile

from .. import proc, signals


class SeriesError(Exception):
    pass


def git(repo: str, *args: str, stdin: bytes | None = None, env: dict | None = None) -> bytes:
    """Run git in ``repo``; raise SeriesError (or Interrupted, if a signal
    arrived meanwhile) when it fails."""
    p = proc.run(["git", *args], cwd=repo, input=stdin, env={**os.environ, **env} if env else None)
    if p.returncode != 0:
        signals.checkpoint()
        raise SeriesError(f"git {args[0]} failed: {proc.complaint(p)}")
    return p.stdout


def text(repo: str, *args: str, env: dict | None = None) -> str:
    return git(repo, *args, env=env).decode("utf-8", "replace")


class Workspace:
    """A temporary folder with the series' files at ``base`` and a bare
    repository of its own (the user's objects as alternates) that
    ``git fast-import`` fills with the commits.  Use as a context manager:
    it always goes away, and the user's repository sees nothing of it until
    ``publish``."""

    def __init__(self, repo: str, base: str) -> None:
        self.repo, self.base = repo, base
        self.tmp = tempfile.mkdtemp(prefix="helperfix-series-")
        self.tree = os.path.join(self.tmp, "tree")
        self.out = os.path.join(self.tmp, "out")
        self.store = os.path.join(self.tmp, "store.git")
        self.modes: dict[str, str] = {}
        self._import: subprocess.Popen | None = None
        self._commits = 0

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._import is not None and self._import.poll() is None:
            self._import.kill()
            self._import.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def extract(self, paths: list[str]) -> int:
        """Write the files under ``paths`` at the base into ``tree``; return
        how many files."""
        listing = git(self.repo, "ls-tree", "-r", "-z", self.base, "--", *paths)
        files = []
        for entry in listing.split(b"\0"):
            if entry:
                meta, path = entry.split(b"\t", 1)
                mode, kind, _ = meta.split()
                if kind == b"blob":
                    self.modes[path.decode()] = mode.decode()
                    files.append(path.decode())
        os.makedirs(self.tree, exist_ok=True)
        if files:
            tar = git(self.repo, "archive", "--format=tar", self.base, "--", *files)
            with tarfile.open(fileobj=io.BytesIO(tar)) as tf:
                tf.extractall(self.tree, filter="data")
        return len(files)

    def _importer(self) -> subprocess.Popen:
        if self._import is None:
            objects = text(
                self.repo, "rev-parse", "--path-format=absolute", "--git-path", "objects"
            )
            git(self.tmp, "init", "-q", "--bare", self.store)
            with open(os.path.join(self.store, "objects", "info", "alternates"), "w") as fh:
                fh.write(objects.strip() + "\n")
            self._import = proc.start(
                ["git", "fast-import", "--quiet", "--done"],
                cwd=self.store,
                env={**os.environ, "GIT_DIR": self.store},
                stdin=subprocess.PIPE,
            )
        return self._import

    def commit(self, files: list[str], message: str, author: str, committer: str) -> None:
        """Commit ``files`` (relative) as they are now in ``tree``, on the
        previous commit (the first on the base)."""
        cmd = [b"commit refs/heads/series\n", f"author {author}\n".encode()]
        cmd.append(f"committer {committer}\n".encode())
        msg = message.encode()
        cmd.append(b"data %d\n%s\n" % (len(msg), msg))
        if not self._commits:
            cmd.append(f"from {self.base}\n".encode())
        for f in files:
            with open(os.path.join(self.tree, f), "rb") as fh:
                data = fh.read()
            mode = self.modes.get(f, "100644")
            cmd.append(
                b"M %s inline %s\ndata %d\n%s\n" % (mode.encode(), f.encode(), len(data), data)
            )
        self._importer().stdin.write(b"".join(cmd) + b"\n")
        self._commits += 1

    def finish(self) -> str:
        """End the import; the tip's hash."""
        done = proc.finish(self._importer(), b"done\n")
        if done.returncode != 0:
            signals.checkpoint()
            raise SeriesError(f"git fast-import failed: {proc.complaint(done)}")
        return text(self.store, "rev-parse", "refs/heads/series").strip()

    def restack(self, cover: str, author: str, committer: str) -> str:
        """The series again, behind an empty commit holding ``cover`` (a b4
        prep branch); returns the new tip.  Trees and messages are kept."""
        env = {"GIT_DIR": self.store, **_ident_env("AUTHOR", author)}
        env.update(_ident_env("COMMITTER", committer))
        tip = text(self.store, "rev-parse", "refs/heads/series").strip()
        tree = text(self.store, "rev-parse", f"{self.base}^{{tree}}").strip()
        parent = _commit_tree(self.store, tree, self.base, cover, env)
        for sha in text(self.store, "rev-list", "--reverse", f"{self.base}..{tip}").split():
            raw = git(self.store, "cat-file", "commit", sha).decode()
            message = raw.split("\n\n", 1)[1]
            tree = text(self.store, "rev-parse", f"{sha}^{{tree}}").strip()
            parent = _commit_tree(self.store, tree, parent, message, env)
        return parent

    @property
    def alternates(self) -> dict[str, str]:
        """Environment for git in the user's repository to see the new commits."""
        return {"GIT_ALTERNATE_OBJECT_DIRECTORIES": os.path.join(self.store, "objects")}

    def format_patch(self, args: list[str]) -> list[str]:
        """``git format-patch`` (the user's repository, so its configuration
        applies; the new commits through alternates) into ``out``."""
        out = git(self.repo, "format-patch", "-q", "-o", self.out, *args, env=self.alternates)
        out = out.decode()
        return out.split() or sorted(os.path.join(self.out, f) for f in os.listdir(self.out))

    def publish(self, branch: str, tip: str, config: dict[str, str]) -> None:
        """Fetch the commits into the repository as ``branch`` (git copies
        the objects and creates the branch itself), then store ``config``
        under ``branch.<branch>.``."""
        git(
            self.repo,
            "-c",
            "gc.auto=0",
            "-c",
            "maintenance.auto=false",
            "fetch",
            "--quiet",
            "--no-tags",
            "--no-write-fetch-head",
            self.store,
            f"{tip}:refs/heads/{branch}",
        )
        for key, value in config.items():
            git(self.repo, "config", f"branch.{branch}.{key}", value)


def _ident_env(who: str, ident: str) -> dict[str, str]:
    """GIT_<WHO>_NAME/EMAIL/DATE from ``Name <email> <time> <tz>``."""
    name, rest = ident.split(" <", 1)
    email, date = rest.split("> ", 1)
    return {f"GIT_{who}_NAME": name, f"GIT_{who}_EMAIL": email, f"GIT_{who}_DATE": date}


def _commit_tree(store: str, tree: str, parent: str, message: str, env: dict) -> str:
    out = git(store, "commit-tree", tree, "-p", parent, stdin=message.encode(), env=env)
    return out.decode().strip()


def identity(repo: str, who: str = "COMMITTER") -> str:
    """``Name <email> <time> <tz>`` as git would write it (``who``: AUTHOR
    or COMMITTER)."""
    return text(repo, "var", f"GIT_{who}_IDENT").strip()


def signoff(ident: str) -> str:
    """``Name <email>`` of an identity, as ``git commit -s`` signs off."""
    return ident[: ident.rindex(">") + 1]


def place(files: list[str], outdir: str) -> list[str]:
    """Move the written patches into ``outdir`` (created if needed)."""
    os.makedirs(outdir, exist_ok=True)
    placed = []
    for f in files:
        dst = os.path.join(outdir, os.path.basename(f))
        shutil.move(f, dst)
        placed.append(dst)
    return placed
