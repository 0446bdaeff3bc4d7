#!/usr/bin/env python3
"""Benchmark: ``helperfix check`` vs spatch in report mode on the late-2025 tree.

spatch runs a semantic patch that prints every function definition lacking
``__rust_helper``; helperfix runs its full lint (all rules), as a repeated
check (unchanged files come from its cache) and as a first one
(``--no-cache``).  All read a fresh copy each time; prints medians, the
ratio and how many unannotated helpers each reported.

    python3 scripts/bench_check.py [--runs 7] [--corpus DIR]
"""

from __future__ import annotations

import os
import tempfile

from benchlib import COCCI_ANNOTATED, corpus_args, helperfix, interleaved, spatch, table

REPORT = COCCI_ANNOTATED + """
@missing@
identifier f;
type T;
position p != annotated.p;
@@
T f@p(...) { ... }

@script:python@
p << missing.p;
f << missing.f;
@@
print("%s:%s: missing __rust_helper on %s" % (p[0].file, p[0].line, f))
"""


def main() -> int:
    args = corpus_args(__doc__)
    if args is None:
        return 2
    with tempfile.TemporaryDirectory(prefix="hf-bench-") as base:
        os.environ.setdefault("HELPERFIX_CACHE_DIR", os.path.join(base, "cache"))
        hf = helperfix(base, args.install)
        contenders = {
            # the tree was checked before (every round checks the same bytes)
            "helperfix check": lambda t: [*hf, "check", f"{t}/rust/helpers"],
            # a first check: every file parsed
            "helperfix check --no-cache": lambda t: [
                *hf,
                "check",
                "--no-cache",
                f"{t}/rust/helpers",
            ],
        }
        cocci = spatch(base, "report.cocci", REPORT)
        if cocci:
            contenders["spatch (report)"] = cocci

        def count(_: str, __: str, out: str) -> str:
            with open(out, errors="replace") as fh:
                text = fh.read()
            found = text.count("MISSING_RUST_HELPER") + text.count("missing __rust_helper")
            return f"reported {found} unannotated"

        times, counts = interleaved(args.corpus, base, contenders, args.runs, count)
    print(table(f"check, late-2025 tree, {args.install} install", times, "spatch (report)", counts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
