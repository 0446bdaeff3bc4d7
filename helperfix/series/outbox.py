"""The mails of a series: the cover letter's text and each patch's To/Cc."""

from __future__ import annotations

import datetime
import email.policy
import os
import re
import secrets
import shutil
from concurrent.futures import ThreadPoolExecutor

from .. import signals
from ..diagnostics import Diagnostic
from ..findings import FALLBACK
from . import maintainers as mt

SUBJECT = "rust: add __rust_helper to helpers"


def fill_cover(path: str, blurb: str, slug: str, change_id: str | None = None) -> str:
    """Subject, blurb and b4's ``change-id:`` in git's cover template; returns
    the change-id used."""
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    text = text.replace("*** SUBJECT HERE ***", SUBJECT)
    text = text.replace("*** BLURB HERE ***", blurb)
    if change_id is None:
        today = datetime.date.today().strftime("%Y%m%d")
        change_id = f"{today}-{slug}-{secrets.token_hex(6)}"
    text = re.sub(
        r"^(base-commit: \S+)$",
        lambda m: m.group(1) + "\nchange-id: " + change_id,
        text,
        count=1,
        flags=re.M,
    )
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    return change_id


def add_recipients(path: str, r: mt.Recipients) -> None:
    policy = email.policy.default.clone(linesep="\n", max_line_length=78)
    with open(path, encoding="utf-8", errors="surrogateescape") as fh:
        text = fh.read()
    head, sep, body = text.partition("\n\n")
    extra = "".join(policy.fold(k, ", ".join(v)) for k, v in (("To", r.to), ("Cc", r.cc)) if v)
    with open(path, "w", encoding="utf-8", errors="surrogateescape") as fh:
        fh.write(head + "\n" + extra.rstrip("\n") + sep + body)


def recipients(
    root: str, patches: list[str], jobs: int
) -> tuple[list[mt.Recipients], list[Diagnostic]]:
    """To/Cc for each patch: the tree's get_maintainer.pl (one perl run per
    patch, ``jobs`` at a time) or, where it is missing or fails, the built-in
    MAINTAINERS reader; a failure is a FALLBACK finding, once, with its
    reason."""
    use_script = os.path.isfile(os.path.join(root, "scripts", "get_maintainer.pl"))
    use_script = use_script and shutil.which("perl") is not None
    path = os.path.join(root, "MAINTAINERS")
    sections = mt.parse(path) if os.path.isfile(path) else []
    failures: list[str] = []

    def one(p: str) -> mt.Recipients | None:
        if signals.pending():
            return None
        r, why = mt.run_script(root, p) if use_script else (None, "")
        if r is None:
            if why:
                failures.append(f"{os.path.basename(p)}: {why}")
            with open(p, encoding="utf-8", errors="replace") as fh:
                text = fh.read()
            r = mt.builtin(sections, mt.patch_files(text), root, text)
        return r

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        out = list(pool.map(one, patches))
    signals.checkpoint()
    notes = []
    if failures:
        msg = (
            f"get_maintainer.pl failed on {len(failures)} of {len(patches)} patches "
            f"(first: {failures[0]}); their To/Cc come from the built-in MAINTAINERS reader"
        )
        notes.append(FALLBACK("helperfix", 0, msg))
    return [r for r in out if r is not None], notes
