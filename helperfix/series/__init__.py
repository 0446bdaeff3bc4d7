"""``helperfix series``: the migration as a patch series for the mailing list.

Built without a checkout (``git.Workspace``): the files the series needs are
extracted from the base into a temporary folder, rewritten and committed
there with git plumbing (``build``), written out by ``git format-patch``,
addressed per patch (``mail``), and only then published: the branch is
created and the patches are moved into the output folder in one final step
that signals cannot split.  Until that step, an interrupt or an error leaves
the repository exactly as it was.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .. import __version__, proc, signals
from ..diagnostics import Diagnostic
from ..findings import SERIES_NO_PREVIOUS, SERIES_OVER_LIMIT
from ..kernel.kconfig import HelpersBlock, helpers_block_for, inlines_helpers, old_layout
from ..kernel.paths import ATOMIC_DIR, HELPERS, KCONFIGS
from . import b4, reroll
from . import maintainers as mt
from . import text as prose
from .build import Commit, build
from .git import SeriesError, Workspace, identity, place, text
from .outbox import SUBJECT, add_recipients, fill_cover, recipients
from .reroll import Stored

__all__ = ["SeriesOptions", "SeriesError", "SeriesResult", "run"]

VGER_LIMIT = 15
DEFAULT_BRANCH = "rust-helper-annotations"
# What the series reads at the base: the helpers and their generator, the
# style, checkpatch (annotate asks it) and MAINTAINERS (--group-by).
NEEDED = [
    HELPERS,
    ATOMIC_DIR,
    ".clang-format",
    "MAINTAINERS",
    "scripts/checkpatch.pl",
    "scripts/spelling.txt",
    "scripts/const_structs.checkpatch",
    *KCONFIGS,  # RUST_INLINE_HELPERS: does the tree inline helpers?
]
# Paths whose uncommitted changes the series would silently leave out.
_WATCHED = [HELPERS, ATOMIC_DIR, ".clang-format"]


@dataclass
class SeriesOptions:
    base: str = "HEAD"
    outdir: str = "outgoing"
    branch: str | None = None
    version: int | None = None
    group_by: str = "file"
    dry_run: bool = False
    jobs: int = 1
    quiet: bool = False
    helpers_block: HelpersBlock = HelpersBlock.AUTO
    b4: bool = False  # make the branch b4-prep-managed
    subject_prefix: str | None = None
    rfc: bool = False
    in_reply_to: str | None = None
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    exports: bool = False  # export what inlined helpers reach, first (helperfix exports)


def _ok(root: str, *args: str) -> bool:
    return proc.run(["git", *args], cwd=root).returncode == 0


def _preflight(cwd: str, opts: SeriesOptions) -> tuple[str, str, str]:
    """The tree root, the base commit and the branch name, or a refusal; the
    same refusals with --dry-run as without."""
    try:
        root = text(cwd, "rev-parse", "--show-toplevel").strip()
    except SeriesError as e:
        raise SeriesError("not inside a git work tree") from e
    if old_layout(root):
        raise SeriesError(old_layout(root))
    if not os.path.isdir(os.path.join(root, HELPERS)):
        raise SeriesError(f"{root}: no rust/helpers/ in this tree")
    dirty = text(
        root,
        "--no-optional-locks",
        "status",
        "--porcelain",
        "--untracked-files=no",
        "--",
        *_WATCHED,
    ).splitlines()
    if dirty:
        raise SeriesError(
            f"uncommitted changes in {len(dirty)} files the series reads "
            f"({dirty[0][3:]}...); commit or stash them"
        )
    for key in ("user.name", "user.email"):
        if not _ok(root, "config", key):
            raise SeriesError(f"no git identity: set {key} (git config {key} ...)")
    if not _ok(root, "rev-parse", "--verify", "--quiet", opts.base + "^{commit}"):
        raise SeriesError(f"--base {opts.base}: no such commit")
    base = text(root, "rev-parse", "--verify", "--quiet", opts.base + "^{commit}").strip()
    if not _ok(root, "merge-base", "--is-ancestor", base, "HEAD"):
        raise SeriesError(f"--base {opts.base} is not an ancestor of HEAD")
    branch = opts.branch or DEFAULT_BRANCH + (f"-v{opts.version}" if opts.version else "")
    if _ok(root, "rev-parse", "--verify", "--quiet", "refs/heads/" + branch):
        raise SeriesError(f"branch {branch} already exists; pick another with --branch")
    if os.path.isdir(opts.outdir) and os.listdir(opts.outdir):
        raise SeriesError(f"{opts.outdir} is not empty; pick another with -o")
    return root, base, branch


def _previous(
    root: str, branch: str, version: int | None, notes: list[Diagnostic]
) -> Stored | None:
    """Version N-1's stored data, for ``-v N``."""
    if not version or version < 2:
        return None
    stem = re.sub(r"-v\d+$", "", branch)
    prev = reroll.load(root, reroll.branch_name(stem, version - 1))
    if prev is None:
        msg = (
            f"no v{version - 1} branch ({reroll.branch_name(stem, version - 1)}) made "
            "by helperfix series: this version gets a new change-id and no 'Changes' section"
        )
        notes.append(SERIES_NO_PREVIOUS("helperfix", 0, msg))
    return prev


def _cover_text(
    built, block: str, why: str, n: int, opts: SeriesOptions, changes: list[str]
) -> str:
    blurb = prose.cover(n, built.helpers, built.files, block, why, __version__)
    exports = [c.subject for c in built.commits if ": export " in c.subject]
    if exports:
        blurb = (
            prose.wrap(
                f"The first {len(exports)} patch{'es' if len(exports) > 1 else ''} export"
                f"{'' if len(exports) > 1 else 's'} what inlined helpers reach and vmlinux "
                "does not export yet, so that every commit builds once helpers are inlined "
                "(found by helperfix exports)."
            )
            + "\n\n"
            + blurb
        )
    if changes:
        bullets = [
            f"- {c}" if c.startswith("Link to") else prose.wrap(f"- {c}").replace("\n", "\n  ")
            for c in changes
        ]
        blurb += f"\n\nChanges in v{opts.version}:\n" + "\n".join(bullets)
    return blurb


def _mail_args(opts: SeriesOptions, base: str) -> list[str]:
    args = ["--cover-letter", "--thread", f"--base={base}"]
    args += [f"-v{opts.version}"] if opts.version else []
    args += [f"--subject-prefix={opts.subject_prefix}"] if opts.subject_prefix else []
    args += ["--rfc"] if opts.rfc else []
    args += [f"--in-reply-to={opts.in_reply_to}"] if opts.in_reply_to else []
    return args


@dataclass
class SeriesResult:
    """What a series run made (or, with --dry-run, would make)."""

    commits: list[Commit] = field(default_factory=list)
    patches: int = 0  # mails besides the cover letter
    branch: str = ""
    base: str = ""
    recipients: mt.Recipients = field(default_factory=mt.Recipients)
    notes: list[Diagnostic] = field(default_factory=list)  # warnings, as findings


def run(cwd: str, opts: SeriesOptions, progress: Callable[[str], None]) -> SeriesResult:
    """Build the series; ``progress`` gets the stage lines.  The result is
    for the command line to render; refusals are SeriesError."""
    root, base, branch = _preflight(cwd, opts)
    result = SeriesResult(branch=branch, base=base)
    prev = _previous(root, branch, opts.version, result.notes)
    idents = identity(root, "AUTHOR"), identity(root, "COMMITTER")
    fixes = _export_fixes(root, base, progress, result.notes) if opts.exports else []
    with Workspace(root, base) as ws:
        n = ws.extract(NEEDED)
        first = _export_commits(ws, root, fixes, idents)
        progress(f"series: read {n} files at {base[:12]} ({', '.join(NEEDED[:2])}, ...)")
        block, why = helpers_block_for(ws.tree, opts.helpers_block)
        what = "the __BINDGEN__ block" if block is HelpersBlock.BLOCK else "a plain define"
        progress(f"series: helpers.c gets {what} ({why})")
        policy = (block, inlines_helpers(ws.tree))
        built = build(ws, opts.group_by, opts.jobs, idents, policy, progress)
        built.commits[:0] = first
        result.commits = built.commits
        if not built.commits:
            return result
        tip = ws.finish()
        progress(f"series: {len(built.commits)} commits on {base[:12]}")
        files, union, config, blurb = _mails(
            ws, opts, built, (block, why), prev, tip, progress, result.notes
        )
        if opts.b4:
            history = {f"v{prev.version}": [prev.msgid]} if prev and prev.msgid else {}
            message = b4.cover_message(
                SUBJECT,
                blurb,
                union.to,
                union.cc,
                config["helperfix-change-id"],
                opts.version or 1,
                _prefixes(opts),
                history,
            )
            tip = ws.restack(message, *idents)
            config.update(b4.CONFIG)
        signals.checkpoint()
        if not opts.dry_run:
            with signals.deferred():
                ws.publish(branch, tip, config)
                files = place(files, opts.outdir)
    result.patches, result.recipients = len(files) - 1, union
    if result.patches > VGER_LIMIT:
        msg = (
            f"{result.patches} patches; vger lists take at most {VGER_LIMIT} "
            "at once. Send them in batches of 15 or fewer (each with its own cover letter), "
            "or regroup with --group-by maintainer."
        )
        result.notes.append(SERIES_OVER_LIMIT("helperfix", 0, msg))
    return result


def _export_fixes(
    root: str, base: str, progress: Callable[[str], None], notes: list[Diagnostic]
) -> list:
    """What ``helperfix exports --fix`` would patch, found in the checkout
    (which must be at the base: the analysis reads the work tree)."""
    from ..exports import fix
    from ..exports.analysis import ExportsError, ExportsOptions, analyse

    if text(root, "rev-parse", "HEAD").strip() != base:
        raise SeriesError("--exports analyses the checkout: --base must be HEAD")
    try:
        result = analyse(root, ExportsOptions(), lambda m: progress(f"series: exports: {m}"))
    except ExportsError as e:
        raise SeriesError(f"--exports: {e}") from e
    fixes, by_hand = fix.fixes_for(root, result.findings)
    notes += by_hand
    progress(f"series: {len(fixes)} export patches go first")
    return fixes


def _export_commits(ws: Workspace, root: str, fixes: list, idents) -> list[Commit]:
    from ..exports.fix import message
    from ..exports.patches import commits

    if not fixes:
        return []
    commits(ws, root, fixes, idents)
    return [Commit(*message(root, f), [f.path]) for f in fixes]


def _mails(
    ws, opts: SeriesOptions, built, choice, prev: Stored | None, tip: str, progress, notes: list
):
    """format-patch, the cover letter's text and everybody's To/Cc: the
    files, the cover's recipients, what to store with the branch, the blurb."""
    block, why = choice
    base = ws.base
    branch = opts.branch or DEFAULT_BRANCH
    files = ws.format_patch([*_mail_args(opts, base), f"{base}..{tip}"])
    cover, patches = files[0], files[1:]
    changes = reroll.changes(ws.repo, prev, tip, base, ws.alternates) if prev else []
    if prev and prev.msgid:
        changes.append(f"Link to v{prev.version}: https://lore.kernel.org/r/{prev.msgid}")
    blurb = _cover_text(built, block, why, len(patches), opts, changes)
    change_id = fill_cover(cover, blurb, branch, prev.change_id if prev else None)
    extra = mt.Recipients(list(opts.to), list(opts.cc))
    union = mt.Recipients()
    found, failed = recipients(ws.repo, patches, opts.jobs)
    notes += failed
    for p, r in zip(patches, found):
        r.add(extra)
        add_recipients(p, r)
        union.add(r)
    add_recipients(cover, union)
    progress(f"series: recipients for {len(patches)} patches")
    stored = {
        "change-id": change_id,
        "version": opts.version or 1,
        "base": base,
        "msgid": reroll.cover_msgid(cover),
    }
    return files, union, {f"helperfix-{k}": str(v) for k, v in stored.items()}, blurb


def _prefixes(opts: SeriesOptions) -> list[str]:
    """b4's tracking prefixes: what goes in [PATCH ...] besides PATCH and vN."""
    out = ["RFC"] if opts.rfc else []
    if opts.subject_prefix and opts.subject_prefix != "PATCH":
        out += [w for w in opts.subject_prefix.split() if w != "PATCH"]
    return out
