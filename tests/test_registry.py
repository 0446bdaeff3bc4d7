"""The architecture's contracts: registries, one diagnostic type, the
direction of dependencies and the pure core."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
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
    from helperfix.lint.tree import check_helpers

    root = make_tree(
        tmp_path,
        {
            "rust/helpers/helpers.c": '#include "a.c"\n#include "gone.c"\n',
            "rust/helpers/a.c": "#ifndef __rust_helper\n#define __rust_helper\n#endif\n\n"
            "void a(void)\n{\n}\n",
            "rust/helpers/b.c": "#define __rust_helper inline\nvoid b(void)\n{\n",
        },
    )
    findings, _, bad = check_helpers(str(root), [str(root / "rust/helpers")])
    assert bad  # b.c cannot be read as C
    emitted = {f.type for f in findings}
    assert emitted >= {"MISSING_RUST_HELPER", "OBSOLETE_RUST_HELPER_FALLBACK", "PARSE_ERROR"}
    assert emitted <= set(types())


def test_only_declared_types_can_be_emitted():
    """A finding is made by calling its declaration; anything else is refused
    at once, so no type can reach --list-types, SARIF or the gate's exit
    status without being declared in helperfix.findings."""
    from helperfix import findings
    from helperfix.diagnostics import Diagnostic, Type
    from helperfix.lint import types

    with pytest.raises(TypeError, match="needs a declared Type"):
        Diagnostic("rust/helpers/a.c", 1, "message", "MISSING_RUST_HELPER")
    with pytest.raises(ValueError, match="not 'FATAL'"):
        findings.MISSING_RUST_HELPER("rust/helpers/a.c", 1, "message", level="FATAL")
    with pytest.raises(ValueError, match="declared twice, differently"):
        Type("MISSING_RUST_HELPER", "ERROR", "another description")
    declared = {v.name: v for v in vars(findings).values() if isinstance(v, Type)}
    assert declared == types()
    d = findings.MISSING_RUST_HELPER("rust/helpers/a.c", 3, "m", helper="h")
    assert (d.type, d.level, d.kind) == (
        "MISSING_RUST_HELPER",
        "WARNING",
        findings.MISSING_RUST_HELPER,
    )


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


# The layers, bottom first: a module may import its own layer and those below.
LAYERS = [
    (
        "helperfix.errors",
        "helperfix.diagnostics",
        "helperfix.findings",
        "helperfix.kernel.paths",
        "helperfix.sha1",
    ),
    ("helperfix.c", "helperfix.kernel", "helperfix.signals", "helperfix.options", "helperfix.ui"),
    ("helperfix.proc",),
    (
        "helperfix.files",
        "helperfix.tree",
        "helperfix.batch",
        "helperfix.clangformat",
        "helperfix.checkpatch",
        "helperfix.verify",
        "helperfix.generator",
        "helperfix.mode",
    ),
    ("helperfix.rewrite", "helperfix.lint"),
    ("helperfix.core", "helperfix.engine"),
    ("helperfix.series", "helperfix.exports"),
    ("helperfix.cli", "helperfix.__main__", "helperfix.__init__"),
]


def _layer(module: str) -> int:
    best = (-1, -1)
    for i, names in enumerate(LAYERS):
        for n in names:
            if module == n or module.startswith(n + "."):
                best = max(best, (len(n), i))
    assert best[1] >= 0, f"{module} is in no layer"
    return best[1]


def _module(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _graph() -> dict[str, set[str]]:
    modules = {_module(p): p for p in PACKAGE.rglob("*.py")}
    known = set(modules)
    graph = {}
    for name, path in modules.items():
        deps = set()
        for d in _imports(path):
            d = d.removesuffix(".__init__")
            while d not in known and d + ".__init__" not in known and "." in d:
                d = d.rsplit(".", 1)[0]  # a name imported from a module
            key = d if d in known else d + ".__init__"
            if key in known and key != name:
                deps.add(key)
        graph[name] = deps
    return graph


def test_import_graph_has_no_cycle_and_no_upward_import():
    """Dependencies point one way (issue 19): C front end and kernel facts
    at the bottom, then files, rewrites and rules, the engine, the series
    and exports, the CLI; lint never imports a rewrite."""
    graph = _graph()
    for name, deps in graph.items():
        for d in deps:
            if d.endswith(".__init__") and name.startswith(d.removesuffix(".__init__") + "."):
                continue  # a module of a package may use its package's registry
            assert _layer(d) <= _layer(name), f"{name} imports {d}, a layer above it"
            if name.startswith("helperfix.lint"):
                assert not d.startswith("helperfix.rewrite"), (name, d)
    state: dict[str, int] = {}

    def visit(n: str, trail: list[str]) -> None:
        state[n] = 1
        for d in sorted(graph[n]):
            assert state.get(d) != 1, "import cycle: " + " -> ".join([*trail, n, d])
            if d not in state:
                visit(d, [*trail, n])
        state[n] = 2

    for n in sorted(graph):
        if n not in state:
            visit(n, [])


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


def test_every_option_explains_itself():
    """The first screen: every option of every command has help, and an
    option with a default says which; an unknown option gets the command's
    own usage."""
    from helperfix.cli import _parser

    _, subs = _parser()
    for name, sub in subs.items():
        for action in sub._actions:
            if not action.option_strings or action.dest == "help":
                continue
            where = f"{name} {'/'.join(action.option_strings)}"
            assert action.help, where
            default = action.default
            if default not in (None, False, [], frozenset(), ()) and not action.const:
                assert "default" in action.help, where
    r = run("check", "--bogus")
    assert r.returncode == 2 and r.stderr.startswith(b"usage: helperfix check ")
