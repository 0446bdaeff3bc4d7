#!/usr/bin/env python3
"""Benchmark: helperfix annotate vs Coccinelle's spatch, side by side.

Both annotate every helper of a fresh copy of the late-2025 tree, in place,
several times; the script prints the median wall time of each, the ratio, and
how many helpers each left annotated (counted by ``helperfix list``).

    python3 scripts/bench_annotate.py [--runs 7] [--corpus ../shared/corpus/linux-late-2025]

Needs spatch (``apt-get install coccinelle``); without it only helperfix runs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CORPUS = os.path.join(HERE, "..", "..", "shared", "corpus", "linux-late-2025")

# Add the attribute before every function definition's return type, unless it
# is already there (a rule that matches annotated definitions, and a position
# constraint, make it idempotent without skipping whole files).
SEMANTIC_PATCH = """\
@annotated@
attribute name __rust_helper;
identifier f;
type T;
position p;
@@
__rust_helper T f@p(...) { ... }

@add@
attribute name __rust_helper;
identifier f;
type T;
position p != annotated.p;
@@
+ __rust_helper
T f@p(...) { ... }
"""


def fresh_copy(corpus: str, base: str, n: int) -> str:
    dst = os.path.join(base, f"tree{n}")
    shutil.copytree(corpus, dst)
    for dirpath, _, files in os.walk(dst):
        os.chmod(dirpath, 0o755)
        for f in files:
            os.chmod(os.path.join(dirpath, f), 0o644)
    return dst


def timed(cmd: list[str], cwd: str | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def annotated(tree: str) -> tuple[int, int]:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "helperfix",
            "list",
            "--json",
            os.path.join(tree, "rust", "helpers"),
        ],
        capture_output=True,
        check=False,
    ).stdout
    rows = json.loads(out or b"[]")
    return sum(r["annotated"] for r in rows), len(rows)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--corpus", default=DEFAULT_CORPUS)
    args = ap.parse_args()
    if not os.path.isdir(args.corpus):
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 2
    spatch = shutil.which("spatch")
    helperfix = [sys.executable, "-m", "helperfix", "annotate", "-q"]
    contenders = {
        "helperfix (annotate only)": lambda t: helperfix
        + ["--only", "annotate", f"{t}/rust/helpers"],
        "helperfix (full migration, generator cached)": lambda t: helperfix + [f"{t}/rust/helpers"],
    }
    with tempfile.TemporaryDirectory(prefix="hf-bench-") as base:
        cocci = os.path.join(base, "rust_helper.cocci")
        with open(cocci, "w") as fh:
            fh.write(SEMANTIC_PATCH)
        if spatch:
            contenders["spatch"] = lambda t: [
                spatch,
                "--very-quiet",
                "--in-place",
                "--sp-file",
                cocci,
                "--dir",
                f"{t}/rust/helpers",
            ]
        times: dict[str, list[float]] = {k: [] for k in contenders}
        counts: dict[str, tuple[int, int]] = {}
        n = 0
        os.environ.setdefault("HELPERFIX_CACHE_DIR", os.path.join(base, "cache"))
        for run in range(args.runs + 1):  # run 0 warms caches and is not counted
            for name, cmd in contenders.items():  # interleaved, so load hits all alike
                tree = fresh_copy(args.corpus, base, n)
                n += 1
                t = timed(cmd(tree))
                if run:
                    times[name].append(t)
                counts[name] = annotated(tree)
                shutil.rmtree(tree)
    print(
        f"late-2025 tree, {args.runs} runs each, median wall time (machine: {os.cpu_count()} cores)"
    )
    ref = statistics.median(times["spatch"]) if "spatch" in times else None
    for name, ts in times.items():
        med = statistics.median(ts)
        ratio = f"  {ref / med:4.1f}x spatch's speed" if ref and name != "spatch" else ""
        done, total = counts[name]
        print(f"  {name:46s} {med * 1000:7.0f} ms  annotated {done}/{total}{ratio}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
