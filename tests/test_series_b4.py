"""Rerolls and b4: v2 keeps v1's change-id and says what changed; --b4 makes
a branch that the real b4 (from PyPI) manages and sends as format-patch would."""

from __future__ import annotations

import email
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES, git, make_repo, unavailable


def series(repo: Path, *args: str) -> subprocess.CompletedProcess:
    r = subprocess.run(
        [sys.executable, "-m", "helperfix", "series", "-q", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert "Traceback" not in r.stderr, r.stderr
    return r


@pytest.fixture
def repo(tmp_path):
    return make_repo(tmp_path / "mini", SAMPLES / "mini", None)


def cover(out: Path) -> str:
    return next(out.glob("*0000-cover-letter.patch")).read_text()


def test_v2_keeps_the_change_id_and_says_what_changed(repo, tmp_path):
    assert series(repo, "-o", str(tmp_path / "v1")).returncode == 0
    v1 = cover(tmp_path / "v1")
    change_id = re.search(r"^change-id: (\S+)$", v1, re.M).group(1)
    msgid = re.search(r"^Message-I[dD]: <([^>]+)>", v1, re.M).group(1)
    # upstream moves on: mem.c gets a new helper
    mem = repo / "rust/helpers/mem.c"
    mem.write_text(mem.read_text() + "\nint rust_helper_mem_new(void)\n{\n\treturn 0;\n}\n")
    git(repo, "commit", "-qam", "rust: mem: new helper")
    r = series(repo, "-v", "2", "-o", str(tmp_path / "v2"))
    assert r.returncode == 0, r.stderr
    v2 = cover(tmp_path / "v2")
    assert f"change-id: {change_id}" in v2
    assert re.search(r"^Subject: \[PATCH v2 0/\d+\]", v2, re.M)
    section = v2.split("Changes in v2:\n", 1)[1].split("\n\n", 1)[0]
    assert "- Rebased onto" in section
    assert "mem.c: now annotates rust_helper_mem_new." in section.replace("\n  ", " ")
    assert f"- Link to v1: https://lore.kernel.org/r/{msgid}" in section
    stored = git(repo, "config", "--get-regexp", r"branch\.rust-helper-annotations-v2\.")
    assert f"helperfix-change-id {change_id}" in stored and "helperfix-version 2" in stored


def test_v2_without_v1_says_so(repo, tmp_path):
    r = series(repo, "-v", "2", "-o", str(tmp_path / "v2"))
    assert r.returncode == 0
    assert "no v1 branch (rust-helper-annotations)" in r.stderr
    assert "Changes in v2" not in cover(tmp_path / "v2")


def test_mail_options_and_next_command(repo, tmp_path):
    r = series(
        repo,
        "--rfc",
        "--in-reply-to",
        "<earlier@example.org>",
        "--to",
        "Extra Person <extra@example.org>",
        "--cc",
        "extra-list@example.org",
        "-o",
        str(tmp_path / "o"),
    )
    assert r.returncode == 0, r.stderr
    for p in sorted((tmp_path / "o").iterdir()):
        msg = email.message_from_string(p.read_text())
        assert msg["Subject"].startswith("[RFC PATCH "), msg["Subject"]
        assert "extra@example.org" in msg["To"] and "extra-list@example.org" in msg["Cc"]
    assert "<earlier@example.org>" in cover(tmp_path / "o")
    assert f"next: git send-email {tmp_path / 'o'}/*" in r.stdout


def _patch_parts(text: str) -> tuple[str, str]:
    """(subject without its [..] prefix, the diff) of a mail."""
    msg = email.message_from_string(text)
    subject = re.sub(r"^\[[^]]*\]\s*", "", " ".join(msg["Subject"].split()))
    body = msg.get_payload()
    diff = body[body.index("diff --git") :]
    return subject, re.split(r"^-- $", diff, flags=re.M)[0].rstrip()


def test_b4_manages_the_branch_and_sends_what_format_patch_writes(repo, tmp_path):
    if shutil.which("b4") is None:
        unavailable("b4 is not installed (pip install b4)")
    r = series(repo, "--b4", "-o", str(tmp_path / "fp"))
    assert r.returncode == 0, r.stderr
    assert "next: git checkout rust-helper-annotations && b4 send" in r.stdout
    git(repo, "checkout", "-q", "rust-helper-annotations")
    info = subprocess.run(
        ["b4", "prep", "--show-info"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout
    fields = dict(line.split(": ", 1) for line in info.splitlines() if ": " in line)
    ours = cover(tmp_path / "fp")
    assert fields["cover-subject"] == "rust: add __rust_helper to helpers"
    assert fields["change-id"] == re.search(r"^change-id: (\S+)$", ours, re.M).group(1)
    assert fields["revision"] == "1" and fields["needs-recipients"] == "False"
    sent = tmp_path / "b4"
    subprocess.run(
        ["b4", "send", "-o", str(sent), "--no-sign"], cwd=repo, capture_output=True, check=True
    )
    b4_mails = sorted(sent.iterdir())
    fp_mails = sorted((tmp_path / "fp").iterdir())
    assert len(b4_mails) == len(fp_mails)
    assert [_patch_parts(p.read_text()) for p in b4_mails[1:]] == [
        _patch_parts(p.read_text()) for p in fp_mails[1:]
    ]
    b4_cover = b4_mails[0].read_text()
    assert "marks every helper definition __rust_helper" in b4_cover
    assert "rusty@example.org" in b4_cover  # the To/Cc trailers reached b4
