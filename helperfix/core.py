"""The pure core of ``annotate``: bytes in, bytes and diagnostics out.

Plan a batch of scanned files (the registered rewrites produce edits),
re-wrap the touched declarations (one clang-format run for the batch), then
apply the edits and prove that the code tokens are unchanged (one libclang
parse for the batch).  No file is read or written here: the engine does the
I/O around these stages, and ``annotate_source`` runs them on one buffer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import checkpatch, clangformat, verify
from .c.lex import COMMENT, tokenize, tokenize_many
from .c.scan import FileScan, scan
from .c.source import Source
from .diagnostics import ERROR, Diagnostic
from .findings import FALLBACK, INTERNAL_ERROR, PARSE_ERROR
from .kernel.kconfig import HelpersBlock
from .mode import Mode
from .rewrite import Context, Edit, Rewrite, apply, defaults, registry


@dataclass
class Plan:
    """What one file's rewrite will do, and what proves it safe to apply."""

    path: str  # the file (absolute), or the name given to an in-memory buffer
    shown: str = ""  # the path as diagnostics show it
    original: bytes = b""  # the bytes planned from, to notice a file changed under us
    code: list[bytes] | None = None  # its code tokens, to prove the rewrite kept them (None: not C)
    edits: list[Edit] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    definitions: int = 0
    annotated: int = 0  # how many were already annotated


def selected(mode: Mode, tree: bool) -> list[Rewrite]:
    """The rewrites a run applies, per file (``tree`` False) or tree-wide."""
    names = defaults() if mode.rewrites is None else mode.rewrites
    return [r for n, r in registry().items() if n in names and r.tree == tree]


def _plan(src: Source, ctx: Context) -> Plan:
    return Plan(src.path, ctx.shown(), src.data, diagnostics=ctx.diagnostics)


def plan_file(fs: FileScan, ctx: Context, rewrites: list[Rewrite]) -> Plan:
    """Edits of every applicable rewrite for one scanned helper file."""
    src = fs.source
    plan = _plan(src, ctx)
    if fs.error:
        plan.diagnostics.append(PARSE_ERROR(plan.shown, fs.error.line, fs.error.message))
        return plan
    plan.definitions = len(fs.definitions)
    plan.annotated = sum(d.annotated for d in fs.definitions)
    try:
        for r in rewrites:
            if r.applies is not None and r.applies(ctx.rel, src.data):
                plan.edits += r.fn(fs, ctx)
    except Exception as e:  # a bug must cost one file, not the run
        plan.edits = []
        msg = f"internal error: {type(e).__name__}: {e}; not touched (please report)"
        plan.diagnostics.append(INTERNAL_ERROR(plan.shown, 0, msg))
    migrated = [(e.start, e.end) for e in plan.edits if e.migrate]
    plan.code = verify.code(src.data, fs.tokens, migrated)
    return plan


def plan_tree_file(src: Source, ctx: Context, rewrites: list[Rewrite]) -> Plan:
    """Edits of the tree rewrites that target this file (read as plain bytes)."""
    plan = _plan(src, ctx)
    for r in rewrites:
        if ctx.rel in r.targets:
            plan.edits += r.fn(FileScan(src), ctx)
    return plan


def fallback(message: str) -> Diagnostic:
    """A tool failed and a fallback was used: said once per run (the CLI
    drops repeats), never silently."""
    return FALLBACK("helperfix", 0, message)


def rewrap(plans: list[Plan], style: str, jobs: int) -> list[Diagnostic]:
    """Replace each formattable edit's text with clang-format's layout when the
    result keeps the same tokens; otherwise keep the plain insertion (and
    say so)."""
    todo = [e for p in plans for e in p.edits if e.chunk is not None]
    if not todo:
        return []
    outputs = clangformat.format_chunks([e.chunk for e in todo], style, jobs)
    failed = [out for out in outputs if isinstance(out, str)]
    done = [(e, out) for e, out in zip(todo, outputs) if isinstance(out, bytes)]
    joined = b"".join(out for _, out in done)
    tokens, _ = tokenize(joined) if joined else ([], [])
    code = [t for t in tokens if t.kind != COMMENT]
    base, k = 0, 0
    for e, out in done:
        limit = base + len(out)
        mine = []
        while k < len(code) and code[k].start < limit:
            mine.append(code[k])
            k += 1
        n = len(e.expect)
        if tuple(joined[t.start : t.end] for t in mine[:n]) == e.expect:
            e.text = e.lead + joined[base : mine[n - 1].end].replace(b"\n", e.newline)
        base = limit
    if not failed:
        return []
    return [
        fallback(
            f"clang-format could not re-wrap a declaration ({failed[0]}): such declarations "
            "keep the annotation inserted as is, without re-wrapping"
        )
    ]


def avoid_checkpatch_noise(plans: list[Plan], root: str) -> list[Diagnostic]:
    """Annotations whose re-emitted lines the tree's checkpatch would flag go
    on a line of their own, leaving the declaration untouched; when
    checkpatch cannot be asked, say so."""
    todo = [(p, i) for p in plans for i, e in enumerate(p.edits) if e.alt is not None]
    if not todo:
        return []
    why = checkpatch.unavailable(root)
    hits: set[int] = set()
    if not why:
        hits, why = checkpatch.flagged(root, [p.edits[i].lines() for p, i in todo])
    if why:
        return [
            fallback(
                f"checkpatch.pl not consulted ({why}): annotations stay on their declaration "
                "line even where checkpatch would flag the re-emitted line (--no-checkpatch "
                "turns this check off)"
            )
        ]
    for k in hits:
        plan, i = todo[k]
        plan.edits[i] = plan.edits[i].alt
    return []


def verify_tokens(plans: list[Plan], olds: list[bytes]) -> list[bytes | None]:
    """Each plan's edits applied to its current bytes, or None where the
    rewrite would change code tokens (a diagnostic is added to the plan)."""
    applied = [apply(old, p.edits) for p, old in zip(plans, olds)]
    proved = [i for i, p in enumerate(plans) if p.code is not None]  # C, not generated text
    lexed = dict(zip(proved, tokenize_many([applied[i][0] for i in proved]) if proved else []))
    out: list[bytes | None] = []
    for i, (plan, old, (new, spans)) in enumerate(zip(plans, olds, applied)):
        if i in lexed and verify.code(new, lexed[i][0], spans) != plan.code:
            line = Source(plan.path, old).line_of(plan.edits[0].start)
            msg = "internal check failed: the rewrite would change code; not touched"
            plan.diagnostics.append(INTERNAL_ERROR(plan.shown, line, msg))
            out.append(None)
        else:
            out.append(new)
    return out


def annotate_source(
    data: bytes,
    path: str,
    *,
    style: str | None = None,
    helpers_block: HelpersBlock | str = HelpersBlock.BLOCK,
) -> tuple[bytes, list[Diagnostic]]:
    """The migration of one helper file held in memory.

    ``path`` is the file's place in a kernel tree (``rust/helpers/x.c``;
    ``rust/helpers/helpers.c`` also gets the ``__BINDGEN__`` block, or with
    ``helpers_block="plain"`` a plain define, for trees without inlining).
    ``style`` is a ``.clang-format`` file (default: helperfix's kernel
    style).  Returns the new bytes (``data`` itself when nothing changes)
    and the diagnostics; a file with errors comes back unchanged.  The
    generated atomic.c is left alone: it needs its tree's generator."""
    helpers_block = HelpersBlock(helpers_block)
    mode = Mode(style=style, helpers_block=helpers_block)
    fs = scan(Source(path, data))
    plan = plan_file(fs, Context(path, helpers_block=helpers_block), selected(mode, tree=False))
    if not plan.edits or any(d.level == ERROR for d in plan.diagnostics):
        return data, plan.diagnostics
    plan.diagnostics.extend(rewrap([plan], clangformat.style_file(None, style), 1))
    new = verify_tokens([plan], [data])[0]
    return (data if new is None else new), plan.diagnostics
