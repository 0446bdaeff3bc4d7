"""Patch mode (``helperfix check --patch``): reading mails (``mail``),
checking hunks and series (``check``, ``intree``), crediting findings to
patches (``origins``).  Its finding types are declared with all others, in
``findings``."""
