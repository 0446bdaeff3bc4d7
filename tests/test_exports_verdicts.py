"""Verdicts that explain themselves: static-in-inline (checked against real
clang), levels by what the tree can do, counts that match the lines shown,
and the export patch each not-exported symbol asks for."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import git, unavailable

from helperfix.diagnostics import CHECK, ERROR, WARNING
from helperfix.exports import fix, flags, reach, report, unit
from helperfix.exports.analysis import Analysis
from helperfix.exports.verdict import NAMESPACE, NOT_EXPORTED, OK, STATIC, TRAP, Policy, Verdict

HEADER = """
static int plain_static(void) { return 1; }
static inline int inline_static(void) { return 2; }
static int __attribute__((const)) const_static(void) { return 3; }
static int static_var;
extern int extern_var;
#define inline inline __attribute__((__gnu_inline__))
#define __rust_helper inline __attribute__((__always_inline__))
#define CALL_PLAIN() plain_static()
"""

STATICS = [
    ("static function", "return plain_static();", {"plain_static"}),
    ("static inline is exempt", "return inline_static();", set()),
    ("const is exempt", "return const_static();", set()),
    ("static variable", "return static_var;", {"static_var"}),
    ("extern variable", "return extern_var;", set()),
    ("dead branch still warns", "if (0) return plain_static(); return 0;", {"plain_static"}),
    ("through a macro", "return CALL_PLAIN();", {"plain_static"}),
    ("static local", "static int n; return n++;", set()),
]


def _unit(tmp_path: Path, body: str) -> tuple[Path, Path]:
    (tmp_path / "h.h").write_text(HEADER)
    (tmp_path / "helpers").mkdir(exist_ok=True)
    (tmp_path / "helpers" / "one.c").write_text(
        f"__rust_helper int rust_helper_x(void)\n{{\n\t{body}\n}}\n"
    )
    main = tmp_path / "helpers" / "helpers.c"
    main.write_text('#include "../h.h"\n#include "one.c"\n')
    return main, tmp_path / "helpers"


@pytest.mark.parametrize("name,body,expected", STATICS, ids=[s[0] for s in STATICS])
def test_static_in_inline_agrees_with_clang(tmp_path, name, body, expected):
    main, helpers = _unit(tmp_path, body)
    command = flags.Command(str(tmp_path), str(main), flags.EXTRA, "clang", "test")
    walker = reach.Walker(unit.parse(command), reach.own_files(str(helpers)))
    (helper,) = walker.helpers()
    assert {r.symbol.name for r in walker.statics(helper)} == expected
    clang = shutil.which("clang")
    if clang is None:
        unavailable("clang is not installed")
    p = subprocess.run(
        [clang, "-std=gnu11", "-fsyntax-only", "-Wall", "-Wextra", str(main)],
        capture_output=True,
        text=True,
    )
    warned = set(re.findall(r"static (?:function|variable) '(\w+)'", p.stderr))
    assert warned == expected  # the verdict is the warning clang gives with kernel-like flags


@pytest.mark.parametrize(
    "inlining,assume,status,werror,level",
    [
        (True, False, NOT_EXPORTED, False, ERROR),
        (None, False, NOT_EXPORTED, False, ERROR),
        (False, False, NOT_EXPORTED, False, CHECK),
        (False, True, NOT_EXPORTED, False, ERROR),
        (True, False, STATIC, True, ERROR),
        (True, False, STATIC, False, WARNING),
        (False, False, STATIC, True, CHECK),
        (True, False, NAMESPACE, False, CHECK),
        (True, False, TRAP, True, CHECK),
        (True, False, OK, True, ""),
    ],
)
def test_policy_levels(inlining, assume, status, werror, level):
    assert Policy(inlining, assume).level(status, werror) == level


def _finding(config: str, status: str = NOT_EXPORTED, level: str = ERROR) -> Verdict:
    return Verdict(
        config,
        "rust_helper_v",
        "rust/helpers/v.c",
        6,
        "v_noprof",
        "function",
        status,
        ("rust_helper_v", "v", "v_noprof"),
        "include/linux/v.h",
        3,
        "mm/v.c:10",
        level=level,
    )


def test_counts_match_the_lines_shown():
    result = Analysis(Policy(True, why="why"))
    result.findings = [_finding("rt"), _finding("defconfig"), _finding("rt", OK, "")]
    result.helpers = {"rt": 1, "defconfig": 1}
    text = report.render("text", result).splitlines()
    assert len(text) == 3 and text[0].endswith("[rt, defconfig]")
    assert text[1].startswith(
        "total: 1 not-exported, 0 static-in-inline, 0 namespace-import, 0 trap, 1 ok"
    )
    assert "; fix: export v_noprof where it is defined" in text[0]
    assert report.failed(result)
    result.findings = [_finding("rt", level=CHECK)]
    assert not report.failed(result)  # a prediction never fails the run


SOURCE = """// SPDX-License-Identifier: GPL-2.0
void *v_noprof(int n)
{
	if (n) {
		return 0;
	}
	return 0;
}

int v_var = 1;
struct s v_struct = {
	.a = 1,
};
static int v_static(void)
{
	return 0;
}
DEFINE_PER_CPU(int, v_pcpu);
void v_decl(void);
int v_tail(void)
{
	return 0;
} /* done */
EXPORT_SYMBOL(kept_plain);
EXPORT_SYMBOL_GPL(kept_gpl);
"""

PLACEMENT = [
    ("v_noprof", "function", 2, "}\nEXPORT_SYMBOL_GPL(v_noprof);\n\nint v_var"),
    ("v_var", "variable", 10, "int v_var = 1;\nEXPORT_SYMBOL_GPL(v_var);\n"),
    ("v_struct", "variable", 11, "\t.a = 1,\n};\nEXPORT_SYMBOL_GPL(v_struct);\n"),
    ("v_static", "function", 14, "v_static is static in mm/v.c"),
    ("v_pcpu", "variable", 18, "defined by a macro at mm/v.c:18"),
    ("v_decl", "function", 19, "mm/v.c:19 declares v_decl without defining it"),
    ("v_tail", "function", 20, "the closing brace of v_tail is not alone in column 0"),
]


@pytest.mark.parametrize("symbol,kind,line,expected", PLACEMENT, ids=[p[0] for p in PLACEMENT])
def test_export_placement(tmp_path, symbol, kind, line, expected):
    (tmp_path / "mm").mkdir()
    (tmp_path / "mm" / "v.c").write_text(SOURCE)
    (tmp_path / "include").mkdir()
    (tmp_path / "include" / "v.h").write_text("")
    target = fix.Target(
        symbol, kind, "include/v.h", "mm/v.c", line, [("h", symbol)], [("h", "f", 1)]
    )
    fixes, by_hand = fix.plan(str(tmp_path), [target])
    if expected.startswith(("}", "int", "\t")):
        assert not by_hand and expected in fixes[0].new.decode()
        assert fixes[0].new.decode().count("EXPORT_SYMBOL") == 3  # the one line added
    else:
        assert not fixes and expected in by_hand[0].why


@pytest.mark.parametrize(
    "defined_in,why",
    [
        (
            "arch/x86/lib/v.S:3",
            "defined in assembly (arch/x86/lib/v.S:3): add EXPORT_SYMBOL(v_noprof) after its SYM_FUNC_END",
        ),
        (None, "no definition found (made by a macro, or generated)"),
    ],
)
def test_not_patched_by_guesswork(defined_in, why):
    f = Verdict(
        "d",
        "h",
        "rust/helpers/h.c",
        1,
        "v_noprof",
        "function",
        NOT_EXPORTED,
        ("h", "v_noprof"),
        "v.h",
        1,
        defined_in,
    )
    found, by_hand = fix.targets([f, f])
    assert not found and len(by_hand) == 1 and why in by_hand[0].why


@pytest.mark.parametrize(
    "header,exports,macro,reason",
    [
        (
            "a b c",
            "EXPORT_SYMBOL(a);\nEXPORT_SYMBOL(b);\nEXPORT_SYMBOL_GPL(c);\n",
            "EXPORT_SYMBOL",
            "2 of the symbols declared beside it",
        ),
        (
            "a b c",
            "EXPORT_SYMBOL_GPL(a);\nEXPORT_SYMBOL_GPL(b);\nEXPORT_SYMBOL(c);\n",
            "EXPORT_SYMBOL_GPL",
            "1 of the symbols declared beside it",
        ),
        (
            "",
            "EXPORT_SYMBOL(a);\nEXPORT_SYMBOL(b);\nEXPORT_SYMBOL_GPL(c);\n",
            "EXPORT_SYMBOL",
            "this follows the file",
        ),
        ("", "", "EXPORT_SYMBOL_GPL", "the usual choice for a new export"),
    ],
)
def test_flavour_rule(tmp_path, header, exports, macro, reason):
    (tmp_path / "v.h").write_text(header)
    target = fix.Target("n", "function", "v.h", "v.c", 1)
    got, why = fix.flavour(target, str(tmp_path), fix.file_exports("v.c", exports.encode()))
    assert got == macro and reason in why


def test_subject_prefix_follows_history(tmp_path):
    (tmp_path / "mm").mkdir()
    git(tmp_path, "init", "-q")
    for i, subject in enumerate(["mm/vmalloc: one", "mm/vmalloc: two", "vmalloc: three"]):
        (tmp_path / "mm" / "vmalloc.c").write_text(str(i))
        git(tmp_path, "add", "-A")
        git(tmp_path, "-c", "user.name=a", "-c", "user.email=a@b", "commit", "-qm", subject)
    (tmp_path / "mm" / "new.c").write_text("")
    assert fix.subject_prefix(str(tmp_path), "mm/vmalloc.c") == "mm/vmalloc"
    assert fix.subject_prefix(str(tmp_path), "mm/new.c") == "mm/new"  # no history: its path
