"""Record every user-visible output of helperfix on real trees, or compare
with an earlier record: a refactoring must leave them byte-identical.

    python3 scripts/compare_outputs.py --save before.json     # on the old code
    python3 scripts/compare_outputs.py --against before.json  # on the new code

Trees: the late-2025 corpus, samples/mini and (with --k612 DIR, a full
linux-source-6.12 tree) that tree's rust/helpers.  Each tree is copied
fresh; outputs are `annotate --diff`, the tree after `annotate`, `check` in
every format and `list --json`, with their exit codes and stderr.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile

from benchlib import CORPUS, HERE, fresh_copy

ROOT = os.path.dirname(HERE)
SAMPLE = os.path.join(ROOT, "samples", "mini")


def _run(args: list[str], cwd: str) -> dict:
    env = {**os.environ, "PYTHONPATH": ROOT}
    p = subprocess.run(
        [sys.executable, "-m", "helperfix", *args], cwd=cwd, capture_output=True, env=env
    )
    return {
        "rc": p.returncode,
        "out": p.stdout.decode("utf-8", "replace"),
        "err": p.stderr.decode(),
    }


def _tree_digest(root: str) -> dict[str, str]:
    out = {}
    for dirpath, _, files in os.walk(root):
        for f in files:
            path = os.path.join(dirpath, f)
            with open(path, "rb") as fh:
                out[os.path.relpath(path, root)] = hashlib.sha1(fh.read()).hexdigest()
    return dict(sorted(out.items()))


def _partial_612(src: str, dst: str) -> str:
    """rust/helpers, .clang-format, MAINTAINERS and scripts of a 6.12 tree."""
    os.makedirs(dst)
    for rel in ("rust/helpers", ".clang-format", "MAINTAINERS", "scripts/checkpatch.pl"):
        subprocess.run(["cp", "-a", "--parents", rel, dst], cwd=src, check=True)
    for extra in ("spelling.txt", "const_structs.checkpatch"):
        subprocess.run(["cp", "-a", "--parents", f"scripts/{extra}", dst], cwd=src, check=True)
    return dst


def record(trees: dict[str, str], cache: str) -> dict:
    os.environ["HELPERFIX_CACHE_DIR"] = cache
    out: dict = {}
    for name, tree in trees.items():
        with tempfile.TemporaryDirectory() as tmp:
            root = fresh_copy(tree, os.path.join(tmp, "t"))
            helpers = os.path.join(root, "rust", "helpers")
            rec = {"list": _run(["list", "--json", helpers], root)}
            for fmt in ("text", "json", "sarif", "github"):
                rec[f"check-{fmt}"] = _run(["check", "--format", fmt, helpers], root)
            rec["diff"] = _run(["annotate", "--diff", helpers], root)
            rec["annotate"] = _run(["annotate", helpers], root)
            rec["tree"] = _tree_digest(root)
            rec["check-after"] = _run(["check", helpers], root)
            rec["again"] = _run(["annotate", "--check", helpers], root)
            out[name] = rec
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--save", metavar="FILE")
    g.add_argument("--against", metavar="FILE")
    ap.add_argument("--k612", metavar="DIR", help="a linux-source-6.12 tree")
    args = ap.parse_args()
    trees = {"samples": SAMPLE}
    if os.path.isdir(CORPUS):
        trees["late-2025"] = CORPUS
    with tempfile.TemporaryDirectory() as tmp:
        if args.k612:
            trees["6.12"] = _partial_612(args.k612, os.path.join(tmp, "k612"))
        rec = record(trees, os.path.join(tmp, "cache"))
    if args.save:
        with open(args.save, "w") as fh:
            json.dump(rec, fh, indent=1, sort_keys=True)
        print(f"saved outputs of {len(rec)} trees to {args.save}")
        return 0
    with open(args.against) as fh:
        old = json.load(fh)
    bad = 0
    for tree in sorted(set(old) | set(rec)):
        for key in sorted(set(old.get(tree, {})) | set(rec.get(tree, {}))):
            a, b = old.get(tree, {}).get(key), rec.get(tree, {}).get(key)
            if a != b:
                bad += 1
                print(f"DIFFERS: {tree} {key}")
                if isinstance(a, dict) and isinstance(b, dict):
                    for k in sorted(set(a) | set(b)):
                        if a.get(k) != b.get(k):
                            print(f"  {k}: {str(a.get(k))[:300]!r}\n  -> {str(b.get(k))[:300]!r}")
    print(f"{len(rec)} trees compared: {'identical' if not bad else f'{bad} outputs differ'}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
