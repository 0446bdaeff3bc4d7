"""C tokens from libclang's lexer, as byte offsets into the original file.

helperfix never lexes C by hand: libclang's raw lexer sees every preprocessor
arm (inactive ones included), comments and literals, and reports the lexical
errors (unterminated comments, strings) that make a file unsafe to rewrite.
"""

from __future__ import annotations

import bisect
import ctypes
import re
import threading
from functools import partial
from itertools import repeat
from operator import add, itemgetter, sub
from typing import NamedTuple

from . import clanglib
from .clanglib import CXToken, CXUnsavedFile
from .source import bom_length

# Token kinds, as libclang numbers them.
PUNCT, KEYWORD, IDENT, LITERAL, COMMENT = 0, 1, 2, 3, 4

# Translation-unit flags: Incomplete (0x02), KeepGoing (0x200) and
# SingleFileParse (0x400, no include processing).
_OPTIONS = 0x02 | 0x200 | 0x400
_ARGS = (ctypes.c_char_p * 3)(b"-xc", b"-nostdinc", b"-w")
# The text is wrapped in '#if 0' so the parse preprocesses nothing and runs no
# semantic analysis; the raw lexer behind clang_tokenize still sees every byte.
_PREFIX, _SEP, _SUFFIX = b"#if 0\n", b"\n\n", b"\n#endif\n"
_BLANK = re.compile(rb"(?:[ \t\r\n\f\v]|\\\r?\n)*")
_WORDS = ctypes.sizeof(CXToken) // ctypes.sizeof(ctypes.c_uint)
_NAME = b"helperfix-input.c"

_local = threading.local()


class Token(NamedTuple):
    kind: int
    start: int
    end: int


_token = partial(tuple.__new__, Token)  # Token from a tuple, without a Python call
_START, _END = itemgetter(1), itemgetter(2)


class LexError(NamedTuple):
    offset: int
    message: str


def _index() -> int:
    """This thread's libclang index (an index is not shared across threads)."""
    index = getattr(_local, "index", None)
    if index is None:
        index = _local.index = clanglib.lib().clang_createIndex(0, 0)
    return index


def _parse(text: bytes) -> int:
    lib = clanglib.lib()
    unsaved = CXUnsavedFile(_NAME, text, len(text))
    tu = ctypes.c_void_p()
    err = lib.clang_parseTranslationUnit2(
        _index(), _NAME, _ARGS, len(_ARGS), ctypes.byref(unsaved), 1, _OPTIONS, ctypes.byref(tu)
    )
    if err or not tu.value:
        raise RuntimeError(f"libclang could not read the text (error {err})")
    return tu.value


def _raw_tokens(tu: int, lo: int, hi: int) -> tuple[list[int], list[int], list[int]]:
    """The kinds, starts and ends of the tokens in [lo, hi) of the main file.

    libclang keeps a token's kind, raw source location and length in the
    CXToken itself; reading them in bulk avoids two ctypes calls per token.
    The first and last token are cross-checked through the public API."""
    lib = clanglib.lib()
    cfile = lib.clang_getFile(tu, _NAME)
    extent = lib.clang_getRange(
        lib.clang_getLocationForOffset(tu, cfile, lo), lib.clang_getLocationForOffset(tu, cfile, hi)
    )
    tokens_p = ctypes.POINTER(CXToken)()
    count = ctypes.c_uint()
    lib.clang_tokenize(tu, extent, ctypes.byref(tokens_p), ctypes.byref(count))
    n = count.value
    if not n:
        return [], [], []

    def span(t: CXToken) -> tuple[int, int]:
        e = lib.clang_getTokenExtent(tu, t)
        return clanglib.offset(lib.clang_getRangeStart(e)), clanglib.offset(
            lib.clang_getRangeEnd(e)
        )

    try:
        array = ctypes.cast(tokens_p, ctypes.POINTER(ctypes.c_uint * (n * _WORDS))).contents
        words = memoryview(array).cast("B").cast("I")  # no Python int until sliced
        kinds, raws, lens = (words[k::_WORDS].tolist() for k in range(3))
        first, last = span(tokens_p[0]), span(tokens_p[n - 1])
        starts = list(map(sub, raws, repeat(raws[0] - first[0])))
        ends = list(map(add, starts, lens))
        if (starts[0], ends[0]) != first or (starts[-1], ends[-1]) != last:
            spans = [span(tokens_p[i]) for i in range(n)]
            kinds = [lib.clang_getTokenKind(tokens_p[i]) for i in range(n)]
            starts, ends = [a for a, _ in spans], [b for _, b in spans]
        return kinds, starts, ends
    finally:
        lib.clang_disposeTokens(tu, tokens_p, count)


def tokenize(data: bytes) -> tuple[list[Token], list[LexError]]:
    """Lex ``data`` with libclang; return tokens and the gaps it could not lex
    (an unterminated comment, a NUL byte), which make the stream untrustworthy.
    Unterminated quotes come back as PUNCT tokens starting with a quote."""
    return tokenize_many([data])[0]


def tokenize_many(blobs: list[bytes]) -> list[tuple[list[Token], list[LexError]]]:
    """Lex several files in one libclang translation unit (each parse has a
    fixed cost of milliseconds); a file whose tokens run into the next one is
    lexed again on its own, as is the file after it."""
    starts, bodies, pos = [], [], len(_PREFIX)
    for data in blobs:
        skip = bom_length(data)
        starts.append(pos - skip)
        bodies.append(data[skip:])
        pos += len(data) - skip + len(_SEP)
    text = _PREFIX + _SEP.join(bodies) + _SUFFIX
    tu = _parse(text)
    try:
        kinds, begins, ends = _raw_tokens(tu, len(_PREFIX), len(text) - len(_SUFFIX))
    finally:
        clanglib.lib().clang_disposeTranslationUnit(tu)
    out: list[tuple[list[Token], list[LexError]]] = []
    k, redo = 0, set()
    for i, data in enumerate(blobs):
        base, end = starts[i], starts[i] + len(data)
        hi = bisect.bisect_left(begins, end, k)  # this file's tokens: k to hi
        shift = repeat(base)
        mine = list(
            map(
                _token, zip(kinds[k:hi], map(sub, begins[k:hi], shift), map(sub, ends[k:hi], shift))
            )
        )
        if hi > k and ends[hi - 1] > end:  # runs into the next file: lex this one again alone
            redo.update((i, i + 1))
            # a backslash at the very end splices into what follows the file
            mine[-1] = mine[-1]._replace(end=end - base)
        k = hi
        errors = _gaps(data, mine)
        if errors:  # an unterminated comment also swallows the next files
            redo.update((i, i + 1))
        out.append((mine, errors))
    for i in sorted(redo):
        if i < len(blobs) and len(blobs) > 1:
            out[i] = tokenize_many([blobs[i]])[0]
    return out


def _gaps(data: bytes, tokens: list[Token]) -> list[LexError]:
    """Where the bytes between tokens are not blank."""
    lo = bom_length(data)
    gaps = map(slice, [lo, *map(_END, tokens)], [*map(_START, tokens), len(data)])
    blank = b"".join(map(data.__getitem__, gaps))
    if not blank or blank.isspace():
        return []  # the usual case, told without a loop in Python
    errors: list[LexError] = []
    pos = lo
    for _, start, end in tokens:
        if start > pos and not data[pos:start].isspace():
            _gap(data, pos, start, errors)
        if end > pos:
            pos = end
    if pos < len(data) and not data[pos:].isspace():
        _gap(data, pos, len(data), errors)
    return errors


def unterminated_quote(data: bytes, t: Token) -> bool:
    return t.kind == PUNCT and data[t.start] in b"\"'"


def _gap(data: bytes, lo: int, hi: int, errors: list[LexError]) -> None:
    m = _BLANK.match(data, lo, hi)
    if m.end() < hi:
        at = m.end()
        what = (
            "unterminated /* comment"
            if data.startswith(b"/*", at)
            else "bytes the C lexer cannot read"
        )
        errors.append(LexError(at, what))
