"""The helpers unit's compile command, as libclang arguments.

Kbuild records the exact command of every object it builds (the
``savedcmd_`` line of ``.helpers.o.cmd``; ``cmd_`` before 6.2) and
``compile_commands.json`` holds the same.  libclang takes a clang command
line as it is, minus what only a compiler run needs (dependency files,
``-c``/``-o``, ``-Werror``); a gcc command line keeps only the options that
change what the preprocessor and the front end see.
"""

from __future__ import annotations

import json
import os
import shlex
from dataclasses import dataclass

from ..kernel.paths import HELPERS_C, HELPERS_CMD, HELPERS_O

# Options whose value is a path, in the separate and the joined form.
_PATH_OPTS = ("-I", "-isystem", "-iquote", "-idirafter", "-include", "-imacros")
_DROP_WITH_VALUE = {"-o", "-MF", "-MT", "-MQ"}
_DROP = {"-c", "-MD", "-MMD", "-MP", "-pipe"}  # and every -Werror*, below
# Accepted by the clang that built the tree, refused by libclang 18.
_DROP |= {"-enable-trivial-auto-var-init-zero-knowing-it-will-be-removed-from-clang"}  # clang < 16
# A gcc command line: what libclang understands and what matters to the AST.
_GCC_KEEP = ("-D", "-U", "-std=", "-nostdinc", "-O", "-m64", "-m32", "-fshort-wchar")
_GCC_KEEP += ("-funsigned-char", "-fsigned-char", "-fno-strict-aliasing", "-fno-common")
EXTRA = ("-Wno-everything", "-ferror-limit=0")


class FlagsError(Exception):
    """The command cannot be found or read; the message says where."""


@dataclass(frozen=True)
class Command:
    directory: str  # where the compiler ran: relative paths start there
    source: str  # absolute path of helpers.c
    args: tuple[str, ...]  # for libclang: no compiler, no source, no output
    compiler: str  # "clang" or "gcc"
    origin: str  # the file it was read from
    executable: str = ""  # the compiler the build ran (clang-19, gcc, ...)
    werror: bool = False  # warnings were errors (CONFIG_WERROR=y adds -Werror)

    def preprocess_args(self, source: str) -> list[str]:
        """The compiler's own command that preprocesses ``source`` with these
        flags to stdout (nothing is written)."""
        args = [a for a in self.args if a not in EXTRA]
        return [self.executable, *args, "-w", "-E", "-P", source]


def from_cmd_file(build_dir: str) -> Command:
    """From Kbuild's ``rust/helpers/.helpers.o.cmd`` in a build folder."""
    path = os.path.join(build_dir, HELPERS_CMD)
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            text = fh.read()
    except OSError as e:
        raise FlagsError(f"{path}: {e.strerror}") from e
    for number, line in enumerate(text.splitlines(), 1):
        for key in (f"savedcmd_{HELPERS_O} :=", f"cmd_{HELPERS_O} :="):
            if line.startswith(key):
                return _command(build_dir, line[len(key) :], f"{path}:{number}")
    raise FlagsError(f"{path}:1: no savedcmd_{HELPERS_O} line (not written by Kbuild?)")


def from_dry_run(output: str, build_dir: str, origin: str) -> Command:
    """From ``make -n V=1 rust/helpers/helpers.o``: the recipe's compiler
    command, the one Kbuild would record, found without running it."""
    for line in output.splitlines():
        if HELPERS_O not in line or "helpers.c" not in line:
            continue
        lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|")
        lexer.whitespace_split = True
        try:
            words = list(lexer)
        except ValueError:
            continue
        command: list[str] = []
        for w in [*words, ";"]:
            if w and set(w) <= set(";&|"):
                if "-c" in command and any(x.endswith("/helpers.c") for x in command):
                    return _command(build_dir, shlex.join(command), origin)
                command = []
            else:
                command.append(w)
    raise FlagsError(f"{origin}: make printed no command for {HELPERS_O}")


def from_compile_commands(path: str, root: str) -> Command:
    """From ``compile_commands.json`` (``gen_compile_commands.py``, bear, ...)."""
    try:
        with open(path, encoding="utf-8") as fh:
            entries = json.load(fh)
    except OSError as e:
        raise FlagsError(f"{path}: {e.strerror}") from e
    except ValueError as e:
        raise FlagsError(f"{path}: not JSON ({e})") from e
    want = os.path.realpath(os.path.join(root, HELPERS_C))
    for n, entry in enumerate(entries if isinstance(entries, list) else []):
        if not isinstance(entry, dict) or "file" not in entry:
            continue
        directory = entry.get("directory", os.path.dirname(path))
        if os.path.realpath(os.path.join(directory, entry["file"])) != want:
            continue
        if "arguments" in entry:
            line = shlex.join(entry["arguments"])
        else:
            line = entry.get("command", "")
        return _command(directory, line, f"{path}: entry {n}")
    raise FlagsError(f"{path}: no entry for {HELPERS_C} (build {HELPERS_O} first)")


def _command(directory: str, line: str, origin: str) -> Command:
    try:
        words = shlex.split(line)
    except ValueError as e:
        raise FlagsError(f"{origin}: cannot split the command ({e})") from e
    if not words:
        raise FlagsError(f"{origin}: empty command")
    compiler = "clang" if "clang" in os.path.basename(words[0]) else "gcc"
    werror = "-Werror" in words
    directory = os.path.abspath(directory)
    args: list[str] = []
    source = ""
    it = iter(words[1:])
    for w in it:
        if w in _DROP_WITH_VALUE:
            next(it, None)
        elif w in _DROP or w.startswith(("-Wp,-M", "-Werror", "-o")):
            continue
        elif w in _PATH_OPTS:
            args += [w, _absolute(directory, next(it, ""))]
        elif w.startswith("-I"):
            args.append("-I" + _absolute(directory, w[2:]))
        elif w.endswith(".c") and not w.startswith("-"):
            source = _absolute(directory, w)
        elif compiler == "clang" or w.startswith(_GCC_KEEP):
            args.append(w)
    if not source:
        raise FlagsError(f"{origin}: the command names no .c source")
    return Command(directory, source, (*args, *EXTRA), compiler, origin, words[0], werror)


def _absolute(directory: str, path: str) -> str:
    return os.path.normpath(os.path.join(directory, path))
