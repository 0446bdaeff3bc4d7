"""Where a scanned file defines ``__rust_helper``: shared by the rewrites and lints."""

from __future__ import annotations

from ..directives import Directive, Group
from ..scan import FileScan

MACRO = b"__rust_helper"


def defines(fs: FileScan) -> list[Directive]:
    """Every ``#define __rust_helper ...`` directive."""
    src = fs.source
    return [d for d in fs.directives if d.name == "define" and d.rest(src).split(b" ")[0] == MACRO]


def _span(g: Group) -> tuple[int, int]:
    return g.opener.line, (g.closer.line if g.closer else 1 << 30)


def bindgen_groups(fs: FileScan) -> list[Group]:
    """``#ifdef __BINDGEN__`` groups that define ``__rust_helper``."""
    if fs.layout is None:
        return []
    src = fs.source
    mine = defines(fs)
    out = []
    for g in fs.layout.groups:
        if g.opener.name == "ifdef" and g.opener.rest(src) == b"__BINDGEN__":
            lo, hi = _span(g)
            if any(lo < d.line < hi for d in mine):
                out.append(g)
    return out


def in_group(groups: list[Group], line: int) -> bool:
    return any(_span(g)[0] < line < _span(g)[1] for g in groups)


def guarded(fs: FileScan, line: int) -> bool:
    """Whether ``line`` sits inside any ``#if`` group."""
    return fs.layout is not None and in_group(fs.layout.groups, line)
