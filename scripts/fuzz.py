#!/usr/bin/env python3
"""Fuzz helperfix annotate with mutated real helper files.

Mutations: inserted and deleted tokens, unbalanced #if/#endif, unterminated
comments and strings, random bytes, mixed CRLF, 5,000-character lines,
truncations, duplicated functions.  For every case: no exception escapes;
every failure is a ``path:line: error:`` diagnostic with a real line; every
successful rewrite keeps the token stream (``__rust_helper`` aside) and a
second run changes nothing.

    python3 scripts/fuzz.py [--cases 10000] [--seed 1] [--batch 200] [--samples-only]

Exit status 1 if any case fails; failing inputs are saved under --keep DIR.
"""

from __future__ import annotations

import argparse
import glob
import os
import random
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from helperfix import engine  # noqa: E402
from helperfix.c.lex import COMMENT, tokenize  # noqa: E402
from helperfix.diagnostics import ERROR  # noqa: E402
from helperfix.mode import Mode  # noqa: E402

CORPUS = os.path.join(benchlib.CORPUS, "rust", "helpers")  # honours $HELPERFIX_SHARED
SAMPLES = os.path.join(HERE, "..", "samples")
TOKENS = [b"{", b"}", b"(", b")", b";", b",", b"*", b"#", b'"', b"'", b"/*", b"*/", b"//"]
TOKENS += [b"\\", b"int ", b"void ", b"static ", b"__rust_helper ", b"__must_check ", b"##", b"\n"]
_FUNC = re.compile(rb"^[A-Za-z_].*\n(?:.*\n)*?\}\n", re.M)


def _pos(rng: random.Random, data: bytes) -> int:
    return rng.randint(0, len(data))


def _line_start(rng: random.Random, data: bytes) -> int:
    starts = [0] + [m.end() for m in re.finditer(rb"\n", data)]
    return rng.choice(starts)


def insert_token(rng, d):
    p = _pos(rng, d)
    return d[:p] + rng.choice(TOKENS) + d[p:]


def delete_span(rng, d):
    p = _pos(rng, d)
    return d[:p] + d[p + rng.randint(1, 20) :]


def unbalanced_if(rng, d):
    p = _line_start(rng, d)
    return (
        d[:p] + rng.choice([b"#ifdef CONFIG_FUZZ\n", b"#endif\n", b"#else\n", b"#if 0\n"]) + d[p:]
    )


def open_comment(rng, d):
    p = _pos(rng, d)
    return d[:p] + b"/*" + d[p:]


def open_string(rng, d):
    p = _pos(rng, d)
    return d[:p] + rng.choice([b'"', b"'"]) + d[p:]


def random_bytes(rng, d):
    p = _pos(rng, d)
    return d[:p] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 30))) + d[p:]


def mixed_crlf(rng, d):
    return re.sub(rb"\n", lambda m: b"\r\n" if rng.random() < 0.5 else b"\n", d)


def long_line(rng, d):
    p = _line_start(rng, d)
    kind = rng.randrange(3)
    if kind == 0:
        line = b"/* " + b"x" * 5000 + b" */\n"
    elif kind == 1:
        args = b", ".join(b"unsigned long a%d" % i for i in range(250))
        line = b"void rust_helper_fuzz_long(" + args + b")\n{\n}\n"
    else:
        line = b"int fuzz_" + b"y" * 5000 + b";\n"
    return d[:p] + line + d[p:]


def truncate(rng, d):
    return d[: _pos(rng, d)]


def duplicate_function(rng, d):
    funcs = list(_FUNC.finditer(d))
    if not funcs:
        return d + d
    f = rng.choice(funcs)
    return d[: f.end()] + b"\n" + f.group(0) + d[f.end() :]


MUTATIONS: list[Callable[[random.Random, bytes], bytes]] = [
    insert_token, delete_span, unbalanced_if, open_comment, open_string,
    random_bytes, mixed_crlf, long_line, truncate, duplicate_function,
]  # fmt: skip


def seeds(corpus: bool = True) -> list[bytes]:
    paths = sorted(glob.glob(os.path.join(CORPUS, "*.c"))) if corpus else []
    paths += sorted(
        glob.glob(os.path.join(SAMPLES, "**", "rust", "helpers", "**", "*.c"), recursive=True)
    )
    out = []
    for p in paths:
        with open(p, "rb") as fh:
            out.append(fh.read())
    return out


def cases(n: int, seed: int, corpus: bool = True) -> list[tuple[str, bytes]]:
    rng = random.Random(seed)
    base = seeds(corpus)
    out = []
    for _ in range(n):
        data = rng.choice(base)
        names = []
        for _ in range(rng.randint(1, 3)):
            m = rng.choice(MUTATIONS)
            data = m(rng, data)
            names.append(m.__name__)
        out.append(("+".join(names), data))
    return out


def code(data: bytes) -> list[bytes]:
    tokens, _ = tokenize(data)
    return [
        data[t.start : t.end]
        for t in tokens
        if t.kind != COMMENT and data[t.start : t.end] != b"__rust_helper"
    ]


def run_batch(batch: list[tuple[str, bytes]], root: str, stats: Counter) -> list[tuple[str, str]]:
    """(case name, problem) for each failing case of the batch."""
    helpers = os.path.join(root, "rust", "helpers")
    os.makedirs(helpers, exist_ok=True)
    for f in os.listdir(helpers):
        os.unlink(os.path.join(helpers, f))
    paths = []
    for i, (_, data) in enumerate(batch):
        path = os.path.join(helpers, f"f{i:04d}.c")
        with open(path, "wb") as fh:
            fh.write(data)
        paths.append(path)
    mode = engine.Job(root, Mode(rewrites=frozenset({"annotate"})))
    problems = []
    try:
        outcomes = engine.run(paths, mode)
    except Exception as e:  # a traceback: the worst failure
        return [(batch[0][0], f"exception: {type(e).__name__}: {e}")] * len(batch)
    by_path = {o.path: o for o in outcomes}
    again = []
    for (name, data), path in zip(batch, paths):
        o = by_path[path]
        stats[
            (
                "refused (path:line: error)"
                if o.diagnostics
                else "rewritten" if o.changed else "unchanged"
            )
        ] += 1
        if o.diagnostics:
            for d in o.diagnostics:
                text = d.render()
                if d.level == ERROR and (d.line < 1 or not re.match(r"^\S+:\d+: error: \S", text)):
                    problems.append((name, f"unclear error: {text}"))
            continue
        with open(path, "rb") as fh:
            new = fh.read()
        if code(new) != code(data):
            problems.append((name, "token stream changed"))
        again.append((name, path, new))
    if again:
        engine.run([p for _, p, _ in again], mode)
        for name, path, new in again:
            with open(path, "rb") as fh:
                if fh.read() != new:
                    problems.append((name, "second run changed the file"))
    return problems


def fuzz(
    n: int, seed: int, batch: int, keep: str | None = None, corpus: bool = True
) -> tuple[Counter, list]:
    all_cases = cases(n, seed, corpus)
    stats: Counter = Counter()
    failures = []
    with tempfile.TemporaryDirectory(prefix="hf-fuzz-") as root:
        for i in range(0, n, batch):
            chunk = all_cases[i : i + batch]
            problems = run_batch(chunk, root, stats)
            failures.extend(problems)
            stats["cases"] += len(chunk)
            if keep and problems:
                os.makedirs(keep, exist_ok=True)
                for j, (_, data) in enumerate(chunk):
                    with open(os.path.join(keep, f"case{i + j:05d}.c"), "wb") as fh:
                        fh.write(data)
    return stats, failures


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batch", type=int, default=200)
    ap.add_argument("--keep", help="save the inputs of failing batches here")
    ap.add_argument("--samples-only", action="store_true", help="seed from samples/ only")
    args = ap.parse_args()
    os.environ.setdefault("HELPERFIX_CACHE_DIR", tempfile.mkdtemp(prefix="hf-fuzz-cache-"))
    start = time.perf_counter()
    stats, failures = fuzz(args.cases, args.seed, args.batch, args.keep, not args.samples_only)
    took = time.perf_counter() - start
    print(f"{stats.pop('cases')} cases in {took:.0f} s, {len(failures)} failures")
    print("  " + ", ".join(f"{k}: {v}" for k, v in sorted(stats.items())))
    for name, problem in failures[:20]:
        print(f"  {name}: {problem}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
