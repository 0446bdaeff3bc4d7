"""The prose of a generated series: commit bodies and the cover letter blurb.

Kept apart from the series logic so it can be read and reworded in one place.
Paragraphs are wrapped at 75 columns when used.
"""

from __future__ import annotations

import textwrap


def wrap(paragraph: str) -> str:
    """Wrap at 75 columns, never breaking a word at a hyphen or a path."""
    return textwrap.fill(paragraph, 75, break_on_hyphens=False, break_long_words=False)


FALLBACK_MSG = wrap(
    "The generated atomic.c (and possibly other helper files) defined "
    "__rust_helper as empty behind '#ifndef __rust_helper', waiting for "
    "support for inlining helpers into Rust. Define the macro once, in "
    "helpers.c, which includes every helper file, and drop the fallbacks: from "
    "scripts/atomic/gen-rust-atomic-helpers.sh, from atomic.c (regenerated "
    "with that script, checksum line updated) and from the helper files. The "
    "macro still expands to nothing, so there is no functional change."
)

BLOCK_MSG = "\n\n".join(
    wrap(p)
    for p in (
        "Every helper is now marked __rust_helper, so give the macro its "
        "meaning. When helper bitcode is linked into Rust crates, LLVM will "
        "not inline a C helper into Rust code compiled with slightly different "
        "options (hardening flags, builtin lists, target feature strings), "
        "even when the difference is harmless. __always_inline overrides that "
        "check, so each call from Rust no longer costs a real function call.",
        "bindgen skips inline functions, so for it (__BINDGEN__) the macro "
        "stays empty and bindings are still generated for every helper.",
    )
)

COVER_BLURB = (
    "Rust code calls static inline C functions and macros through small "
    "wrappers in rust/helpers/, and each call costs a real function call. "
    "Marking every helper definition __rust_helper, which becomes "
    "__always_inline outside bindgen, lets the helpers be inlined into Rust "
    "once their bitcode is linked into Rust crates.\n\n"
    "The first patch defines __rust_helper once, in helpers.c, and drops the "
    "old fallback definitions (atomic.c is regenerated with its own "
    "generator). The middle patches annotate the helpers, one helper file (or "
    "MAINTAINERS section) per patch, so each can go through its subsystem. "
    "The last patch makes the macro __always_inline outside bindgen.\n\n"
    "The patches were generated with helperfix {version}: only the annotated "
    "declarations were re-wrapped, with clang-format and the tree's "
    ".clang-format; nothing else changed. {n} patches in all."
)


def annotate_msg(files: list[str]) -> str:
    names = ", ".join(files)
    return "\n\n".join(
        wrap(p)
        for p in (
            f"Mark the helpers in {names} with __rust_helper, so that they "
            "can be inlined into Rust code once helper bitcode is linked into "
            "Rust crates. Where the annotation made a declaration too long, "
            "it was re-wrapped in kernel style; nothing else changed.",
            "Generated with helperfix annotate.",
        )
    )
