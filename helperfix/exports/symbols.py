"""Which symbols the kernel exports to modules, and where symbols are defined.

With ``Module.symvers`` (written by a full build) the answer is exact.
Otherwise the export sites are read from the tree: one fixed-string ``git
grep`` (plain ``grep -r`` outside git) for ``EXPORT_`` over ``*.c`` and
``*.S``, each line parsed here.  Names that grep does not credit are then
confirmed in the preprocessed defining file, where an export made by a
macro shows as ``__export_symbol_<name>`` (``__ksymtab_<name>`` before
6.5).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .. import proc

_SITE = re.compile(
    r"^\s*(?P<macro>(?:ACPI_)?EXPORT_[A-Z_]*)\s*\(\s*(?P<name>[A-Za-z_]\w*)\s*"
    r"(?:,\s*(?P<ns>\"[^\"]*\"|[A-Za-z_]\w*))?"
)
_OTHER_ARCH = re.compile(r"arch/(?P<arch>[^/]+)/")
_CRC = re.compile(r"^0x[0-9a-fA-F]+$")


@dataclass(frozen=True)
class Export:
    name: str
    macro: str  # EXPORT_SYMBOL_GPL, ... or the Module.symvers export type
    namespace: str  # "" when none
    file: str  # where it is exported (relative); "" from Module.symvers
    line: int = 0


def names(macro: str, name: str) -> list[str]:
    """The symbols one export site makes visible to modules."""
    if "STATIC_CALL_TRAMP" in macro:
        return [f"__SCT__{name}"]
    if "STATIC_CALL" in macro:
        return [f"__SCK__{name}", f"__SCT__{name}"]
    if "TRACEPOINT_SYMBOL" in macro:
        tp = f"tp_func_{name}"
        return [f"__tracepoint_{name}", f"__traceiter_{name}", f"__SCK__{tp}", f"__SCT__{tp}"]
    return [name]


def _namespace(macro: str, ns: str | None) -> str:
    if "IF_KUNIT" in macro:
        return "EXPORTED_FOR_KUNIT_TESTING"
    if "_NS" not in macro or not ns:
        return ""
    return ns.strip('"')


def parse_sites(lines: Iterable[str], arch: str) -> dict[str, Export]:
    """``path:line:text`` lines of export sites; other architectures' are left out."""
    table: dict[str, Export] = {}
    for raw in lines:
        path, _, rest = raw.partition(":")
        number, _, text = rest.partition(":")
        m = _SITE.match(text)
        if not m or _foreign(path, arch) or not number.isdigit():
            continue
        macro = m["macro"]
        if "SYMBOL" not in macro and "STATIC_CALL" not in macro:
            continue
        ns = _namespace(macro, m["ns"])
        for n in names(macro, m["name"]):
            table.setdefault(n, Export(n, macro, ns, path, int(number)))
    return table


def _foreign(path: str, arch: str) -> bool:
    m = _OTHER_ARCH.match(path)
    return bool(m and arch and m["arch"] != arch) or path.startswith(("tools/", "Documentation/"))


def from_tree(root: str, arch: str) -> dict[str, Export]:
    return parse_sites(grep(root, ["-F", "-e", "EXPORT_"]), arch)


def from_symvers(path: str) -> dict[str, Export]:
    """Module.symvers: ``crc<TAB>symbol<TAB>module<TAB>type[<TAB>namespace]``.
    Anything else, or an empty file, is a ValueError naming the line."""
    table: dict[str, Export] = {}
    with open(path, encoding="utf-8", errors="replace") as fh:
        for number, line in enumerate(fh, 1):
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 4 or not _CRC.match(cols[0]) or not cols[1]:
                raise ValueError(f"{path}:{number}: not a Module.symvers line")
            ns = cols[4] if len(cols) > 4 else ""
            table[cols[1]] = Export(cols[1], cols[3], ns, "", 0)  # no source file
    if not table:
        raise ValueError(f"{path}: empty; a Module.symvers lists every export of a full build")
    return table


def in_git(root: str) -> bool:
    return os.path.exists(os.path.join(root, ".git"))


def grep(root: str, pattern: list[str], globs: tuple[str, ...] = ("*.c", "*.S")) -> list[str]:
    """``path:line:text`` over the tree's files matching ``globs`` (its C and
    assembly sources by default): ``git grep`` in a checkout, else ``grep -r``."""
    if in_git(root):
        cmd = ["git", "-C", root, "grep", "-n", "-I", "--untracked", *pattern, "--", *globs]
    else:
        cmd = ["grep", "-r", "-n", "-I", *(f"--include={g}" for g in globs), *pattern, "."]
    r = proc.run(cmd, cwd=root, timeout=300)
    if r.returncode not in (0, 1):
        raise OSError(f"{' '.join(cmd[:4])} failed: {proc.complaint(r)}")
    out = r.stdout.decode("utf-8", "replace").splitlines()
    return [line[2:] if line.startswith("./") else line for line in out]


# -- definitions ---------------------------------------------------------

_ASM_DEF = re.compile(r"\b(?:SYM_[A-Z_]*START[A-Z_]*|ENTRY|GLOBAL)\s*\(\s*(\w+)")


def definitions(root: str, wanted: dict[str, str], arch: str) -> dict[str, list[tuple[str, int]]]:
    """Where each name (with its kind, function or variable) looks defined:
    in column 0 of a .c file, the declarator of a definition (kernel style
    puts it there), or ``SYM_*_START(name)`` / ``name:`` in a .S file.
    Heuristic; the preprocessed file confirms it."""
    found: dict[str, list[tuple[str, int]]] = {n: [] for n in wanted}
    if not wanted:
        return found
    pattern = ["-w", "-F"] + [x for n in sorted(wanted) for x in ("-e", n)]
    for raw in grep(root, pattern):
        path, _, rest = raw.partition(":")
        number, _, text = rest.partition(":")
        if _foreign(path, arch) or not number.isdigit():
            continue
        for name, kind in wanted.items():
            if name in text and _defines(text, name, kind, path.endswith(".S")):
                found[name].append((path, int(number)))
    return found


# Before the declarator: a return type, qualifiers and attributes without
# arguments, pointers.
_PREFIX = r"^(?!extern\b|static\b|return\b)[A-Za-z_][\w\s*]*?"


def _defines(text: str, name: str, kind: str, asm: bool) -> bool:
    if asm:
        m = _ASM_DEF.search(text)
        return bool(m and m[1] == name) or text.strip().startswith(f"{name}:")
    word = re.escape(name)
    if kind == "function":
        return re.match(rf"{_PREFIX}\b{word}\s*\((?!.*\)\s*;\s*$)", text) is not None
    return (
        re.match(rf"{_PREFIX}\b{word}\s*(=|;|\[|__)", text) is not None
        or re.match(rf"^[A-Z_]*DEFINE[A-Z_]*\(.*\b{word}\b", text) is not None
    )


def exported_in(preprocessed: str, name: str) -> Export | None:
    """The export of ``name`` in a preprocessed file, however its name was built."""
    for mark in (f"__export_symbol_{name}:", f"__ksymtab_{name}"):
        at = preprocessed.find(mark)
        if at < 0:
            continue
        tail = preprocessed[at : at + 300]
        strings = re.findall(r'\.asci[iz]\s*\\"([^"\\]*)\\"', tail)
        ns = strings[1] if len(strings) > 1 else ""
        macro = "EXPORT_SYMBOL_GPL" if strings[:1] == ["GPL"] else "EXPORT_SYMBOL"
        return Export(name, macro, ns, "", 0)
    return None
