"""The normalisation table of DESIGN.md, with offsets mapped back to the original text.

Takes a string and the set of rules to apply; returns the normalised string and a map from
its offsets to the original's. Pure: no I/O.

Markup is recognised by its content, whatever the source file is called: a `.txt` export of
a notebook or README is Markdown all the same. What a reader of the rendered page does not
see is taken out on both sides, draft and source: emphasis and code-span delimiters, list
bullets and heading marks at a line's start, link syntax, backslash escapes, HTML tags and
entities, autolinks' brackets, reference and reStructuredText links, documentation roles
(``{ref}`text <target>` `` reads as ``text``), citation and footnote markers glued to a word
(``town,[3]``, ``town,¹``, ``note[^1]``), a word hyphenated across a line end
(``power-\nful``) and invisible format characters (Unicode category Cf).

Two passes: the markup a reader never sees is taken out first (``_deletions``), and
entities for a space or a dash decoded (``_spacing_entities``), then the text rules run on
what is left, so that a dash or a space run is judged by its visible neighbours
(``a `--since` option`` is ``a --since option``, ``was&nbsp;&mdash;&nbsp;frankly`` is
``was-frankly`` as ``was — frankly`` is). The offset maps compose.

Why it is built this way: sources can be 100 MB. Equal-length substitutions (curly quotes,
dash variants, exotic spaces) go through ``str.translate`` at C speed and move no offset;
only the rare length-changing spots (space runs, spaces around dashes, ``…``, soft hyphens,
NFKC expansions, markup) are visited one by one, and the offset map stores a breakpoint only
where the shift changes, so it stays tiny.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

# Rule names as they appear in reports, in the order they are listed.
MARKUP = "markup"
UNICODE = "unicode"
QUOTES = "quotes"
DASHES = "dashes"
ELLIPSIS = "ellipsis"
WHITESPACE = "whitespace"
CITATIONS = "citation markers"
HYPHENATION = "hyphenation"
CALLS = "call parentheses"
RULES: tuple[str, ...] = (
    WHITESPACE,
    QUOTES,
    DASHES,
    ELLIPSIS,
    UNICODE,
    MARKUP,
    CITATIONS,
    HYPHENATION,
    CALLS,
)
ALL_RULES = frozenset(RULES)
# A draft's quote is the text a reader sees (markdown-it took its markup out already).
TEXT_RULES = ALL_RULES - {MARKUP}

DOUBLE_QUOTES = (
    "\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\u301d\u301e\u301f\uff02\u275d\u275e"
    "\u300c\u300d\u300e\u300f\u2e42\uff62\uff63\ufe41\ufe42\ufe43\ufe44\u2036"
    "\U0001f676\U0001f677\U0001f678"
)
SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2032\u02bc\uff07\u2039\u203a\u275b\u275c"
DASH_CHARS = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
SPACE_CHARS = (
    "\t\n\r\f\v\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000"
)
INVISIBLE_CHARS = "\u00ad\u200b\u200c\u200d\u2060\ufeff"


@cache
def _table(rules: frozenset[str]) -> dict[int, str]:
    table: dict[int, str] = {}
    if QUOTES in rules:
        table.update({ord(c): '"' for c in DOUBLE_QUOTES})
        table.update({ord(c): "'" for c in SINGLE_QUOTES})
    if DASHES in rules:
        table.update({ord(c): "-" for c in DASH_CHARS})
    if WHITESPACE in rules:
        table.update({ord(c): " " for c in SPACE_CHARS})
    return table


# An HTML character reference: named, decimal, or hexadecimal with either case of x.
_ENTITY = r"&(?:#\d+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);"
_ENTITY_RE = re.compile(_ENTITY)
# What an entity decoded in the first pass may stand for: a space or a dash (see
# ``_spacing_entities``).
_SPACING = frozenset(" -" + DASH_CHARS + SPACE_CHARS)
# Each deleter pattern starts with a literal character, its look-behind after it: the regex
# engine skips ahead to that character in C, where a leading look-behind or character set
# makes it try every position (ten to thirty times slower on a large source).
# Emphasis and code spans may run over a line break, not over a blank line.
_EMPHASIS_STAR = (
    r"(?P<o1>\*(?<!\*\*)\*{0,2})(?=[^\s*])(?:[^*\n]|\n(?!\n))*?(?<=[^\s*])(?P<c1>(?P=o1))(?!\*)"
)
_EMPHASIS_UNDERSCORE = (
    r"(?P<o2>_(?<![\w_]_)_{0,2})(?=[^\s_])(?:[^_\n]|\n(?!\n))*?(?<=[^\s_])(?P<c2>(?P=o2))(?![\w_])"
)


_CODE_SPAN = r"(?P<o3>`(?<!``)`*)(?=[^`\n])(?:[^`\n]|\n(?!\n))*?(?<=[^`\n])(?P<c3>(?P=o3))(?!`)"
# {ref}`text <target>`, :doc:`text <target>`, {ref}`target`: the reader sees the text.
# A target written ``~pkg.mod.Name`` shows its last part only (Sphinx): ``Name``.
# Two patterns, one per first character, found as their alternation would be (``_leftmost``).
_ROLE_REST = r"(?:~(?:\w+\.)*)?)[^`<\n]*?(?P<c4>[ \t]*<[^>`\n]*>`|`)"
_ROLE = (
    r"(?P<o4>\{[\w:.+-]+\}`" + _ROLE_REST,
    r"(?P<o4>:(?<![\w`]:)[\w:.+-]+:`" + _ROLE_REST,
)
# Glued to the word or punctuation before it: "town,[3] and", "fact.[citation needed]",
# "a note[^1]", "town,¹ and"; a numbered marker may have a space before it ("fact [3] here")
# and may list or span numbers, as papers cite ("trend [7, 8]", "studies [4–6]").
# Found from its "[": a match whose look-behind saw a space takes that space too
# (``_citations``).
_NUMBERED = r"\d{1,4}(?:[ \t]*[,\u2013\u2014-][ \t]*\d{1,4})*\]"
_NAMED = (
    r"(?:[a-z]|note \d+|n \d+|citation needed|"
    r"clarification needed|better source needed|verification needed|failed verification|"
    r"page needed|dubious|who\?|when\?|which\?|according to whom\?|\^[^\]\s]{1,20})\]"
)
_CITATION = (
    rf"\[(?:(?<=[^\s\[\]]\[)(?:{_NUMBERED}|{_NAMED})|(?<=[^\s\[\]] \[){_NUMBERED})"
    rf"(?: ?\[{_NUMBERED}|\[{_NAMED})*(?![(\[])"
)
_SUPERSCRIPTS = "¹²³⁴⁵⁶⁷⁸⁹⁰"
# A run of superscript digits, found from its first one: one pattern per digit.
_SUPERSCRIPT_CITATION = {
    d: rf"{d}(?<=[^\s\d{_SUPERSCRIPTS}]{d})[{_SUPERSCRIPTS}]*(?![\w{_SUPERSCRIPTS}])"
    for d in _SUPERSCRIPTS
}
_AUTOLINK = r"(?P<o5><)(?:https?|mailto):[^>\s]+(?P<c5>>)"
_REFERENCE_LINK = r"(?P<o6>\[)[^\[\]\n]+(?P<c6>\]\[[^\[\]\n]*\])"
_RST_LINK = r"(?P<o7>`(?<![\w`:}]`))[^`<\n]+?(?P<c7>[ \t]*<[^>`\n]+>`__?)"
# ](target), ](target "title"), ](<target with spaces>), and a target with parentheses
# of its own (a Wikipedia address: /wiki/Parsing_(computing)). Each alternative starts with
# its own character, so the pattern cannot backtrack.
_LINK_TARGET = (
    r"\]\([ \t]*(?:<[^<>\n]*>|(?:[^()\s]|\([^()\s]*\))*)"
    r"(?:[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^()\n]*\)))?[ \t]*\)"
)
_ESCAPE = r"\\(?=[!-/:-@\[-`{-~]|\n)"  # an escape, or a hard line break
# Line-start block markup; found on the original text, where the line ends still are.
_BLOCK_MARK = re.compile(r"(?m)^[ \t]*(?:[-*+]|\d{1,9}[.)]|#{1,6}|>)[ \t]+(?=\S)")
# A text none of whose characters can start a deletion (``_deleters``' keys, a newline for
# block marks and line-end hyphens, a soft hyphen) has nothing for the first pass to cut.
_NOTHING_TO_CUT = re.compile(r"[^*_`\\<\[\]\n\u00ad¹²³⁴⁵⁶⁷⁸⁹⁰(]*")
_LINE_MARK = re.compile(r"\n[ \t]*(?:[-*+]|\d{1,9}[.)]|#{1,6}|>)[ \t]+(?=\S)")
# Found from the newline, a literal the engine skips ahead to in C (a hyphen set is tested at
# every position, ten times slower); the hyphen and its letter are looked behind, over up to
# _BLANKS blanks before the newline. A longer run of blanks is looked behind as such and
# walked back over in Python (``_line_end_hyphens``), so that any number of blanks is taken.
# The first look-behind is a quick test: most lines end in a letter or a stop.
_BLANKS = 16
_HYPHENATED = re.compile(
    r"\n(?<=[-\u00ad \t]\n)(?:"
    + "|".join(rf"(?<=[a-z][-\u00ad][ \t]{{{k}}}\n)" for k in range(_BLANKS + 1))
    + rf"|(?<=[ \t]{{{_BLANKS + 1}}}\n))[ \t]*(?=[a-z])"
)


def _line_end_hyphens(text: str) -> Iterator[tuple[int, int]]:
    """Spans of a hyphen after a letter, the blanks and line end after it and the blanks
    that start the next line, which starts with a letter: ``power-\n ful``."""
    for m in _HYPHENATED.finditer(text):
        a = m.start()
        while a > 0 and text[a - 1] in " \t":
            a -= 1
        if a > 1 and text[a - 1] in "-\u00ad" and "a" <= text[a - 2] <= "z":
            yield a - 1, m.end()


def _event_parts(rules: frozenset[str], scanning: bool = False) -> list[str]:
    """Patterns of the length-changing spots. ``scanning``: the dash pattern starts at the
    dash (see ``_scanners``); otherwise it takes the spaces before it too."""
    parts = []
    if DASHES in rules and WHITESPACE in rules:
        # Scanning, a hyphen between two letters ("start-up") is not even matched.
        parts.append(r"-(?:(?<= -)|(?=[ -]))[ -]*" if scanning else r" *-[ -]*")
    elif DASHES in rules:
        parts.append(r"--+")
    if WHITESPACE in rules:
        parts.append(r"  +")  # two literal spaces: the engine can skip ahead to them
    if MARKUP in rules:
        # Entities for a space or a dash were decoded in the first pass; the rest here.
        parts.append(_ENTITY)
        parts.append(r"<[bB][rR]\b[^>\n]*>[ \t]*")
    if ELLIPSIS in rules or UNICODE in rules:
        parts.append(r"[^\x00-\x7f]")
    return parts


@cache
def _events(rules: frozenset[str]) -> re.Pattern[str]:
    return re.compile("|".join(_event_parts(rules)) or r"(?!)")


@cache
def _scanners(rules: frozenset[str]) -> tuple[re.Pattern[str], ...]:
    """The same events as ``_events``, one pattern per first character.

    A pattern that can start at any space makes the regex engine stop at every space
    (a sixth of news text); patterns with a literal first character let it skip ahead in C,
    five times faster on a large source. Spaces before a dash are picked up afterwards.
    """
    return tuple(re.compile(p) for p in _event_parts(rules, scanning=True))


def _can_occur(pattern: re.Pattern[str], text: str) -> bool:
    """Whether a scanner can match ``text`` at all: each needs its first character (a
    non-ASCII one for the last), and a ``str`` search for it runs at memory speed where the
    regex engine tests every position (the non-ASCII class: most of a normalisation's time)."""
    first = pattern.pattern[0]
    if first == "[":
        return not text.isascii()
    if first == " ":
        return "  " in text
    if first in "-&<":
        return first in text
    return True  # a scanner of another shape is always run


_Finder = Callable[[str], Iterable[tuple[int, int]]]


def _spans(matches: Iterable[re.Match[str]]) -> Iterator[tuple[int, int]]:
    """What each match takes out: its named groups, or all of it when it has none."""
    for m in matches:
        if m.re.groupindex:
            yield from (m.span(g) for g in m.re.groupindex if m.start(g) >= 0)
        else:
            yield m.span()


def _leftmost(patterns: tuple[re.Pattern[str], ...], text: str) -> Iterator[re.Match[str]]:
    """``finditer`` of the alternation of ``patterns``, whose matches are never empty and
    start with different characters (so that at most one matches at a place). Each pattern
    starts with a literal the engine skips ahead to; their alternation would start with a
    set of characters, which it tests at every position."""
    found = [p.search(text) for p in patterns]
    while True:
        live = [m for m in found if m is not None]
        if not live:
            return
        first = min(live, key=lambda m: m.start())
        yield first
        end = first.end()
        found = [
            m if m is None or m.start() >= end else p.search(text, end)
            for p, m in zip(patterns, found, strict=True)
        ]


def _finder(*patterns: str) -> _Finder:
    compiled = tuple(re.compile(p) for p in patterns)
    if len(compiled) == 1:
        return lambda text: _spans(compiled[0].finditer(text))
    return lambda text: _spans(_leftmost(compiled, text))


_CITATION_RE = re.compile(_CITATION)


def _citations(text: str) -> Iterator[tuple[int, int]]:
    for m in _CITATION_RE.finditer(text):
        a = m.start()  # > 0: a character is looked behind
        yield (a - 1 if text[a - 1] == " " else a), m.end()


@cache
def _deleters(rules: frozenset[str]) -> tuple[tuple[str, _Finder], ...]:
    """(a character the markup cannot go without, what finds the spans it takes out) for the
    markup a reader never sees; named groups: only those go. A pattern runs only on a text
    that holds its character: most of a news library has no ``*`` or backtick."""
    parts: list[tuple[str, str | tuple[str, ...]]] = []
    finders: list[tuple[str, _Finder]] = []
    if MARKUP in rules:
        # Emphasis is a pair of delimiters around text; a lone "*" (a footnote mark in
        # "5%*") is the source's own character and stays.
        parts += [
            ("*", _EMPHASIS_STAR),
            ("_", _EMPHASIS_UNDERSCORE),
            ("`", _CODE_SPAN),
            ("`", _ROLE),
            ("\\", _ESCAPE),
            ("`", _RST_LINK),
            ("<", _AUTOLINK),
            ("][", _REFERENCE_LINK),
            ("](", r"\[(?=[^\]\n]*\]\()"),  # the [ of a Markdown link whose ]( follows
            ("](", _LINK_TARGET),
            # HTML tags and comments, one line; a line break (<br>) is a space, second pass.
            ("<", r"<(?!https?:|mailto:|[bB][rR]\b)[a-zA-Z/!][^>\n]*>"),
        ]
    if CITATIONS in rules:
        parts += list(_SUPERSCRIPT_CITATION.items())
        finders.append(("[", _citations))
    if CALLS in rules:
        # Sphinx shows :func:`connect` as "connect()": a quotation of the page has the
        # parentheses, one of the source file has not. Empty ones after a name go on both
        # sides (the parentheses first, the name looked behind: the engine skips ahead).
        parts.append(("()", r"\(\)(?<=\w\(\))(?!\w)"))
    finders += [(key, _finder(*p) if isinstance(p, tuple) else _finder(p)) for key, p in parts]
    return tuple(finders)


def _deletions(
    text: str, rules: frozenset[str], superscripts: bool = True
) -> list[tuple[int, int]]:
    """Sorted, disjoint spans of ``text`` that the first pass takes out. ``superscripts``:
    whether the text may hold superscript digits (``False`` saves ten searches of it)."""
    if _NOTHING_TO_CUT.fullmatch(text) and not (MARKUP in rules and _BLOCK_MARK.match(text)):
        return []  # most texts checked are short quotes and windows with no key at all
    spans: list[tuple[int, int]] = []
    if MARKUP in rules:
        # Block marks start a line: look for them after each newline, a literal the regex
        # engine skips ahead to in C (``^`` in multiline mode stops at every position).
        starts = [0] if _BLOCK_MARK.match(text) else []
        starts += [m.start() + 1 for m in _LINE_MARK.finditer(text)]
        for at in starts:
            if _starts_block(text, at):
                m = _BLOCK_MARK.match(text, at)
                if m is not None:
                    spans.append(m.span())
    if HYPHENATION in rules and "\n" in text and ("-" in text or "\u00ad" in text):
        spans += _line_end_hyphens(text)
    firsts: dict[str, bool] = {}  # a one-character search is several times faster than "]("
    for key, find in _deleters(rules):
        if not superscripts and key in _SUPERSCRIPT_CITATION:
            continue
        if key[0] not in firsts:
            firsts[key[0]] = key[0] in text
        if not firsts[key[0]] or (len(key) > 1 and key not in text):
            continue
        spans += find(text)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        elif b > a:
            merged.append((a, b))
    return merged


@lru_cache(maxsize=4096)
def _spacing_entity(token: str) -> str | None:
    """The space or dash an entity stands for, or ``None`` when it stands for anything else."""
    decoded = _entity(token)
    return decoded if decoded in _SPACING else None


def _spacing_entities(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, character) of each entity for a space or a dash: ``&nbsp;``, ``&#8212;``,
    ``&#x2014;``, ``&#45;``, ``&#150;``. Decoded in the first pass, they are the characters
    they stand for when the second pass judges space and dash runs: ``&nbsp;&mdash;&nbsp;``
    is one hyphen, as `` — `` is. Decoded in the second pass, an entity was a spot of its
    own next to the spaces and dashes, and ``was&nbsp;&mdash;&nbsp;frankly`` read as
    ``was - frankly`` against a draft's ``was-frankly``."""
    for m in _ENTITY_RE.finditer(text):
        decoded = _spacing_entity(m.group())
        if decoded is not None:
            yield m.start(), m.end(), decoded


_WORD = re.compile(r"\S+")
_SPACES = frozenset(" " + SPACE_CHARS)


def word_spans(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """Spans of the words of ``text[start:end]`` as a reader sees them: split at whitespace
    and at entities for a space, so that a source's ``was&nbsp;&mdash;&nbsp;frankly`` is
    three words, as a draft's ``was — frankly`` is, and a word diff pairs them."""
    end = len(text) if end is None else end
    for m in _WORD.finditer(text, start, end):
        a, b = m.span()
        if "&" not in m.group():
            yield a, b
            continue
        for e in _ENTITY_RE.finditer(text, a, b):
            decoded = _spacing_entity(e.group())
            if decoded is not None and decoded in _SPACES:
                if e.start() > a:
                    yield a, e.start()
                a = e.end()
        if a < b:
            yield a, b


def _first_pass(
    text: str, rules: frozenset[str], superscripts: bool = True
) -> list[tuple[int, int, str]]:
    """Sorted, disjoint (start, end, new) edits of the first pass: the markup a reader never
    sees out (``_deletions``), entities for a space or a dash decoded."""
    edits = [(a, b, "") for a, b in _deletions(text, rules, superscripts)]
    if MARKUP not in rules or "&" not in text:
        return edits
    decoded = list(_spacing_entities(text))
    if not decoded:
        return edits
    merged: list[tuple[int, int, str]] = []
    for a, b, new in sorted(edits + decoded):
        # Entities never overlap one another nor hold a cut; one that overlaps a cut is
        # inside the markup it takes out (an HTML tag's attribute), and goes with it.
        if merged and a < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]), "")
        else:
            merged.append((a, b, new))
    return merged


def _starts_block(text: str, at: int) -> bool:
    """Whether a line-start marker at ``at`` starts a block: first line, after a blank line
    or after another list item. A wrapped line of prose that starts with "- " is a dash."""
    if at == 0:
        return True
    prev_end = at - 1
    prev_start = text.rfind("\n", 0, prev_end) + 1
    previous = text[prev_start:prev_end]
    return not previous.strip() or _BLOCK_MARK.match(previous) is not None


def _event_spans(text: str, rules: frozenset[str]) -> list[tuple[int, int, bool]]:
    """(start, end, merged) of the spots to rewrite; ``merged`` when scanners overlapped."""
    spans = []
    spaced_dashes = DASHES in rules and WHITESPACE in rules
    for pattern in _scanners(rules):
        if not _can_occur(pattern, text):
            continue
        for m in pattern.finditer(text):
            a, b = m.span()
            first = text[a]
            if first == "-" and spaced_dashes:  # the common spots first: dashes, space runs
                while a > 0 and text[a - 1] == " ":
                    a -= 1
                if b - a > 1:
                    spans.append((a, b))
                continue
            if first == " ":
                spans.append((a, b))
                continue
            if unicodedata.combining(first) and a > 0:
                a -= 1  # a combining accent is composed with the letter before it
            if text[a] == "<":
                while a > 0 and text[a - 1] in " \t":
                    a -= 1  # "when <br> a" is one space, as "when<br>a" is
            elif spaced_dashes and text[a] == "-":
                while a > 0 and text[a - 1] == " ":
                    a -= 1
                if b - a == 1:
                    continue  # a plain hyphen, as in "start-up": nothing to change
            spans.append((a, b))
    spans.sort()
    merged: list[tuple[int, int, bool]] = []
    for a, b in spans:
        if merged and a < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]), True)
        else:
            merged.append((a, b, False))
    return merged


_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'", "nbsp": " "}


def _entity(token: str) -> str:
    body = token[1:-1]
    if body.startswith("#"):
        hexadecimal = body[1:2] in ("x", "X")
        digits = (body[2:] if hexadecimal else body[1:]).lstrip("0") or "0"
        # A reader sees U+FFFD for a number that is no character (past U+10FFFF, a
        # surrogate, NUL), as HTML reads it. Eight digits pass U+10FFFF in either base, and
        # int() refuses a decimal one of over 4,300.
        code = int(digits, 16 if hexadecimal else 10) if len(digits) <= 8 else -1
        if 0x80 <= code < 0xA0:
            # Old CMS exports number characters as Windows-1252 does (&#150; an en dash,
            # &#147; a curly quote); HTML reads them so, as browsers do. The five numbers
            # that code page leaves out stay the control characters they are.
            try:
                return bytes([code]).decode("cp1252")
            except UnicodeDecodeError:
                return chr(code)
        if 0 < code < 0x110000 and not 0xD800 <= code < 0xE000:
            return chr(code)
        return "\ufffd"
    if body in _ENTITIES:
        return _ENTITIES[body]
    import html  # only for rare named entities

    return html.unescape(token)


@cache
def _char(c: str, rules: frozenset[str]) -> str:
    """Replacement for one non-ASCII character left after the translate table."""
    if c == "\u2026":
        return "..." if ELLIPSIS in rules else c
    if UNICODE not in rules:
        return c
    if c in INVISIBLE_CHARS or unicodedata.category(c) == "Cf":
        return ""
    if c.isspace():
        return c  # spaces belong to the whitespace rule, not to NFKC
    return unicodedata.normalize("NFKC", c)


# The characters news text has most, replaced first: once they (and the ASCII controls the
# whitespace rule turns into spaces) are gone, a text is most often ASCII, and ``isascii``
# (one C pass) settles that none of the other sixty characters is in it.
_COMMON = "\u201c\u201d\u2019\u2018\u2014\u2013\u00a0"


@cache
def _pairs(
    rules: frozenset[str],
) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """The table's (character, replacement) pairs: ASCII and common ones, then the rest."""
    pairs = [(chr(code), new) for code, new in _table(rules).items()]
    first = [p for p in pairs if p[0].isascii() or p[0] in _COMMON]
    first.sort(key=lambda p: _COMMON.find(p[0]))
    return tuple(first), tuple(p for p in pairs if p not in first)


def _translate(text: str, rules: frozenset[str]) -> str:
    # str.translate with a dict costs a Python lookup per character (0.3 s a MB); one
    # str.replace per character that occurs is a C scan each, ten times faster, and as fast
    # on a short quote as the table would be: one path for every length.
    first, rest = _pairs(rules)
    for old, new in first:
        if old in text:
            text = text.replace(old, new)
    if text.isascii():
        return text
    for old, new in rest:
        if old in text:
            text = text.replace(old, new)
    return text


def _replacement(token: str, rules: frozenset[str]) -> str:
    first = token[0]
    if first == " " or first == "-":
        if "-" in token:
            return "-"  # spaces around a dash, and runs of dashes, are one plain hyphen
        return " "
    if first == "<":
        return " "  # <br>, <br/>: a line break a reader sees as a space
    if first == "&" and len(token) > 1:
        decoded = _translate(_entity(token), rules)  # &mdash; is a dash, &nbsp; a space
        return "".join(_char(c, rules) if not c.isascii() else c for c in decoded)
    return _char(token, rules)


@dataclass(frozen=True)
class Normalized:
    """A normalised text and the way back to offsets in the original."""

    text: str
    original_length: int
    # Breakpoints: from normalised offset _starts[i] on, original = normalised + _deltas[i].
    _starts: array[int]
    _deltas: array[int]
    # The first pass's map (markup taken out), when there was one: offsets go through both.
    _inner: Normalized | None = None

    def to_original(self, offset: int) -> int:
        i = bisect_right(self._starts, offset) - 1
        offset += self._deltas[i] if i >= 0 else 0
        return self._inner.to_original(offset) if self._inner is not None else offset

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open normalised span to the original span it came from."""
        if end <= start:
            o = self.to_original(start)
            return o, o
        return self.to_original(start), self.to_original(end - 1) + 1


def _rebuild(text: str, edits: Iterable[tuple[int, int, str]]) -> Normalized:
    """``text`` with each (start, end, new) edit applied (sorted, disjoint), and its map."""
    pieces: list[str] = []
    starts = array("q")
    deltas = array("q")
    pos = 0  # in text
    out = 0  # length of output so far
    delta = 0
    for a, b, new in edits:
        pieces.append(text[pos:a])
        out += a - pos
        # Inside the replacement, char i maps to original a + min(i, len(token) - 1).
        for i in range(len(new)):
            d = a + min(i, b - a - 1) - (out + i)
            if d != delta:
                starts.append(out + i)
                deltas.append(d)
                delta = d
        pieces.append(new)
        out += len(new)
        pos = b
        d = b - out
        if d != delta:
            starts.append(out)
            deltas.append(d)
            delta = d
    if not pieces:
        return Normalized(text, len(text), starts, deltas)
    pieces.append(text[pos:])
    return Normalized("".join(pieces), len(text), starts, deltas)


def normalize(text: str, rules: Iterable[str] = TEXT_RULES) -> Normalized:
    """Apply ``rules`` (names from ``RULES``) to ``text``."""
    ruleset = frozenset(rules)
    inner: Normalized | None = None
    translated = _translate(text, ruleset)
    if ruleset & _DELETING:
        # Translation leaves superscripts as they are: an ASCII result has none.
        first = _first_pass(text, ruleset, superscripts=not translated.isascii())
        if first:
            inner = _rebuild(text, first)
            translated = _translate(inner.text, ruleset)
    events = _events(ruleset)

    def edits() -> Iterable[tuple[int, int, str]]:
        for a, b, overlapped in _event_spans(translated, ruleset):
            token = translated[a:b]
            # A lone spot was matched in its context, so it is rewritten as matched;
            # overlapping spots are worked out on their own text.
            if (
                UNICODE in ruleset
                and not token.isascii()
                and any(unicodedata.combining(c) for c in token)
            ):
                new = unicodedata.normalize("NFKC", token)  # "e" + U+0301 is "é"
            elif overlapped:
                new = events.sub(lambda m: _replacement(m.group(), ruleset), token)
            else:
                new = _replacement(token, ruleset)
            if new != token:
                yield a, b, new

    outer = _rebuild(translated, edits())
    if inner is None:
        return outer
    return Normalized(outer.text, inner.original_length, outer._starts, outer._deltas, inner)


def normal_form(text: str, rules: Iterable[str] = TEXT_RULES) -> str:
    """The normalised text alone, trimmed: the form two texts are compared in."""
    return normal_text(text, rules).strip(" ")


def rules_applied(draft: str, source: str, markup_in_source: bool) -> tuple[str, ...]:
    """Which normalisation rules it takes to make ``draft`` equal ``source``.

    A rule is listed when the two texts still differ with every other rule applied and
    that one left out, i.e. exactly the rules the match depended on.
    """
    base = ALL_RULES if markup_in_source else TEXT_RULES
    used = []
    for rule in RULES:
        if rule not in base:
            continue
        without = base - {rule}
        if normal_form(draft, without - {MARKUP}) != normal_form(source, without):
            used.append(rule)
    if not used and draft != source:
        # Rules can overlap (NFKC also turns a no-break space into a space), so that no
        # single one is necessary: then list each rule that changes either text by itself.
        used = [
            rule
            for rule in RULES
            if rule in base
            and (
                normal_form(draft, {rule} - {MARKUP}) != draft.strip()
                or normal_form(source, {rule}) != source.strip()
            )
        ]
    return tuple(used)


_DELETING = frozenset({MARKUP, CITATIONS, HYPHENATION, CALLS})


def _apply(text: str, edits: Iterable[tuple[int, int, str]]) -> str:
    """``text`` with each (sorted, disjoint) edit ``(start, end, new)`` applied."""
    pieces, pos = [], 0
    for a, b, new in edits:
        pieces.append(text[pos:a])
        pieces.append(new)
        pos = b
    pieces.append(text[pos:])
    return "".join(pieces)


# A run of spaces and dashes is one hyphen if it holds a dash, else one space. Each pattern
# starts with a literal, so the engine skips ahead in C instead of stopping at every space.
_QUICK_SPACES = re.compile(r"  +")
_QUICK_DASH = re.compile(r"-[ -]+")  # a lone hyphen ("start-up") is already its normal form


def normal_text(text: str, rules: Iterable[str] = TEXT_RULES) -> str:
    """``normalize(text, rules).text`` without the offset map: what a scan searches.

    Most of a library is plain text that is ASCII once quotes, dashes, spaces and ``…`` are
    translated; for it the length-changing spots (spaced dashes, space runs) are rewritten by
    two C-level substitutions, several times faster than visiting each spot to record its
    offsets. Anything else (markup rules, other non-ASCII characters) takes ``normalize``.
    The offsets are worked out later, by ``normalize``, for the few sources a verdict needs.
    """
    ruleset = frozenset(rules)
    if not {DASHES, WHITESPACE} <= ruleset:
        return normalize(text, ruleset).text
    quick = _translate(text, ruleset)
    if ruleset & _DELETING:
        # The first pass of ``normalize`` (markup, citation markers, line-end hyphens out,
        # entities for spaces and dashes decoded), without its offset map: most of a library
        # has none of them, and cuts nothing.
        first = _first_pass(text, ruleset, superscripts=not quick.isascii())
        if first:
            quick = _translate(_apply(text, first), ruleset)
    if ELLIPSIS in ruleset and "\u2026" in quick:
        quick = quick.replace("\u2026", "...")
    if not quick.isascii() or (MARKUP in ruleset and ("&" in quick or "<" in quick)):
        # Entities and <br> tags (a space, with the spaces around it): the full path.
        return normalize(text, ruleset).text
    # Spaces to one, a dash and what follows it to one hyphen, then the one space before it.
    if "  " in quick:  # a str search is faster than the regex engine's when there is none
        quick = _QUICK_SPACES.sub(" ", quick)
    return _QUICK_DASH.sub("-", quick).replace(" -", "-")
