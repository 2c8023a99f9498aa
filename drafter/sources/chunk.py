"""Cut a source into quotable passages with stable ids and character offsets.

Takes a ``Source``; returns ``Passage`` objects whose ``text`` is exactly
``source.text[start:end]``. Pure: no I/O.

A passage is a news paragraph. Paragraphs are separated by blank lines when the text has
any (Markdown, wrapped text), otherwise by single newlines (one paragraph a line, as most
article snapshots are). A paragraph longer than ``max_chars`` is cut at sentence ends into
runs of sentences, so that a model can pick a passage of a readable length. Ids depend only
on the text: ``scmp:p07`` for the 7th paragraph, ``scmp:p07b`` for the second run of a long one.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from string import ascii_lowercase

from drafter.models import Passage, Source

MAX_CHARS = 700

_BLANK_LINE = re.compile(r"\n[ \t]*\n")
# A sentence ends at . ! ? (optionally followed by a closing quote or bracket) then space
# and a capital or an opening quote. Abbreviations like "U.S. officials" may cut early;
# the cost is only a shorter passage.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"“‘(A-Z0-9])")


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Spans of the paragraphs of ``text``, stripped of surrounding whitespace."""
    separator = _BLANK_LINE if _BLANK_LINE.search(text) else re.compile(r"\n")
    spans = []
    pos = 0
    for m in [*separator.finditer(text), None]:
        end = m.start() if m else len(text)
        start, stop = _strip(text, pos, end)
        if stop > start:
            spans.append((start, stop))
        if m:
            pos = m.end()
    return spans


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _sentence_runs(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    if end - start <= max_chars:
        return [(start, end)]
    cuts = [m.end() for m in _SENTENCE_END.finditer(text, start, end)]
    runs = []
    run_start = start
    last_cut = start
    for cut in [*cuts, end]:
        if cut - run_start > max_chars and last_cut > run_start:
            runs.append(_strip(text, run_start, last_cut))
            run_start = last_cut
        last_cut = cut
    runs.append(_strip(text, run_start, end))
    return runs


def _suffix(i: int) -> str:
    return ascii_lowercase[i] if i < 26 else f"_{i + 1}"


def spans(source: Source, max_chars: int = MAX_CHARS) -> list[tuple[str, int, int]]:
    """(id, start, end) of each passage: the index keeps these, not copies of the text."""
    text = source.text
    out = []
    for number, (start, end) in enumerate(paragraphs(text), 1):
        runs = _sentence_runs(text, start, end, max_chars)
        for i, (a, b) in enumerate(runs):
            suffix = _suffix(i) if len(runs) > 1 else ""
            out.append((f"{source.id}:p{number:02d}{suffix}", a, b))
    return out


def chunk(source: Source, max_chars: int = MAX_CHARS) -> tuple[Passage, ...]:
    """The passages of ``source``, in order."""
    return tuple(
        Passage(pid, source.id, a, b, source.text[a:b]) for pid, a, b in spans(source, max_chars)
    )


def passage_at(starts: Sequence[int], offset: int) -> int:
    """Index of the passage containing ``offset`` (or the last one starting before it)."""
    return max(bisect_right(starts, offset) - 1, 0)
