#!/usr/bin/env python3
"""Benchmark and cross-check: ``helperfix exports`` against the object file.

The peer is what a build can tell without inlining: rebuild
``rust/helpers/helpers.o`` in the same configured folder and list its
undefined symbols with ``llvm-nm -u``.  The script reports the median wall
time of both (warm: the folder configured, nothing cached by the peer), one
cold run of helperfix in an empty cache (configure, prepare, parse), and
how the two symbol sets differ, so every difference can be explained; then
the same cold and warm runs for another architecture (``--arch``, default
arm64, which LLVM=1 builds without a cross gcc) and how its symbols differ.

    python3 scripts/bench_exports.py [--runs 5] [--tree DIR] [--no-cold] [--arch arm64]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import linux_checkout
from benchlib import ENV

HERE = os.path.dirname(os.path.abspath(__file__))
KCFLAGS = "KCFLAGS=-Wno-missing-prototypes -Wno-missing-declarations"


def helperfix(tree: str, env: dict, *args: str) -> tuple[float, list[dict]]:
    t = time.perf_counter()
    r = subprocess.run(
        [sys.executable, "-m", "helperfix", "exports", "--format", "json", "-q", *args],
        cwd=tree,
        env=env,
        capture_output=True,
    )
    wall = time.perf_counter() - t
    if r.returncode not in (0, 1):
        sys.exit(f"helperfix exports failed: {r.stderr.decode()}")
    return wall, json.loads(r.stdout)


def peer(tree: str, build: str) -> tuple[float, set[str]]:
    obj = os.path.join(build, "rust/helpers/helpers.o")
    if os.path.exists(obj):
        os.unlink(obj)
    t = time.perf_counter()
    cmd = ["make", "-C", tree, f"O={build}", "LLVM=1", "-s", KCFLAGS, "rust/helpers/helpers.o"]
    subprocess.run(cmd, check=True, capture_output=True)
    nm = subprocess.run(["llvm-nm", "-u", obj], check=True, capture_output=True, text=True)
    wall = time.perf_counter() - t
    return wall, {line.split()[-1] for line in nm.stdout.splitlines() if line.strip()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--tree", help="a kernel tree (default: the 6.12 checkout)")
    ap.add_argument("--no-cold", action="store_true", help="skip the cold run")
    ap.add_argument(
        "--arch", default="arm64", help="also time this ARCH= (cold and warm); '' for none"
    )
    args = ap.parse_args()
    tree = args.tree or linux_checkout.checkout()
    if not tree:
        sys.exit("no kernel tree: apt-get install linux-source-6.12, or --tree DIR")
    env = {**ENV, "PYTHONPATH": os.path.join(HERE, "..")}
    with tempfile.TemporaryDirectory(prefix="hf-bench-exports-") as cache:
        env["HELPERFIX_CACHE_DIR"] = cache
        cold, rows = helperfix(tree, env)
        (build,) = (
            os.path.join(cache, "exports", d)
            for d in os.listdir(f"{cache}/exports")
            if os.path.isdir(os.path.join(cache, "exports", d))
        )
        warm_runs, peer_runs = [], []
        for _ in range(args.runs):
            warm_runs.append(helperfix(tree, env)[0])
            wall, undefined = peer(tree, build)
            peer_runs.append(wall)
    warm, other = statistics.median(warm_runs), statistics.median(peer_runs)
    if not args.no_cold:
        print(f"helperfix exports, cold (configure + prepare + parse): {cold:.1f} s")
    print(f"helperfix exports, warm: median {warm:.2f} s of {args.runs}")
    print(f"peer (rebuild helpers.o + llvm-nm -u): median {other:.2f} s ({other / warm:.1f}x)")
    reached = {r["symbol"] for r in rows}
    statuses = {r["symbol"]: r["status"] for r in rows}
    print(
        f"symbols: helperfix {len(reached)}, object file {len(undefined)}, "
        f"both {len(reached & undefined)}"
    )
    print(
        "only in the AST (kept by helperfix):",
        ", ".join(f"{s} [{statuses[s]}]" for s in sorted(reached - undefined)) or "-",
    )
    print(
        "only in the object (not seen by the AST):", ", ".join(sorted(undefined - reached)) or "-"
    )
    if args.arch:
        with tempfile.TemporaryDirectory(prefix="hf-bench-exports-") as cache:
            env["HELPERFIX_CACHE_DIR"] = cache
            cold, other_rows = helperfix(tree, env, "--arch", args.arch)
            runs = [helperfix(tree, env, "--arch", args.arch)[0] for _ in range(args.runs)]
        print(
            f"ARCH={args.arch}: cold {cold:.1f} s, warm median {statistics.median(runs):.2f} s; "
            f"{len({r['symbol'] for r in other_rows})} symbols"
        )
        mine = {r["symbol"] for r in other_rows}
        print(f"  only under {args.arch}: {', '.join(sorted(mine - reached)) or '-'}")
        print(f"  only on the host: {', '.join(sorted(reached - mine)) or '-'}")


if __name__ == "__main__":
    main()
