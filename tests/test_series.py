"""helperfix series on real git repositories built from the late-2025 corpus
and the bundled sample; checkpatch.pl and get_maintainer.pl from Debian's
linux-source-6.12 when it is installed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CORPUS, IDENTITY, SAMPLES, git, make_repo, require, run, unavailable
from kernel612 import extract

from helperfix.series import maintainers as mt


@pytest.fixture(scope="session")
def scripts612(tmp_path_factory):
    return extract(tmp_path_factory.mktemp("k612"))


def series(repo: Path, *args: str):
    r = run("series", *args, cwd=repo)
    assert b"Traceback" not in r.stderr, r.stderr
    return r


@pytest.fixture(scope="module")
def corpus_series(tmp_path_factory, scripts612):
    require(CORPUS)
    base = tmp_path_factory.mktemp("series")
    repo = make_repo(base / "linux", CORPUS, scripts612)
    out = base / "out"
    r = series(repo, "-o", str(out))
    assert r.returncode == 0, r.stderr
    return repo, out, r


def patches(out: Path) -> list[Path]:
    return sorted(
        p for p in out.iterdir() if p.name.endswith(".patch") and "cover-letter" not in p.name
    )


def test_commits_in_upstream_order(corpus_series):
    repo, _, _ = corpus_series
    subjects = git(
        repo, "log", "--reverse", "--format=%s", "master..rust-helper-annotations"
    ).splitlines()
    assert subjects[0] == "rust: helpers: define __rust_helper once, in helpers.c"
    assert subjects[-1] == "rust: helpers: make __rust_helper __always_inline outside bindgen"
    middle = subjects[1:-1]
    assert len(middle) == 53 and all(
        re.fullmatch(r"rust: \w+: add __rust_helper to helpers", s) for s in middle
    )
    assert "rust: cpufreq: add __rust_helper to helpers" in middle
    first = git(repo, "show", "--stat", "--format=", "rust-helper-annotations~54")
    assert "gen-rust-atomic-helpers.sh" in first and "atomic.c" in first and "helpers.c" in first


def test_bodies_wrapped_and_signed(corpus_series):
    repo, _, _ = corpus_series
    for sha in git(repo, "rev-list", "master..rust-helper-annotations").split():
        body = git(repo, "show", "-s", "--format=%B", sha)
        assert all(len(line) <= 75 for line in body.splitlines()), body
        assert body.rstrip().endswith(f"Signed-off-by: {IDENTITY[0]} <{IDENTITY[1]}>")
        assert "change-id" not in body


def test_every_commit_keeps_the_macro_defined(corpus_series):
    """Bisectable: at every commit, helpers.c defines __rust_helper before its
    first include, or no helper file relies on the macro without a fallback."""
    repo, _, _ = corpus_series
    for sha in git(repo, "rev-list", "master..rust-helper-annotations").split():
        helpers = git(repo, "show", f"{sha}:rust/helpers/helpers.c")
        defined = helpers.find("#define __rust_helper")
        if 0 <= defined < helpers.find('#include "'):
            continue
        for name in git(repo, "ls-tree", "--name-only", sha, "rust/helpers/").split():
            text = git(repo, "show", f"{sha}:{name}")
            assert "__rust_helper" not in text or "#ifndef __rust_helper" in text, (sha, name)


def test_final_tree_equals_annotate(corpus_series, tmp_path):
    repo, _, _ = corpus_series
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(repo), str(clone)], check=True)
    assert run("annotate", "-q", str(clone / "rust/helpers")).returncode == 0
    git(clone, "add", "-A")
    diff = git(clone, "diff", "--cached", "--stat", "origin/rust-helper-annotations")
    assert diff == ""


def test_git_am_applies_in_order(corpus_series, tmp_path):
    repo, out, _ = corpus_series
    clone = tmp_path / "am"
    subprocess.run(["git", "clone", "-q", str(repo), str(clone)], check=True)
    git(clone, "config", "user.name", IDENTITY[0])
    git(clone, "config", "user.email", IDENTITY[1])
    git(clone, "checkout", "-q", "master")
    r = subprocess.run(
        ["git", "am", "-q", *map(str, patches(out))], cwd=clone, capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr
    assert git(clone, "diff", "--stat", "origin/rust-helper-annotations") == ""


def test_cover_letter(corpus_series):
    repo, out, _ = corpus_series
    cover = (out / "0000-cover-letter.patch").read_text()
    base = git(repo, "rev-parse", "master").strip()
    assert "Subject: [PATCH 00/55] rust: add __rust_helper to helpers" in cover
    assert "*** " not in cover
    assert "rust: cpufreq: add __rust_helper to helpers" in cover  # shortlog
    assert re.search(r"^ \d+ files changed", cover, re.M)  # diffstat
    assert f"base-commit: {base}\nchange-id: " in cover
    assert re.search(r"^change-id: \d{8}-rust-helper-annotations-[0-9a-f]{12}$", cover, re.M)
    assert all("change-id:" not in p.read_text() for p in patches(out))


def test_over_fifteen_patches_warns(corpus_series):
    _, _, r = corpus_series
    assert b"55 patches; vger lists take at most 15" in r.stderr


def test_checkpatch_is_clean(corpus_series, scripts612):
    if scripts612 is None:
        unavailable("linux-source-6.12 is not installed (apt-get install linux-source-6.12)")
    repo, out, _ = corpus_series
    for p in patches(out):
        r = subprocess.run(
            [
                "perl",
                "scripts/checkpatch.pl",
                "-q",
                "--terse",
                "--no-summary",
                "--showfile",
                "--mailback",
                str(p),
            ],
            cwd=repo,
            capture_output=True,
            text=True,
        )
        assert r.stdout == "" and r.returncode == 0, (p.name, r.stdout)


def headers(p: Path, name: str) -> set[str]:
    import email

    msg = email.message_from_bytes(p.read_bytes())
    value = str(email.header.make_header(email.header.decode_header(msg.get(name, ""))))
    return {x.strip() for x in value.replace("\n", " ").split(",") if x.strip()}


def test_recipients_per_patch_and_union_on_cover(corpus_series):
    _, out, _ = corpus_series
    union_to, union_cc = set(), set()
    for p in patches(out):
        to, cc = headers(p, "To"), headers(p, "Cc")
        assert "Miguel Ojeda <ojeda@kernel.org>" in to, p.name
        assert "rust-for-linux@vger.kernel.org" in cc, p.name
        union_to |= to
        union_cc |= cc
    cover = out / "0000-cover-letter.patch"
    assert headers(cover, "To") == union_to
    assert headers(cover, "Cc") == union_cc - union_to
    first = headers(patches(out)[0], "To")
    assert "Will Deacon <will@kernel.org>" in first  # ATOMIC INFRASTRUCTURE: scripts/atomic/


def test_builtin_reader_agrees_with_get_maintainer(corpus_series, scripts612):
    if scripts612 is None:
        unavailable("linux-source-6.12 is not installed (apt-get install linux-source-6.12)")
    repo, out, _ = corpus_series
    sections = mt.parse(str(repo / "MAINTAINERS"))
    for p in patches(out)[:6] + patches(out)[-2:]:
        text = p.read_text()
        ours = mt.builtin(sections, mt.patch_files(text), str(repo), text)
        theirs, why = mt.run_script(str(repo), str(p))
        assert theirs is not None, why
        assert (set(ours.to), set(ours.cc)) == (set(theirs.to), set(theirs.cc)), p.name
        # one run with roles gives exactly what b4's two runs (--nol, --nom) give
        b4 = [
            subprocess.run(
                ["perl", "scripts/get_maintainer.pl", *mt.B4_FLAGS, flag, str(p)],
                cwd=repo,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.splitlines()
            for flag in ("--nol", "--nom")
        ]
        to, cc = b4[0], [x for x in b4[1] if x not in b4[0]]  # reviewers are in both
        assert [theirs.to, theirs.cc] == [to, cc], p.name


@pytest.fixture
def sample_repo(tmp_path):
    return make_repo(tmp_path / "mini", SAMPLES / "mini", None)


def test_group_by_maintainer_and_version(sample_repo, tmp_path):
    out = tmp_path / "out"
    r = series(sample_repo, "--group-by", "maintainer", "-v", "2", "-o", str(out))
    assert r.returncode == 0, r.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names[0] == "v2-0000-cover-letter.patch" and len(names) == 1 + 5
    subjects = git(
        sample_repo, "log", "--reverse", "--format=%s", "master..rust-helper-annotations-v2"
    ).splitlines()
    assert subjects[1:4] == [
        "rust: bits, crlf, mem, split: add __rust_helper to helpers",
        "rust: clock: add __rust_helper to helpers",
        "rust: net/sock: add __rust_helper to helpers",
    ]
    clock = next(p for p in out.iterdir() if "clock" in p.name)
    assert "Clara Clock <clara@example.org>" in headers(clock, "To")  # built-in reader, no script
    assert "sample-clk@example.org" in headers(clock, "Cc")


def test_dry_run_changes_nothing(sample_repo, tmp_path):
    before = (git(sample_repo, "for-each-ref"), git(sample_repo, "worktree", "list"))
    r = series(sample_repo, "--dry-run", "-o", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    assert b"dry run: would create branch rust-helper-annotations" in r.stdout
    assert (git(sample_repo, "for-each-ref"), git(sample_repo, "worktree", "list")) == before
    assert not (tmp_path / "out").exists()
    assert git(sample_repo, "status", "--porcelain") == ""


def test_refuses_dirty_tree(sample_repo):
    (sample_repo / "rust/helpers/mem.c").write_text("changed\n")
    r = series(sample_repo)
    assert r.returncode == 2 and b"uncommitted changes" in r.stderr
    assert "rust-helper-annotations" not in git(sample_repo, "branch")


def test_refuses_missing_identity(sample_repo, tmp_path):
    git(sample_repo, "config", "--unset", "user.name")
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    r = subprocess.run(
        [sys.executable, "-m", "helperfix", "series"], cwd=sample_repo, capture_output=True, env=env
    )
    assert r.returncode == 2 and b"no git identity: set user.name" in r.stderr


def test_refuses_base_not_ancestor(sample_repo):
    git(sample_repo, "checkout", "-q", "-b", "side")
    (sample_repo / "README").write_text("side\n")
    git(sample_repo, "commit", "-qam", "side")
    git(sample_repo, "checkout", "-q", "master")
    r = series(sample_repo, "--base", "side")
    assert r.returncode == 2 and b"--base side is not an ancestor of HEAD" in r.stderr


def test_annotate_keeps_checkpatch_flagged_lines_intact(tmp_path, scripts612):
    if scripts612 is None:
        unavailable("linux-source-6.12 is not installed (apt-get install linux-source-6.12)")
    text = (
        "void rust_helper_set_bit(unsigned long nr, volatile unsigned long *addr)\n{\n}\n\n"
        "__noreturn void rust_helper_BUG(void)\n{\n}\n\n"
        "bool rust_helper_WARN_ON(bool cond)\n{\n}\n"
    )
    root = tmp_path / "k"
    (root / "rust/helpers").mkdir(parents=True)
    shutil.copytree(scripts612, root / "scripts")
    (root / "rust/helpers/bits.c").write_text(text)
    assert run("annotate", str(root / "rust/helpers")).returncode == 0
    assert (root / "rust/helpers/bits.c").read_text() == (
        "__rust_helper\nvoid rust_helper_set_bit(unsigned long nr, volatile unsigned long *addr)\n{\n}\n\n"
        "__rust_helper\n__noreturn void rust_helper_BUG(void)\n{\n}\n\n"
        "__rust_helper bool rust_helper_WARN_ON(bool cond)\n{\n}\n"
    )
    (root / "rust/helpers/bits.c").write_text(text)
    assert run("annotate", "--no-checkpatch", str(root / "rust/helpers")).returncode == 0
    assert (
        (root / "rust/helpers/bits.c")
        .read_text()
        .startswith("__rust_helper void rust_helper_set_bit(unsigned long nr,\n")
    )
