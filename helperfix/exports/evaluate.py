"""Constant folding of conditions, through libclang's clang_Cursor_Evaluate.

The Python bindings do not wrap it, so it is declared here on the library
the bindings loaded.  A condition folds when clang's constant evaluator can
decide it without side effects (``IS_ENABLED(CONFIG_X)``, ``sizeof(*p) ==
4``, ``1 || f()``); anything else is left to both arms.
"""

from __future__ import annotations

import ctypes

import clang.cindex as ci

_INT = 1  # CXEval_Int
_declared = False


def _lib() -> ctypes.CDLL:
    global _declared
    lib = ci.conf.lib
    if not _declared:
        lib.clang_Cursor_Evaluate.argtypes = [ci.Cursor]
        lib.clang_Cursor_Evaluate.restype = ctypes.c_void_p
        lib.clang_EvalResult_getKind.argtypes = [ctypes.c_void_p]
        lib.clang_EvalResult_getKind.restype = ctypes.c_int
        lib.clang_EvalResult_getAsLongLong.argtypes = [ctypes.c_void_p]
        lib.clang_EvalResult_getAsLongLong.restype = ctypes.c_longlong
        lib.clang_EvalResult_dispose.argtypes = [ctypes.c_void_p]
        lib.clang_EvalResult_dispose.restype = None
        _declared = True
    return lib


def integer(cursor: ci.Cursor) -> int | None:
    """The expression's value if clang folds it to an integer, else None."""
    lib = _lib()
    result = lib.clang_Cursor_Evaluate(cursor)
    if not result:
        return None
    try:
        if lib.clang_EvalResult_getKind(result) != _INT:
            return None
        return int(lib.clang_EvalResult_getAsLongLong(result))
    finally:
        lib.clang_EvalResult_dispose(result)
