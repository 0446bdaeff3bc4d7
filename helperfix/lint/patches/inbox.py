"""Patches as they arrive: one mail, an mbox of a series or a thread, or a
plain diff, in whatever line ends and transfer encoding the mail client
chose.

Mails are read with Python's ``mailbox`` and ``email`` (quoted-printable and
base64 undone, RFC 2047 subjects decoded).  Line ends follow ``git am``: a
mail saved with CRLF has the CR before each LF removed, as ``git mailsplit``
does; a plain diff is changed only when every line ends in CRLF (a diff of a
CRLF file keeps its CRs).  Mails without a diff (a cover letter, a reply)
are kept, marked, so that the caller can count them.
"""

from __future__ import annotations

import email
import email.header
import email.policy
import mailbox
import re
from collections.abc import Iterator
from dataclasses import dataclass

_HEADER = re.compile(rb"^[A-Za-z][A-Za-z0-9-]*: ")
_DIFF = re.compile(r"^(?:diff --git |--- \S|\+\+\+ \S|@@ )", re.M)


@dataclass
class Mail:
    """One mail (or plain diff) read from the input."""

    origin: str  # how findings name it: the subject, else the file name
    text: str  # the body (or the plain diff), bytes decoded with surrogateescape

    @property
    def has_diff(self) -> bool:
        return bool(_DIFF.search(self.text))


def _decode(b: bytes) -> str:
    return b.decode("utf-8", "surrogateescape")


def _body(msg: email.message.Message) -> bytes:
    """The decoded text of a mail (every text part, transfer encoding undone)."""
    parts = msg.walk() if msg.is_multipart() else [msg]
    out = []
    for part in parts:
        if part.get_content_maintype() == "text":
            payload = part.get_payload(decode=True)
            if payload:
                out.append(payload)
    return b"\n".join(out)


def _subject(msg: email.message.Message) -> str:
    raw = msg.get("Subject", "")
    try:
        parts = email.header.decode_header(str(raw))
        text = "".join(
            p.decode(enc or "utf-8", "replace") if isinstance(p, bytes) else p for p, enc in parts
        )
    except (ValueError, LookupError):
        text = str(raw)
    return " ".join(text.split())


def _strip_cr(data: bytes, mail: bool) -> bytes:
    """CRLF to LF the way ``git am`` sees it (see the module docstring)."""
    if b"\r\n" not in data:
        return data
    if mail:
        return data.replace(b"\r\n", b"\n")
    body = data.split(b"\n")[:-1]
    if body and all(ln.endswith(b"\r") for ln in body):
        return data.replace(b"\r\n", b"\n")
    return data


def mails(path: str, name: str) -> Iterator[Mail]:
    """The mails in the file at ``path``, one at a time: each message of an
    mbox (read as the file is walked, so memory holds one message), the
    message itself, or the plain diff."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if head.startswith(b"From "):
        box = mailbox.mbox(path, create=False)
        try:
            for key in box.iterkeys():
                raw = _strip_cr(box.get_bytes(key), mail=True)
                yield _mail(email.message_from_bytes(raw, policy=email.policy.compat32), name)
        finally:
            box.close()
        return
    with open(path, "rb") as fh:
        data = fh.read()
    if _HEADER.match(data) and b"\n\n" in data.replace(b"\r\n", b"\n"):
        data = _strip_cr(data, mail=True)
        yield _mail(email.message_from_bytes(data, policy=email.policy.compat32), name)
    else:
        yield Mail(name, _decode(_strip_cr(data, mail=False)))


def _mail(m: email.message.Message, name: str) -> Mail:
    return Mail(_subject(m) or name, _decode(_strip_cr(_body(m), False)))
