"""Identity of a source: the sha256 of its text and the id slug derived from a name or URL.

Takes strings, gives strings; pure. Shared by ``ingest`` (files) and ``html`` (pages), which is
why it stands on its own: neither of those two imports the other's helpers.
"""

from __future__ import annotations

import hashlib
import re


def sha256(text: str) -> str:
    """Hex sha256 of ``text`` encoded as UTF-8 (64 lowercase hex digits)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def slug(value: str) -> str:
    """A source id from free text: lowercase letters of any script, digits, ``-``; else
    ``source``. Non-ASCII letters stay (``Жэньминь жибао`` → ``жэньминь-жибао``): dropping
    them would turn every Russian, Greek or Japanese name into the same ``source``."""
    return re.sub(r"[\W_]+", "-", value.lower()).strip("-") or "source"
