"""The gate inside the loops kernel developers already run: b4's per-patch
checks (the real b4), checkpatch's -q/--no-summary contract, input the gate
cannot misread, trees before 6.11, and on Debian's 6.12 checkout: --tree
from the real tree, subsets that stay buildable, texts that reach only the
right people."""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES, git, make_repo, make_tree, run, unavailable

CHECK_CMD = f"{sys.executable} -m helperfix check -q --no-summary --patch -"


def _b4() -> str:
    exe = shutil.which("b4")
    if exe is None:
        unavailable("b4 is not installed (pip install b4)")
    return exe


def _sh(cwd: Path, *cmd: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)


@pytest.fixture
def prep_branch(tmp_path) -> Path:
    """A b4 prep branch with a clean patch and one adding an unannotated helper."""
    repo = make_repo(tmp_path / "mini", SAMPLES / "mini", None)
    assert _sh(repo, _b4(), "prep", "-n", "helper-check").returncode == 0
    (repo / "MAINTAINERS").write_text((repo / "MAINTAINERS").read_text() + "\n")
    git(repo, "commit", "-qam", "MAINTAINERS: a blank line")
    mem = repo / "rust/helpers/mem.c"
    mem.write_text(mem.read_text() + "\nint rust_helper_new_thing(void)\n{\n\treturn 0;\n}\n")
    git(repo, "commit", "-qam", "rust: mem: add a helper")
    return repo


def test_b4_prep_check(prep_branch):
    git(prep_branch, "config", "b4.prep-perpatch-check-cmd", CHECK_CMD)
    r = _sh(prep_branch, "b4", "prep", "--check", "--no-cache")
    out = re.sub(r"\x1b\[[0-9;]*m", "", r.stdout + r.stderr)
    assert "Success: 1, Warning: 1, Error: 0" in out, out
    assert "WARNING:MISSING_RUST_HELPER: helper 'rust_helper_new_thing' added without" in out


def test_b4_am_check_on_a_local_mbox(prep_branch, tmp_path):
    """b4's am-side check runs offline from a local mbox (its lore look-up
    fails and b4 goes on)."""
    git(prep_branch, "config", "b4.am-perpatch-check-cmd", CHECK_CMD)
    git(prep_branch, "format-patch", "-q", "--thread", "-o", str(tmp_path / "fp"), "HEAD~2")
    mbox = tmp_path / "series.mbox"
    mbox.write_text("".join(p.read_text() for p in sorted((tmp_path / "fp").iterdir())))
    r = _sh(prep_branch, "b4", "am", "-m", str(mbox), "--check", "-o", str(tmp_path / "am"))
    out = re.sub(r"\x1b\[[0-9;]*m", "", r.stdout + r.stderr)
    assert ": passed all checks" in out, out  # b4 names the check by its first word
    assert "rust_helper_new_thing' added without __rust_helper" in out


CLEAN = b"""diff --git a/drivers/x.c b/drivers/x.c
--- a/drivers/x.c
+++ b/drivers/x.c
@@ -1,1 +1,2 @@
 int x;
+int y;
"""
ADDS = b"""diff --git a/rust/helpers/a.c b/rust/helpers/a.c
--- a/rust/helpers/a.c
+++ b/rust/helpers/a.c
@@ -1,1 +1,6 @@
 // SPDX-License-Identifier: GPL-2.0
+
+int rust_helper_b(int x)
+{
+	return x;
+}
"""


@pytest.mark.parametrize(
    "flags,patch,out,status",
    [
        (["-q", "--no-summary"], CLEAN, "", 0),
        (["-q", "--no-summary"], ADDS, "MISSING_RUST_HELPER", 1),
        (["-q"], CLEAN, "", 0),
        (["-q"], ADDS, "total: 0 errors, 1 warnings", 1),
        (["--no-summary"], CLEAN, "", 0),
        (["--terse"], CLEAN, "total: 0 errors, 0 warnings, 0 lines checked", 0),
        (["-q", "--ignore", "missing_rust_helper"], ADDS, "", 0),
        (["-q", "--types", "REMOVED_RUST_HELPER"], ADDS, "", 0),
    ],
)
def test_checkpatch_contract(flags, patch, out, status):
    r = run("check", *flags, "--patch", "-", stdin=patch)
    assert r.returncode == status and r.stderr == b""
    assert (out in r.stdout.decode()) if out else r.stdout == b""


def test_input_errors_cannot_be_ignored(tmp_path):
    root = make_tree(tmp_path, {"rust/helpers/a.c": "void a(void)\n{\n/*"})
    r = run("check", "--ignore", "PARSE_ERROR", str(root / "rust/helpers"))
    assert r.returncode == 2 and b"PARSE_ERROR" in r.stdout


@pytest.mark.parametrize(
    "path,shown",
    [
        ("rust/helpers/../../kernel/evil.c", "kernel/evil.c"),
        ("rust/helpers/../../Makefile", "Makefile"),
    ],
)
def test_paths_are_normalised(path, shown):
    patch = (
        f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n@@ -1,1 +1,2 @@\n"
        " int x;\n+int rust_helper_evil(void) { return 0; }\n"
    ).encode()
    r = run("check", "--patch", "-", stdin=patch)
    lines = r.stdout.decode().splitlines()
    assert lines[0] == (
        f"{shown}: WARNING:PATCH_PATH: path {path} leaves rust/helpers/ (it is {shown}): "
        "not a helper file (from '<stdin>')"
    )
    assert lines[-1] == "total: 0 errors, 1 warnings, 0 lines checked" and r.returncode == 1


UNREAD = b"""diff --git a/rust/helpers/a.c b/rust/helpers/a.c
--- a/rust/helpers/a.c
+++ b/rust/helpers/a.c
@@ -10,5 +10,9 @@ void a(void)
 \tx = 1;
 }
+/* an unterminated comment
+int rust_helper_new(void)
+{
+}
 
 int rust_helper_old(void)
 {
"""
SKIPPED = b"""diff --git a/rust/helpers/a.c b/rust/helpers/a.c
--- a/rust/helpers/a.c
+++ b/rust/helpers/a.c
@@ -10,4 +10,5 @@ void a(void)
 \tx = 1;
+int rust_helper_sneaky(void) { return 0; }
 }
 
 int rust_helper_old(void)
"""


def test_changed_lines_are_never_passed_unread():
    r = run("check", "--patch", "-", stdin=UNREAD)
    assert r.returncode == 2 and b"unterminated /* comment" in r.stderr
    r = run("check", "--format", "json", "--patch", "-", stdin=SKIPPED)
    assert b'"PATCH_CONTEXT"' in r.stdout and b'"line": 11' in r.stdout


def test_a_large_mbox_is_streamed(tmp_path):
    """A 40 MB mbox (300 mails, one adding a helper): the gate's peak
    memory stays that of a small run (the whole mbox is never held)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import bench_patch_memory as bench

    small, large = tmp_path / "small.mbox", tmp_path / "large.mbox"
    bench.write_mbox(str(small), 1)
    bench.write_mbox(str(large), 40)
    cmd = [sys.executable, "-m", "helperfix", "check", "--patch"]
    _, base, status = bench.measure([*cmd, str(small)])
    _, peak, status2 = bench.measure([*cmd, "-"], str(large))
    assert (status, status2) == (1, 1)
    assert peak < base + 20, (base, peak)  # MiB


@pytest.fixture(scope="session")
def tree61(tmp_path_factory) -> Path:
    """Debian's linux-source-6.1: helpers still in one rust/helpers.c."""
    tarballs = glob.glob("/usr/src/linux-source-6.1.tar.xz")
    if not tarballs:
        unavailable("linux-source-6.1 is not installed (apt-get install linux-source-6.1)")
    dest = tmp_path_factory.mktemp("k61")
    members = [f"linux-source-6.1/{m}" for m in ("rust/helpers.c", "Makefile", "MAINTAINERS")]
    subprocess.run(["tar", "-xJf", tarballs[0], "-C", str(dest), *members], check=True)
    root = dest / "linux-source-6.1"
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "-c", "user.name=a", "-c", "user.email=a@b", "commit", "-qm", "6.1")
    return root


@pytest.mark.parametrize(
    "args", [["annotate"], ["check"], ["list"], ["series"], ["exports"], ["check", "--root", "."]]
)
def test_older_trees_are_told_the_truth(tree61, args):
    r = run(*args, cwd=tree61)
    assert r.returncode == 2 and b"Traceback" not in r.stderr
    assert r.stderr.decode().strip() == (
        f"helperfix: error: {tree61}: this tree keeps its Rust helpers in one file, "
        "rust/helpers.c (Linux 6.10 and older); helperfix works on trees with a rust/helpers/ "
        "folder (Linux 6.11 and later)"
    )


def test_older_tree_in_patch_mode(tree61):
    r = run("check", "--patch", "-", "--tree", str(tree61), stdin=ADDS)
    assert r.returncode == 2 and b"rust/helpers.c (Linux 6.10 and older)" in r.stderr


# -- Debian's 6.12 checkout ------------------------------------------------------


@pytest.fixture(scope="session")
def series612(kernel, tmp_path_factory) -> tuple[Path, str]:
    """helperfix's own 6.12 series (b4 prep branch), its mails and its branch."""
    _b4()
    out = tmp_path_factory.mktemp("series612") / "out"
    branch = "hf-gate-series"
    r = run("series", "--b4", "--branch", branch, "-o", str(out), "-q", cwd=kernel)
    assert r.returncode == 0, r.stderr.decode()
    yield out, branch
    git(kernel, "checkout", "-q", "master")
    git(kernel, "branch", "-q", "-D", branch)


def test_own_series_in_the_real_tree(kernel, series612):
    out, branch = series612
    mbox = "".join(p.read_text() for p in sorted(out.iterdir())).encode()
    r = run("check", "--patch", "-", "--tree", ".", cwd=kernel, stdin=mbox)
    assert r.returncode == 0, r.stdout.decode() + r.stderr.decode()
    assert b"ERROR" not in r.stdout
    try:  # as on the prep branch: HEAD holds the series
        git(kernel, "checkout", "-q", branch)
        r = run("check", "--patch", "-", "--tree", ".", cwd=kernel, stdin=mbox)
        assert r.returncode == 0 and b"ERROR" not in r.stdout
        assert b"already applied in" in r.stdout and b"checked as it stands" in r.stdout
    finally:
        git(kernel, "checkout", "-q", "master")


def test_any_patch_on_plain_612(kernel):
    """A new helper file on plain 6.12: no false MISSING_BINDGEN_BLOCK; its
    unannotated helper is a note (the tree does not define the macro yet)."""
    patch = (
        b"diff --git a/rust/helpers/helpers.c b/rust/helpers/helpers.c\n"
        b"--- a/rust/helpers/helpers.c\n+++ b/rust/helpers/helpers.c\n"
        b'@@ -25,3 +25,4 @@\n #include "vmalloc.c"\n #include "wait.c"\n #include "workqueue.c"\n'
        b'+#include "zz_new.c"\n'
        b"diff --git a/rust/helpers/zz_new.c b/rust/helpers/zz_new.c\nnew file mode 100644\n"
        b"--- /dev/null\n+++ b/rust/helpers/zz_new.c\n@@ -0,0 +1,6 @@\n"
        b"+// SPDX-License-Identifier: GPL-2.0\n+\n+int rust_helper_zz(void)\n+{\n"
        b"+\treturn 0;\n+}\n"
    )
    tail = (kernel / "rust/helpers/helpers.c").read_text().splitlines()[24:27]
    assert tail == ['#include "vmalloc.c"', '#include "wait.c"', '#include "workqueue.c"']
    for block in ("auto", "plain"):
        r = run(
            "check",
            "--patch",
            "-",
            "--tree",
            ".",
            "--helpers-block",
            block,
            cwd=kernel,
            stdin=patch,
        )
        assert r.returncode == 0, r.stdout.decode() + r.stderr.decode()
        assert b"RUST_HELPER_PENDING" in r.stdout and b"MISSING_BINDGEN_BLOCK" not in r.stdout


def _build_helpers(kernel: Path, build) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            "make",
            "-s",
            "-C",
            str(kernel),
            f"O={build.dir}",
            "LLVM=1",
            "KCFLAGS=-Wno-missing-prototypes -Wno-missing-declarations",
            "rust/helpers/helpers.o",
        ],
        capture_output=True,
        text=True,
    )


def test_annotating_one_file_keeps_the_tree_buildable(kernel, configs):
    helpers = kernel / "rust/helpers/helpers.c"
    mine = kernel / "rust/helpers/zz_mine.c"
    text = helpers.read_text()
    base = git(kernel, "rev-parse", "HEAD").strip()
    try:
        helpers.write_text(
            text.replace('#include "workqueue.c"', '#include "workqueue.c"\n#include "zz_mine.c"')
        )
        git(kernel, "add", "rust/helpers/helpers.c")
        git(kernel, "-c", "user.name=a", "-c", "user.email=a@b", "commit", "-qm", "wip")
        mine.write_text(
            "// SPDX-License-Identifier: GPL-2.0\n\nint rust_helper_mine(int x)\n{\n\treturn x;\n}\n"
        )
        r = run("annotate", "rust/helpers/zz_mine.c", cwd=kernel)
        assert r.returncode == 0, r.stderr.decode()
        assert b"helpers.c: a plain #define __rust_helper added too" in r.stderr
        assert "\n#define __rust_helper\n" in helpers.read_text()
        assert run("check", "rust/helpers/zz_mine.c", cwd=kernel).returncode == 0
        built = _build_helpers(kernel, configs["defconfig"])
        assert built.returncode == 0, built.stderr
        # annotated by hand, in a tree that defines the macro nowhere
        git(kernel, "checkout", "-q", "--", "rust/helpers/helpers.c")
        r = run("check", "rust/helpers/zz_mine.c", cwd=kernel)
        assert (
            r.returncode == 1
            and b"ERROR:UNDEFINED_RUST_HELPER: helper 'rust_helper_mine'" in r.stdout
        )
        broken = _build_helpers(kernel, configs["defconfig"])
        assert broken.returncode != 0 and "unknown type name '__rust_helper'" in broken.stderr
    finally:
        mine.unlink(missing_ok=True)
        git(kernel, "reset", "-q", "--hard", base)


def _maintainers(kernel: Path, patch: Path) -> list[str]:
    r = subprocess.run(
        [
            "perl",
            "scripts/get_maintainer.pl",
            "--nogit",
            "--nogit-fallback",
            "--nogit-chief-penguins",
            "--norolestats",
            str(patch),
        ],
        cwd=kernel,
        capture_output=True,
        text=True,
        check=True,
    )
    return sorted(r.stdout.split("\n"))


def test_texts_reach_only_the_right_people(kernel, series612, tmp_path):
    """Every mail's text adds nobody: get_maintainer.pl with keywords on (as
    b4 runs it) gives the same people for the whole mail as for its diff."""
    out, branch = series612
    for mail in sorted(out.iterdir())[1:]:
        text = mail.read_text()
        diff_only = tmp_path / mail.name
        diff_only.write_text(text[text.index("\ndiff --git ") + 1 :])
        assert _maintainers(kernel, mail) == _maintainers(kernel, diff_only), mail.name
        assert "llvm@lists.linux.dev" not in text
    # b4 send mails exactly the To/Cc helperfix wrote
    try:
        git(kernel, "config", "sendemail.smtpserver", "localhost")
        git(kernel, "checkout", "-q", branch)
        sent = tmp_path / "b4"
        r = _sh(kernel, "b4", "send", "-o", str(sent), "--no-sign")
        assert r.returncode == 0, r.stderr
    finally:
        git(kernel, "checkout", "-q", "master")
        git(kernel, "config", "--unset", "sendemail.smtpserver")

    def heads(path: Path) -> tuple[str, set[str], set[str]]:
        import email

        m = email.message_from_string(path.read_text())
        subject = re.sub(r"^\[[^]]*\]\s*", "", " ".join(m["Subject"].split()))
        people = {a for _, a in email.utils.getaddresses(m.get_all("To", []))}
        lists = {a for _, a in email.utils.getaddresses(m.get_all("Cc", []))}
        return subject, people, lists

    ours = {heads(p)[0]: heads(p) for p in sorted(out.iterdir())[1:]}
    theirs = {heads(p)[0]: heads(p) for p in sorted(sent.iterdir())[1:]}
    assert ours.keys() == theirs.keys()
    me = {git(kernel, "config", "user.email").strip()}  # b4 copies the sender (Signed-off-by)
    for subject, (_, to, cc) in ours.items():
        assert (theirs[subject][1] | theirs[subject][2]) - me == to | cc, subject
    assert not any("llvm@lists.linux.dev" in p.read_text() for p in sent.iterdir())
