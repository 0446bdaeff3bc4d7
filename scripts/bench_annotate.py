#!/usr/bin/env python3
"""Benchmark: helperfix annotate vs Coccinelle's spatch, side by side.

Both annotate every helper of a fresh copy of the late-2025 tree, in place,
several times, interleaved; prints the median wall time of each, the ratio,
and how many helpers each left annotated (counted by ``helperfix list``).

    python3 scripts/bench_annotate.py [--runs 7] [--corpus DIR]

Needs spatch (``apt-get install coccinelle``); without it only helperfix runs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

from benchlib import COCCI_ANNOTATED, corpus_args, helperfix, interleaved, spatch, table

# Add the attribute before every function definition's return type, unless it
# is already there (a rule that matches annotated definitions, and a position
# constraint, make it idempotent without skipping whole files).
SEMANTIC_PATCH = COCCI_ANNOTATED + """
@add@
attribute name __rust_helper;
identifier f;
type T;
position p != annotated.p;
@@
+ __rust_helper
T f@p(...) { ... }
"""


def annotated(_: str, tree: str, __: str) -> str:
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
    return f"annotated {sum(r['annotated'] for r in rows)}/{len(rows)}"


def main() -> int:
    args = corpus_args(__doc__)
    if args is None:
        return 2
    with tempfile.TemporaryDirectory(prefix="hf-bench-") as base:
        hf = [*helperfix(base, args.install), "annotate", "-q"]
        os.environ.setdefault("HELPERFIX_CACHE_DIR", os.path.join(base, "cache"))
        contenders = {
            "helperfix (annotate only)": lambda t: hf + ["--only", "annotate", f"{t}/rust/helpers"],
            "helperfix (full migration, generator cached)": lambda t: hf + [f"{t}/rust/helpers"],
        }
        cocci = spatch(base, "rust_helper.cocci", SEMANTIC_PATCH, "--in-place")
        jobs = str(os.cpu_count() or 1)
        ref = f"spatch -j {jobs}"
        if cocci:
            contenders["spatch"] = cocci
            # as many processes as helperfix may use (all cores)
            contenders[ref] = spatch(
                base, "rust_helper.cocci", SEMANTIC_PATCH, "--in-place", "-j", jobs
            )
        times, counts = interleaved(args.corpus, base, contenders, args.runs, annotated)
    print(table(f"annotate, late-2025 tree, {args.install} install", times, ref, counts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
