"""Shared plumbing for the benchmarks: fresh tree copies, interleaved timed
runs (so machine load hits every contender alike), a median table."""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

HERE = os.path.dirname(os.path.abspath(__file__))
# The shared data: $HELPERFIX_SHARED (as the tests honour it), else ../shared.
SHARED = os.environ.get("HELPERFIX_SHARED") or os.path.join(HERE, "..", "..", "shared")
CORPUS = os.path.join(SHARED, "corpus", "linux-late-2025")

Command = Callable[[str], list[str]]  # tree -> argv

# Coccinelle: a rule matching definitions already annotated, whose positions
# the other rules then skip (idempotency without skipping whole files).
COCCI_ANNOTATED = """\
@annotated@
attribute name __rust_helper;
identifier f;
type T;
position p;
@@
__rust_helper T f@p(...) { ... }
"""


def spatch(base: str, name: str, semantic_patch: str, *flags: str) -> Command | None:
    """A contender running Coccinelle's spatch with ``semantic_patch`` over a
    tree's rust/helpers, or None when spatch is not installed."""
    exe = shutil.which("spatch")
    if exe is None:
        return None
    cocci = os.path.join(base, name)
    with open(cocci, "w") as fh:
        fh.write(semantic_patch)
    return lambda t: [exe, "--very-quiet", *flags, "--sp-file", cocci, "--dir", f"{t}/rust/helpers"]


def corpus_args(doc: str) -> argparse.Namespace | None:
    """--runs, --corpus and --install, shared by the corpus benchmarks; None
    (after a message) when the corpus is missing."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--corpus", default=CORPUS)
    ap.add_argument(
        "--install",
        choices=("venv", "current"),
        default="venv",
        help="venv: time the helperfix script of a regular install in a fresh "
        "virtual environment, as users install it (default); current: this "
        "interpreter's helperfix (an editable install pays for its import hook)",
    )
    args = ap.parse_args()
    if not os.path.isdir(args.corpus):
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return None
    return args


def helperfix(base: str, install: str) -> list[str]:
    """The command that runs helperfix: the ``helperfix`` script of a regular
    (not editable) install into a new virtual environment under ``base``, or
    this interpreter's module."""
    if install == "current":
        return [sys.executable, "-m", "helperfix"]
    venv = os.path.join(base, "venv")
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    pip = [os.path.join(venv, "bin", "python"), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, os.path.join(HERE, "..")], check=True, stdout=subprocess.DEVNULL)
    return [os.path.join(venv, "bin", "helperfix")]


def fresh_copy(corpus: str, dst: str) -> str:
    shutil.copytree(corpus, dst)
    for dirpath, _, files in os.walk(dst):
        os.chmod(dirpath, 0o755)
        for f in files:
            os.chmod(os.path.join(dirpath, f), 0o644)
    return dst


# As on a user's machine, Python caches compiled modules: a sandbox's
# PYTHONDONTWRITEBYTECODE would make every run recompile helperfix.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: list[str], out: str = os.devnull) -> float:
    start = time.perf_counter()
    with open(out, "wb") as fh:
        subprocess.run(cmd, stdout=fh, stderr=subprocess.DEVNULL, check=False, env=ENV)
    return time.perf_counter() - start


def interleaved(
    corpus: str,
    base: str,
    contenders: dict[str, Command],
    runs: int,
    after: Callable[[str, str, str], str],
) -> tuple[dict[str, list[float]], dict[str, str]]:
    """Run every contender ``runs`` times (plus one uncounted warm-up) on a
    fresh copy each time; ``after(name, tree, stdout_file)`` describes the
    last result."""
    times: dict[str, list[float]] = {k: [] for k in contenders}
    results: dict[str, str] = {}
    n = 0
    for run in range(runs + 1):
        for name, cmd in contenders.items():
            tree = fresh_copy(corpus, os.path.join(base, f"tree{n}"))
            n += 1
            out = os.path.join(base, f"out{n}")
            t = timed(cmd(tree), out)
            if run:
                times[name].append(t)
            results[name] = after(name, tree, out)
            shutil.rmtree(tree)
    return times, results


def table(title: str, times: dict[str, list[float]], ref: str, extra: dict[str, str]) -> str:
    """Median wall times, and each contender's time as a share of ``ref``'s:
    the median of the per-round ratios (contenders run in turn each round,
    so a slow spell of the machine hits both sides of a ratio alike)."""
    lines = [f"{title} (median of {len(next(iter(times.values())))} runs, {os.cpu_count()} cores)"]
    for name, ts in times.items():
        med = statistics.median(ts)
        share = ""
        if ref in times and name != ref:
            ratio = statistics.median(t / r for t, r in zip(ts, times[ref]))
            share = f"  {ratio:5.2f}x {ref}'s time"
        lines.append(f"  {name:46s} {med * 1000:7.0f} ms  {extra.get(name, '')}{share}")
    return "\n".join(lines)
