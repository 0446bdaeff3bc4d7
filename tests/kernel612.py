"""Scripts from Debian's linux-source-6.12 (checkpatch.pl, get_maintainer.pl),
extracted once per test session; None when the package is not installed."""

from __future__ import annotations

import glob
import os
import subprocess
import tarfile
from pathlib import Path

NEEDED = ["checkpatch.pl", "get_maintainer.pl", "spelling.txt", "const_structs.checkpatch"]


def extract(dest: Path) -> Path | None:
    tarballs = sorted(glob.glob("/usr/src/linux-source-6.12*.tar.xz"))
    if not tarballs:
        return None
    out = dest / "scripts"
    if all((out / n).exists() for n in NEEDED):
        return out
    out.mkdir(parents=True, exist_ok=True)
    members = [f"{os.path.basename(tarballs[0])[: -len('.tar.xz')]}/scripts/{n}" for n in NEEDED]
    # tar reads the xz stream once; Python's tarfile would seek through it per member
    p = subprocess.run(
        ["tar", "-xJf", tarballs[0], "-C", str(out), "--strip-components=2", *members],
        capture_output=True,
    )
    if p.returncode != 0:
        with tarfile.open(tarballs[0]) as tf:  # fall back to Python's reader
            for m in members:
                member = tf.getmember(m)
                member.name = os.path.basename(m)
                tf.extract(member, out, filter="data")
    return out if all((out / n).exists() for n in NEEDED) else None
