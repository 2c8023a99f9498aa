"""Which legacy character encoding bytes that are not UTF-8 are in. Pure: no I/O.

Takes bytes; returns a Python codec name (``cp1251``, ``iso8859_2``, ``cp932``, …) or None
when no encoding fits with confidence. charset-normalizer does the detection (it measures
how garbled each candidate decoding reads and which languages it looks like), because
guessing one legacy encoding (Windows-1252) turns Russian, Polish or Japanese text into
mojibake that no quote can match.
"""

from __future__ import annotations

import unicodedata
from typing import Any

# Legacy encodings in the order of how common they are on the web and in saved files: when
# charset-normalizer finds several that fit about equally well (short texts in ISO-8859-2
# also read as ISO-8859-3, -4 or -10 with no more "mess"), the commoner one is right.
# fmt: off
_COMMON = (
    "cp1252", "cp1251", "iso8859_2", "cp932", "shift_jis", "cp1250", "gb18030", "gb2312",
    "big5", "euc_kr", "euc_jp", "koi8_r", "iso8859_15", "cp1256", "cp1253", "cp1254", "cp1255",
    "cp1257", "iso8859_7", "iso8859_9", "iso8859_5", "koi8_u", "cp874",
)
# fmt: on
# The letters beyond ASCII of languages written in Latin script. A right legacy decoding
# gives the letters of one language; a wrong one mixes in letters that no one language has
# together (Czech "přístav" read as Windows-1252 is "pøístav", Turkish "işletme" "iþletme").
# fmt: off
_ALPHABETS = (
    "áčďéěíňóřšťúůýž",  # Czech
    "áäčďéíĺľňóôŕšťúýž",  # Slovak
    "ąćęłńóśźż",  # Polish
    "áéíóöőúüű",  # Hungarian
    "ăâîșțşţ",  # Romanian
    "čćđšž",  # Croatian, Bosnian, Serbian, Slovene
    "çğıöşüâîû",  # Turkish
    "äöüß",  # German
    "àâæçéèêëîïôœùûüÿ",  # French
    "áéíñóúü",  # Spanish
    "áâãàçéêíóôõú",  # Portuguese
    "àèéìíîòóùú",  # Italian
    "åäöé",  # Swedish, Finnish
    "æøåéóò",  # Danish, Norwegian
    "áðéíóúýþæö",  # Icelandic
    "äöõüšž",  # Estonian
    "āčēģīķļņšūž",  # Latvian
    "ąčęėįšųūž",  # Lithuanian
    "áéèëïóöü",  # Dutch, Afrikaans
    "àçèéíïòóúü",  # Catalan
    "çë",  # Albanian
)
# fmt: on
_MESS_MARGIN = 0.1  # candidates this close to the least messy one are weighed again
_SAMPLE = 50_000  # characters of each candidate decoding that are weighed (a long file's start)


_EAST_ASIAN = {"CJK", "HIRAGANA", "KATAKANA", "HALFWIDTH", "FULLWIDTH", "IDEOGRAPHIC"}


def _script(c: str) -> str:
    word = unicodedata.name(c, "UNKNOWN").split()[0]
    return "CJK" if word in _EAST_ASIAN else word


def _odd_characters(text: str) -> int:
    """What a wrong legacy decoding leaves in a text: symbols and control characters in
    the middle of words (ISO-8859-2's "ł" read as ISO-8859-3 is "³"), and letters of a
    script the rest of the text is not in (Windows-1252's "€" read as Windows-1251 is
    "Ђ" in an English sentence)."""
    odd = 0
    scripts: dict[str, int] = {}
    for c in text:
        if c.isalpha():
            scripts[_script(c)] = scripts.get(_script(c), 0) + 1
        elif not c.isspace() and (
            unicodedata.category(c) in ("So", "Sk", "Sm", "No", "Co", "Cc") or c == "\ufffd"
        ):
            odd += 1
    letters = sum(scripts.values())
    return odd + letters - max(scripts.values(), default=0) + _foreign_letters(text)


def _foreign_letters(text: str) -> int:
    """How many of the text's Latin letters beyond ASCII the language they fit best lacks."""
    wide: dict[str, int] = {}
    for c in text:
        if c > "\x7f" and c.isalpha() and unicodedata.name(c, "").startswith("LATIN"):
            wide[c.lower()] = wide.get(c.lower(), 0) + 1
    if not wide:
        return 0
    return min(sum(n for c, n in wide.items() if c not in abc) for abc in _ALPHABETS)


def guess_encoding(data: bytes) -> str | None:
    """The encoding of bytes that are not UTF-8, or None when none fits with confidence.

    charset-normalizer ranks the candidates by how garbled each decoding reads; among those
    about as good as the best, the one with the fewest odd characters, then the commonest,
    wins.
    """
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches:
        return None
    least = min(m.chaos for m in matches)
    # Each close candidate with the whole text it decodes to (charset-normalizer judges a
    # long file by samples; a candidate that fails on the rest is no candidate).
    close: list[tuple[Any, str]] = []
    for match in matches:
        if match.chaos <= least + _MESS_MARGIN:
            try:
                close.append((match, data.decode(match.encoding)))
            except (UnicodeDecodeError, LookupError):
                continue
    if not close:
        return None

    def rank(candidate: tuple[Any, str]) -> tuple[int, float, int]:
        m, text = candidate
        common = _COMMON.index(m.encoding) if m.encoding in _COMMON else len(_COMMON)
        # Then how much the text reads like a language charset-normalizer knows (Hebrew
        # read as Windows-1251 is all Cyrillic letters, but no language's words).
        return _odd_characters(text[:_SAMPLE]), -round(m.coherence, 1), common

    best, text = min(close, key=rank)
    # charset-normalizer names one of the encodings that give the same text (Windows-1250
    # for an English text in Windows-1252): name the commonest of them.
    for encoding in _COMMON:
        if encoding == best.encoding:
            break
        try:
            if data.decode(encoding) == text:
                return encoding
        except UnicodeDecodeError:
            continue
    return str(best.encoding)


def utf8_with_strays(data: bytes) -> tuple[str, int] | None:
    """Bytes that are UTF-8 but for a few stray bytes of a legacy encoding (a Windows-1252
    “ or é pasted into a UTF-8 file or page): the text, those bytes read as Windows-1252,
    and how many there were. None when the bytes are not mostly UTF-8 (no more valid
    multi-byte characters than stray bytes): then the file is in a legacy encoding."""
    loose = data.decode("utf-8", errors="replace")
    strays = loose.count("\ufffd") - data.count("\ufffd".encode())
    wide = sum(1 for c in loose if c > "\x7f") - strays
    if strays <= 0 or wide <= strays:
        return None
    parts: list[str] = []
    at = 0
    while True:  # few strays, so few rounds
        try:
            parts.append(data[at:].decode("utf-8"))
            return "".join(parts), strays
        except UnicodeDecodeError as exc:
            parts.append(data[at : at + exc.start].decode("utf-8"))
            parts.append(data[at + exc.start : at + exc.end].decode("cp1252", errors="replace"))
            at += exc.end


def utf16_without_mark(data: bytes) -> str | None:
    """The codec of UTF-16 text saved without a byte-order mark (``utf-16-le`` or
    ``utf-16-be``), or None. Such a file is full of NUL bytes, as a binary file is, but
    each at the same place in its pair: the high byte of a Latin character."""
    sample = data[: 1 << 16]
    if len(sample) < 4 or len(data) % 2:
        return None
    for codec, high, low in (
        ("utf-16-le", sample[1::2], sample[0::2]),
        ("utf-16-be", sample[0::2], sample[1::2]),
    ):
        if high.count(0) >= 0.9 * len(high) and low.count(0) == 0:
            try:
                data.decode(codec)
            except UnicodeDecodeError:
                continue
            return codec
    return None


def encoding_name(codec: str) -> str:
    """How people write an encoding's name: cp1251 → Windows-1251, iso8859_2 → ISO-8859-2."""
    if codec.startswith("cp125"):
        return "Windows-" + codec[2:]
    if codec.startswith("iso8859_"):
        return "ISO-8859-" + codec.split("_")[1]
    if codec in ("cp932", "shift_jis"):
        return "Shift_JIS"
    return codec.replace("_", "-").upper()
