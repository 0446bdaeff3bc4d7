"""The architecture's contracts: registries, one diagnostic type, the
direction of dependencies and the pure core."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, make_tree, run

PACKAGE = ROOT / "helperfix"


def test_list_types_comes_from_the_registry():
    from helperfix.lint import types

    r = run("check", "--list-types")
    assert r.returncode == 0
    rows = [line.split(None, 2) for line in r.stdout.decode().splitlines()]
    assert [(name, level) for name, level, _ in rows] == [
        (t.name, t.level) for t in types().values()
    ]
    # every declared type is documented on the gate's page
    page = (ROOT / "docs" / "check.md").read_text()
    for name, _, _ in rows:
        assert f"`{name}`" in page, name


def test_every_rule_declares_the_types_it_emits(tmp_path):
    """Run every rule on a tree that triggers many of them: whatever type
    comes out was declared by some module."""
    from helperfix.lint import types
    from helperfix.lint.tree import check_tree

    root = make_tree(
        tmp_path,
        {
            "rust/helpers/helpers.c": '#include "a.c"\n#include "gone.c"\n',
            "rust/helpers/a.c": "#ifndef __rust_helper\n#define __rust_helper\n#endif\n\n"
            "void a(void)\n{\n}\n",
            "rust/helpers/b.c": "#define __rust_helper inline\nvoid b(void)\n{\n",
        },
    )
    findings, _, bad = check_tree(str(root), [str(root / "rust/helpers")])
    assert bad  # b.c cannot be read as C
    emitted = {f.type for f in findings}
    assert emitted >= {"MISSING_RUST_HELPER", "OBSOLETE_RUST_HELPER_FALLBACK", "PARSE_ERROR"}
    assert emitted <= set(types())


def test_every_type_the_code_emits_is_declared():
    """Types are given as the name of a declared Type or as a literal: every
    literal that reaches a Diagnostic must be declared, so --list-types, SARIF
    and the gate's exit status know it."""
    import re

    from helperfix.lint import types

    literals = set()
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text()
        literals |= set(re.findall(r"(?:ERROR|WARNING|CHECK), \"([A-Z][A-Z_]+)\"", text))
    assert literals and literals <= set(types()), literals - set(types())


def test_unknown_rewrite_in_only_is_a_usage_error(tmp_path):
    root = make_tree(tmp_path, {"rust/helpers/a.c": "void a(void)\n{\n}\n"})
    r = run("annotate", "--only", "annotate,anotate", str(root / "rust/helpers"))
    assert r.returncode == 2
    assert b"unknown rewrite 'anotate'" in r.stderr and b"usage:" in r.stderr
    assert (root / "rust/helpers/a.c").read_text() == "void a(void)\n{\n}\n"


def test_importing_one_module_first_keeps_the_whole_registry():
    """A module imported for its helpers registers itself before the registry
    is asked; the registry must still load every other module."""
    code = (
        "import helperfix.lint.missing_annotation, helperfix.rewrite.helpers_block\n"
        "from helperfix.lint import rules\n"
        "from helperfix.rewrite import registry\n"
        "print(len(rules('tree')), ','.join(registry()))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert int(out[0]) >= 4
    assert out[1] == "fallback,helpers-define,helpers-block,annotate,atomic"


def _imports(path: Path) -> set[str]:
    """helperfix modules a file imports, as dotted names."""
    pkg = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    if path.name == "__init__.py":
        pkg = pkg.rsplit(".", 1)[0] + ".__init__"
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = pkg.split(".")[: -node.level] if node.level else []
            name = ".".join(base + ([node.module] if node.module else []))
            if node.module is None:
                out.update(f"{name}.{a.name}" for a in node.names)
            else:
                out.add(name)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return {m for m in out if m.startswith("helperfix")}


def test_dependencies_point_one_way():
    """C front end <- rewrites and rules <- engine <- CLI: the C front end
    imports nothing but itself and the kernel facts; no lint module imports a
    rewrite; neither imports the engine, the CLI or the series."""
    upper = ("helperfix.engine", "helperfix.cli", "helperfix.series")
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).parts
        deps = _imports(path)
        if rel[0] == "c":
            assert all(d.startswith(("helperfix.c", "helperfix.kernel")) for d in deps), path
        if rel[0] == "lint":
            assert not any(d.startswith("helperfix.rewrite") for d in deps), path
        if rel[0] in ("lint", "rewrite", "c"):
            assert not any(d.startswith(upper) for d in deps), path


def test_no_module_over_400_lines():
    for path in PACKAGE.rglob("*.py"):
        assert len(path.read_text().splitlines()) <= 400, path


def test_annotate_source_is_pure(tmp_path, monkeypatch):
    """No file is opened for reading or writing by the pure core (clang-format
    reads only its style file)."""
    import builtins

    from helperfix import annotate_source

    monkeypatch.chdir(tmp_path)
    opened = []
    real_open = builtins.open

    def spy(file, *a, **k):
        opened.append(str(file))
        return real_open(file, *a, **k)

    monkeypatch.setattr(builtins, "open", spy)
    new, diags = annotate_source(
        b"#ifndef __rust_helper\n#define __rust_helper\n#endif\n\nint a(void)\n{\n}\n",
        "rust/helpers/a.c",
    )
    assert new == b"__rust_helper int a(void)\n{\n}\n" and diags == []
    assert opened == [] and list(tmp_path.iterdir()) == []


def test_annotate_source_reports_instead_of_rewriting_bad_input():
    from helperfix import annotate_source

    data = b"void a(void)\n{\n/* never closed\n"
    new, diags = annotate_source(data, "rust/helpers/a.c")
    assert new == data
    assert [(d.path, d.line, d.level, d.type) for d in diags] == [
        ("rust/helpers/a.c", 3, "ERROR", "PARSE_ERROR")
    ]
