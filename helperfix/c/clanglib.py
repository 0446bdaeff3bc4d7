"""The few libclang C functions the lexer calls, declared directly.

``clang.cindex`` declares the prototypes of all its 174 functions when the
library is first used, which costs about 11 ms; annotate and check need thirteen
of them.  The library is the one the ``libclang`` wheel ships (the place
``clang.cindex`` looks, ``LIBCLANG_LIBRARY_PATH`` honoured); where the
bindings come from elsewhere (a distribution's python3-clang), cindex says
where its library is.  ``exports`` keeps using cindex for the AST.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import threading
from ctypes import POINTER, Structure, byref, c_char_p, c_int, c_uint, c_ulong, c_void_p

from ..errors import UsageError


class CXToken(Structure):
    _fields_ = [("int_data", c_uint * 4), ("ptr_data", c_void_p)]


class CXSourceLocation(Structure):
    _fields_ = [("ptr_data", c_void_p * 2), ("int_data", c_uint)]


class CXSourceRange(Structure):
    _fields_ = [("ptr_data", c_void_p * 2), ("begin_int_data", c_uint), ("end_int_data", c_uint)]


class CXUnsavedFile(Structure):
    _fields_ = [("name", c_char_p), ("contents", c_char_p), ("length", c_ulong)]


# name: (result type, argument types)
_PROTOTYPES = {
    "clang_createIndex": (c_void_p, [c_int, c_int]),
    "clang_parseTranslationUnit2": (
        c_int,
        [c_void_p, c_char_p, POINTER(c_char_p), c_int, POINTER(CXUnsavedFile), c_uint, c_uint]
        + [POINTER(c_void_p)],
    ),
    "clang_disposeTranslationUnit": (None, [c_void_p]),
    "clang_getFile": (c_void_p, [c_void_p, c_char_p]),
    "clang_getLocationForOffset": (CXSourceLocation, [c_void_p, c_void_p, c_uint]),
    "clang_getRange": (CXSourceRange, [CXSourceLocation, CXSourceLocation]),
    "clang_getRangeStart": (CXSourceLocation, [CXSourceRange]),
    "clang_getRangeEnd": (CXSourceLocation, [CXSourceRange]),
    "clang_getFileLocation": (
        None,
        [CXSourceLocation, POINTER(c_void_p), POINTER(c_uint), POINTER(c_uint), POINTER(c_uint)],
    ),
    "clang_tokenize": (None, [c_void_p, CXSourceRange, POINTER(POINTER(CXToken)), POINTER(c_uint)]),
    "clang_getTokenKind": (c_uint, [CXToken]),
    "clang_getTokenExtent": (CXSourceRange, [c_void_p, CXToken]),
    "clang_disposeTokens": (None, [c_void_p, POINTER(CXToken), c_uint]),
}

_lock = threading.Lock()
_lib: ctypes.CDLL | None = None


def library_file() -> str:
    """The libclang library helperfix loads."""
    spec = importlib.util.find_spec("clang")
    folders = list(spec.submodule_search_locations or []) if spec else []
    where = os.environ.get("LIBCLANG_LIBRARY_PATH")
    candidates = [where] if where else [os.path.join(f, "native") for f in folders]
    for folder in candidates:
        path = os.path.join(folder, "libclang.so")
        if os.path.isfile(path):
            return path
    import clang.cindex  # bindings without the wheel's layout: ask them

    return clang.cindex.conf.get_filename()


def lib() -> ctypes.CDLL:
    """libclang, loaded once per process, with the prototypes above."""
    global _lib
    with _lock:
        if _lib is None:
            try:
                name = library_file()
                loaded = ctypes.CDLL(name)
                for fn, (res, args) in _PROTOTYPES.items():
                    f = getattr(loaded, fn)
                    f.restype, f.argtypes = res, args
            except (OSError, AttributeError, ImportError) as e:
                raise UsageError(f"cannot load libclang: {e} (pip install libclang)") from e
            _lib = loaded
        return _lib


def offset(location: CXSourceLocation) -> int:
    """The byte offset of a location in its file."""
    out = c_uint()
    lib().clang_getFileLocation(location, None, None, None, byref(out))
    return out.value
