#!/usr/bin/env python3
"""Benchmark: ``helperfix series`` on a full kernel checkout, stage by stage.

Runs the series on the full git checkout of Debian's linux-source-6.12
(``scripts/linux_checkout.py`` makes it once), several times, and reports the
median wall time of each stage, read from the time each progress line
reaches stderr, and of the whole run.  The branch and patches are removed
between runs.

    python3 scripts/bench_series.py [--runs 5] [--tree DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import linux_checkout

HERE = os.path.dirname(os.path.abspath(__file__))
STAGES = [
    ("read", "series: read"),
    ("rewrite", "series: annotated"),
    ("commits", "commits on"),
    ("format-patch + recipients", "series: recipients"),
]


def one_run(tree: str, out: str) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": os.path.dirname(HERE)}
    start = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "helperfix", "series", "-o", out],
        cwd=tree,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    seen: dict[str, float] = {}
    for line in proc.stderr:
        for name, key in STAGES:
            if key in line and name not in seen:
                seen[name] = time.monotonic() - start
    if proc.wait() != 0:
        raise SystemExit(f"series failed (exit {proc.returncode})")
    total = time.monotonic() - start
    marks, prev = {}, 0.0
    for name, _ in STAGES:
        marks[name] = seen[name] - prev
        prev = seen[name]
    marks["publish + exit"] = total - prev
    marks["total"] = total
    subprocess.run(["git", "branch", "-q", "-D", "rust-helper-annotations"], cwd=tree, check=True)
    shutil.rmtree(out)
    return marks


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--tree", help="a kernel git checkout (default: linux-source-6.12)")
    args = ap.parse_args()
    tree = args.tree or linux_checkout.checkout()
    if tree is None:
        print("no linux-source-6.12 (apt-get install linux-source-6.12)", file=sys.stderr)
        return 1
    files = subprocess.run(
        ["git", "ls-files"], cwd=tree, capture_output=True, text=True, check=True
    ).stdout.count("\n")
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.runs):
            runs.append(one_run(tree, os.path.join(tmp, f"out{i}")))
    how = f"median of {args.runs} runs, {os.cpu_count()} cores"
    print(f"helperfix series on {tree} ({files} files), {how}")
    for name in runs[0]:
        print(f"  {name:<28} {statistics.median(r[name] for r in runs):6.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
