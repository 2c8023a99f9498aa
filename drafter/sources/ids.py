"""Identity of a source: the sha256 of its text and the id slug derived from a name or URL.

Takes strings, gives strings; pure. Shared by ``ingest`` (files) and ``html`` (pages), which is
why it stands on its own: neither of those two imports the other's helpers.

``slug`` is the one function through which every id and file name drafter derives from
untrusted text (a source's front matter, a page's site name, a post's angle) passes: its
result is safe to use as one component of a path (DESIGN.md § Trust).
"""

from __future__ import annotations

import hashlib
import unicodedata

# A file name is at most 255 bytes on every common file system; an id also gets a suffix
# (``-v2``, ``-12``, ``.md``, ``.markdown``), so it is kept well under that.
MAX_ID_BYTES = 96


def sha256(text: str) -> str:
    """Hex sha256 of ``text`` encoded as UTF-8 (64 lowercase hex digits)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _keeps(c: str) -> bool:
    # Letters, digits and combining marks of any script: "Жэньминь жибао" is a readable id,
    # and Devanagari or Arabic words keep their vowel signs.
    return unicodedata.category(c)[0] in "LNM"


def slug(value: str, fallback: str = "source") -> str:
    """A source id (and a safe file-name stem) from free text.

    Lowercase letters, digits and combining marks of any script, runs of anything else
    (spaces, punctuation, ``/``, ``\\``, ``.``, NUL, control characters) as one ``-``, no
    ``-`` at either end; at most ``MAX_ID_BYTES`` bytes of UTF-8. So the result never holds a
    path separator, ``..`` or NUL, is never empty, and is the same when slugged again.
    Text with no letter or digit at all gives ``fallback``.
    """
    text = unicodedata.normalize("NFC", value).lower()
    out: list[str] = []
    size = 0
    dash = False
    for c in text:
        if not _keeps(c):
            dash = bool(out)
            continue
        if not out and unicodedata.category(c)[0] == "M":
            continue  # a combining mark with nothing to combine with
        piece = ("-" + c) if dash else c
        width = len(piece.encode("utf-8"))
        if size + width > MAX_ID_BYTES:
            break
        out.append(piece)
        size += width
        dash = False
    result = "".join(out)
    # NFC again: lower() or a cut can leave a sequence that composes differently, and the
    # id must be stable when slugged a second time.
    result = unicodedata.normalize("NFC", result)
    return result or fallback
