"""Patch mode (``helperfix check --patch``): reading mails (``mail``),
checking hunks and series (``check``), crediting findings to patches
(``origins``).  Only the types are declared here, so that a tree check, which
loads every rule module, does not pay for the mail and diff parsers."""

from __future__ import annotations

from ...diagnostics import CHECK, WARNING
from .. import Type, declare

REMOVED = Type("REMOVED_RUST_HELPER", WARNING, "Patch removes __rust_helper from a helper")
HIDDEN = Type(
    "PATCH_CONTEXT", CHECK, "Annotation changed where the hunk does not show the declaration"
)
PENDING = Type(
    "RUST_HELPER_PENDING",
    CHECK,
    "Helper without __rust_helper in a tree that does not define the macro yet",
)
PATH = Type("PATCH_PATH", WARNING, "A patched path names rust/helpers/ but leaves it through '..'")
declare("patch", REMOVED, HIDDEN, PENDING, PATH, name="patch")
