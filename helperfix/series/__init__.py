"""``helperfix series``: the migration as a patch series for the mailing list.

The commits are built in a temporary ``git worktree`` at the base, so the
user's checkout is never touched: first the fallbacks go and helpers.c gets a
plain definition (every commit still builds), then one commit per helper file
(or per MAINTAINERS section), then the ``__BINDGEN__`` block.  The branch is
created at the end, and ``git format-patch`` writes the series.
"""

from __future__ import annotations

import datetime
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from .. import __version__, engine
from ..batch import scan_paths
from ..diagnostics import ERROR
from ..engine import Job
from ..files import atomic_write
from ..kernel import HELPERS, HELPERS_C, hand_written
from ..mode import Mode, WriteBack
from ..tree import helper_files
from . import maintainers as mt
from .text import BLOCK_MSG, COVER_BLURB, FALLBACK_MSG, annotate_msg, wrap

VGER_LIMIT = 15


class SeriesError(Exception):
    pass


@dataclass
class Options:
    base: str = "HEAD"
    outdir: str = "outgoing"
    branch: str | None = None
    version: int | None = None
    group_by: str = "file"
    dry_run: bool = False
    jobs: int = 1


@dataclass
class Commit:
    subject: str
    body: str
    files: list[str]


def git(repo: str, *args: str, stdin: str | None = None) -> str:
    p = subprocess.run(["git", *args], cwd=repo, input=stdin, capture_output=True, text=True)
    if p.returncode != 0:
        msg = (p.stderr.strip() or p.stdout.strip()).splitlines()
        raise SeriesError(f"git {args[0]} failed: {msg[-1] if msg else p.returncode}")
    return p.stdout


def _preflight(cwd: str, opts: Options) -> tuple[str, str, str]:
    """The tree root, the base commit and the branch name, or a refusal."""
    try:
        root = git(cwd, "rev-parse", "--show-toplevel").strip()
    except SeriesError as e:
        raise SeriesError("not inside a git work tree") from e
    if not os.path.isdir(os.path.join(root, HELPERS)):
        raise SeriesError(f"{root}: no rust/helpers/ in this tree")
    dirty = git(root, "status", "--porcelain", "--untracked-files=no").splitlines()
    if dirty:
        raise SeriesError(
            f"the work tree has uncommitted changes ({len(dirty)} files); commit or stash them"
        )
    for key in ("user.name", "user.email"):
        if not subprocess.run(["git", "config", key], cwd=root, capture_output=True).stdout.strip():
            raise SeriesError(f"no git identity: set {key} (git config {key} ...)")
    try:
        base = git(root, "rev-parse", "--verify", "--quiet", opts.base + "^{commit}").strip()
    except SeriesError as e:
        raise SeriesError(f"--base {opts.base}: no such commit") from e
    ancestor = subprocess.run(["git", "merge-base", "--is-ancestor", base, "HEAD"], cwd=root)
    if ancestor.returncode != 0:
        raise SeriesError(f"--base {opts.base} is not an ancestor of HEAD")
    branch = opts.branch or "rust-helper-annotations" + (
        f"-v{opts.version}" if opts.version else ""
    )
    exists = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", "refs/heads/" + branch], cwd=root
    )
    if exists.returncode == 0 and not opts.dry_run:
        raise SeriesError(f"branch {branch} already exists; pick another with --branch")
    if not opts.dry_run and os.path.isdir(opts.outdir) and os.listdir(opts.outdir):
        raise SeriesError(f"{opts.outdir} is not empty; pick another with -o")
    return root, base, branch


def _rewrite(wt: str, rewrites: set[str], files: list[str], jobs: int) -> None:
    job = Job(wt, Mode(rewrites=frozenset(rewrites)), WriteBack.YES, jobs)
    outcomes = engine.run(files, job)
    errors = [d.render() for o in outcomes for d in o.diagnostics if d.level == ERROR]
    if errors:
        raise SeriesError("the tree cannot be migrated:\n  " + "\n  ".join(errors))


def _commit(wt: str, c: Commit) -> bool:
    if not git(wt, "status", "--porcelain").strip():
        return False
    git(wt, "add", "-A")
    git(wt, "commit", "-q", "-s", "-F", "-", stdin=f"{c.subject}\n\n{c.body}")
    return True


def _unannotated(wt: str) -> list[str]:
    """Helper files (relative to the root) with helpers still to annotate."""
    files, _ = helper_files([os.path.join(wt, HELPERS)], wt)
    out = []
    for item in scan_paths(files):
        rel = os.path.relpath(item.path, wt)
        if item.scan is None or not hand_written(rel, item.source.data):
            continue
        if any(not d.annotated for d in item.scan.definitions):
            out.append(rel)
    return out


def _stem(rel: str) -> str:
    return os.path.splitext(os.path.relpath(rel, HELPERS))[0]


def _groups(wt: str, files: list[str], by: str) -> list[list[str]]:
    if by == "file":
        return [[f] for f in files]
    path = os.path.join(wt, "MAINTAINERS")
    sections = mt.parse(path) if os.path.isfile(path) else []
    groups: dict[tuple[str, ...], list[str]] = {}
    for f in files:
        key = tuple(s.name for s in mt.sections_for(sections, [f], wt))
        groups.setdefault(key, []).append(f)
    return list(groups.values())


def _subject(group: list[str]) -> str:
    stems = ", ".join(_stem(f) for f in group)
    subject = f"rust: {stems}: add __rust_helper to helpers"
    if len(subject) > 75:
        subject = f"rust: helpers: add __rust_helper to {len(group)} helper files"
    return subject


def build(wt: str, opts: Options) -> list[Commit]:
    """Make the series' commits in the worktree ``wt``; return them in order."""
    made = []
    all_files, _ = helper_files([os.path.join(wt, HELPERS)], wt)
    first = Commit("rust: helpers: define __rust_helper once, in helpers.c", FALLBACK_MSG, [])
    _rewrite(wt, {"fallback", "atomic", "helpers-define"}, all_files, opts.jobs)
    if _commit(wt, first):
        made.append(first)
    # Annotate every file at once (one clang-format and one checkpatch run),
    # keep the results, then commit them group by group.
    todo = _unannotated(wt)
    _rewrite(wt, {"annotate"}, [os.path.join(wt, f) for f in todo], opts.jobs)
    final = {}
    for f in todo:
        with open(os.path.join(wt, f), "rb") as fh:
            final[f] = fh.read()
    git(wt, "checkout", "-q", "--", ".")
    for group in _groups(wt, todo, opts.group_by):
        for f in group:
            atomic_write(os.path.join(wt, f), final[f])
        c = Commit(_subject(group), annotate_msg(group), group)
        if _commit(wt, c):
            made.append(c)
    last = Commit(
        "rust: helpers: make __rust_helper __always_inline outside bindgen", BLOCK_MSG, []
    )
    _rewrite(wt, {"helpers-block"}, [os.path.join(wt, HELPERS_C)], opts.jobs)
    if _commit(wt, last):
        made.append(last)
    outcomes = engine.run(all_files, Job(wt, Mode(), WriteBack.CHECK, opts.jobs))
    if any(o.changed for o in outcomes):
        raise SeriesError(
            "internal error: the series does not reach what helperfix annotate produces"
        )
    return made


def _fill_cover(path: str, n: int, base: str, slug: str) -> None:
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    text = text.replace("*** SUBJECT HERE ***", "rust: add __rust_helper to helpers")
    paragraphs = COVER_BLURB.format(n=n, version=__version__).split("\n\n")
    blurb = "\n\n".join(wrap(p) for p in paragraphs)
    text = text.replace("*** BLURB HERE ***", blurb)
    today = datetime.date.today().strftime("%Y%m%d")
    change_id = f"change-id: {today}-{slug}-{secrets.token_hex(6)}"
    text = re.sub(
        r"^(base-commit: \S+)$", lambda m: m.group(1) + "\n" + change_id, text, count=1, flags=re.M
    )
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


def _add_recipients(path: str, r: mt.Recipients) -> None:
    import email.policy

    policy = email.policy.default.clone(linesep="\n", max_line_length=78)
    with open(path, encoding="utf-8", errors="surrogateescape") as fh:
        text = fh.read()
    head, sep, body = text.partition("\n\n")
    extra = "".join(policy.fold(k, ", ".join(v)) for k, v in (("To", r.to), ("Cc", r.cc)) if v)
    with open(path, "w", encoding="utf-8", errors="surrogateescape") as fh:
        fh.write(head + "\n" + extra.rstrip("\n") + sep + body)


def recipients(wt: str, patches: list[str], jobs: int = 1) -> list[mt.Recipients]:
    """To/Cc for each patch: the tree's get_maintainer.pl (two perl runs per
    patch, spread over ``jobs`` threads) or the built-in MAINTAINERS reader."""
    use_script = os.path.isfile(os.path.join(wt, "scripts", "get_maintainer.pl"))
    use_script = use_script and shutil.which("perl") is not None
    path = os.path.join(wt, "MAINTAINERS")
    sections = mt.parse(path) if os.path.isfile(path) else []

    def one(p: str) -> mt.Recipients:
        r = mt.run_script(wt, p) if use_script else None
        if r is None and use_script:
            print(
                f"helperfix: note: get_maintainer.pl failed on {os.path.basename(p)}; "
                "using the built-in MAINTAINERS reader",
                file=sys.stderr,
            )
        if r is None:
            with open(p, encoding="utf-8", errors="replace") as fh:
                text = fh.read()
            r = mt.builtin(sections, mt.patch_files(text), wt, text)
        return r

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(one, patches))


def run(cwd: str, opts: Options, out=None, err=None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    root, base, branch = _preflight(cwd, opts)
    tmp = tempfile.mkdtemp(prefix="helperfix-series-")
    wt = os.path.join(tmp, "wt")
    git(root, "worktree", "add", "-q", "--detach", wt, base)
    try:
        commits = build(wt, opts)
        if not commits:
            print("helperfix: nothing to do: the tree is already migrated", file=err)
            return 0
        tip = git(wt, "rev-parse", "HEAD").strip()
        outdir = os.path.join(tmp, "out") if opts.dry_run else os.path.abspath(opts.outdir)
        args = ["format-patch", "-q", "--cover-letter", "--thread", f"--base={base}", "-o", outdir]
        if opts.version:
            args.append(f"-v{opts.version}")
        files = git(wt, *args, f"{base}..{tip}").split()
        if not files:
            files = sorted(os.path.join(outdir, f) for f in os.listdir(outdir))
        cover, patches = files[0], files[1:]
        _fill_cover(cover, len(patches), base, branch)
        union = mt.Recipients()
        for p, r in zip(patches, recipients(wt, patches, opts.jobs)):
            _add_recipients(p, r)
            union.add(r)
        _add_recipients(cover, union)
        for i, c in enumerate(commits, 1):
            print(f"{i:3d}/{len(patches)} {c.subject}", file=out)
        if opts.dry_run:
            what = f"would create branch {branch} and write {len(files)} files to {opts.outdir}"
            print(f"dry run: {what}", file=out)
        else:
            git(root, "branch", branch, tip)
            print(
                f"branch {branch}: {len(commits)} commits on {base[:12]}; series in {opts.outdir}",
                file=out,
            )
        if len(patches) > VGER_LIMIT:
            print(
                f"helperfix: warning: {len(patches)} patches; vger lists take at most {VGER_LIMIT} "
                "at once. Send them in batches of 15 or fewer (each with its own cover letter), "
                "or regroup with --group-by maintainer.",
                file=err,
            )
        return 0
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", wt], cwd=root, capture_output=True)
        subprocess.run(["git", "worktree", "prune"], cwd=root, capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)
