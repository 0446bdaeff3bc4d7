"""The built-in MAINTAINERS reader: the rules get_maintainer.pl applies."""

from __future__ import annotations

import pytest

from helperfix.series import maintainers as mt

MAINTAINERS = """\
Intro text
\tM: Mail patches to (an example, not a section)

THE REST
M:\tLinus Torvalds <torvalds@linux-foundation.org>
L:\tlinux-kernel@vger.kernel.org
F:\t*
F:\t*/

RUST
M:\tRusty <rusty@example.org>
R:\tReviewer <rev@example.org>
L:\trust@example.org
F:\trust/
K:\\b(?i:rust)\\b

CLOCKS
M:\tClara <clara@example.org>
L:\tclk@example.org (moderated for non-subscribers)
L:\tsecret@example.org (subscribers-only)
F:\trust/helpers/clk.c
F:\tinclude/linux/clk*.h

NET HELPERS
M:\tNora <nora@example.org>
F:\trust/helpers/net
X:\trust/helpers/net/private/

BY NAME
M:\tNamed <named@example.org>
N:\tregulator
"""


@pytest.fixture
def sections(tmp_path):
    (tmp_path / "rust/helpers/net/private").mkdir(parents=True)
    (tmp_path / "MAINTAINERS").write_text(MAINTAINERS)
    return mt.parse(str(tmp_path / "MAINTAINERS")), str(tmp_path)


CASES = [
    ("rust/helpers/clk.c", ["CLOCKS", "RUST", "THE REST"]),
    ("rust/helpers/net/sock.c", ["NET HELPERS", "RUST", "THE REST"]),  # dir named without '/'
    ("rust/helpers/net/private/x.c", ["RUST", "THE REST"]),  # X: excludes
    ("rust/helpers/regulator.c", ["RUST", "BY NAME", "THE REST"]),  # N: regex
    ("include/linux/clk-provider.h", ["CLOCKS", "THE REST"]),  # '*' in one level
    ("include/linux/clk/sub.h", ["THE REST"]),  # '*' does not cross '/'
    ("Makefile", ["THE REST"]),
]


@pytest.mark.parametrize("path,expected", CASES, ids=[c[0] for c in CASES])
def test_sections(sections, path, expected):
    secs, root = sections
    assert sorted(s.name for s in mt.sections_for(secs, [path], root)) == sorted(expected)


def test_most_specific_first(sections):
    secs, root = sections
    assert [s.name for s in mt.sections_for(secs, ["rust/helpers/clk.c"], root)][0] == "CLOCKS"


def test_recipients(sections):
    secs, root = sections
    r = mt.builtin(secs, ["rust/helpers/clk.c"], root)
    assert r.to == [
        "Clara <clara@example.org>",
        "Rusty <rusty@example.org>",
        "Reviewer <rev@example.org>",
    ]
    assert r.cc == ["clk@example.org", "rust@example.org", "linux-kernel@vger.kernel.org"]


def test_keywords_in_patch(sections):
    secs, root = sections
    patch = "Subject: [PATCH] docs: mention Rust\n\n---\ndiff --git a/Makefile b/Makefile\n--- a/Makefile\n+++ b/Makefile\n@@ -1 +1 @@\n-x\n+y\n"
    assert "RUST" in [s.name for s in mt.sections_for(secs, mt.patch_files(patch), root, patch)]
    context_only = "Subject: docs\n\n---\ndiff --git a/Makefile b/Makefile\n--- a/Makefile\n+++ b/Makefile\n@@ -1 +1 @@\n rust\n-x\n+y\n"
    assert "RUST" not in [s.name for s in mt.sections_for(secs, ["Makefile"], root, context_only)]
