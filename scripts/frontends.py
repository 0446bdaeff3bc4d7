"""Why helperfix reads helpers from libclang's tokens: a measurement.

On the late-2025 helper files as they stand (no configured kernel, no
headers), counts the function definitions each candidate front end finds:

- helperfix's token scanner (every preprocessor arm);
- libclang's AST with default options, and with SingleFileParse (0x400,
  includes not followed, both arms of ``#ifdef X`` visible);
- pycparser on the raw text (it needs preprocessed C, so a file either
  parses whole or not at all).

    python3 scripts/frontends.py [--corpus DIR]     # needs: pip install pycparser
"""

from __future__ import annotations

import argparse
import os
import sys

import clang.cindex as ci
from benchlib import CORPUS, HERE

sys.path.insert(0, os.path.dirname(HERE))
from helperfix.c.scan import scan  # noqa: E402
from helperfix.c.source import Source  # noqa: E402


def ast_definitions(path: str, options: int) -> int:
    tu = ci.Index.create().parse(path, args=["-xc", "-w"], options=options)
    return sum(
        1
        for c in tu.cursor.get_children()
        if c.kind == ci.CursorKind.FUNCTION_DECL
        and c.is_definition()
        and c.location.file
        and c.location.file.name == path
        and c.storage_class != ci.StorageClass.STATIC
    )


def pycparser_parses(data: bytes) -> bool:
    import pycparser

    try:
        pycparser.CParser().parse(data.decode("utf-8", "replace"), "x.c")
        return True
    except Exception:  # any failure means it cannot read the file as it stands
        return False


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=CORPUS)
    args = ap.parse_args()
    helpers = os.path.join(args.corpus, "rust", "helpers")
    files = sorted(
        os.path.join(d, f) for d, _, fs in os.walk(helpers) for f in fs if f.endswith(".c")
    )
    files = [f for f in files if os.path.basename(f) != "helpers.c"]
    tokens = ast_default = ast_single = parsed = 0
    for path in files:
        with open(path, "rb") as fh:
            data = fh.read()
        tokens += len(scan(Source(path, data)).definitions)
        ast_default += ast_definitions(path, 0)
        ast_single += ast_definitions(path, 0x400 | 0x200)
        parsed += pycparser_parses(data)
    print(f"{len(files)} helper files of {args.corpus}")
    print(f"  token scanner (helperfix):          {tokens} definitions")
    print(f"  libclang AST, default options:      {ast_default} definitions")
    print(f"  libclang AST, SingleFileParse:      {ast_single} definitions")
    print(f"  pycparser, raw text:                {parsed}/{len(files)} files parse")
    return 0


if __name__ == "__main__":
    sys.exit(main())
