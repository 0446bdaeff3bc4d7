"""Generate kernel-like trees of any size for benchmarks and fault tests.

Each helper file holds a mix of the shapes real helpers have: short and long
declarations (some need re-wrapping), ``#ifdef``/``#else`` arms, attribute
macros, already annotated helpers, comments.  Deterministic for a given seed.
"""

from __future__ import annotations

import os
import random

TYPES = ["void", "int", "bool", "unsigned long", "struct page *", "const char *", "u64", "long"]
ARGS = [
    "struct device *dev",
    "unsigned long flags",
    "const struct cred *cred",
    "gfp_t gfp",
    "int node",
]


def _helper(rng: random.Random, name: str) -> str:
    ret = rng.choice(TYPES)
    args = ", ".join(rng.sample(ARGS, rng.randint(0, 4))) or "void"
    sep = "" if ret.endswith("*") else " "
    shape = rng.random()
    if shape < 0.1:
        head = f"__rust_helper {ret}{sep}rust_helper_{name}({args})"
    elif shape < 0.15:
        head = f"__must_check {ret}{sep}rust_helper_{name}({args})"
    else:
        head = f"{ret}{sep}rust_helper_{name}({args})"
    body = "\treturn 0;\n" if ret != "void" else f"\t{name}();\n"
    return f"{head}\n{{\n{body}}}\n"


def helper_file(rng: random.Random, stem: str) -> str:
    parts = ["// SPDX-License-Identifier: GPL-2.0\n\n", f"#include <linux/{stem}.h>\n\n"]
    for i in range(rng.randint(3, 8)):
        h = _helper(rng, f"{stem}_op{i}")
        if rng.random() < 0.2:
            other = _helper(rng, f"{stem}_op{i}")
            h = f"#ifdef CONFIG_{stem.upper()}_{i}\n{h}#else\n{other}#endif\n"
        elif rng.random() < 0.1:
            h = f"/* Wraps {stem}_op{i}(). */\n{h}"
        parts.append(h + "\n")
    return "".join(parts).rstrip("\n") + "\n"


def make(root: str, n: int, seed: int = 1) -> list[str]:
    """A tree at ``root`` with ``n`` helper files and a helpers.c including them."""
    rng = random.Random(seed)
    helpers = os.path.join(root, "rust", "helpers")
    os.makedirs(helpers, exist_ok=True)
    names = []
    for i in range(n):
        sub = f"d{i // 500:02d}"
        os.makedirs(os.path.join(helpers, sub), exist_ok=True)
        rel = f"{sub}/h{i:05d}.c"
        with open(os.path.join(helpers, rel), "w") as fh:
            fh.write(helper_file(rng, f"h{i:05d}"))
        names.append(rel)
    with open(os.path.join(helpers, "helpers.c"), "w") as fh:
        fh.write("// SPDX-License-Identifier: GPL-2.0\n/*\n * Generated tree.\n */\n\n")
        fh.writelines(f'#include "{rel}"\n' for rel in names)
    return names
