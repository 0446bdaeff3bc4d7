"""Peak memory of ``helperfix check --patch`` on a large mbox.

Writes an mbox of format-patch-shaped mails (a series touching many files
outside rust/helpers/, one patch adding a helper), then runs the gate on it
from a file and from stdin, and reports wall time and peak RSS (the child's
``ru_maxrss``).  A gate is streamed when its peak does not grow with the mbox.

    python3 scripts/bench_patch_memory.py [--mb 200] [--runs 1]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

HELPER_PATCH = """\
diff --git a/rust/helpers/mem.c b/rust/helpers/mem.c
--- a/rust/helpers/mem.c
+++ b/rust/helpers/mem.c
@@ -1,3 +1,8 @@
 // SPDX-License-Identifier: GPL-2.0

 #include <linux/mm.h>
+
+int rust_helper_big_mbox(int x)
+{
+	return x;
+}
"""


def _mail(n: int, total: int, body: str) -> str:
    return (
        f"From {n:040x} Mon Sep 17 00:00:00 2001\n"
        "From: Dev One <dev@example.org>\n"
        f"Date: Mon, 1 Dec 2025 00:00:{n % 60:02d} +0000\n"
        f"Subject: [PATCH {n}/{total}] drivers: part {n}\n"
        f"Message-Id: <{n}.bench@example.org>\n\n"
        f"Part {n} of a large series.\n\nSigned-off-by: Dev One <dev@example.org>\n---\n"
        f"{body}--\n2.39.5\n\n"
    )


def _driver_patch(n: int, lines: int) -> str:
    added = "".join(f"+\tvalue_{n}_{i} = compute({i}, {n});\n" for i in range(lines))
    return (
        f"diff --git a/drivers/bench/part{n}.c b/drivers/bench/part{n}.c\n"
        f"--- a/drivers/bench/part{n}.c\n+++ b/drivers/bench/part{n}.c\n"
        f"@@ -1,1 +1,{lines + 1} @@\n int x;\n{added}"
    )


def write_mbox(path: str, megabytes: int) -> int:
    """An mbox of about ``megabytes`` MB; returns how many mails."""
    per_mail = 130_000  # bytes: a large patch, as big refactors send
    total = max(2, megabytes * 1_000_000 // per_mail)
    lines = per_mail // 40
    with open(path, "w") as fh:
        for n in range(1, total + 1):
            body = HELPER_PATCH if n == total // 2 else _driver_patch(n, lines)
            fh.write(_mail(n, total, body))
    return total


def measure(args: list[str], stdin: str | None = None) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MiB) and exit status of one run in a child."""
    script = (
        "import resource, subprocess, sys, time\n"
        "start = time.monotonic()\n"
        "inp = open(sys.argv[1], 'rb') if sys.argv[1] != '-' else None\n"
        "p = subprocess.run(sys.argv[2:], stdin=inp, stdout=subprocess.DEVNULL)\n"
        "wall = time.monotonic() - start\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "print(f'{wall} {peak} {p.returncode}')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, stdin or "-", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": ROOT},
        check=True,
    ).stdout.split()
    return float(out[0]), float(out[1]), int(out[2])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=int, default=200, help="size of the mbox (default 200 MB)")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        mbox = os.path.join(tmp, "series.mbox")
        n = write_mbox(mbox, a.mb)
        size = os.path.getsize(mbox) / (1 << 20)
        print(f"mbox: {size:.0f} MiB, {n} mails, one adding a helper")
        cmd = [sys.executable, "-m", "helperfix", "check", "--patch"]
        for how, args, stdin in (("file", [*cmd, mbox], None), ("stdin", [*cmd, "-"], mbox)):
            wall, peak, status = measure(args, stdin)
            print(f"check --patch ({how}): {wall:.1f} s, peak RSS {peak:.0f} MiB, exit {status}")
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"(this script itself: {base:.0f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
