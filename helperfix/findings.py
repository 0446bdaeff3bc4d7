"""Every finding type helperfix emits, declared once, as flake8-bugbear
declares its checks: the stable name, the level, a one-line description.
Findings are made by calling these declarations (``PARSE_ERROR(path, line,
message)``); ``helperfix check --list-types``, SARIF and the gate's exit
status read them from here.  The bottom of the package: it imports nothing
but ``diagnostics``."""

from __future__ import annotations

from .diagnostics import CHECK, ERROR, WARNING, Type

# -- input that could not be read or written: a gate never passes these ------
PARSE_ERROR = Type("PARSE_ERROR", ERROR, "File cannot be read as C", input=True)
READ_ERROR = Type("READ_ERROR", ERROR, "File cannot be read", input=True)
PATH_ERROR = Type(
    "PATH_ERROR", ERROR, "Path missing, outside the kernel tree or not a helper file", input=True
)
TOO_LARGE = Type(
    "TOO_LARGE", ERROR, "File over the size limit (--max-file-size); not read", input=True
)
WRITE_ERROR = Type(
    "WRITE_ERROR",
    ERROR,
    "File read-only, changed while helperfix ran, or not writable",
    input=True,
)
INTERNAL_ERROR = Type(
    "INTERNAL_ERROR", ERROR, "helperfix failed on this file (please report)", input=True
)
EXPORTS_UNAVAILABLE = Type(
    "EXPORTS_UNAVAILABLE",
    ERROR,
    "The tree could not be configured or the helpers' unit could not be parsed",
    input=True,
)
FALLBACK = Type(
    "FALLBACK", WARNING, "A tool helperfix uses was missing or failed; a fallback was used"
)

# -- helper files --------------------------------------------------------------
MISSING_RUST_HELPER = Type(
    "MISSING_RUST_HELPER", WARNING, "Helper definition without __rust_helper"
)
UNDEFINED_RUST_HELPER = Type(
    "UNDEFINED_RUST_HELPER",
    ERROR,
    "A helper carries __rust_helper but the tree defines the macro nowhere: it does not build",
)
OBSOLETE_FALLBACK = Type(
    "OBSOLETE_RUST_HELPER_FALLBACK", WARNING, "Obsolete #ifndef __rust_helper fallback"
)
STRAY_DEFINE = Type("STRAY_RUST_HELPER_DEFINE", WARNING, "__rust_helper defined outside helpers.c")

# -- helpers.c -------------------------------------------------------------------
MISSING_BINDGEN_BLOCK = Type(
    "MISSING_BINDGEN_BLOCK", ERROR, "helpers.c lacks the __BINDGEN__ block"
)
DUPLICATE_BINDGEN_BLOCK = Type(
    "DUPLICATE_BINDGEN_BLOCK", WARNING, "helpers.c has the __BINDGEN__ block twice"
)
HELPER_NOT_INCLUDED = Type(
    "HELPER_NOT_INCLUDED", WARNING, "Helper file never included from helpers.c"
)
INCLUDE_MISSING_FILE = Type(
    "INCLUDE_MISSING_FILE", ERROR, "helpers.c includes a file that does not exist"
)
INCLUDE_ORDER = Type("INCLUDE_ORDER", CHECK, "helpers.c includes out of alphabetical order")

# -- the generated atomic.c --------------------------------------------------
ATOMIC_CHECKSUM = Type("ATOMIC_CHECKSUM", ERROR, "atomic.c's trailing sha1 line is wrong")
ATOMIC_OUT_OF_DATE = Type(
    "ATOMIC_OUT_OF_DATE", ERROR, "atomic.c differs from its generator's output"
)
ATOMIC_GENERATOR_MISSING = Type(
    "ATOMIC_GENERATOR_MISSING", ERROR, "atomic.c is generated but its generator is missing"
)
ATOMIC_GENERATOR_FAILED = Type(
    "ATOMIC_GENERATOR_FAILED", ERROR, "the atomic helper generator failed"
)

# -- patch mode ------------------------------------------------------------------
REMOVED_RUST_HELPER = Type(
    "REMOVED_RUST_HELPER", WARNING, "Patch removes __rust_helper from a helper"
)
PATCH_CONTEXT = Type(
    "PATCH_CONTEXT", CHECK, "Annotation changed where the hunk does not show the declaration"
)
RUST_HELPER_PENDING = Type(
    "RUST_HELPER_PENDING",
    CHECK,
    "Helper without __rust_helper in a tree that does not define the macro yet",
)
PATCH_PATH = Type(
    "PATCH_PATH", WARNING, "A patched path names rust/helpers/ but leaves it through '..'"
)

# -- series and export patches ------------------------------------------------
SERIES_NO_PREVIOUS = Type(
    "SERIES_NO_PREVIOUS",
    WARNING,
    "-v N without version N-1's branch: a new change-id and no 'Changes' section",
)
SERIES_OVER_LIMIT = Type(
    "SERIES_OVER_LIMIT", WARNING, "More patches than vger lists take at once (15)"
)
EXPORT_BY_HAND = Type(
    "EXPORT_BY_HAND", WARNING, "A symbol to export that cannot be patched safely: by hand"
)

# -- exports: what inlining the helpers would break ---------------------------------
HELPER_UNEXPORTED_SYMBOL = Type(
    "HELPER_UNEXPORTED_SYMBOL",
    ERROR,
    "An inlined helper reaches a symbol that is not exported: modpost fails for Rust modules "
    "(a CHECK where the tree does not inline helpers)",
)
HELPER_STATIC_IN_INLINE = Type(
    "HELPER_STATIC_IN_INLINE",
    ERROR,
    "An inlined helper uses a static function or variable: -Wstatic-in-inline, fatal with "
    "CONFIG_WERROR=y (else a WARNING; a CHECK where the tree does not inline helpers)",
)
HELPER_NAMESPACE_IMPORT = Type(
    "HELPER_NAMESPACE_IMPORT",
    CHECK,
    "An inlined helper reaches a namespaced export: the Rust module needs MODULE_IMPORT_NS",
)
HELPER_LINK_TRAP = Type(
    "HELPER_LINK_TRAP",
    CHECK,
    "An inlined helper reaches a link-error trap (declared, defined nowhere)",
)
