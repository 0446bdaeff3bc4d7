"""Parse the helpers' unit with libclang, with the flags the build used."""

from __future__ import annotations

import os
import re

import clang.cindex as ci

from .flags import Command

_UNKNOWN = re.compile(r"unknown argument: '([^']+)'")


class UnitError(Exception):
    """The unit does not parse: the message names file and line."""


def parse(command: Command, say=None) -> ci.TranslationUnit:
    """The translation unit; an option this libclang does not know (the tree
    was built by another clang) is dropped once, and said."""
    args = list(command.args)
    for _ in range(2):
        try:
            tu = ci.Index.create().parse(command.source, args=args)
        except ci.TranslationUnitLoadError as e:
            raise UnitError(f"{command.source}: libclang cannot parse it ({e})") from e
        unknown = [m[1] for d in tu.diagnostics if (m := _UNKNOWN.search(d.spelling))]
        if not unknown:
            break
        if say:
            say(f"libclang does not know {', '.join(unknown)} (from {command.origin}); dropped")
        args = [a for a in args if a not in unknown]
    errors = [d for d in tu.diagnostics if d.severity >= ci.Diagnostic.Error]
    if errors:
        shown = [_where(d) for d in errors[:5]]
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        count = f"{len(errors)} error" + ("s" if len(errors) > 1 else "")
        raise UnitError(
            f"{count} parsing {command.source} with the flags of {command.origin}:\n  "
            + "\n  ".join(shown)
            + more
        )
    return tu


def _where(d: ci.Diagnostic) -> str:
    loc = d.location
    path = os.path.relpath(loc.file.name) if loc.file else "<command line>"
    return f"{path}:{loc.line}: error: {d.spelling}"
