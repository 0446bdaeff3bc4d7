"""The prose of a generated series, built from what each commit changes.

Nothing is claimed that the commit or the tree does not back: a file is
named only if the commit changes it, inlining is promised only where the
tree's Kconfig has RUST_INLINE_HELPERS, spacing that clang-format normalised
is said so, and an annotation on a line of its own says why.  Paragraphs are
wrapped at 75 columns.  No text names a tool or a toolchain that a MAINTAINERS
keyword (``K:``) pattern would match: get_maintainer.pl reads the commit text,
and "clang-format" alone would add the CLANG/LLVM maintainers to every patch.
"""

from __future__ import annotations

import os
import textwrap

from ..kernel.kconfig import HelpersBlock
from ..kernel.paths import ATOMIC_C, GENERATOR, HELPERS, HELPERS_C
from .notes import FileNotes


def wrap(paragraph: str) -> str:
    """Wrap at 75 columns, never breaking a word at a hyphen or a path."""
    return textwrap.fill(paragraph, 75, break_on_hyphens=False, break_long_words=False)


def _body(*paragraphs: str) -> str:
    return "\n\n".join(wrap(p) for p in paragraphs if p)


def _names(items: list[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def first(files: list[str]) -> tuple[str, str]:
    """Subject and body of the commit that defines the macro in helpers.c
    and drops the local fallbacks, naming only what it changes."""
    dropped = [f for f in files if f not in (HELPERS_C, ATOMIC_C, GENERATOR)]
    where = []
    if GENERATOR in files:
        regen = " (and atomic.c, regenerated with it, checksum line updated)"
        where.append(GENERATOR + (regen if ATOMIC_C in files else ""))
    where += [os.path.relpath(f, HELPERS) for f in dropped]
    if not where:
        return "rust: helpers: define __rust_helper in helpers.c", _body(
            "Define __rust_helper in helpers.c, which includes every helper "
            "file, as an empty macro, so that helpers can be marked with it.",
            "The macro expands to nothing: no functional change.",
        )
    return "rust: helpers: define __rust_helper once, in helpers.c", _body(
        "Helper files that use __rust_helper defined it as empty behind "
        "'#ifndef __rust_helper'. Define it once, in helpers.c, which includes "
        f"every helper file, and drop those fallbacks from {_names(where)}.",
        "The macro still expands to nothing: no functional change.",
    )


def annotate(files: list[str], notes: dict[str, FileNotes], inlining: bool | None) -> str:
    helpers = [h for f in files for h in notes[f].helpers]
    spacing = [s for f in files for s in notes[f].spacing]
    checkpatch = [h for f in files for h in notes[f].own_line_checkpatch]
    arms = [h for f in files for h in notes[f].own_line_arms]
    stems = _names([os.path.relpath(f, HELPERS) for f in files])
    why = {
        True: "so that they can be inlined into Rust code when CONFIG_RUST_INLINE_HELPERS "
        "is enabled.",
        False: "This tree does not inline helpers yet, so the macro is empty here; marking "
        "{them} now keeps {them} ready for helper inlining.",
        None: "so that they can be inlined into Rust code where helper bitcode is linked "
        "into Rust crates.",
    }[inlining].format(them="it" if len(helpers) == 1 else "them")
    what = helpers[0] if len(helpers) == 1 else f"the {len(helpers)} helpers"
    lead = f"Mark {what} in {stems} with __rust_helper"
    lead += f" {why}" if inlining is not False else f". {why}"
    if any(notes[f].rewrapped for f in files):
        layout = (
            "Where the annotation made a declaration too long, it was re-wrapped in kernel style"
        )
    else:
        layout = "The annotation goes before each declaration"
    if spacing:
        old, new = spacing[0][0], spacing[0][1].replace("__rust_helper ", "")
        layout += (
            f"; the re-wrap also normalised the spacing of the line"
            f"{'s' if len(spacing) > 1 else ''} ('{old.strip()}' became '{new.strip()}')."
        )
    else:
        layout += "; nothing else changed."
    notes_p = []
    if checkpatch:
        notes_p.append(
            f"In {_names(checkpatch)}, __rust_helper sits on a line of its own, so that "
            "the declaration, which checkpatch.pl flags for what it already holds, is not "
            "re-emitted by this patch."
        )
    if arms:
        notes_p.append(
            f"In {_names(arms)}, whose return type differs between preprocessor arms, "
            "__rust_helper sits on a line of its own before the #if, so it holds in every "
            "configuration."
        )
    return _body(lead, layout, *notes_p, "Generated with helperfix annotate.")


def block(inlining: bool | None) -> str:
    where = (
        "With CONFIG_RUST_INLINE_HELPERS, helper bitcode is linked into Rust crates"
        if inlining
        else "Where helper bitcode is linked into Rust crates"
    )
    return _body(
        "Every helper is now marked __rust_helper, so give the macro its meaning. "
        f"{where}, and the compiler will not inline a C helper into Rust code compiled with "
        "slightly different options (hardening flags, builtin lists, target feature "
        "strings), even when the difference is harmless. __always_inline overrides "
        "that check.",
        "bindgen skips inline functions, so for it (__BINDGEN__) the macro stays empty "
        "and bindings are still generated for every helper.",
    )


def cover(n: int, helpers: int, files: int, block_mode: str, why: str, version: str) -> str:
    """The cover letter's blurb for a series of ``n`` patches."""
    paragraphs = [
        "Rust code calls static inline C functions and macros through small wrappers "
        "in rust/helpers/. This series marks every helper definition __rust_helper "
        f"({helpers} helpers in {files} files, one helper file per patch, so that each "
        "can go through its subsystem).",
    ]
    if block_mode is HelpersBlock.BLOCK:
        paragraphs.append(
            "The first patch defines the macro in helpers.c (empty, so every patch "
            "builds); the last makes it __always_inline outside bindgen, so the helpers "
            "can be inlined into Rust crates."
        )
    else:
        paragraphs.append(
            f"This tree has no helper inlining ({why}), so the first patch defines "
            "__rust_helper as an empty macro in helpers.c and it stays empty; the "
            "'#ifdef __BINDGEN__' block that makes it __always_inline comes with the "
            "inlining infrastructure."
        )
    paragraphs.append(
        f"The patches were generated with helperfix {version}: only the annotated "
        "declarations were re-wrapped, in the tree's own formatting style. "
        f"{n} patches in all."
    )
    return _body(*paragraphs)
