"""``helperfix check`` on a tree: scan in batches (in worker processes for
large trees), run the file rules on each scan and keep only what the tree
rules need, so memory stays flat."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import chain

from .. import generator, signals
from ..batch import MAX_FILE_SIZE, counted, parallel, read_paths, scan_sources, split
from ..c.scan import FileScan
from ..diagnostics import Diagnostic
from ..findings import INTERNAL_ERROR
from ..kernel.kconfig import HelpersBlock
from ..kernel.paths import HELPERS_C
from ..kernel.queries import c_includes, defines
from ..tree import helper_files
from . import FileContext, Rule, TreeContext, input_types, rules
from .cache import CheckCache, Entry, Record, digest, pack, unpack

_PARALLEL_MIN = 400  # files; below this one process is faster


@dataclass
class _Batch:
    """What one batch's scan tells the tree rules, and its file findings."""

    findings: list[Diagnostic] = field(default_factory=list)
    lines: int = 0
    files: list[str] = field(default_factory=list)
    includes: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    helpers: FileScan | None = None
    annotated: dict[str, tuple[int, str, int]] = field(default_factory=dict)
    defined: bool = False
    fresh: dict[str, Entry] = field(default_factory=dict)  # results for the cache

    def add(self, rel: str, record: Record) -> None:
        lines, findings, scanned, includes, marked, defined = record
        self.lines += lines
        self.findings.extend(findings)
        if scanned:
            self.files.append(rel)
            self.includes[rel] = includes
            if marked:
                self.annotated[rel] = marked
            self.defined = self.defined or defined


def _guarded(rule: Rule, rel: str, *args: object) -> list[Diagnostic]:
    """A rule's findings; a rule that fails costs its own findings, reported
    as INTERNAL_ERROR (the gate then exits 2), never the run."""
    try:
        return list(rule.fn(*args))
    except Exception as e:
        msg = f"internal error in rule {rule.name}: {type(e).__name__}: {e} (please report)"
        return [INTERNAL_ERROR(rel, 0, msg)]


def _cached(rel: str, data: bytes, entry: Entry | None) -> Record | None:
    """The last check's record of a file, if its bytes are still the same."""
    if entry is None or rel == HELPERS_C or digest(rel, data) != entry[0]:
        return None
    return unpack(entry[1])


def _check_batch(items: list[tuple[str, Entry | None]], root: str, max_size: int) -> _Batch:
    """Check a batch of (path, the cache's entry for it) pairs."""
    out = _Batch()
    entries = dict(items)
    records: dict[str, Record | None] = dict.fromkeys(entries)  # in the batch's order
    sources, failed = read_paths(list(entries), max_size)
    todo = []
    for src in sources:
        try:
            records[src.path] = _cached(
                os.path.relpath(src.path, root), src.data, entries[src.path]
            )
        except (ValueError, TypeError, KeyError, IndexError):
            pass  # a damaged entry: scanned afresh
        if records[src.path] is None:
            todo.append(src)
    file_rules = rules("file") if todo else []
    for item in chain(failed, scan_sources(todo)):
        rel = os.path.relpath(item.path, root)
        lines = item.source.data.count(b"\n") if item.source is not None else 0
        if item.error:
            record = (lines, [replace(item.error, path=rel)], False, [], None, False)
        else:
            ctx = FileContext(rel)
            found = [f for r in file_rules for f in _guarded(r, rel, item.scan, ctx)]
            marked = [d for d in item.scan.definitions if d.annotated]
            first = (marked[0].line, marked[0].name, len(marked)) if marked else None
            defs = bool(defines(item.scan))
            record = (lines, found, True, c_includes(item.scan), first, defs)
            if rel == HELPERS_C:
                out.helpers = item.scan
        records[item.path] = record
        if item.source is not None:
            out.fresh[rel] = (digest(rel, item.source.data), pack(record))
    for path, record in records.items():
        out.add(os.path.relpath(path, root), record)
    return out


def check_helpers(
    root: str,
    paths: list[str],
    jobs: int = 1,
    max_size: int = MAX_FILE_SIZE,
    helpers_block: HelpersBlock = HelpersBlock.BLOCK,
    progress: Callable[[int, int], None] | None = None,
    cache: bool = True,
) -> tuple[list[Diagnostic], int, bool]:
    """Findings for the helper files under ``paths``, the number of lines
    checked, and whether any input could not be read or parsed.  With
    ``cache``, files unchanged since the last check are not parsed again
    (see ``lint.cache``)."""
    files, findings = helper_files(paths, root)
    store = CheckCache() if cache else None
    ctx = TreeContext(root, os.path.join(root, HELPERS_C) in files, helpers_block=helpers_block)
    if ctx.whole_tree:
        ctx.atomic = generator.start(root, edit=False)  # runs in the background
    work = partial(_check_batch, root=root, max_size=max_size)
    known = store.entries if store is not None else {}
    items = [(f, known.get(os.path.relpath(f, root))) for f in files]
    batches = split(items, jobs, _PARALLEL_MIN)
    try:
        results = parallel(work, batches, jobs)
        lines = _collect(counted(results, batches, len(files), progress), ctx, findings, store)
        signals.checkpoint()
        for r in rules("tree"):
            findings.extend(_guarded(r, HELPERS_C, ctx))
    finally:
        if ctx.atomic is not None:
            ctx.atomic.close()
    bad = input_types()
    bad_input = any(f.type in bad for f in findings)
    findings.sort(key=lambda f: (f.path, f.line, f.type))
    return findings, lines, bad_input


def _collect(
    results, ctx: TreeContext, findings: list[Diagnostic], store: CheckCache | None
) -> int:
    lines = 0
    for b in results:
        if store is not None:
            store.update(b.fresh)
        findings.extend(b.findings)
        lines += b.lines
        ctx.files.extend(b.files)
        ctx.includes.update(b.includes)
        ctx.helpers = b.helpers or ctx.helpers
        ctx.annotated.update(b.annotated)
        ctx.defined = ctx.defined or b.defined
    if store is not None:
        store.save()
    return lines
