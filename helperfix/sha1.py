"""SHA-1 for atomic.c's checksum line and helperfix's caches, without OpenSSL.

Importing hashlib loads OpenSSL: about 2 ms, a thirtieth of a whole check of
upstream's helpers.  CPython's built-in ``_sha1`` gives the same digests, and
the few kilobytes hashed here take it well under a millisecond; hashlib
serves where ``_sha1`` is missing.
"""

from __future__ import annotations

try:
    from _sha1 import sha1
except ImportError:  # a Python without CPython's built-in hash modules
    from hashlib import sha1

__all__ = ["sha1"]
