"""Preprocessor directives and the conditional tree, from libclang's tokens.

helperfix reads every arm of every ``#if`` at once (no configured kernel), so it
needs to know where each directive is, which arm each token sits in, and under
what condition, without evaluating anything.  ``#if 0`` arms are the one
exception: they are dead code and are treated like comments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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
    directives: list[Directive]
    groups: list[Group]
    live: list[Token]  # code tokens outside directives and dead arms
    stacks: list[tuple[Frame, ...]]  # the arm stack of each live token

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


def layout(src: Source, tokens: list[Token], lenient: bool = False) -> Layout:
    """Split ``tokens`` into directives and live code, and build the arm tree.
    ``lenient`` (for patch fragments) ignores unbalanced conditionals."""
    data = src.data
    directives: list[Directive] = []
    groups: list[Group] = []
    raw_arms: list[list[str]] = []  # the literal condition of each arm, per group
    live: list[Token] = []
    stacks: list[tuple[Frame, ...]] = []
    stack: list[Frame] = []
    dead_depth = 0  # how many enclosing arms are '#if 0'
    dead_flags: list[bool] = []
    prev_code_line = 0
    i, n = 0, len(tokens)
    while i < n:
        tok = tokens[i]
        if tok.kind == COMMENT:
            i += 1
            continue
        line = src.line_of(tok.start)
        is_hash = tok.kind == PUNCT and data[tok.start : tok.end] in (b"#", b"%:")
        if not (is_hash and line > prev_code_line):
            if not dead_depth:
                live.append(tok)
                stacks.append(tuple(stack))
            prev_code_line = src.line_of(tok.end - 1)
            i += 1
            continue
        end, j = _logical_end(src, tokens, i, line)
        body = tokens[i + 1 : j]
        name_tok = next((t for t in body if t.kind != COMMENT), None)
        name = data[name_tok.start : name_tok.end].decode("latin-1") if name_tok else ""
        rest = body[body.index(name_tok) + 1 :] if name_tok else []
        d = Directive(name, tok.start, end, line, rest)
        directives.append(d)
        prev_code_line = src.line_of(end)
        i = j
        if name not in CONDITIONALS:
            continue
        if name in _OPENERS:
            d.group = len(groups)
            groups.append(Group(d, [_arm_text(d, src)]))
            raw_arms.append([groups[-1].arms[0]])
            stack.append((d.group, 0))
            dead = d.name == "if" and d.rest(src) == b"0"
            dead_flags.append(dead)
            dead_depth += dead
            continue
        if not stack:
            if lenient:
                continue
            raise ScanError(line, f"#{name} without #if")
        gid, arm = stack[-1]
        d.group = gid
        group = groups[gid]
        dead_depth -= dead_flags[-1]
        if name == "endif":
            group.closer = d
            stack.pop()
            dead_flags.pop()
            continue
        if raw_arms[gid][-1] == "#else" and not lenient:
            raise ScanError(line, f"#{name} after #else")
        if name == "else":
            group.arms.append(_negate(raw_arms[gid]))
            raw_arms[gid].append("#else")
            dead = False
        else:
            this = _arm_text(d, src)
            group.arms.append(f"{_negate(raw_arms[gid])} && {this}")
            raw_arms[gid].append(this)
            dead = d.name == "elif" and d.rest(src) == b"0"
        stack[-1] = (gid, arm + 1)
        dead_flags[-1] = dead
        dead_depth += dead
    if stack and not lenient:
        opener = groups[stack[-1][0]].opener
        raise ScanError(opener.line, f"unterminated #{opener.name}")
    return Layout(directives, groups, live, stacks)
