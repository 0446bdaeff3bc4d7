"""A branch that ``b4 prep`` manages: helperfix's cover letter as b4's.

b4 (0.14 and later, cover strategy "commit") keeps a series' cover letter in
an empty commit at the start of the branch: the cover's subject and body,
its To/Cc trailers (b4 send adds those addresses), then a marker line and
b4's tracking data (change-id, revision, prefixes) as JSON; the branch's
config says ``b4-prep-cover-strategy = commit``.  With that, ``b4 prep
--show-info`` knows the series, and ``b4 send`` sends it.
"""

from __future__ import annotations

import json

MARKER = "--- b4-submit-tracking ---"


def cover_message(
    subject: str,
    blurb: str,
    to: list[str],
    cc: list[str],
    change_id: str,
    revision: int,
    prefixes: list[str],
    history: dict[str, list[str]],
) -> str:
    trailers = "".join(f"To: {x}\n" for x in to) + "".join(f"Cc: {x}\n" for x in cc)
    series = {
        "revision": revision,
        "change-id": change_id,
        "prefixes": prefixes,
        "presubject": "",
    }
    if history:
        series["history"] = history
    tracking = json.dumps({"series": series}, indent=2)
    return (
        f"{subject}\n\n{blurb}\n\n{trailers}\n{MARKER}\n"
        "# This section is used internally by b4 prep for tracking purposes.\n"
        f"{tracking}\n"
    )


CONFIG = {"b4-prep-cover-strategy": "commit"}
