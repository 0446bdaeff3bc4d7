"""helperfix check --patch on mails made by real git format-patch."""

from __future__ import annotations

import quopri
import subprocess
from pathlib import Path

import pytest
from conftest import make_tree, run

BASE = {
    "rust/helpers/helpers.c": '// SPDX-License-Identifier: GPL-2.0\n\n#define __rust_helper\n\n#include "a.c"\n',
    "rust/helpers/a.c": "// SPDX-License-Identifier: GPL-2.0\n\n__rust_helper void a(void)\n{\n}\n",
    "drivers/x.c": "int x;\n",
}


def git(repo: Path, *args: str, stdin: bytes | None = None) -> bytes:
    env = {"GIT_AUTHOR_DATE": "2025-11-01T00:00:00Z", "GIT_COMMITTER_DATE": "2025-11-01T00:00:00Z"}
    import os

    return subprocess.run(
        ["git", *args],
        cwd=repo,
        input=stdin,
        capture_output=True,
        check=True,
        env={**os.environ, **env},
    ).stdout


@pytest.fixture
def repo(tmp_path) -> Path:
    root = make_tree(tmp_path / "linux", BASE)
    git(root, "init", "-q")
    git(root, "config", "user.name", "Test Dev")
    git(root, "config", "user.email", "dev@example.org")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    return root


def commit(repo: Path, rel: str, text: str, subject: str) -> None:
    (repo / rel).parent.mkdir(parents=True, exist_ok=True)
    (repo / rel).write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", subject)


def check(mail: bytes, *args: str):
    r = run("check", "--patch", "-", *args, stdin=mail)
    assert b"Traceback" not in r.stderr, r.stderr
    return r.returncode, r.stdout.decode().splitlines(), r.stderr.decode()


ADDED = BASE["rust/helpers/a.c"] + "\nint rust_helper_b(int x)\n{\n\treturn x;\n}\n"
ADDED_OK = (
    BASE["rust/helpers/a.c"] + "\n__rust_helper int rust_helper_b(int x)\n{\n\treturn x;\n}\n"
)


def test_unannotated_addition(repo):
    commit(repo, "rust/helpers/a.c", ADDED, "rust: a: add rust_helper_b")
    rc, out, _ = check(git(repo, "format-patch", "-1", "--stdout"))
    assert rc == 1
    assert out[0] == (
        "rust/helpers/a.c:7: WARNING:MISSING_RUST_HELPER: helper 'rust_helper_b' added without "
        "__rust_helper (from '[PATCH] rust: a: add rust_helper_b')"
    )


def test_annotated_addition_is_clean(repo):
    commit(repo, "rust/helpers/a.c", ADDED_OK, "rust: a: add rust_helper_b")
    rc, out, _ = check(git(repo, "format-patch", "-1", "--stdout"))
    assert rc == 0 and out == ["total: 0 errors, 0 warnings, 5 lines checked"]


def test_changed_declaration_counts(repo):
    text = BASE["rust/helpers/a.c"].replace("__rust_helper void a(void)", "void a(int changed)")
    commit(repo, "rust/helpers/a.c", text, "rust: a: change a")
    rc, out, _ = check(git(repo, "format-patch", "-1", "--stdout"))
    assert rc == 1 and out[0].startswith(
        "rust/helpers/a.c:3: WARNING:REMOVED_RUST_HELPER: patch removes __rust_helper from helper 'a'"
    )


def test_series_mbox(repo):
    commit(repo, "rust/helpers/a.c", ADDED, "rust: a: add rust_helper_b")
    commit(repo, "rust/helpers/c.c", "void rust_helper_c(void)\n{\n}\n", "rust: c: new file")
    commit(
        repo, "drivers/x.c", "int x;\nvoid not_a_helper(void)\n{\n}\n", "drivers: outside helpers"
    )
    mbox = git(repo, "format-patch", "-3", "--cover-letter", "--stdout")
    assert mbox.count(b"\nFrom ") >= 3
    rc, out, _ = check(mbox)
    assert rc == 1
    assert [line.split(":")[0] + ":" + line.split(":")[1] for line in out[:-1]] == [
        "rust/helpers/a.c:7",
        "rust/helpers/c.c:1",
    ]


def test_quoted_printable_body(repo):
    long_name = "rust_helper_" + "x" * 70  # a line QP must soft-wrap
    commit(
        repo,
        "rust/helpers/a.c",
        BASE["rust/helpers/a.c"] + f"\nint {long_name}(int caf\u00e9)\n{{\n}}\n",
        "rust: qp",
    )
    mail = git(repo, "format-patch", "-1", "--stdout")
    head, body = mail.split(b"\n\n", 1)
    # as a mail client re-encoding the patch would send it
    head = b"\n".join(
        h for h in head.split(b"\n") if not h.startswith((b"MIME-Version", b"Content-"))
    )
    head += b"\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8"
    head += b"\nContent-Transfer-Encoding: quoted-printable"
    qp = head + b"\n\n" + quopri.encodestring(body)
    assert b"=\n" in qp and b"=C3=A9" in qp
    rc, out, err = check(qp)
    assert rc == 1 and f"helper '{long_name}' added" in out[0], err


def test_plain_diff(repo):
    commit(repo, "rust/helpers/a.c", ADDED, "rust: a: add rust_helper_b")
    rc, out, _ = check(git(repo, "diff", "HEAD~1"))
    assert rc == 1 and out[0].startswith("rust/helpers/a.c:7: WARNING")


def test_with_tree_applies_to_a_copy(repo, tmp_path):
    commit(repo, "rust/helpers/a.c", ADDED, "rust: a: add rust_helper_b")
    commit(repo, "rust/helpers/c.c", "__rust_helper void c(void)\n{\n}\n", "rust: c: new file")
    mbox = git(repo, "format-patch", "-2", "--stdout")
    git(repo, "checkout", "-q", "HEAD~2")
    before = (repo / "rust/helpers/a.c").read_text()
    rc, out, _ = check(mbox, "--tree", str(repo))
    assert rc == 1
    assert out[:-1] == [
        "rust/helpers/a.c:7: WARNING:MISSING_RUST_HELPER: helper 'rust_helper_b' is not marked "
        "__rust_helper (from '[PATCH 1/2] rust: a: add rust_helper_b')",
        "rust/helpers/c.c: WARNING:HELPER_NOT_INCLUDED: never #included from helpers.c, so never "
        "compiled (from '[PATCH 2/2] rust: c: new file')",
    ]
    assert (repo / "rust/helpers/a.c").read_text() == before and not (
        repo / "rust/helpers/c.c"
    ).exists()


def test_binary_patch_is_an_error(repo):
    (repo / "rust/helpers/blob.c").write_bytes(b"\0\1\2")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "binary")
    rc, _, err = check(git(repo, "format-patch", "-1", "--binary", "--stdout"))
    assert rc == 2 and "binary patch for rust/helpers/blob.c" in err


@pytest.mark.parametrize(
    "data,message",
    [
        (b"diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n foo\n+bar\n", "malformed patch"),
        (b"just some text\n", "no diff found"),
    ],
)
def test_malformed(data, message):
    rc, _, err = check(data)
    assert rc == 2 and message in err


def test_patch_already_applied_is_checked_as_it_stands(repo):
    """A b4 prep branch: HEAD holds the series; it is checked as it stands."""
    commit(repo, "rust/helpers/a.c", ADDED, "rust: a: add rust_helper_b")
    mail = git(repo, "format-patch", "-1", "--stdout")
    rc, out, _ = check(mail, "--tree", str(repo))
    assert rc == 1
    assert out[0].startswith("rust/helpers/a.c:") and "rust_helper_b" in out[0]
    assert "the series is already applied in " in out[-1] and "checked as it stands" in out[-1]


def test_patch_does_not_apply(repo):
    commit(repo, "rust/helpers/a.c", ADDED, "rust: a: add rust_helper_b")
    mail = git(repo, "format-patch", "-1", "--stdout")
    (repo / "rust/helpers/a.c").write_text("// another file altogether\n")
    git(repo, "commit", "-qam", "rewrite a.c")
    rc, _, err = check(mail, "--tree", str(repo))  # neither applies nor is applied
    assert rc == 2 and "does not apply" in err
