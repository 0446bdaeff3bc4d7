"""C tokens from libclang's lexer, as byte offsets into the original file.

helperfix never lexes C by hand: libclang's raw lexer sees every preprocessor
arm (inactive ones included), comments and literals, and reports the lexical
errors (unterminated comments, strings) that make a file unsafe to rewrite.
"""

from __future__ import annotations

import ctypes
import threading
from dataclasses import dataclass

import clang.cindex as ci

# Token kinds, as libclang numbers them.
PUNCT, KEYWORD, IDENT, LITERAL, COMMENT = 0, 1, 2, 3, 4

# Raw translation-unit flags that cindex does not name (see field notes).
_KEEP_GOING = 0x200
_SINGLE_FILE_PARSE = 0x400
_OPTIONS = (
    _KEEP_GOING
    | _SINGLE_FILE_PARSE
    | ci.TranslationUnit.PARSE_SKIP_FUNCTION_BODIES
    | ci.TranslationUnit.PARSE_INCOMPLETE
)

# Lexer diagnostics that mean the token stream cannot be trusted.
_FATAL_LEXICAL = (
    "unterminated /* comment",
    "missing terminating",
    "unterminated conditional directive",
    "null character",
)

_local = threading.local()


@dataclass(frozen=True, slots=True)
class Token:
    kind: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class LexError:
    offset: int
    line: int
    message: str


def _index() -> ci.Index:
    index = getattr(_local, "index", None)
    if index is None:
        index = _local.index = ci.Index.create()
    return index


def tokenize(data: bytes, name: str = "input.c") -> tuple[list[Token], list[LexError]]:
    """Lex ``data`` with libclang; return tokens and fatal lexical errors."""
    tu = _index().parse(
        name,
        args=["-xc", "-nostdinc", "-w"],
        unsaved_files=[(name, data)],
        options=_OPTIONS,
    )
    errors = []
    for diag in tu.diagnostics:
        text = diag.spelling
        if any(text.startswith(p) for p in _FATAL_LEXICAL):
            loc = diag.location
            errors.append(LexError(loc.offset, loc.line, text))
    if not data:
        return [], errors
    cfile = tu.get_file(name)
    extent = ci.SourceRange.from_locations(
        ci.SourceLocation.from_offset(tu, cfile, 0),
        ci.SourceLocation.from_offset(tu, cfile, len(data)),
    )
    lib = ci.conf.lib
    tokens_p = ctypes.POINTER(ci.Token)()
    count = ctypes.c_uint()
    lib.clang_tokenize(tu, extent, ctypes.byref(tokens_p), ctypes.byref(count))
    n = count.value
    out: list[Token] = []
    if n:
        array = ctypes.cast(tokens_p, ctypes.POINTER(ci.Token * n)).contents
        kind_of, extent_of = lib.clang_getTokenKind, lib.clang_getTokenExtent
        for tok in array:
            rng = extent_of(tu, tok)
            out.append(Token(kind_of(tok), rng.start.offset, rng.end.offset))
        lib.clang_disposeTokens(tu, tokens_p, count)
    return out, errors
