"""Types of ``helperfix exports`` (and ``check --exports``): what inlining
the helpers into a Rust module would need from the kernel's exports.

The findings come from the reach analysis of a configured tree
(``helperfix/exports``), not from a file or tree rule, so they are only
declared here: ``--list-types`` and SARIF know them like any other type.
"""

from __future__ import annotations

from ..diagnostics import CHECK, ERROR
from . import Type, declare

UNEXPORTED = Type(
    "HELPER_UNEXPORTED_SYMBOL",
    ERROR,
    "An inlined helper reaches a symbol that is not exported: modpost fails for Rust modules "
    "(a CHECK where the tree does not inline helpers)",
)
STATIC = Type(
    "HELPER_STATIC_IN_INLINE",
    ERROR,
    "An inlined helper uses a static function or variable: -Wstatic-in-inline, fatal with "
    "CONFIG_WERROR=y (else a WARNING; a CHECK where the tree does not inline helpers)",
)
NAMESPACE = Type(
    "HELPER_NAMESPACE_IMPORT",
    CHECK,
    "An inlined helper reaches a namespaced export: the Rust module needs MODULE_IMPORT_NS",
)
TRAP = Type(
    "HELPER_LINK_TRAP",
    CHECK,
    "An inlined helper reaches a link-error trap (declared, defined nowhere)",
)
UNAVAILABLE = Type(
    "EXPORTS_UNAVAILABLE",
    ERROR,
    "The tree could not be configured or the helpers' unit could not be parsed",
)

declare("exports", UNEXPORTED, STATIC, NAMESPACE, TRAP, name="exports")
declare("input", UNAVAILABLE, name="exports.input")
