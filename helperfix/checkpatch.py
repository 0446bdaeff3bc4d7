"""Keep patches free of checkpatch noise about code they did not write.

Re-wrapping a declaration re-emits its line in the patch, and the tree's
checkpatch.pl then flags whatever that line already held (a ``volatile``
parameter, ``BUG`` in a helper's name).  When the tree has checkpatch.pl, the
re-emitted lines of every annotation are checked in one run; an annotation
whose lines would be flagged goes on a line of its own instead, leaving the
declaration byte for byte (a layout upstream accepts).
"""

from __future__ import annotations

import os
import re
import shutil

from . import proc

SCRIPT = os.path.join("scripts", "checkpatch.pl")
_FINDING = re.compile(rb"^[^:]+:(\d+): (?:ERROR|WARNING):")
_HEADER = b"// SPDX-License-Identifier: GPL-2.0\n\n"


def unavailable(root: str) -> str:
    """Why the tree's checkpatch.pl cannot be asked ("" when it can)."""
    if not os.path.isfile(os.path.join(root, SCRIPT)):
        return f"no {SCRIPT} in the tree"
    if shutil.which("perl") is None:
        return "perl is not installed"
    return ""


def flagged(root: str, probes: list[bytes]) -> tuple[set[int], str]:
    """Indices of the probes (each a declaration's new lines, followed here
    by an empty body) on whose own lines checkpatch reports an error or
    warning, and why checkpatch failed ("" when it ran)."""
    body = [_HEADER]
    owner: dict[int, int] = {}
    line = 3
    for i, probe in enumerate(probes):
        text = probe.replace(b"\r\n", b"\n").rstrip(b"\n") + b"\n"
        for _ in range(text.count(b"\n")):
            owner[line] = i
            line += 1
        body.append(text + b"{\n}\n\n")
        line += 3
    new = b"".join(body)
    n = new.count(b"\n")
    added = b"".join(b"+" + ln + b"\n" for ln in new.split(b"\n")[:n])
    patch = (
        b"diff --git a/rust/helpers/helperfix-probe.c b/rust/helpers/helperfix-probe.c\n"
        b"new file mode 100644\n--- /dev/null\n+++ b/rust/helpers/helperfix-probe.c\n"
        + b"@@ -0,0 +1,%d @@\n" % n
        + added
    )
    cmd = ["perl", SCRIPT, "--no-tree", "-q", "--terse", "--no-summary", "--showfile", "-"]
    try:  # in annotate's workers: let it finish, the batch stops right after
        p = proc.run(cmd, cwd=root, input=patch, timeout=120, interruptible=False)
    except proc.TimeoutExpired:
        return set(), "it ran for more than 120 s"
    except OSError as e:
        return set(), str(e)
    if p.returncode not in (0, 1) or (p.returncode and not p.stdout.strip()):
        return set(), f"it failed: {proc.complaint(p)}"
    hits = set()
    for out in p.stdout.splitlines():
        m = _FINDING.match(out)
        if m and int(m.group(1)) in owner:
            hits.add(owner[int(m.group(1))])
    return hits, ""
