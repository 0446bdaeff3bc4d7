"""From reached symbols to verdicts: exported, needs a namespace import, a
link-error trap, or not exported (modpost will fail)."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass

from ..diagnostics import CHECK, ERROR, WARNING
from ..files import atomic_write
from . import symbols
from .build import Build, cache_root, preprocess
from .flags import Command
from .reach import Reach

NOT_EXPORTED, NAMESPACE, TRAP, OK = "not-exported", "namespace-import", "trap", "ok"
STATIC = "static-in-inline"
ORDER = {NOT_EXPORTED: 0, STATIC: 1, NAMESPACE: 2, TRAP: 3, OK: 4}
STATUSES = tuple(ORDER)


@dataclass(frozen=True)
class Policy:
    """How much a verdict weighs in this tree.  Where the tree cannot inline
    helpers (its Kconfig has no RUST_INLINE_HELPERS) every verdict is a
    prediction, a CHECK, unless ``assume_inline``."""

    inlining: bool | None  # the tree's Kconfig: True, False, or None (no Kconfig)
    assume_inline: bool = False
    why: str = ""

    @property
    def predict(self) -> bool:
        return self.inlining is False and not self.assume_inline

    def level(self, status: str, werror: bool) -> str:
        if status == OK:
            return ""
        if status in (NAMESPACE, TRAP) or self.predict:
            return CHECK
        if status == STATIC and not werror:
            return WARNING
        return ERROR


_MAX_CANDIDATES = 4  # defining files preprocessed per name


@dataclass(frozen=True)
class Verdict:
    config: str
    helper: str
    helper_file: str  # relative to the tree
    helper_line: int
    symbol: str
    kind: str  # function or variable
    status: str
    chain: tuple[str, ...]
    file: str  # the symbol's declaration, relative
    line: int
    defined_in: str | None  # "path:line" of the (likely) definition
    export: str = ""  # the export macro or Module.symvers type
    namespace: str = ""
    level: str = ""  # ERROR, WARNING or CHECK ("" for ok), by the Policy

    def row(self) -> dict:
        return {
            "helper": self.helper,
            "symbol": self.symbol,
            "status": self.status,
            "chain": list(self.chain),
            "file": self.file,
            "line": self.line,
            "defined_in": self.defined_in,
            "kind": self.kind,
            "namespace": self.namespace or None,
            "export": self.export or None,
            "helper_file": self.helper_file,
            "helper_line": self.helper_line,
            "config": self.config,
            "level": self.level or None,
        }


@dataclass
class Exports:
    """The export table and how to settle a name it does not credit."""

    table: dict[str, symbols.Export]
    root: str
    arch: str
    build: Build | None  # the build whose files are preprocessed to confirm names
    command: Command | None  # None: no preprocessing (Module.symvers is exact)
    say: Callable[[str], None]


def statics(reaches: list[Reach], root: str, config: str, level: str) -> list[Verdict]:
    """static-in-inline verdicts: the symbol is where it is declared."""
    return [
        Verdict(
            config,
            r.helper,
            _rel(root, r.file),
            r.line,
            r.symbol.name,
            r.symbol.kind,
            STATIC,
            r.chain,
            _rel(root, r.symbol.file),
            r.symbol.line,
            f"{_rel(root, r.symbol.file)}:{r.symbol.line}",
            level=level,
        )
        for r in reaches
    ]


def judge(
    reaches: list[Reach], exports: Exports, config: str, policy: Policy, werror: bool
) -> list[Verdict]:
    root = exports.root
    pending = {r.symbol.name: r.symbol.kind for r in reaches if r.symbol.name not in exports.table}
    defs = symbols.definitions(root, pending, exports.arch)
    declared = {r.symbol.name: r.symbol.file for r in reaches}
    ranked = {name: _rank(where, declared[name]) for name, where in defs.items()}
    confirmed = _confirm(exports, ranked)
    out = []
    for r in reaches:
        name = r.symbol.name
        found = exports.table.get(name) or confirmed.get(name)
        where = ranked.get(name) or []
        if found is not None:
            status = NAMESPACE if found.namespace else OK
            defined = f"{found.file}:{found.line}" if found.line and found.file else None
        else:
            status = TRAP if not where and r.symbol.kind == "function" else NOT_EXPORTED
            defined = f"{where[0][0]}:{where[0][1]}" if where else None
        out.append(
            Verdict(
                config,
                r.helper,
                _rel(root, r.file),
                r.line,
                name,
                r.symbol.kind,
                status,
                r.chain,
                _rel(root, r.symbol.file),
                r.symbol.line,
                defined,
                found.macro if found else "",
                found.namespace if found else "",
                policy.level(status, werror),
            )
        )
    out.sort(key=lambda f: (ORDER[f.status], f.helper_file, f.helper_line, f.symbol))
    return out


def _rank(where: list[tuple[str, int]], declared: str) -> list[tuple[str, int]]:
    """Likely definitions first: the .c file named like the declaring header."""
    stem = os.path.splitext(os.path.basename(declared))[0]
    return sorted(where, key=lambda w: (os.path.splitext(os.path.basename(w[0]))[0] != stem, w))


def _confirm(
    exports: Exports, ranked: dict[str, list[tuple[str, int]]]
) -> dict[str, symbols.Export]:
    """Names grep did not credit (with their likely definitions, best
    first), looked up in their preprocessed defining files: an export whose
    name a macro builds shows there."""
    if exports.command is None or not ranked:
        return {}
    cache = _Cache(exports)
    found: dict[str, symbols.Export] = {}
    for name, where in sorted(ranked.items()):
        files = list(dict.fromkeys(p for p, _ in where if p.endswith(".c")))[:_MAX_CANDIDATES]
        for path in files:
            hit = cache.lookup(path, name)
            if hit is not None:
                found[name] = symbols.Export(name, hit[0], hit[1], path, 0)
                break
    cache.save()
    return found


class _Cache:
    """What preprocessing said about (file, name), keyed by the file's size
    and mtime and by the build's stamp: a warm run preprocesses nothing."""

    def __init__(self, exports: Exports) -> None:
        self.exports, self.say = exports, exports.say
        origin = exports.build.dir if exports.build else exports.command.origin
        key = hashlib.sha1(origin.encode()).hexdigest()[:16]
        self.path = os.path.join(cache_root(), f"confirm-{key}.json")
        self.stamp = _stat(os.path.join(exports.build.dir, ".config")) if exports.build else ""
        self.stamp += "\0" + " ".join(exports.command.args)
        try:
            with open(self.path, encoding="utf-8") as fh:
                data = json.load(fh)
        except (OSError, ValueError):
            data = {}
        self.data: dict = data if data.get("stamp") == self.stamp else {"stamp": self.stamp}
        self.dirty = False

    def lookup(self, path: str, name: str) -> tuple[str, str] | None:
        stat = _stat(os.path.join(self.exports.root, path))
        entry_key = f"{path}\0{name}"
        entry = self.data.get(entry_key)
        if entry is None or entry[0] != stat:
            build = self.exports.build
            how = f"make {path[:-2]}.i in {build.dir}" if build and build.ours else "-E"
            self.say(f"confirming {name} in {path} ({how})")
            text = preprocess(build, self.exports.command, self.exports.root, path)
            e = symbols.exported_in(text, name) if text else None
            entry = [stat, [e.macro, e.namespace] if e else None]
            self.data[entry_key] = entry
            self.dirty = True
        return tuple(entry[1]) if entry[1] else None

    def save(self) -> None:
        if self.dirty:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            atomic_write(self.path, json.dumps(self.data).encode())


def _stat(path: str) -> str:
    try:
        st = os.stat(path)
    except OSError:
        return ""
    return f"{st.st_size}:{st.st_mtime_ns}"


def _rel(root: str, path: str) -> str:
    rel = os.path.relpath(os.path.realpath(path), os.path.realpath(root))
    return path if rel.startswith("..") else rel
