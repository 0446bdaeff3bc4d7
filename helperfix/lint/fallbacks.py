"""OBSOLETE_RUST_HELPER_FALLBACK and STRAY_RUST_HELPER_DEFINE.

The ``#ifndef __rust_helper`` fallback is dead once helpers.c defines the
macro; any other definition outside helpers.c's block shadows it."""

from __future__ import annotations

import os
from collections.abc import Iterable

from ..rewrite.atomic import GENERATOR
from ..rewrite.defines import bindgen_groups, defines, in_group
from ..rewrite.fallback import construct_at, constructs_in_text
from ..scan import FileScan
from ..source import read
from ..tree import HELPERS
from . import WARNING, Context, Finding

OBSOLETE = "obsolete '#ifndef __rust_helper' fallback; helpers.c defines the macro"


def check_file(rel: str, fs: FileScan) -> Iterable[Finding]:
    helpers_c = os.path.join(HELPERS, "helpers.c")
    src = fs.source
    blocks = bindgen_groups(fs)
    fallback_defines = set()
    for d in fs.directives:
        if d.name == "ifndef" and d.rest(src) == b"__rust_helper":
            if construct_at(src, d.line):
                fallback_defines.add(d.line + 1)
            yield Finding(rel, d.line, WARNING, "OBSOLETE_RUST_HELPER_FALLBACK", OBSOLETE, 1)
    if rel == helpers_c:
        return  # the block rule judges helpers.c's own definitions
    for d in defines(fs):
        if d.line not in fallback_defines and not in_group(blocks, d.line):
            msg = "__rust_helper defined outside helpers.c; it overrides the real definition"
            yield Finding(rel, d.line, WARNING, "STRAY_RUST_HELPER_DEFINE", msg, 1)


def check_tree(ctx: Context) -> Iterable[Finding]:
    if ctx.tree:
        try:
            gen = read(ctx.abspath(GENERATOR))
        except OSError:
            return
        for start, _ in constructs_in_text(gen):
            line = gen.line_of(start)
            if gen.data[gen.line_start(line) :].startswith(b"//"):
                line += 1
            msg = OBSOLETE + " (in the generator's heredoc)"
            yield Finding(GENERATOR, line, WARNING, "OBSOLETE_RUST_HELPER_FALLBACK", msg, 1)
