"""helperfix: annotate, lint and send the kernel's Rust C helpers."""

__version__ = "0.1.0"
