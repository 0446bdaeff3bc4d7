"""helperfix: annotate, lint and send the kernel's Rust C helpers.

For editors and other tools, the pure core::

    from helperfix import annotate_source
    new, diagnostics = annotate_source(data, "rust/helpers/foo.c")
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["annotate_source", "__version__"]


def __getattr__(name: str) -> Any:
    # Imported on first use: ``helperfix --version`` need not load libclang.
    if name == "annotate_source":
        from .core import annotate_source

        return annotate_source
    raise AttributeError(f"module 'helperfix' has no attribute {name!r}")
