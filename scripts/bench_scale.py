#!/usr/bin/env python3
"""Scale: wall time and peak RSS of ``annotate`` and ``check`` on generated
trees of 100, 1,000 and 10,000 helper files, with 1 and with all cores.

    python3 scripts/bench_scale.py [--sizes 100,1000,10000]

Prints a Markdown table (the one in docs/benchmarks.md came from this).
Peak RSS is the largest of the helperfix process and its workers, measured
through a small launcher process.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile

import gentree

# A small process forks and execs the command, then reports its peak RSS:
# measured straight from this (large) process, a child's ru_maxrss would
# include the pages it inherited before exec.
_TRAMPOLINE = """
import os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    os.execvp(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(usage.ru_maxrss, time.perf_counter() - start)
"""


def measure(cmd: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB, over the process and its workers)."""
    out = subprocess.run([sys.executable, "-c", _TRAMPOLINE, *cmd], capture_output=True, text=True)
    rss, wall = out.stdout.split()
    return float(wall), int(rss)


def cpu() -> str:
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100,1000,10000")
    args = ap.parse_args()
    cores = os.cpu_count() or 1
    hf = [sys.executable, "-m", "helperfix"]
    print(f"Machine: {cores} cores, {cpu()}, Python {platform.python_version()}\n")
    print("| files | helpers | command | jobs | wall (s) | ms/file | peak RSS (MiB) |")
    print("| ---: | ---: | --- | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory(prefix="hf-scale-") as base:
        os.environ.setdefault("HELPERFIX_CACHE_DIR", os.path.join(base, "cache"))
        for n in [int(x) for x in args.sizes.split(",")]:
            tree = os.path.join(base, f"t{n}")
            gentree.make(tree, n)
            helpers = os.path.join(tree, "rust", "helpers")
            listing = subprocess.run([*hf, "list", "--json", helpers], capture_output=True).stdout
            count = listing.count(b'"name"')
            for jobs in sorted({1, cores}):
                runs = [
                    ("check", [*hf, "check", "-j", str(jobs), helpers]),
                    ("annotate", [*hf, "annotate", "-q", "-j", str(jobs), helpers]),
                ]
                for name, cmd in runs:
                    work = os.path.join(base, "work")
                    shutil.copytree(tree, work)
                    cmd = [c.replace(tree, work) for c in cmd]
                    wall, rss = measure(cmd)
                    shutil.rmtree(work)
                    per = wall * 1000 / n
                    row = (n, count, name, jobs, f"{wall:.2f}", f"{per:.1f}", f"{rss / 1024:.0f}")
                    print("| " + " | ".join(map(str, row)) + " |")
            shutil.rmtree(tree)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
