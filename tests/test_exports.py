"""helperfix exports: the reach analysis, the export table, verdicts.

Tables of small self-contained units pin down the pruning rules; the rest
runs on Debian's linux-source-6.12 as a git checkout, configured by
helperfix itself (LLVM=1 defconfig), and skips when the package or the
toolchain is absent."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, exports_args, exports_tree, run, sarif_errors

from helperfix.exports import flags, reach, symbols, unit

DATA = ROOT / "tests" / "data" / "exports"


def reached(
    tmp_path: Path, source: str, helper: str | None = None
) -> dict[str, tuple[tuple[str, ...], bool]]:
    """symbol -> (chain, trap) for every helper of a one-file unit (or one)."""
    (tmp_path / "helpers").mkdir(exist_ok=True)
    src = tmp_path / "helpers" / "unit.c"
    src.write_text(source)
    command = flags.Command(str(tmp_path), str(src), flags.EXTRA, "clang", "test")
    walker = reach.Walker(unit.parse(command), reach.own_files(str(tmp_path / "helpers")))
    out = {}
    for h in walker.helpers():  # every helper is walked, in order, as the command does
        found = walker.reach(h)
        for r in found if helper in (None, h.spelling) else ():
            out[r.symbol.name] = (r.chain, r.symbol.trap)
    return out


PRELUDE = """
extern void ext(void);
extern void dead(void);
extern int dead_int(void);
extern int ext_var;
static int local_var;
#define IS_ENABLED_ON 1
#define IS_ENABLED_OFF 0
"""

REACH = [
    ("direct call", "void h(void) { ext(); }", {"ext": ("h", "ext")}),
    ("variable", "int h(void) { return ext_var + local_var; }", {"ext_var": ("h", "ext_var")}),
    (
        "inline chain",
        "static inline void b(void) { ext(); }\nstatic inline void a(void) { b(); }\n"
        "void h(void) { a(); }",
        {"ext": ("h", "a", "b", "ext")},
    ),
    (
        "macro on the way",
        "#define call_ext() ext()\nvoid h(void) { call_ext(); }",
        {"ext": ("h", "call_ext", "ext")},
    ),
    ("constant false if", "void h(void) { if (IS_ENABLED_OFF) dead(); ext(); }", {"ext": None}),
    (
        "constant true else",
        "void h(void) { if (IS_ENABLED_ON) ext(); else dead(); }",
        {"ext": None},
    ),
    ("after return", "void h(void) { if (IS_ENABLED_ON) return; dead(); }", {}),
    ("label revives", "void h(int x) { if (x) goto out; return; out: ext(); }", {"ext": None}),
    (
        "unknown condition",
        "void h(int x) { if (x) ext(); else dead(); }",
        {"ext": None, "dead": None},
    ),
    ("conditional operator", "void h(void) { IS_ENABLED_ON ? ext() : dead(); }", {"ext": None}),
    (
        "switch on sizeof",
        "void h(long *p) { switch (sizeof(*p)) { case 4: dead(); break; case 8: ext(); break;"
        " default: dead(); } }",
        {"ext": None},
    ),
    (
        "switch default",
        "void h(void) { switch (3) { case 1: dead(); default: ext(); } }",
        {"ext": None},
    ),
    ("sizeof operand", "unsigned long h(void) { return sizeof(dead()); }", {}),
    (
        "typeof in a declaration",
        "void h(void) { __typeof__(dead_int()) v = 0; (void)v; ext(); }",
        {"ext": None},
    ),
    (
        "builtin constant p",
        "void h(int n) { if (__builtin_constant_p(n)) dead(); else ext(); }",
        {"ext": None, "dead": None},
    ),
    (
        "builtin_expect arguments run",
        "void h(void) { if (__builtin_expect(ext_var, 0)) ext(); }",
        {"ext_var": None, "ext": None},
    ),
    ("unreachable ends the block", "void h(void) { __builtin_unreachable(); dead(); }", {}),
    (
        "compile-time trap",
        'extern void bad(void) __attribute__((__error__("no")));\nvoid h(void) { bad(); }',
        {"bad": ("h", "bad")},
    ),
    (
        "static helper is walked",
        "static void s(void) { ext(); }\nvoid h(void) { s(); }",
        {"ext": None},
    ),
    ("another helper is not", "void g(void) { ext(); }\nvoid h(void) { g(); }", {"ext": None}),
    ("address taken", "void (*h(void))(void) { return ext; }", {"ext": None}),
    ("do while 0 return", "void h(void) { do { return; } while (0); dead(); }", {}),
    (
        "recursion",
        "static void r(int n) { if (n) r(n - 1); ext(); }\nvoid h(void) { r(3); }",
        {"ext": None},
    ),
]


@pytest.mark.parametrize("name,body,expected", REACH, ids=[r[0] for r in REACH])
def test_reach(tmp_path, name, body, expected):
    got = reached(tmp_path, PRELUDE + body + "\n")
    assert set(got) == set(expected)
    for symbol, chain in expected.items():
        if chain is not None:
            assert got[symbol][0] == chain
    assert got.get("bad", (None, True))[1] is True  # the trap is marked as one


SITES = [
    ("mm/util.c:771:EXPORT_SYMBOL(kvrealloc_noprof);", {"kvrealloc_noprof": ("EXPORT_SYMBOL", "")}),
    (
        "a.c:1:EXPORT_SYMBOL_NS_GPL(dma_buf_get, DMA_BUF);",
        {"dma_buf_get": ("EXPORT_SYMBOL_NS_GPL", "DMA_BUF")},
    ),
    ('a.c:1:EXPORT_SYMBOL_NS(f, "CXL");', {"f": ("EXPORT_SYMBOL_NS", "CXL")}),
    (
        "a.c:1:EXPORT_SYMBOL_IF_KUNIT(g);",
        {"g": ("EXPORT_SYMBOL_IF_KUNIT", "EXPORTED_FOR_KUNIT_TESTING")},
    ),
    ("a.c:1:EXPORT_PER_CPU_SYMBOL_GPL(pc);", {"pc": ("EXPORT_PER_CPU_SYMBOL_GPL", "")}),
    (
        "a.c:1:EXPORT_EARLY_PER_CPU_SYMBOL(x86_cpu_to_apicid);",
        {"x86_cpu_to_apicid": ("EXPORT_EARLY_PER_CPU_SYMBOL", "")},
    ),
    ("a.c:1:ACPI_EXPORT_SYMBOL(acpi_get_handle)", {"acpi_get_handle": ("ACPI_EXPORT_SYMBOL", "")}),
    ("a.c:1:EXPORT_SYMBOL_RUST_GPL(rust_f);", {"rust_f": ("EXPORT_SYMBOL_RUST_GPL", "")}),
    (
        "a.c:1:EXPORT_STATIC_CALL_TRAMP(preempt_schedule);",
        {"__SCT__preempt_schedule": ("EXPORT_STATIC_CALL_TRAMP", "")},
    ),
    (
        "a.c:1:EXPORT_STATIC_CALL_GPL(pv_sched_clock);",
        {
            "__SCK__pv_sched_clock": ("EXPORT_STATIC_CALL_GPL", ""),
            "__SCT__pv_sched_clock": ("EXPORT_STATIC_CALL_GPL", ""),
        },
    ),
    (
        "a.c:1:EXPORT_TRACEPOINT_SYMBOL_GPL(cpu_idle);",
        {
            "__tracepoint_cpu_idle": ("EXPORT_TRACEPOINT_SYMBOL_GPL", ""),
            "__traceiter_cpu_idle": ("EXPORT_TRACEPOINT_SYMBOL_GPL", ""),
            "__SCK__tp_func_cpu_idle": ("EXPORT_TRACEPOINT_SYMBOL_GPL", ""),
            "__SCT__tp_func_cpu_idle": ("EXPORT_TRACEPOINT_SYMBOL_GPL", ""),
        },
    ),
    ("arch/x86/lib/memcpy_64.S:1:EXPORT_SYMBOL(memcpy)", {"memcpy": ("EXPORT_SYMBOL", "")}),
    ("arch/arm64/kernel/x.c:1:EXPORT_SYMBOL(arm_only);", {}),  # another architecture
    ("tools/lib/x.c:1:EXPORT_SYMBOL(tool);", {}),
    ("a.c:1:#define EXPORT_SYMBOL(sym) x", {}),  # the macro itself
    ("a.c:1:\tEXPORT_SYMBOL(indented);", {"indented": ("EXPORT_SYMBOL", "")}),
    ("a.c:1:EXPORT_INDIRECT_CALLABLE(f);", {}),  # not an export
]


@pytest.mark.parametrize("line,expected", SITES, ids=[s[0] for s in SITES])
def test_export_sites(line, expected):
    table = symbols.parse_sites([line], "x86")
    assert {n: (e.macro, e.namespace) for n, e in table.items()} == expected


F, V = "function", "variable"
DEFS = [
    (
        "void *vrealloc_noprof(const void *p, size_t size, gfp_t flags)",
        "vrealloc_noprof",
        F,
        False,
        True,
    ),
    (
        "void *vrealloc_noprof(const void *p, size_t size, gfp_t flags);",
        "vrealloc_noprof",
        F,
        False,
        False,
    ),
    ("noinline void __sched mutex_lock(struct mutex *lock)", "mutex_lock", F, False, True),
    ("void f(int a,", "f", F, False, True),
    ("void rust_helper_c(void) { f(); }", "f", F, False, False),  # a caller on one line
    ("static void f(void)", "f", F, False, False),
    ("\tf();", "f", F, False, False),
    ("EXPORT_SYMBOL(f);", "f", F, False, False),
    ("late_initcall(f);", "f", F, False, False),
    ("extern int x;", "x", V, False, False),
    ("int x;", "x", V, False, True),
    ("unsigned long page_offset_base __ro_after_init = 1;", "page_offset_base", V, False, True),
    ("struct page *vmemmap_base = x;", "vmemmap_base", V, False, True),
    ("DEFINE_PER_CPU(unsigned long, cpu_dr7);", "cpu_dr7", V, False, True),
    ("DEFINE_STATIC_KEY_FALSE(sched_smt_present);", "sched_smt_present", V, False, True),
    ("int y = x;", "x", V, False, False),
    ("SYM_FUNC_START(memcpy)", "memcpy", F, True, True),
    ("memcpy:", "memcpy", F, True, True),
    ("\tcall memcpy", "memcpy", F, True, False),
]


@pytest.mark.parametrize("text,name,kind,asm,expected", DEFS, ids=[d[0] for d in DEFS])
def test_definition_lines(text, name, kind, asm, expected):
    assert symbols._defines(text, name, kind, asm) is expected


PREPROCESSED = [
    (
        'asm(".section .export_symbol; __export_symbol_f: ; .asciz \\"\\" ; .ascii \\"\\" \\"\\\\0\\" ;");',
        "f",
        ("EXPORT_SYMBOL", ""),
    ),
    (
        'asm("__export_symbol_g: ; .asciz \\"GPL\\" ; .ascii \\"DMA_BUF\\" \\"\\\\0\\" ;");',
        "g",
        ("EXPORT_SYMBOL_GPL", "DMA_BUF"),
    ),
    (
        'static const char __kstrtab_h[] = "h"; const struct kernel_symbol __ksymtab_h;',
        "h",
        ("EXPORT_SYMBOL", ""),
    ),
    ("int f(void) { return 0; }", "f", None),
]


@pytest.mark.parametrize(
    "text,name,expected", PREPROCESSED, ids=[p[1] + str(i) for i, p in enumerate(PREPROCESSED)]
)
def test_exported_in_preprocessed(text, name, expected):
    e = symbols.exported_in(text, name)
    assert (None if e is None else (e.macro, e.namespace)) == expected


def test_symvers_file(tmp_path):
    good = tmp_path / "Module.symvers"
    good.write_text(
        "0x1\tvrealloc_noprof\tvmlinux\tEXPORT_SYMBOL\t\n0x2\tdma_buf_get\tvmlinux\tEXPORT_SYMBOL_GPL\tDMA_BUF\n"
    )
    table = symbols.from_symvers(str(good))
    assert (table["dma_buf_get"].namespace, table["vrealloc_noprof"].namespace) == ("DMA_BUF", "")
    bad = tmp_path / "bad.symvers"
    bad.write_text("0x1\tf\tvmlinux\tEXPORT_SYMBOL\nnot a symvers line\n")
    with pytest.raises(ValueError, match="bad.symvers:2: not a Module.symvers line"):
        symbols.from_symvers(str(bad))


CMD = (
    "savedcmd_rust/helpers/helpers.o := clang -Wp,-MMD,rust/helpers/.helpers.o.d -nostdinc "
    "-I/src/arch/x86/include -I./arch/x86/include/generated -include /src/include/linux/kconfig.h "
    "-D__KERNEL__ -Werror -Werror=date-time -O2 "
    "-enable-trivial-auto-var-init-zero-knowing-it-will-be-removed-from-clang "
    "-DKBUILD_MODFILE='\"./helpers\"' -c -o rust/helpers/helpers.o /src/rust/helpers/helpers.c\n"
)


def test_flags_from_cmd_file(tmp_path):
    (tmp_path / "rust/helpers").mkdir(parents=True)
    (tmp_path / "rust/helpers/.helpers.o.cmd").write_text("source_x := y\n" + CMD)
    c = flags.from_cmd_file(str(tmp_path))
    assert c.source == "/src/rust/helpers/helpers.c" and c.compiler == "clang"
    assert c.args == (
        "-nostdinc",
        "-I/src/arch/x86/include",
        f"-I{tmp_path}/arch/x86/include/generated",
        "-include",
        "/src/include/linux/kconfig.h",
        "-D__KERNEL__",
        "-O2",
        '-DKBUILD_MODFILE="./helpers"',
        *flags.EXTRA,
    )


def test_flags_from_gcc_compile_commands(tmp_path):
    entry = {
        "directory": str(tmp_path),
        "file": "/src/rust/helpers/helpers.c",
        "arguments": [
            "gcc",
            "-I./include",
            "-mindirect-branch=thunk-extern",
            "-fconserve-stack",
            "-DX=1",
            "-std=gnu11",
            "-c",
            "-o",
            "h.o",
            "/src/rust/helpers/helpers.c",
        ],
    }
    cc = tmp_path / "compile_commands.json"
    cc.write_text(
        json.dumps([{"file": "other.c", "directory": "/", "command": "gcc other.c"}, entry])
    )
    c = flags.from_compile_commands(str(cc), "/src")
    assert c.compiler == "gcc"
    assert c.args == (f"-I{tmp_path}/include", "-DX=1", "-std=gnu11", *flags.EXTRA)


@pytest.mark.parametrize(
    "content,message",
    [
        ("[]", "no entry for rust/helpers/helpers.c"),
        ("{", "not JSON"),
        (
            '[{"file": "/src/rust/helpers/helpers.c", "directory": "/", "command": "clang -c \'x"}]',
            "cannot split the command",
        ),
    ],
)
def test_compile_commands_errors(tmp_path, content, message):
    cc = tmp_path / "compile_commands.json"
    cc.write_text(content)
    with pytest.raises(flags.FlagsError, match=message):
        flags.from_compile_commands(str(cc), "/src")


def test_cmd_file_errors(tmp_path):
    with pytest.raises(flags.FlagsError, match=r"\.helpers\.o\.cmd: No such file"):
        flags.from_cmd_file(str(tmp_path))
    (tmp_path / "rust/helpers").mkdir(parents=True)
    (tmp_path / "rust/helpers/.helpers.o.cmd").write_text("garbage\n")
    with pytest.raises(flags.FlagsError, match=r"\.helpers\.o\.cmd:1: no savedcmd_"):
        flags.from_cmd_file(str(tmp_path))


def test_mutual_recursion_entered_from_both_ends(tmp_path):
    """A function whose walk was cut short by recursion is not memoised
    half-done: the second helper still sees everything."""
    src = PRELUDE + (
        "static void b(int n);\nstatic void a(int n) { if (n) b(n - 1); ext(); }\n"
        "static void b(int n) { if (n) a(n - 1); dead(); }\n"
        "void h(void) { b(1); }\nvoid g(void) { a(1); }\n"
    )
    assert set(reached(tmp_path, src, "g")) == {"ext", "dead"}
    assert set(reached(tmp_path, src, "h")) == {"ext", "dead"}


def test_parse_error_names_file_and_line(tmp_path):
    with pytest.raises(
        unit.UnitError, match=r"1 error parsing .*\n  .*unit\.c:9: error: expected expression"
    ):
        reached(tmp_path, PRELUDE + "void h(void) { int x = ; }\n")


# -- the command on a tree without kernel headers ------------------------


def test_every_format(tmp_path):
    root = exports_tree(tmp_path)
    args = ["exports", "--root", str(root), *exports_args(root)]
    text = run(*args)
    assert text.returncode == 1
    lines = text.stdout.decode().splitlines()
    assert [line.split(": ")[1] for line in lines[:-2]] == [
        "ERROR:HELPER_UNEXPORTED_SYMBOL",
        "CHECK:HELPER_NAMESPACE_IMPORT",
        "CHECK:HELPER_LINK_TRAP",
    ]
    assert "defined in lib/unexported.c:1" in lines[0] and "MODULE_IMPORT_NS(NS)" in lines[1]
    assert lines[-2].startswith(
        "total: 1 not-exported, 0 static-in-inline, 1 namespace-import, 1 trap, 0 ok"
    )
    assert lines[-1].startswith("no Kconfig in this tree to tell; judged as on a tree that inlines")
    rows = json.loads(run(*args, "--format", "json").stdout)
    assert [(x["helper"], x["symbol"], x["status"]) for x in rows] == [
        ("rust_helper_a", "unexported", "not-exported"),
        ("rust_helper_b", "in_namespace", "namespace-import"),
        ("rust_helper_c", "trap", "trap"),
    ]
    doc = json.loads(run(*args, "--format", "sarif").stdout)
    assert sarif_errors(doc) == []
    assert [x["ruleId"] for x in doc["runs"][0]["results"]][0] == "HELPER_UNEXPORTED_SYMBOL"
    gh = run(*args, "--format", "github").stdout.decode().splitlines()
    assert gh[0].startswith("::error file=rust/helpers/helpers.c,line=5,title=HELPER_UNEXPORTED")
    # with the unexported symbol exported, nothing fails: exit 0
    symvers = root / "Module.symvers"
    symvers.write_text(symvers.read_text() + "0x0\tunexported\tvmlinux\tEXPORT_SYMBOL\t\n")
    assert run(*args).returncode == 0


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_interrupt_at_every_safe_point(tmp_path, n):
    """SIGINT at the Nth safe point (before the parse, after it, after the
    export table, after the verdicts): exit 130 and nothing on stdout."""
    root = exports_tree(tmp_path)
    r = run(
        "exports",
        "--root",
        str(root),
        *exports_args(root),
        env={"HELPERFIX_FAULT_SIGNAL": f"{n}:SIGINT"},
    )
    assert (r.returncode, r.stdout) == (130, b""), r.stderr
    assert b"interrupted (SIGINT)" in r.stderr


# -- usage and configuration errors (no kernel needed) -------------------


def _tree(tmp_path: Path) -> Path:
    (tmp_path / "rust/helpers").mkdir(parents=True)
    (tmp_path / "rust/helpers/helpers.c").write_text("// SPDX-License-Identifier: GPL-2.0\n")
    (tmp_path / "Makefile").write_text("all:\n")
    return tmp_path


def test_old_tree_is_named(tmp_path):
    (tmp_path / "Makefile").write_text("all:\n")
    r = run("exports", "--root", str(tmp_path), "-q")
    assert r.returncode == 2 and b"no rust/helpers/helpers.c (the helpers moved" in r.stderr


def test_in_tree_config_is_refused(tmp_path):
    _tree(tmp_path)
    (tmp_path / ".config").write_text("CONFIG_X=y\n")
    r = run("exports", "--root", str(tmp_path), "-q")
    assert r.returncode == 2
    assert b"configured in place (.config)" in r.stderr and b"--build-dir ." in r.stderr


def test_missing_tools_are_named(tmp_path):
    _tree(tmp_path)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    os.symlink(shutil.which("git"), bin_dir / "git")
    r = run("exports", "--root", str(tmp_path), "-q", env={"PATH": str(bin_dir)})
    assert r.returncode == 2
    assert b"flex, bison, bc not found" in r.stderr and b"apt-get install clang lld" in r.stderr
    assert not (tmp_path / "bin" / ".config").exists()


def test_unconfigured_build_dir(tmp_path):
    (tmp_path / "rust/helpers").mkdir(parents=True)
    r = run("exports", "--root", str(tmp_path), "--build-dir", str(tmp_path / "out"))
    assert r.returncode == 2 and b"out: not a configured build (no .config)" in r.stderr


def test_config_with_build_dir_is_refused(tmp_path):
    r = run("exports", "--root", str(tmp_path), "--build-dir", "x", "--config", "defconfig")
    assert r.returncode == 2 and b"--config configures helperfix's own build" in r.stderr


# -- Debian's linux-source-6.12, configured by helperfix ------------------


def _rows(r) -> list[dict]:
    assert r.returncode in (0, 1), r.stderr.decode()
    return json.loads(r.stdout)


def test_612_own_helpers(kernel, configs):
    """The known result: under defconfig the only symbol 6.12's helpers reach
    that is not exported is vrealloc_noprof, through the vrealloc() macro.
    6.12 does not inline helpers: a prediction (CHECK, exit 0)."""
    r = run("exports", "--format", "json", cwd=kernel)
    rows = _rows(r)
    assert r.returncode == 0
    bad = [x for x in rows if x["status"] != "ok"]
    assert [(x["helper"], x["symbol"], x["status"]) for x in bad] == [
        ("rust_helper_vrealloc", "vrealloc_noprof", "not-exported")
    ]
    assert bad[0]["chain"] == ["rust_helper_vrealloc", "vrealloc", "vrealloc_noprof"]
    assert bad[0]["defined_in"].startswith("mm/vmalloc.c:")
    assert (bad[0]["file"], bad[0]["helper_file"]) == (
        "include/linux/vmalloc.h",
        "rust/helpers/vmalloc.c",
    )
    ok = {x["symbol"] for x in rows if x["status"] == "ok"}
    assert {"kvrealloc_noprof", "_raw_spin_lock", "pcpu_hot", "refcount_warn_saturate"} <= ok
    assert not {"__bad_copy_from", "__bad_copy_to", "__xadd_wrong_size", "call_rcu"} & ok
    assert b"configuring" not in r.stderr  # the fixture's build is reused

    assert bad[0]["level"] == "CHECK" and bad[0]["fix"].startswith("fix: export vrealloc_noprof")
    text = run("exports", cwd=kernel)
    assert text.returncode == 0
    first, total, why = text.stdout.decode().splitlines()
    assert first.startswith("rust/helpers/vmalloc.c:6: CHECK:HELPER_UNEXPORTED_SYMBOL: ")
    assert "would fail modpost once helpers are inlined" in first
    assert "(rust_helper_vrealloc -> vrealloc -> vrealloc_noprof)" in first
    assert total.startswith("total: 1 not-exported, 0 static-in-inline, 0 namespace-import, ")
    assert why.startswith("predictions: the tree's Kconfig has no RUST_INLINE_HELPERS")
    # --assume-inline: as on a tree that inlines helpers, an ERROR and exit 1
    strict = run("exports", "--assume-inline", cwd=kernel)
    assert strict.returncode == 1
    assert b": ERROR:HELPER_UNEXPORTED_SYMBOL: " in strict.stdout
    assert b"a Rust module that inlines it fails modpost" in strict.stdout


def test_classes(kernel, configs):
    """Helper files written for each class, parsed with 6.12's real flags."""
    from helperfix.exports.analysis import Analysis, analyse_unit
    from helperfix.exports.verdict import Policy

    got = {}
    for name in ("defconfig", "rt"):
        build = configs[name]
        command = dataclasses.replace(
            flags.from_cmd_file(build.dir), source=str(DATA / "classes.c")
        )
        result = Analysis(Policy(True))
        table = lambda arch: symbols.from_tree(str(kernel), arch)  # noqa: E731
        analyse_unit(str(kernel), name, command, build, table, result, print, None, command)
        got[name] = {(f.helper[12:], f.symbol): f for f in result.findings}
    d = got["defconfig"]
    assert {k: f.status for k, f in d.items()} == {
        ("chain", "find_vm_area"): "not-exported",
        ("dma_buf_get", "dma_buf_get"): "namespace-import",
        ("udelay", "__bad_udelay"): "trap",
        ("udelay", "__const_udelay"): "ok",
        ("udelay", "__udelay"): "ok",
        ("dead_branch", "kvrealloc_noprof"): "ok",
        ("dr7", "cpu_dr7"): "ok",
        ("smt_active", "sched_smt_present"): "ok",
    }
    assert d[("chain", "find_vm_area")].chain == (
        "rust_helper_chain",
        "chain_outer",
        "chain_inner",
        "find_vm_area",
    )
    assert d[("dma_buf_get", "dma_buf_get")].namespace == "DMA_BUF"
    assert d[("dr7", "cpu_dr7")].export == "EXPORT_PER_CPU_SYMBOL"
    assert d[("smt_active", "sched_smt_present")].kind == "variable"
    # PREEMPT_RT turns the dead branch live, and with it the unexported symbol
    rt = got["rt"]
    assert rt[("dead_branch", "vrealloc_noprof")].status == "not-exported"
    assert ("after_return", "find_vm_area") in rt


def test_several_configs(kernel, configs):
    r = run("exports", "--config", str(configs["rt_config"]), "--config", "defconfig", cwd=kernel)
    assert r.returncode == 0
    lines = r.stdout.decode().splitlines()
    assert len(lines) == 3 and lines[0].endswith("[rt.config, defconfig]")
    assert lines[1].startswith("total: 1 not-exported, ")  # counted once, as shown
    rows = _rows(
        run("exports", "--config", str(configs["rt_config"]), "--format", "json", cwd=kernel)
    )
    rt_only = {x["symbol"] for x in rows} - {
        x["symbol"] for x in _rows(run("exports", "--format", "json", cwd=kernel))
    }
    assert {"rt_spin_lock", "rt_spin_unlock", "call_rcu"} <= rt_only  # PREEMPT_RT's own


def test_symvers_on_612(kernel, configs, tmp_path):
    """With Module.symvers the table is exact: what it lists is exported."""
    table = symbols.from_tree(str(kernel), "x86")
    table.pop("_raw_spin_lock")
    lines = [f"0x0\t{n}\tvmlinux\t{e.macro}\t{e.namespace}" for n, e in table.items()]
    lines.append("0x0\tvrealloc_noprof\tvmlinux\tEXPORT_SYMBOL_GPL\tMM_TEST")
    symvers = tmp_path / "Module.symvers"
    symvers.write_text("\n".join(lines) + "\n")
    rows = _rows(run("exports", "--symvers", str(symvers), "--format", "json", cwd=kernel))
    status = {x["symbol"]: (x["status"], x["namespace"]) for x in rows}
    assert status["vrealloc_noprof"] == ("namespace-import", "MM_TEST")
    assert status["_raw_spin_lock"] == ("not-exported", None)


def test_check_exports_gate(kernel, configs):
    r = run("check", "--exports", "--format", "json", cwd=kernel)
    rows = json.loads(r.stdout)
    hits = [x for x in rows if x["type"] == "HELPER_UNEXPORTED_SYMBOL"]
    assert [(x["path"], x["helper"], x["level"]) for x in hits] == [
        ("rust/helpers/vmalloc.c", "rust_helper_vrealloc", "CHECK")
    ]
    assert b"exports: predictions: " in r.stderr
    # a tree that cannot be analysed never passes the gate
    broken = run("check", "--exports", "--build-dir", "/nonexistent", cwd=kernel)
    assert broken.returncode == 2
    assert b"EXPORTS_UNAVAILABLE: /nonexistent: not a configured build" in broken.stdout


def test_compile_commands(kernel, configs, tmp_path):
    """compile_commands.json from the kernel's own generator gives the same verdicts."""
    import subprocess
    import sys

    out = tmp_path / "compile_commands.json"
    gen = kernel / "scripts/clang-tools/gen_compile_commands.py"
    subprocess.run(
        [sys.executable, str(gen), "-d", configs["defconfig"].dir, "-o", str(out)], check=True
    )
    r = run("exports", "--compile-commands", str(out), "--format", "json", cwd=kernel)
    rows = _rows(r)
    assert [x["symbol"] for x in rows if x["status"] != "ok"] == ["vrealloc_noprof"]
    assert {x["config"] for x in rows} == {"compile_commands"}
    # no build folder: names are confirmed with the command's own compiler (-E)
    assert b"confirming vrealloc_noprof in mm/vmalloc.c (-E)" in r.stderr


def test_interrupted_configure_stops_make(kernel, tmp_path):
    import signal
    import subprocess
    import sys
    import time

    env = {**os.environ, "PYTHONPATH": str(ROOT), "HELPERFIX_CACHE_DIR": str(tmp_path / "cache")}
    p = subprocess.Popen(
        [sys.executable, "-m", "helperfix", "exports"],
        cwd=kernel,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.time() + 60
    while not list((tmp_path / "cache").glob("exports/*/Makefile")) and time.time() < deadline:
        time.sleep(0.2)  # make has started writing the build folder
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=60)
    assert p.returncode == 130, err.decode()
    assert b"interrupted (SIGINT)" in err
    (build,) = [p for p in (tmp_path / "cache" / "exports").iterdir() if p.is_dir()]
    assert not (build / ".helperfix-stamp").exists()  # the next run configures again
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert f"O={build}" not in ps  # make and its children were stopped


@pytest.mark.parametrize(
    "args,message",
    [
        (["check", "--build-dir", "x"], b"go with --exports"),
        (["check", "--config", "defconfig"], b"go with --exports"),
        (
            ["check", "--patch", "-", "--exports"],
            b"--exports analyses a configured tree, not a patch",
        ),
    ],
)
def test_check_exports_usage(tmp_path, args, message):
    (tmp_path / "rust/helpers").mkdir(parents=True)
    r = run(*args, cwd=tmp_path, stdin=b"")
    assert r.returncode == 2 and message in r.stderr


def test_config_file_named_like_a_target(tmp_path, monkeypatch):
    """'rt.config' in the cwd is a file, not a make target."""
    from helperfix.exports.build import is_target, label

    monkeypatch.chdir(tmp_path)
    assert is_target("rt.config") and is_target("defconfig")
    (tmp_path / "rt.config").write_text("CONFIG_X=y\n")
    assert not is_target("rt.config") and label(str(tmp_path / "rt.config")) == "rt.config"


def test_tree_at_another_commit_updates_the_build(kernel, configs):
    stamp = Path(configs["defconfig"].dir) / ".helperfix-stamp"
    data = json.loads(stamp.read_text())
    stamp.write_text(json.dumps({**data, "head": "0" * 40}))
    r = run("exports", "--format", "json", cwd=kernel)
    assert b"updating defconfig" in r.stderr and b"configuring" not in r.stderr
    assert [x["symbol"] for x in _rows(r) if x["status"] != "ok"] == ["vrealloc_noprof"]
    assert json.loads(stamp.read_text()) == data  # back at the checkout's commit
