"""OBSOLETE_RUST_HELPER_FALLBACK and STRAY_RUST_HELPER_DEFINE.

The ``#ifndef __rust_helper`` fallback is dead once helpers.c defines the
macro; any other definition outside helpers.c's block shadows it."""

from __future__ import annotations

from collections.abc import Iterable

from ..c.scan import FileScan
from ..diagnostics import Diagnostic
from ..files import read
from ..findings import OBSOLETE_FALLBACK, STRAY_DEFINE
from ..kernel.paths import GENERATOR, HELPERS_C
from ..kernel.queries import fallback_directives, fallbacks_in_text, stray_defines
from . import FileContext, TreeContext, rule

_OBSOLETE_MSG = "obsolete '#ifndef __rust_helper' fallback; helpers.c defines the macro"


@rule("file", OBSOLETE_FALLBACK, STRAY_DEFINE)
def check_file(fs: FileScan, ctx: FileContext) -> Iterable[Diagnostic]:
    for d, _ in fallback_directives(fs):
        yield OBSOLETE_FALLBACK(ctx.rel, d.line, _OBSOLETE_MSG, column=1)
    if ctx.rel == HELPERS_C:
        return  # the block rule judges helpers.c's own definitions
    for d in stray_defines(fs):
        msg = "__rust_helper defined outside helpers.c; it overrides the real definition"
        yield STRAY_DEFINE(ctx.rel, d.line, msg, column=1)


@rule("tree", OBSOLETE_FALLBACK)
def check_generator(ctx: TreeContext) -> Iterable[Diagnostic]:
    if not ctx.whole_tree:
        return
    try:
        gen = read(ctx.abspath(GENERATOR))
    except OSError:
        return
    for start, _ in fallbacks_in_text(gen):
        line = gen.line_of(start)
        if gen.data[gen.line_start(line) :].startswith(b"//"):
            line += 1
        msg = _OBSOLETE_MSG + " (in the generator's heredoc)"
        yield OBSOLETE_FALLBACK(GENERATOR, line, msg, column=1)
