"""A patch's diff and the helper files it touches, as patch mode reads
them: paths normalised before the ``rust/helpers/`` test."""

from __future__ import annotations

import posixpath

import unidiff

from ...diagnostics import Diagnostic
from ...findings import PATCH_PATH
from ...kernel.paths import HELPERS
from .inbox import Mail

PREFIX = HELPERS + "/"


class PatchError(Exception):
    pass


def parse(mail: Mail) -> unidiff.PatchSet:
    try:
        return unidiff.PatchSet(mail.text)
    except unidiff.UnidiffParseError as e:
        raise PatchError(f"malformed patch '{mail.origin}': {e}") from e


def _target(pf: unidiff.PatchedFile) -> str | None:
    path = pf.target_file
    if path == "/dev/null":
        return None
    return path[2:] if path.startswith("b/") else path


def helper_files(
    mail: Mail, ps: unidiff.PatchSet, findings: list[Diagnostic] | None = None
) -> list[tuple[unidiff.PatchedFile, str]]:
    """The patch's helper files (``rust/helpers/**/*.c``), paths normalised
    first: a path that leaves rust/helpers/ through ``..`` is not a helper
    file, and is reported (into ``findings``)."""
    out = []
    for pf in ps:
        raw = _target(pf)
        if raw is None:
            continue  # deleted
        path = posixpath.normpath(raw)
        if raw.startswith(PREFIX) and not path.startswith(PREFIX):
            if findings is not None:
                msg = f"path {raw} leaves rust/helpers/ (it is {path}): not a helper file"
                findings.append(PATCH_PATH(path, 0, msg, origin=mail.origin))
            continue
        if not path.startswith(PREFIX) or not path.endswith(".c"):
            continue  # outside rust/helpers/: not this gate's business
        if pf.is_binary_file:
            raise PatchError(f"'{mail.origin}': binary patch for {path}: cannot check it")
        out.append((pf, path))
    return out
