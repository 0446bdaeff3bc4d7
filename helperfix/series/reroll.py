"""Rerolls: v2 keeps v1's change-id and says what changed since v1.

What a version needs later (its change-id, base, version and the cover
letter's Message-Id) is stored with its branch, in the repository's config
(``branch.<name>.helperfix-*``), as b4 stores its tracking data with the
branch.  ``-v N`` finds version N-1's branch, reuses its change-id, and the
cover letter gets ``Changes in vN:`` (rebased, helpers, layouts) and
``Link to vN-1:`` when the earlier Message-Id is known.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from ..c.scan import scan
from ..c.source import Source
from ..kernel.paths import ATOMIC_DIR, HELPERS
from .git import SeriesError, git, text

_KEYS = ("change-id", "version", "base", "msgid")
_MSGID = re.compile(r"^Message-I[dD]: <([^>]+)>", re.M)


@dataclass
class Stored:
    branch: str
    change_id: str = ""
    version: int = 1
    base: str = ""
    msgid: str = ""
    tip: str = ""


def branch_name(stem: str, version: int | None) -> str:
    return stem + (f"-v{version}" if version and version > 1 else "")


def load(repo: str, branch: str) -> Stored | None:
    """What an earlier ``helperfix series`` stored with ``branch``."""
    try:
        tip = text(repo, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}").strip()
    except SeriesError:
        return None
    found = Stored(branch, tip=tip)
    for key in _KEYS:
        try:
            value = text(repo, "config", f"branch.{branch}.helperfix-{key}").strip()
        except SeriesError:
            continue
        setattr(found, key.replace("-", "_"), int(value) if key == "version" else value)
    return found if found.change_id else None


def cover_msgid(cover_path: str) -> str:
    with open(cover_path, encoding="utf-8", errors="replace") as fh:
        m = _MSGID.search(fh.read().split("\n\n", 1)[0])
    return m.group(1) if m else ""


def _helpers(repo: str, rev: str, path: str, env: dict) -> tuple[set[str], bytes]:
    try:
        data = git(repo, "show", f"{rev}:{path}", env=env)
    except SeriesError:
        return set(), b""
    return {d.name for d in scan(Source(path, data)).definitions if d.annotated}, data


def changes(repo: str, prev: Stored, tip: str, base: str, env: dict) -> list[str]:
    """``Changes in vN`` bullets: what differs from the previous version."""
    out = []
    if prev.base and prev.base != base:
        out.append(f"Rebased onto {base[:12]} (v{prev.version} was on {prev.base[:12]}).")
    names = git(
        repo, "diff", "--name-only", prev.tip, tip, "--", HELPERS, ATOMIC_DIR, env=env
    ).decode()
    for path in names.split():
        old, old_data = _helpers(repo, prev.tip, path, env)
        new, new_data = _helpers(repo, tip, path, env)
        stem = os.path.relpath(path, HELPERS) if path.startswith(HELPERS) else path
        if new - old or old - new:
            parts = []
            if new - old:
                parts.append("now annotates " + ", ".join(sorted(new - old)))
            if old - new:
                parts.append("no longer annotates " + ", ".join(sorted(old - new)))
            out.append(f"{stem}: {'; '.join(parts)}.")
        elif old_data != new_data:
            out.append(f"{stem}: layout changed.")
    return out or ["No change to the patches (resend)."]
