"""Preprocessor directives and the conditional tree, from libclang's tokens.

helperfix reads every arm of every ``#if`` at once (no configured kernel), so it
needs to know where each directive is, which arm each token sits in, and under
what condition, without evaluating anything.  ``#if 0`` arms are the one
exception: they are dead code and are treated like comments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from .lex import COMMENT, PUNCT, Token
from .source import Source

CONDITIONALS = {"if", "ifdef", "ifndef", "elif", "elifdef", "elifndef", "else", "endif"}
_OPENERS = {"if", "ifdef", "ifndef"}
_SPACE = re.compile(rb"\s+")


class ScanError(Exception):
    """A problem that makes a file unsafe to rewrite, at a given line."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class Directive:
    """One preprocessor directive, with its tokens after the name."""

    name: str  # "if", "define", "include", ...
    start: int  # offset of '#'
    end: int  # offset just past the last byte of the logical line
    line: int
    tokens: list[Token]  # every token after the directive name
    group: int = -1  # conditional group id, for CONDITIONALS

    def rest(self, src: Source) -> bytes:
        """The directive's argument text, whitespace folded, comments dropped."""
        parts, prev = [], -1
        for t in self.tokens:
            if t.kind == COMMENT:
                continue
            if prev >= 0 and t.start > prev:
                parts.append(b" ")
            parts.append(src.data[t.start : t.end])
            prev = t.end
        return _SPACE.sub(b" ", b"".join(parts)).strip()


@dataclass
class Group:
    """One ``#if ... #endif`` group: its directives and arm conditions."""

    opener: Directive
    arms: list[str] = field(default_factory=list)
    closer: Directive | None = None


Frame = tuple[int, int]  # (group id, arm index)


@dataclass
class Layout:
    """A file split into directives and live code, with each live token's arms."""

    directives: list[Directive]
    groups: list[Group]
    live: list[Token]  # code tokens outside directives and dead arms
    stacks: list[tuple[Frame, ...]]  # the arm stack of each live token

    @cached_property
    def directive_starts(self) -> list[int]:
        return [d.start for d in self.directives]

    def condition(self, stack: tuple[Frame, ...]) -> str:
        return " && ".join(self.groups[g].arms[a] for g, a in stack)


def _logical_end(src: Source, tokens: list[Token], i: int, line: int) -> tuple[int, int]:
    """End offset of the directive starting at tokens[i] on ``line``, and the
    index of the first token after it (backslash splices and comments that
    cross a newline extend the logical line)."""
    data = src.data
    while True:
        end = src.line_end(line)
        if end > src.line_start(line) and data[end - 1 : end] == b"\\" and line < src.nlines:
            line += 1
            continue
        j = i
        while j < len(tokens) and tokens[j].start < end:
            j += 1
        last = tokens[j - 1]
        if last.end > end and line < src.nlines:  # a comment running past the newline
            line = max(line + 1, src.line_of(last.end - 1))  # always moves forward
            i = j
            continue
        return max(end, last.end), j


def _arm_text(d: Directive, src: Source) -> str:
    arg = d.rest(src).decode("utf-8", "replace")
    if d.name in ("ifdef", "elifdef"):
        return f"defined({arg})"
    if d.name in ("ifndef", "elifndef"):
        return f"!defined({arg})"
    return arg


def _negate(arms: list[str]) -> str:
    return " && ".join(f"!({a})" for a in arms)


class _Arms:
    """The stack of open ``#if`` arms while the file is read top to bottom:
    each group's arm conditions, and how many enclosing arms are ``#if 0``."""

    def __init__(self, src: Source, lenient: bool) -> None:
        self.src, self.lenient = src, lenient
        self.groups: list[Group] = []
        self.raw: list[list[str]] = []  # the literal condition of each arm, per group
        self.stack: list[Frame] = []
        self.dead: list[bool] = []  # per open group: is the current arm '#if 0'?
        self.dead_depth = 0

    def _is_zero(self, d: Directive) -> bool:
        return d.name in ("if", "elif") and d.rest(self.src) == b"0"

    def open(self, d: Directive) -> None:
        d.group = len(self.groups)
        cond = _arm_text(d, self.src)
        self.groups.append(Group(d, [cond]))
        self.raw.append([cond])
        self.stack.append((d.group, 0))
        self.dead.append(self._is_zero(d))
        self.dead_depth += self.dead[-1]

    def close(self, d: Directive) -> None:
        self.groups[self.stack[-1][0]].closer = d
        self.stack.pop()
        self.dead_depth -= self.dead.pop()

    def next_arm(self, d: Directive) -> None:
        gid, arm = self.stack[-1]
        raw = self.raw[gid]
        if raw[-1] == "#else" and not self.lenient:
            raise ScanError(d.line, f"#{d.name} after #else")
        if d.name == "else":
            self.groups[gid].arms.append(_negate(raw))
            raw.append("#else")
        else:
            this = _arm_text(d, self.src)
            self.groups[gid].arms.append(f"{_negate(raw)} && {this}")
            raw.append(this)
        self.stack[-1] = (gid, arm + 1)
        self.dead_depth += self._is_zero(d) - self.dead[-1]
        self.dead[-1] = self._is_zero(d)

    def take(self, d: Directive) -> None:
        """Follow one conditional directive."""
        if d.name in _OPENERS:
            self.open(d)
            return
        if not self.stack:
            if not self.lenient:
                raise ScanError(d.line, f"#{d.name} without #if")
            return
        d.group = self.stack[-1][0]
        if d.name == "endif":
            self.close(d)
        else:
            self.next_arm(d)

    def finish(self) -> None:
        if self.stack and not self.lenient:
            opener = self.groups[self.stack[-1][0]].opener
            raise ScanError(opener.line, f"unterminated #{opener.name}")


def _directive(src: Source, tokens: list[Token], i: int, line: int) -> tuple[Directive, int]:
    """The directive whose '#' is tokens[i], and the index of the token after it."""
    data = src.data
    end, j = _logical_end(src, tokens, i, line)
    body = tokens[i + 1 : j]
    name_tok = next((t for t in body if t.kind != COMMENT), None)
    name = data[name_tok.start : name_tok.end].decode("latin-1") if name_tok else ""
    rest = body[body.index(name_tok) + 1 :] if name_tok else []
    return Directive(name, tokens[i].start, end, line, rest), j


def layout(src: Source, tokens: list[Token], lenient: bool = False) -> Layout:
    """Split ``tokens`` into directives and live code, and build the arm tree.
    ``lenient`` (for patch fragments) ignores unbalanced conditionals."""
    data, find = src.data, src.data.find
    directives: list[Directive] = []
    live: list[Token] = []
    stacks: list[tuple[Frame, ...]] = []
    arms = _Arms(src, lenient)
    stack: tuple[Frame, ...] = ()  # the arm stack, shared by the tokens it holds
    last = -1  # offset of the last byte of the previous code token or directive
    i, n = 0, len(tokens)
    while i < n:
        tok = tokens[i]
        kind, start = tok.kind, tok.start
        if kind == COMMENT:
            i += 1
            continue
        # a '#' opens a directive when it is the first code on its line
        if (
            kind != PUNCT
            or data[start : tok.end] not in (b"#", b"%:")
            or (last >= 0 and find(b"\n", last, start) < 0)
        ):
            if not arms.dead_depth:
                live.append(tok)
                stacks.append(stack)
            last = tok.end - 1
            i += 1
            continue
        d, i = _directive(src, tokens, i, src.line_of(start))
        directives.append(d)
        last = d.end
        if d.name in CONDITIONALS:
            arms.take(d)
            stack = tuple(arms.stack)
    arms.finish()
    return Layout(directives, arms.groups, live, stacks)
