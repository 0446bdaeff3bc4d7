"""``helperfix exports --fix``: the export a not-exported verdict asks for,
in upstream's own form.

One change per defining file: ``EXPORT_SYMBOL(name);`` (or ``_GPL``) on the
line right after the definition's closing brace, as checkpatch wants it.  The
flavour follows what the file exports the symbol's siblings with (the other
functions declared in the same header), and the commit text says so.  A
symbol defined in assembly, by a macro, or as ``static`` is reported with
what to do by hand, never patched.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field

from .. import proc
from ..c.lex import COMMENT, tokenize
from ..diagnostics import Diagnostic
from ..findings import EXPORT_BY_HAND
from .symbols import grep, parse_sites
from .verdict import NOT_EXPORTED, Verdict

GPL, PLAIN = "EXPORT_SYMBOL_GPL", "EXPORT_SYMBOL"


@dataclass
class Target:
    """One symbol to export, with every helper chain that reaches it."""

    symbol: str
    kind: str
    header: str  # where it is declared, relative
    path: str  # the defining file, relative
    line: int
    chains: list[tuple[str, ...]] = field(default_factory=list)
    helpers: list[tuple[str, str, int]] = field(default_factory=list)  # name, file, line


@dataclass
class FileFix:
    path: str
    old: bytes
    new: bytes
    targets: list[Target]
    flavours: dict[str, tuple[str, str]]  # symbol -> (macro, the rule's sentence)


@dataclass
class ByHand:
    symbol: str
    why: str


def targets(findings: list[Verdict]) -> tuple[list[Target], list[ByHand]]:
    """The not-exported symbols, merged across helpers and configs."""
    found: dict[str, Target] = {}
    by_hand: dict[str, ByHand] = {}
    for f in findings:
        if f.status != NOT_EXPORTED or f.symbol in by_hand:
            continue
        if f.symbol not in found:
            if not f.defined_in:
                by_hand[f.symbol] = ByHand(
                    f.symbol,
                    "no definition found (made by a macro, or generated): add the export by "
                    "hand where it is defined",
                )
                continue
            path, _, line = f.defined_in.rpartition(":")
            if path.endswith(".S"):
                by_hand[f.symbol] = ByHand(
                    f.symbol,
                    f"defined in assembly ({f.defined_in}): add EXPORT_SYMBOL({f.symbol}) "
                    f"after its SYM_FUNC_END({f.symbol}) by hand",
                )
                continue
            found[f.symbol] = Target(f.symbol, f.kind, f.file, path, int(line))
        t = found[f.symbol]
        if f.chain not in t.chains:
            t.chains.append(f.chain)
            t.helpers.append((f.helper, f.helper_file, f.helper_line))
    return list(found.values()), list(by_hand.values())


def _line_after(data: bytes, tokens, src_line_of, t: Target) -> int | str:
    """Offset of the line after the definition (where the export goes), or
    why the definition cannot be patched safely."""
    text = data.decode("utf-8", "replace")
    code = [x for x in tokens if x.kind != COMMENT]
    word = t.symbol.encode()
    at = next(
        (
            i
            for i, x in enumerate(code)
            if src_line_of(x.start) == t.line and data[x.start : x.end] == word
        ),
        None,
    )
    if at is None:
        return f"{t.path}:{t.line} does not name {t.symbol}"
    first = next(i for i, x in enumerate(code) if src_line_of(x.start) == t.line)
    before = {data[x.start : x.end] for x in code[first:at]}
    if b"static" in before:
        return f"{t.symbol} is static in {t.path}: it cannot be exported as it is"
    head = text.splitlines()[t.line - 1].lstrip()
    if re.match(r"^[A-Z_]*DEFINE[A-Z_]*\(", head):
        return f"defined by a macro at {t.path}:{t.line}: add the matching export by hand"
    depth, i = 0, at + 1
    end = None
    while i < len(code):
        s = data[code[i].start : code[i].end]
        if s in (b"(", b"[", b"{"):
            depth += 1
        elif s in (b")", b"]", b"}"):
            depth -= 1
            if depth == 0 and s == b"}" and t.kind == "function":
                end = code[i]
                break
            if depth < 0:
                break
        elif s == b";" and depth == 0:
            if t.kind == "function":
                return f"{t.path}:{t.line} declares {t.symbol} without defining it"
            end = code[i]
            break
        i += 1
    if end is None:
        return f"cannot find the end of {t.symbol}'s definition in {t.path}"
    line = src_line_of(end.start)
    lines = text.splitlines(keepends=True)
    last = lines[line - 1]
    if t.kind == "function" and last.rstrip("\r\n") != "}":
        return f"{t.path}:{line}: the closing brace of {t.symbol} is not alone in column 0"
    if t.kind == "variable" and not last.rstrip().endswith(";"):
        return f"{t.path}:{line}: the definition of {t.symbol} does not end its line"
    return len("".join(lines[:line]).encode("utf-8", "surrogateescape"))


def file_exports(path: str, data: bytes) -> dict[str, str]:
    """The export macro of every symbol a file exports (its own sites)."""
    lines = data.decode("utf-8", "replace").splitlines()
    table = parse_sites((f"{path}:{n}:{line}" for n, line in enumerate(lines, 1)), "")
    return {n: e.macro for n, e in table.items() if e.macro in (GPL, PLAIN)}


def flavour(t: Target, root: str, in_file: dict[str, str]) -> tuple[str, str]:
    """EXPORT_SYMBOL or EXPORT_SYMBOL_GPL, and the sentence that says why:
    what the defining file exports the symbol's siblings (the functions
    declared in the same header) with; else what the file exports with; else
    _GPL, the kernel's default for new exports."""
    try:
        with open(os.path.join(root, t.header), encoding="utf-8", errors="replace") as fh:
            header = fh.read()
    except OSError:
        header = ""
    siblings = Counter(m for n, m in in_file.items() if re.search(rf"\b{re.escape(n)}\b", header))
    if siblings[PLAIN] != siblings[GPL]:
        pick = PLAIN if siblings[PLAIN] > siblings[GPL] else GPL
        return pick, (
            f"{t.path} exports {siblings[PLAIN]} of the symbols declared beside it in "
            f"{t.header} with {PLAIN} and {siblings[GPL]} with {GPL}; this follows the majority"
        )
    overall = Counter(in_file.values())
    if overall[PLAIN] > overall[GPL]:
        return PLAIN, (
            f"{t.path} exports {overall[PLAIN]} symbols with {PLAIN} and {overall[GPL]} "
            f"with {GPL}, and its siblings in {t.header} do not decide; this follows the file"
        )
    return GPL, (
        f"neither {t.path}'s exports of symbols declared in {t.header} nor its other exports "
        f"favour {PLAIN}, so this uses {GPL}, the usual choice for a new export"
    )


def plan(root: str, found: list[Target]) -> tuple[list[FileFix], list[ByHand]]:
    """The change to each defining file; what cannot be patched, by hand."""
    from ..c.source import Source

    fixes: list[FileFix] = []
    by_hand: list[ByHand] = []
    for path in sorted({t.path for t in found}):
        mine = sorted((t for t in found if t.path == path), key=lambda t: t.line)
        try:
            with open(os.path.join(root, path), "rb") as fh:
                data = fh.read()
        except OSError as e:
            by_hand += [ByHand(t.symbol, f"cannot read {path}: {e.strerror}") for t in mine]
            continue
        src = Source(path, data)
        tokens, errors = tokenize(data)
        if errors:
            why = f"{path}:{src.line_of(errors[0].offset)}: {errors[0].message}"
            by_hand += [ByHand(t.symbol, why) for t in mine]
            continue
        exported = file_exports(path, data)
        inserts: list[tuple[int, bytes]] = []
        kept, flavours = [], {}
        for t in mine:
            at = _line_after(data, tokens, src.line_of, t)
            if isinstance(at, str):
                by_hand.append(ByHand(t.symbol, at))
                continue
            macro, why = flavour(t, root, exported)
            flavours[t.symbol] = (macro, why)
            inserts.append((at, f"{macro}({t.symbol});".encode() + src.newline()))
            kept.append(t)
        if not kept:
            continue
        new = bytearray(data)
        for at, text in sorted(inserts, reverse=True):
            new[at:at] = text
        fixes.append(FileFix(path, data, bytes(new), kept, flavours))
    return fixes, by_hand


def fixes_for(root: str, verdicts: list[Verdict]) -> tuple[list[FileFix], list[Diagnostic]]:
    """The change to each defining file, and an EXPORT_BY_HAND warning for
    every symbol that cannot be patched safely (what ``exports --fix`` and
    ``series --exports`` both make)."""
    found, by_hand = targets(verdicts)
    fixes, more = plan(root, found)
    said = [f"{b.symbol}: not patched: {b.why}" for b in by_hand + more]
    return fixes, [EXPORT_BY_HAND("helperfix", 0, msg) for msg in said]


# -- the commit text ------------------------------------------------------------


def _git_lines(root: str, *args: str) -> list[str]:
    try:
        p = proc.run(["git", "-C", root, *args], text=True, timeout=60)
    except (OSError, proc.TimeoutExpired):
        return []
    return p.stdout.splitlines() if p.returncode == 0 else []


def subject_prefix(root: str, path: str) -> str:
    """The defining file's convention: the prefix most of its commits' subjects
    use (when at least two agree), else its path without the extension."""
    subjects = _git_lines(root, "log", "-n", "50", "--format=%s", "--", path)
    prefixes = Counter(
        s.split(": ", 1)[0] for s in subjects if ": " in s and len(s.split(": ", 1)[0]) <= 40
    )
    if prefixes:
        best, count = prefixes.most_common(1)[0]
        if count >= 2:
            return best
    return os.path.splitext(path)[0]


def callers(root: str, helper: str) -> list[str]:
    """Where the tree's Rust code calls a helper (``bindings::<name>``)."""
    name = helper.removeprefix("rust_helper_")
    try:
        out = grep(root, ["-E", "-e", rf"bindings::{name}\b"], ("*.rs",))
    except (OSError, proc.TimeoutExpired):
        out = []  # the text then names no caller
    return [":".join(x.split(":", 2)[:2]) for x in out][:3]


def message(root: str, fix: FileFix) -> tuple[str, str]:
    """Subject and body of the commit that exports ``fix``'s symbols."""
    from ..series.text import wrap

    names = [t.symbol for t in fix.targets]
    shown = " and ".join(names) if len(names) <= 2 else f"{len(names)} symbols"
    subject = f"{subject_prefix(root, fix.path)}: export {shown}"
    paragraphs: list[str] = []
    for t in fix.targets:
        helpers = ", ".join(f"{h} ({file})" for h, file, _ in t.helpers)
        paragraphs.append(
            wrap(
                f"{helpers} reach{'es' if len(t.helpers) == 1 else ''} {t.symbol}, which "
                f"{t.path} defines but does not export:"
            )
        )
        paragraphs.append("\n".join("  " + " -> ".join(c) for c in t.chains))
        uses = sorted({c for h, _, _ in t.helpers for c in callers(root, h)})
        if uses:
            binding = ", ".join(
                sorted({f"bindings::{h.removeprefix('rust_helper_')}" for h, _, _ in t.helpers})
            )
            paragraphs.append(wrap(f"Rust code calls {binding} ({', '.join(uses)})."))
    first = fix.targets[0]
    paragraphs.append(
        wrap(
            "Once helpers are inlined into Rust code (RUST_INLINE_HELPERS), a helper's body "
            "is compiled into every Rust module that calls it, so the module itself "
            f"references {' and '.join(names)}, and modpost fails for it:"
        )
    )
    paragraphs.append(
        "\n".join(f'  ERROR: modpost: "{n}" [path/to/rust_module.ko] undefined!' for n in names)
    )
    paragraphs.append(
        wrap(
            "This only matters once helpers are inlined: without that, the helper is "
            f"built into vmlinux and calls {first.symbol} from there."
        )
    )
    for t in fix.targets:
        macro, why = fix.flavours[t.symbol]
        paragraphs.append(wrap(f"Export {t.symbol} with {macro}: {why}."))
    return subject, "\n\n".join(paragraphs)
