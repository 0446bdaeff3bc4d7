"""What each helper's body reaches once it is inlined: the reach analysis.

When a helper is ``__always_inline`` and its bitcode is linked into a Rust
crate, every function or variable its body references -- after macro
expansion, and through the ``static inline`` functions it calls -- becomes a
reference of the Rust module.  libclang's AST of the configured unit sees
exactly that.  The walk prunes what the compiler removes (constant
conditions, code after ``return``, ``sizeof`` operands) and keeps, for each
symbol, the shortest chain that reaches it.
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import clang.cindex as ci

from .evaluate import integer

K = ci.CursorKind
NORMAL, JUMP, RETURN = 0, 1, 2  # how a statement ends: falls through, jumps, leaves

# Builtins whose operands are never evaluated (or only at compile time).
UNEVALUATED = frozenset(
    {
        "__builtin_constant_p",
        "__builtin_object_size",
        "__builtin_dynamic_object_size",
        "__builtin_types_compatible_p",
        "__builtin_classify_type",
        "__builtin_offsetof",
    }
)
NORETURN = frozenset({"__builtin_unreachable", "__builtin_trap"})
TRAP_MARKS = (b"__compiletime_error", b"__error__", b"__attribute__((error")


@dataclass(frozen=True)
class Symbol:
    name: str
    kind: str  # "function" or "variable"
    file: str  # where it is declared (absolute), as the unit saw it
    line: int
    trap: bool = False  # a compile-time-error trap: never a link reference


@dataclass(frozen=True)
class Reach:
    helper: str
    file: str  # the helper's definition
    line: int
    symbol: Symbol
    chain: tuple[str, ...]  # helper, then each macro or inline on the way, then the symbol


Found = dict[str, tuple[tuple[str, ...], Symbol]]


def _merge(out: Found, name: str, chain: tuple[str, ...], symbol: Symbol) -> None:
    if name not in out or len(chain) < len(out[name][0]):
        out[name] = (chain, symbol)


def _var_init(cursor: ci.Cursor) -> ci.Cursor | None:
    """A variable's initializer only: a ``typeof`` in its type is never run."""
    fn = ci.conf.lib.clang_Cursor_getVarDeclInitializer
    if fn.restype is not ci.Cursor:
        fn.argtypes, fn.restype = [ci.Cursor], ci.Cursor
    init = fn(cursor)
    if init is None or init.kind.is_invalid():
        return None
    init._tu = cursor._tu  # what cindex's own cursor results carry
    return init


class Walker:
    """One parsed unit; ``own(path)`` says whether a file is part of the
    helpers (whose own definitions are never external)."""

    def __init__(self, tu: ci.TranslationUnit, own: Callable[[str], bool]) -> None:
        self.tu = tu
        self.own = own
        self._memo: dict[tuple[str, int], Found] = {}
        self._busy: set[tuple[str, int]] = set()
        self._cut = 0  # recursions cut short so far
        self._text: dict[str, bytes] = {}

    def helpers(self) -> Iterator[ci.Cursor]:
        for c in self.tu.cursor.get_children():
            if (
                c.kind == K.FUNCTION_DECL
                and c.is_definition()
                and c.storage_class != ci.StorageClass.STATIC
                and c.location.file is not None
                and self.own(c.location.file.name)
            ):
                yield c

    def statics(self, helper: ci.Cursor) -> list[Reach]:
        """Identifiers with internal linkage the helper's own body uses: once
        ``__rust_helper`` makes it an inline definition with external
        linkage, clang warns about each (-Wstatic-in-inline), in dead
        branches too (Sema runs before any folding); a function that is
        inline or ``__attribute__((const))`` is exempt."""
        found: Found = {}
        for c in helper.walk_preorder():
            if c.kind != K.DECL_REF_EXPR:
                continue
            ref = c.referenced
            if ref is None or ref.linkage != ci.LinkageKind.INTERNAL:
                continue
            if ref.kind == K.FUNCTION_DECL and not _exempt(ref):
                _merge(
                    found, ref.spelling, self._via(c, ref.spelling), self._symbol(ref, "function")
                )
            elif ref.kind == K.VAR_DECL:
                _merge(
                    found, ref.spelling, self._via(c, ref.spelling), self._symbol(ref, "variable")
                )
        return self._reaches(helper, found)

    def reach(self, helper: ci.Cursor) -> list[Reach]:
        return self._reaches(helper, self._body(helper))

    def _reaches(self, helper: ci.Cursor, found: Found) -> list[Reach]:
        where = helper.location
        return [
            Reach(helper.spelling, where.file.name, where.line, sym, (helper.spelling, *chain))
            for _, (chain, sym) in sorted(found.items())
        ]

    # -- bodies -----------------------------------------------------------

    def _body(self, fn: ci.Cursor) -> Found:
        key = (fn.location.file.name if fn.location.file else "", fn.location.offset)
        if key in self._memo:
            return self._memo[key]
        if key in self._busy:  # recursion: the outer walk has it
            self._cut += 1
            return {}
        self._busy.add(key)
        cut = self._cut
        out: Found = {}
        for child in fn.get_children():
            if child.kind == K.COMPOUND_STMT:
                self._visit(child, out)
        self._busy.discard(key)
        if self._cut == cut:  # complete: no recursion was cut short inside
            self._memo[key] = out
        return out

    def _visit(self, c: ci.Cursor, out: Found) -> int:
        k = c.kind
        if k == K.COMPOUND_STMT:
            return self._sequence(list(c.get_children()), out)
        if k == K.IF_STMT:
            return self._if(list(c.get_children()), out)
        if k == K.CONDITIONAL_OPERATOR:
            kids = list(c.get_children())
            value = self._constant(kids[0]) if len(kids) == 3 else None
            if value is None:
                for kid in kids:
                    self._visit(kid, out)
            else:
                self._visit(kids[1] if value else kids[2], out)
            return NORMAL
        if k == K.SWITCH_STMT:
            return self._switch(list(c.get_children()), out)
        if k == K.CXX_UNARY_EXPR:  # sizeof, _Alignof (despite the name): never run
            return NORMAL
        if k == K.CALL_EXPR and c.spelling.startswith("__builtin_"):
            if c.spelling in UNEVALUATED:
                return NORMAL
            self._children(c, out)
            return RETURN if c.spelling in NORETURN else NORMAL
        if k == K.DECL_REF_EXPR:
            self._reference(c, out)
            return NORMAL
        if k == K.VAR_DECL:
            init = _var_init(c)
            if init is not None:
                self._visit(init, out)
            return NORMAL
        if k == K.CSTYLE_CAST_EXPR:  # (typeof(x))y: only y runs
            kids = list(c.get_children())
            if kids:
                self._visit(kids[-1], out)
            return NORMAL
        if k == K.RETURN_STMT:
            self._children(c, out)
            return RETURN
        if k in (K.BREAK_STMT, K.CONTINUE_STMT, K.GOTO_STMT):
            return JUMP
        if k == K.DO_STMT:  # do { ... } while (0): the body runs once
            kids = list(c.get_children())
            flow = self._visit(kids[0], out) if kids else NORMAL
            for kid in kids[1:]:
                self._visit(kid, out)
            return RETURN if flow == RETURN else NORMAL
        self._children(c, out)
        return NORMAL

    def _children(self, c: ci.Cursor, out: Found) -> None:
        for kid in c.get_children():
            self._visit(kid, out)

    def _sequence(self, stmts: list[ci.Cursor], out: Found) -> int:
        """Statements in order; after one that leaves, only a label makes the
        rest reachable again."""
        flow = NORMAL
        for s in stmts:
            if flow != NORMAL:
                if s.kind not in (K.LABEL_STMT, K.CASE_STMT, K.DEFAULT_STMT):
                    continue
            flow = self._visit(s, out)
        return flow

    def _if(self, kids: list[ci.Cursor], out: Found) -> int:
        cond, arms = kids[0], kids[1:]
        value = self._constant(cond)
        if value is not None:
            arm = arms[0] if value else (arms[1] if len(arms) > 1 else None)
            return self._visit(arm, out) if arm is not None else NORMAL
        self._visit(cond, out)
        flows = [self._visit(a, out) for a in arms]
        return RETURN if len(flows) == 2 and flows == [RETURN, RETURN] else NORMAL

    def _switch(self, kids: list[ci.Cursor], out: Found) -> int:
        cond, body = kids[0], kids[-1]
        value = self._constant(cond)
        if value is None or body.kind != K.COMPOUND_STMT:
            for kid in kids:
                self._visit(kid, out)
            return NORMAL
        stmts = list(body.get_children())
        start = self._case(stmts, value)
        if start is None:
            return NORMAL
        for s in stmts[start:]:
            flow = self._visit(s, out)
            if flow != NORMAL:  # break (or return): the rest of the body is not run
                return RETURN if flow == RETURN else NORMAL
        return NORMAL

    def _case(self, stmts: list[ci.Cursor], value: int) -> int | None:
        default = None
        for i, s in enumerate(stmts):
            while s.kind in (K.CASE_STMT, K.DEFAULT_STMT):
                kids = list(s.get_children())
                if s.kind == K.DEFAULT_STMT:
                    default = i
                elif self._constant(kids[0]) == value:
                    return i
                s = kids[-1]
        return default

    def _constant(self, cond: ci.Cursor) -> int | None:
        """The condition's value when it is decided at compile time for every
        caller.  ``__builtin_constant_p`` can turn true once the helper is
        inlined into a caller with a constant, so such conditions never fold."""
        if any(
            d.kind == K.CALL_EXPR and d.spelling == "__builtin_constant_p"
            for d in cond.walk_preorder()
        ):
            return None
        return integer(cond)

    # -- references -------------------------------------------------------

    def _reference(self, site: ci.Cursor, out: Found) -> None:
        ref = site.referenced
        if ref is None or ref.spelling.startswith("__builtin_"):
            return
        if ref.kind == K.FUNCTION_DECL:
            self._function(ref, site, out)
        elif ref.kind == K.VAR_DECL and ref.linkage == ci.LinkageKind.EXTERNAL:
            if ref.semantic_parent is None or ref.semantic_parent.kind == K.TRANSLATION_UNIT:
                defn = ref.get_definition()
                if defn is not None and self._mine(defn):
                    return
                _merge(
                    out, ref.spelling, self._via(site, ref.spelling), self._symbol(ref, "variable")
                )
            elif ref.storage_class == ci.StorageClass.EXTERN:  # a block-scope extern
                _merge(
                    out, ref.spelling, self._via(site, ref.spelling), self._symbol(ref, "variable")
                )

    def _function(self, ref: ci.Cursor, site: ci.Cursor, out: Found) -> None:
        name = ref.spelling
        defn = ref.get_definition()
        if defn is None:
            _merge(out, name, self._via(site, name), self._symbol(ref, "function"))
            return
        if self._mine(defn) and defn.storage_class != ci.StorageClass.STATIC:
            return  # another helper: in the same bitcode
        via = self._via(site, name)
        for sym_name, (chain, sym) in self._body(defn).items():
            _merge(out, sym_name, via + chain, sym)

    def _mine(self, c: ci.Cursor) -> bool:
        return c.location.file is not None and self.own(c.location.file.name)

    def _symbol(self, ref: ci.Cursor, kind: str) -> Symbol:
        where = ref.location
        path = where.file.name if where.file else ""
        trap = ref.spelling.startswith("__compiletime_assert_") or (
            kind == "function" and self._declared_trap(ref)
        )
        return Symbol(ref.spelling, kind, path, where.line, trap)

    def _via(self, site: ci.Cursor, name: str) -> tuple[str, ...]:
        """(macro, name) when the reference comes from a macro's expansion
        (``vrealloc`` expands to ``vrealloc_noprof``), else (name,)."""
        where = site.location
        if where.file is None:
            return (name,)
        word = self._word(where.file.name, where.offset)
        return (word, name) if word and word != name else (name,)

    def _read(self, path: str) -> bytes:
        if path not in self._text:
            try:
                with open(path, "rb") as fh:
                    self._text[path] = fh.read()
            except OSError:
                self._text[path] = b""
        return self._text[path]

    def _word(self, path: str, offset: int) -> str:
        data = self._read(path)
        end = offset
        while end < len(data) and (data[end : end + 1].isalnum() or data[end : end + 1] == b"_"):
            end += 1
        return data[offset:end].decode("ascii", "replace")

    def _declared_trap(self, ref: ci.Cursor) -> bool:
        """A function declared with ``__compiletime_error``: the compiler
        stops the build if a call survives, so it is never linked."""
        for decl in {ref, ref.canonical}:
            start = decl.extent.start
            if start.file is None:
                continue
            data = self._read(start.file.name)
            end = data.find(b";", start.offset)
            text = data[start.offset : end if end >= 0 else len(data)]
            if any(mark in text for mark in TRAP_MARKS):
                return True
        return False


def _exempt(fn: ci.Cursor) -> bool:
    """An inline function, or one declared ``__attribute__((const))``: clang
    does not warn about those in an inline definition."""
    lib = ci.conf.lib
    check = lib.clang_Cursor_isFunctionInlined
    if check.restype is not ctypes.c_uint:
        check.argtypes, check.restype = [ci.Cursor], ctypes.c_uint
    decls = {fn, fn.canonical} | ({fn.get_definition()} - {None})
    for d in decls:
        if check(d) or any(k.kind == K.CONST_ATTR for k in d.get_children()):
            return True
    return False


def own_files(helpers_dir: str) -> Callable[[str], bool]:
    prefix = os.path.normpath(helpers_dir) + os.sep
    return lambda path: os.path.normpath(path).startswith(prefix)
