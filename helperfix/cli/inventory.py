"""``helperfix list``: the inventory of helper definitions."""

from __future__ import annotations

import argparse
import json
import os
import sys

from .. import signals
from ..diagnostics import emit
from ..errors import Exit
from ..options import output_format, paths
from ..tree import helper_files
from . import resolve


def add_arguments(ls: argparse.ArgumentParser) -> None:
    paths(ls)
    output_format(ls, ("text", "json"))
    ls.add_argument(
        "--json", dest="format", action="store_const", const="json", help="same as --format json"
    )


def run(args: argparse.Namespace) -> int:
    from ..batch import BATCH, scan_paths

    root, given = resolve(args)
    files, diags = helper_files(given, root)
    rows = []
    batches = (files[i : i + BATCH] for i in range(0, len(files), BATCH))
    items = (x for b in batches for x in scan_paths(b, args.max_file_size))
    for item in items:
        if item.error:
            diags.append(item.error)
        for d in item.scan.definitions if item.scan else ():
            rows.append(
                {
                    "path": os.path.relpath(item.path, root),
                    "line": d.line,
                    "name": d.name,
                    "annotated": d.annotated,
                    "condition": d.condition,
                    "macro": d.macro,
                }
            )
    if args.format == "json":
        json.dump(rows, sys.stdout, indent=2)
        print()
    else:
        for r in rows:
            state = "annotated" if r["annotated"] else "MISSING"
            cond = f"  [{r['condition']}]" if r["condition"] else ""
            via = f"  (macro {r['macro']})" if r["macro"] else ""
            print(f"{r['path']}:{r['line']}: {r['name']} {state}{cond}{via}")
    emit(diags)
    signals.checkpoint()
    return Exit.ERROR if diags else Exit.OK
