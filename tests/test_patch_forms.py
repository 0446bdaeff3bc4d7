"""Patch mode on mail in all its real forms: made by git format-patch
(cover letters, -U0, -U1), re-encoded CRLF, base64, lore's mboxrd,
concatenated with replies into thread mboxes."""

from __future__ import annotations

import base64
import json
import re

import pytest
from conftest import make_tree, run
from test_patch import git

HELPERS_C = '// SPDX-License-Identifier: GPL-2.0\n\n#define __rust_helper\n\n#include "a.c"\n'
A = (
    "// SPDX-License-Identifier: GPL-2.0\n\n#include <linux/a.h>\n\n"
    "__rust_helper void rust_helper_a(void)\n{\n\ta();\n}\n\n"
    "__rust_helper int rust_helper_b(int x)\n{\n\treturn b(x);\n}\n"
)
REPLY = (
    "From reviewer@example.org Mon Sep 17 00:00:00 2001\n"
    "From: Rev Iewer <reviewer@example.org>\n"
    "Subject: Re: [PATCH 1/2] rust: a: drop the annotation of b\n"
    "In-Reply-To: <x@y>\n\n"
    "> -__rust_helper int rust_helper_b(int x)\n> +int rust_helper_b(int x)\n\n"
    "Why?\n\n-- \nRev\n"
)


@pytest.fixture
def repo(tmp_path):
    root = make_tree(
        tmp_path / "linux", {"rust/helpers/helpers.c": HELPERS_C, "rust/helpers/a.c": A}
    )
    for args in (
        ["init", "-q", "-b", "master"],
        ["config", "user.name", "Test Dev"],
        ["config", "user.email", "dev@example.org"],
        ["add", "-A"],
        ["commit", "-qm", "base"],
    ):
        git(root, *args)
    text = A.replace("__rust_helper int rust_helper_b", "int rust_helper_b")
    (root / "rust/helpers/a.c").write_text(text)
    git(root, "commit", "-qam", "rust: a: drop the annotation of b")
    (root / "rust/helpers/a.c").write_text(text + "\nvoid rust_helper_c(void)\n{\n}\n")
    git(root, "commit", "-qam", "rust: a: add c")
    return root


def check(mail: bytes, *args: str):
    r = run("check", "--patch", "-", *args, stdin=mail)
    assert b"Traceback" not in r.stderr, r.stderr
    return r.returncode, r.stdout.decode(), r.stderr.decode()


def findings(out: str) -> list[tuple[str, str]]:
    """(file:line, type) of each finding line."""
    return re.findall(r"^(\S+:\d+): \w+:(\w+):", out, re.M)


def series(repo, *extra: str) -> bytes:
    return git(repo, "format-patch", "-2", "--stdout", *extra)


EXPECTED = [
    ("rust/helpers/a.c:10", "REMOVED_RUST_HELPER"),
    ("rust/helpers/a.c:15", "MISSING_RUST_HELPER"),
]


def test_lf_series_is_the_reference(repo):
    rc, out, _ = check(series(repo))
    assert rc == 1 and findings(out) == EXPECTED
    assert "(from '[PATCH 1/2] rust: a: drop the annotation of b')" in out
    assert "(from '[PATCH 2/2] rust: a: add c')" in out


@pytest.mark.parametrize("tree", [False, True])
def test_crlf_and_mixed_line_ends_read_as_git_am_reads_them(repo, tree):
    lf = series(repo)
    crlf = lf.replace(b"\n", b"\r\n")
    lines = lf.split(b"\n")
    mixed = b"\n".join(ln + b"\r" if i % 2 else ln for i, ln in enumerate(lines))
    extra = ["--tree", str(repo)] if tree else []
    if tree:
        git(repo, "checkout", "-q", "HEAD~2")
    results = [check(m, *extra) for m in (lf, crlf, mixed)]
    assert results[0][0] == 1 and findings(results[0][1]) == EXPECTED
    assert [(rc, findings(out)) for rc, out, _ in results[1:]] == [(1, EXPECTED)] * 2


@pytest.mark.parametrize("tree", [False, True])
def test_thread_mbox_with_cover_letter_and_replies(repo, tree):
    mbox = series(repo, "--cover-letter", "--thread") + REPLY.encode()
    extra = ["--tree", str(repo)] if tree else []
    if tree:
        git(repo, "checkout", "-q", "HEAD~2")
    rc, out, err = check(mbox, *extra)
    assert rc == 1, err
    assert findings(out) == EXPECTED
    assert out.rstrip().endswith("; 4 mails, 2 without a diff (skipped)")


def test_lore_mboxrd(repo):
    """lore's thread mboxes: 'From mboxrd@z' separators, '>From' quoting."""
    mbox = series(repo, "--cover-letter").decode()
    mbox = re.sub(
        r"^From [0-9a-f]{40} .*$", "From mboxrd@z Thu Jan  1 00:00:00 1970", mbox, flags=re.M
    )
    mbox = mbox.replace("\nFrom: ", "\nFrom: ", 1) + REPLY.replace(
        "From reviewer", "From mboxrd@z", 1
    )
    rc, out, _ = check(mbox.encode())
    assert rc == 1 and findings(out) == EXPECTED


def test_base64_body(repo):
    mail = git(repo, "format-patch", "-1", "--stdout", "HEAD~1")
    head, _, body = mail.partition(b"\n\n")
    encoded = base64.encodebytes(body)
    head = head.replace(b"Content-Transfer-Encoding: 8bit", b"Content-Transfer-Encoding: base64")
    if b"Content-Transfer-Encoding" not in head:
        head += b"\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8"
        head += b"\nContent-Transfer-Encoding: base64"
    rc, out, _ = check(head + b"\n\n" + encoded)
    assert rc == 1 and findings(out) == EXPECTED[:1]


@pytest.mark.parametrize(
    "context,expected",
    [
        ("-U1", [("rust/helpers/a.c:10", "REMOVED_RUST_HELPER")]),
        ("-U0", [("rust/helpers/a.c:10", "PATCH_CONTEXT")]),
    ],
)
def test_small_context_without_a_tree(repo, context, expected):
    rc, out, _ = check(git(repo, "diff", context, "HEAD~2", "HEAD~1"))
    assert findings(out) == expected
    assert rc == (1 if expected[0][1] == "REMOVED_RUST_HELPER" else 0)  # a CHECK is a note
    if context == "-U0":
        assert "use --root" in out


@pytest.mark.parametrize("context", ["-U0", "-U1"])
def test_small_context_with_a_tree(repo, context):
    diff = git(repo, "diff", context, "HEAD~2", "HEAD~1")
    git(repo, "checkout", "-q", "HEAD~2")
    rc, out, err = check(diff, "--tree", str(repo))
    assert rc == 1, err
    assert findings(out) == [("rust/helpers/a.c:10", "REMOVED_RUST_HELPER")]


def test_unreadable_hunk_is_an_error_naming_patch_and_hunk(repo):
    (repo / "rust/helpers/a.c").write_text(
        A + "\n/* never closed\nvoid rust_helper_d(void)\n{\n}\n"
    )
    git(repo, "commit", "-qam", "rust: a: broken")
    rc, out, err = check(git(repo, "format-patch", "-1", "--stdout"))
    assert rc == 2 and out == ""
    assert "'[PATCH] rust: a: broken': rust/helpers/a.c: hunk @@" in err
    assert "cannot be read as C: unterminated /* comment" in err


def test_hunk_ending_inside_a_comment_in_context_is_fine(repo):
    base = A + "\n/*\n * A long comment\n * over several\n * lines.\n */\n"
    (repo / "rust/helpers/a.c").write_text(base)
    git(repo, "commit", "-qam", "comment")
    (repo / "rust/helpers/a.c").write_text(
        base.replace("\n/*\n", "\nvoid rust_helper_e(void)\n{\n}\n\n/*\n")
    )
    git(repo, "commit", "-qam", "rust: a: add e")
    rc, out, err = check(git(repo, "format-patch", "-1", "--stdout"))
    assert rc == 1, err
    assert findings(out) == [("rust/helpers/a.c:15", "MISSING_RUST_HELPER")]


def test_tree_without_the_macro_gets_a_note_not_a_demand(repo, tmp_path):
    """6.12 has no __rust_helper: a new helper without it is a CHECK."""
    old = make_tree(
        tmp_path / "old",
        {
            "rust/helpers/helpers.c": '#include "a.c"\n',
            "rust/helpers/a.c": "void rust_helper_a(void)\n{\n}\n",
        },
    )
    diff = (
        b"--- a/rust/helpers/a.c\n+++ b/rust/helpers/a.c\n@@ -3 +3,5 @@\n }\n+\n"
        b"+void rust_helper_z(void)\n+{\n+}\n"
    )
    rc, out, _ = check(diff, "--tree", str(old))
    assert rc == 0
    assert findings(out) == [("rust/helpers/a.c:5", "RUST_HELPER_PENDING")]
    assert "annotations come with the migration" in out and "run helperfix" not in out


def test_json_names_the_patch(repo):
    rc, out, _ = check(series(repo), "--format", "json")
    rows = json.loads(out)
    assert [r["origin"] for r in rows] == [
        "[PATCH 1/2] rust: a: drop the annotation of b",
        "[PATCH 2/2] rust: a: add c",
    ]
