"""Who gets each patch: the tree's get_maintainer.pl, or a built-in reader.

When the tree has ``scripts/get_maintainer.pl`` it is run with the flags b4
uses (people for To, lists for Cc).  Otherwise MAINTAINERS is read here with
the same rules: ``F:`` patterns (``*`` and ``?`` globs that cannot change the
depth of a path, a trailing ``/`` for a whole directory, a directory named
without one treated as if it had it), ``X:`` exclusions first, ``N:`` regexes
on the path and ``K:`` regexes on the patch text (anywhere before the diff,
only on ``+``/``-`` lines after it); subscriber-only lists and the chief
penguin are left out, as get_maintainer.pl does by default.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field

from .. import proc

B4_FLAGS = ["--nogit", "--nogit-fallback", "--nogit-chief-penguins", "--norolestats"]
_CHIEF = re.compile(r"torvalds@linux-foundation\.org", re.I)
_TYPE = re.compile(r"^([A-Z]):\s*(.*)$")


@dataclass
class Section:
    name: str
    entries: list[tuple[str, str]] = field(default_factory=list)

    def values(self, kind: str) -> list[str]:
        return [v for k, v in self.entries if k == kind]


@dataclass
class Recipients:
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)

    def add(self, other: Recipients) -> None:
        for name in ("to", "cc"):
            mine = getattr(self, name)
            mine.extend(x for x in getattr(other, name) if x not in mine)
        self.cc = [x for x in self.cc if x not in self.to]


def parse(path: str) -> list[Section]:
    sections: list[Section] = []
    current: Section | None = None
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            line = line.rstrip("\n")
            m = _TYPE.match(line)
            if m and current is not None:
                current.entries.append((m.group(1), m.group(2).strip()))
            elif line.strip() and not line.lstrip().startswith("#"):
                current = Section(line.strip())
                sections.append(current)
    return [s for s in sections if s.entries]


@functools.cache
def _file_regex(pattern: str, root: str) -> tuple[re.Pattern, bool]:
    """A MAINTAINERS glob as get_maintainer.pl reads it: (regex, is_dir)."""
    if not pattern.endswith("/") and os.path.isdir(os.path.join(root, pattern)):
        pattern += "/"
    rx = re.escape(pattern).replace(r"\*", ".*").replace(r"\?", ".")
    return re.compile("^" + rx), pattern.endswith("/")


def _file_matches(path: str, pattern: str, root: str) -> bool:
    if pattern[:1] not in "*?[" and not path.startswith(pattern.split("*", 1)[0].split("?", 1)[0]):
        return False  # the literal prefix already differs: no regex needed
    rx, is_dir = _file_regex(pattern, root)
    if not rx.match(path):
        return False
    return is_dir or path.count("/") == pattern.count("/")


def _depth(pattern: str) -> int:
    depth = pattern.count("/") + (0 if pattern.endswith("/") else 1)
    return -1 if pattern.startswith("*") else depth


def _keyword_lines(patch: str) -> tuple[list[str], list[str]]:
    """Lines before the diff (matched anywhere) and +/- lines after it."""
    before, after, in_diff = [], [], False
    for line in patch.splitlines():
        if re.match(r"^(\+\+\+|---)\s+\S", line):
            in_diff = True
        elif line.startswith(("diff --git ", "@@ ")):
            continue
        elif not in_diff:
            before.append(line)
        elif line[:1] in "+-":
            after.append(line)
    return before, after


def _keyword_hit(regex: str, patch: str) -> bool:
    try:
        rx = re.compile(regex, re.X)
    except re.error:
        return False
    before, after = _keyword_lines(patch)
    return any(rx.search(x) for x in before) or any(rx.search(x) for x in after)


def sections_for(
    sections: list[Section], files: list[str], root: str, patch: str = ""
) -> list[Section]:
    """Matching sections, most specific (deepest pattern) first."""
    hits: dict[int, int] = {}
    for i, s in enumerate(sections):
        for f in files:
            if any(_file_matches(f, x, root) for x in s.values("X")):
                continue
            for kind, value in s.entries:
                if kind == "F" and _file_matches(f, value, root):
                    hits[i] = max(hits.get(i, -2), _depth(value))
                elif kind == "N" and re.search(value, f, re.X):
                    hits[i] = max(hits.get(i, -2), 0)
    if patch:
        for i, s in enumerate(sections):
            if i not in hits and any(_keyword_hit(k, patch) for k in s.values("K")):
                hits[i] = -3
    order = sorted(hits, key=lambda i: (-hits[i], i))
    return [sections[i] for i in order]


_PERSON = re.compile(r"^([^<]+)<(.+@.*)>.*$")
_PLAIN_NAME = re.compile(r"^[A-Za-z0-9_ -]*$")


def person(value: str) -> tuple[str, str]:
    """(display form, address) of an M:/R: value, quoted as get_maintainer.pl
    does: a name with anything but ASCII letters, digits, '_', ' ' and '-' is
    put in double quotes."""
    m = _PERSON.match(value)
    if not m:
        addr = value.strip().strip("<>").split()[0] if value.strip() else ""
        return addr, addr.lower()
    name, addr = m.group(1).strip().strip('"'), m.group(2).strip()
    if name and not _PLAIN_NAME.match(name):
        name = '"' + re.sub(r'(?<!\\)"', r'\\"', name) + '"'
    return (f"{name} <{addr}>" if name else addr), addr.lower()


def builtin(sections: list[Section], files: list[str], root: str, patch: str = "") -> Recipients:
    r = Recipients()
    seen: set[str] = set()
    for s in sections_for(sections, files, root, patch):
        for kind, value in s.entries:
            if kind in ("M", "R") and not _CHIEF.search(value):
                shown, addr = person(value)
                if addr not in seen:
                    seen.add(addr)
                    r.to.append(shown)
            elif kind == "L" and "subscribers-only" not in value:
                addr = value.split()[0]
                if addr not in r.cc:
                    r.cc.append(addr)
    r.cc = [x for x in r.cc if x not in r.to]
    return r


# "Name <addr> (role)" or "list@host (role)"; a role may hold parentheses
# itself ("reviewer:CLANG/LLVM BUILD SUPPORT:Keyword:\b(?i:clang|llvm)\b").
_ROLE = re.compile(r"^(.*?>|[^\s<>]+@\S+)\s+\((.*)\)$")


def run_script(root: str, patch_file: str) -> tuple[Recipients | None, str]:
    """The tree's own get_maintainer.pl with b4's flags, in one run: b4 runs
    it twice (``--nol`` for To, ``--nom`` for Cc); here the roles it prints
    tell lists (Cc) from people (To), which gives the same sets in half the
    runs.  Returns None and the reason when it fails."""
    script = os.path.join(root, "scripts", "get_maintainer.pl")
    flags = [f for f in B4_FLAGS if f != "--norolestats"]
    try:
        p = proc.run(["perl", script, *flags, patch_file], cwd=root, text=True, timeout=120)
    except (OSError, proc.TimeoutExpired) as e:
        return None, str(e)
    if p.returncode != 0:
        return None, proc.complaint(p)
    r = Recipients()
    for line in p.stdout.splitlines():
        m = _ROLE.match(line.strip())
        who, role = (m.group(1), m.group(2)) if m else (line.strip(), "")
        if who:
            (r.cc if "list" in role else r.to).append(who)
    r.cc = [x for x in r.cc if x not in r.to]
    return r, ""


def patch_files(patch: str) -> list[str]:
    """The paths a patch touches, as get_maintainer.pl collects them."""
    out = []
    for m in re.finditer(r"^diff --git a/(\S+) b/(\S+)\s*$", patch, re.M):
        out.extend(x for x in m.groups() if x not in out)
    return out
