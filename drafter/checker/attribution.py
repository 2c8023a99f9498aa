"""Which source a lead-in names: publications, short names, titles and links, for all sources
at once. Pure: no I/O.

Takes the sources (``Names.of``) and one paragraph's text and link targets at a time
(``Names.find``); returns where each source is named in it, and what a lead-in names that is
*not* among the sources (``unlisted``).

Why one automaton: a writer's library holds thousands of articles, and a draft has dozens of
quoting paragraphs. Matching every source's names paragraph by paragraph costs quotes ×
sources; one Aho-Corasick automaton of every name (in lower case, single-spaced) finds them
all in one pass over a paragraph, whatever the number of sources. Each hit is then checked
against the name as written (word boundaries; case, except for long titles, which headlines
recapitalise). Every pattern here is linear: no regex runs over a paragraph once per quote.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

import ahocorasick_rs

from drafter.models import Source

_SPACE = re.compile(r"\s+")
_INTRO_WORD = re.compile(
    r"\b(?:in|titled|entitled|headlined|headline|called|piece|article|story|column|op-ed|essay|"
    r"report|reports?|reported|writes?|wrote|notes?|noted)\Z",
    re.IGNORECASE,
)
_INTRO_REACH = 12  # characters: the longest intro word ("headlined") and the boundary before it
# A publication a lead-in names: "the" + capitalised words before a reporting verb, or after
# "according to the". A person ("Zhu noted:") takes no article, so is not taken for one.
# Bounded repetitions (at most six words) keep the pattern linear.
_NAME = r"(?P<name>[A-Z][\w.&'’-]*(?:[ \t]+(?:[A-Z][\w.&'’-]*|of|and|&)){0,5})"
_PUBLICATION = re.compile(
    rf"\b(?:[Aa]ccording[ \t]+to[ \t]+the[ \t]+{_NAME}"
    rf"|[Tt]he[ \t]+{_NAME.replace('name', 'name2')}[ \t]+(?:\w+[ \t]+)?"
    r"(?:reports|reported|writes|wrote|notes|noted|observes|observed|explains|explained|"
    r"puts[ \t]+it|put[ \t]+it)\b)"
)


def title_intro(text: str, end: int) -> bool:
    """Whether ``text[:end]`` introduces a title: it ends with ``in``, ``titled``,
    ``reports`` … and at most spaces and one ``:`` or ``,`` (``reports in “…”``).

    Linear: it walks back over the spaces once and looks at a dozen characters, where a
    regex anchored at ``$`` and searched over the prefix backtracks on every space run."""
    i = end
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    if i > 0 and text[i - 1] in ":,":
        i -= 1
        while i > 0 and text[i - 1] in " \t":
            i -= 1
    return _INTRO_WORD.search(text, max(0, i - _INTRO_REACH), i) is not None


def bare_url(url: str) -> str:
    return re.sub(r"^https?://(www\.)?", "", url.strip()).rstrip("/").lower()


def _word(c: str) -> bool:
    return c.isalnum() or c == "_"


def _fold(text: str) -> str:
    """Lower case, one character for one, so that offsets stay."""
    low = text.lower()
    if len(low) != len(text):  # "İ" lowers to two characters: keep such letters as they are
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return low


@dataclass(frozen=True, slots=True)  # one per name of every source: thousands
class _Name:
    source_id: str
    words: tuple[str, ...]  # as written, for the case check
    any_case: bool
    article: bool  # "The X": "the X", "The X" and "X" all name it


@dataclass(frozen=True)
class Named:
    """Where sources are named in one paragraph: (start, end, source id), by end."""

    hits: tuple[tuple[int, int, str], ...]
    _ends: tuple[int, ...]
    _best: tuple[tuple[int, str] | None, ...]  # the latest-starting hit among the first i+1
    _ties: tuple[tuple[str, ...], ...]  # every source named at that latest start

    def before(self, upto: int) -> str | None:
        """The source named last (latest start) in text that ends at or before ``upto``."""
        i = bisect_right(self._ends, upto)
        if i == 0:
            return None
        best = self._best[i - 1]
        return best[1] if best else None

    def tied(self, upto: int) -> tuple[str, ...]:
        """Every source the name ``before(upto)`` found fits (a publication two of the
        sources share), in order; () when none is named."""
        i = bisect_right(self._ends, upto)
        return self._ties[i - 1] if i else ()


def _named(hits: list[tuple[int, int, str]]) -> Named:
    hits.sort(key=lambda h: (h[1], h[0]))
    best: list[tuple[int, str] | None] = []
    ties: list[tuple[str, ...]] = []
    top: tuple[int, str] | None = None
    tied: tuple[str, ...] = ()
    for start, _, sid in hits:
        if top is None or start > top[0]:
            tied = (sid,)
        elif start == top[0] and sid not in tied:
            tied = (*tied, sid)
        if top is None or start >= top[0]:
            top = (start, sid)
        best.append(top)
        ties.append(tied)
    return Named(tuple(hits), tuple(h[1] for h in hits), tuple(best), tuple(ties))


class Names:
    """Every name of every source, ready to be found in a paragraph in one pass."""

    def __init__(self, sources: Sequence[Source]) -> None:
        self._automaton: ahocorasick_rs.AhoCorasick | None = None
        keyed: dict[str, list[_Name]] = {}
        self._urls: dict[str, str] = {}
        self.titles: set[str] = set()
        # word of a publication or short name -> the sources it is a word of: "the Gazette"
        # or "the Post" is a writer's short form of a source's name, not another paper.
        self._words: dict[str, set[str]] = {}
        for s in sources:
            for word in f"{s.publication} {s.short_name}".casefold().split():
                self._words.setdefault(word, set()).add(s.id)
            # Names are matched as written: a publication called "Time" or "The Information"
            # must not be found in "at the same time" or "the information". Only a long
            # title is matched in any case (headlines get recapitalised).
            long_title = len(s.title.split()) >= 4
            for value, any_case in (
                (s.publication, False),
                (s.title, long_title),
                (s.short_name, False),
            ):
                value = value.strip()
                article = False
                if value.lower().startswith("the ") and len(value) > 6:
                    value, article = value[4:].strip(), True
                if len(value) >= 2:
                    words = tuple(value.split())
                    key = " ".join(words).lower()
                    # A name matched in any case is never compared word for word.
                    kept = () if any_case else words
                    keyed.setdefault(key, []).append(_Name(s.id, kept, any_case, article))
            if s.title.strip():
                self.titles.add(" ".join(s.title.split()).casefold())
            url = bare_url(s.url)
            if url:
                self._urls.setdefault(url, s.id)
        self._keys = list(keyed)
        self._named = [tuple(keyed[k]) for k in self._keys]
        if keyed:
            self._automaton = ahocorasick_rs.AhoCorasick(self._keys)

    def find(self, text: str) -> Named:
        """Every place a source is named in ``text``."""
        if self._automaton is None or not text:
            return _named([])
        # Whitespace runs become one space; ``back`` maps a folded offset to the text's.
        folded = _fold(_SPACE.sub(" ", text))
        starts: list[int] = []  # folded offsets from which ...
        shifts: list[int] = []  # ... the text's offset is this much further on
        shift = 0
        for m in _SPACE.finditer(text):
            if m.end() - m.start() > 1:
                shift += m.end() - m.start() - 1
                starts.append(m.end() - shift)
                shifts.append(shift)

        def orig(i: int) -> int:
            k = bisect_right(starts, i) - 1
            return i + (shifts[k] if k >= 0 else 0)

        hits: list[tuple[int, int, str]] = []
        for k, fs, fe in self._automaton.find_matches_as_indexes(folded, overlapping=True):
            names = self._named[k]
            if (fs > 0 and _word(folded[fs - 1])) or (fe < len(folded) and _word(folded[fe])):
                continue
            start, stop = orig(fs), orig(fe - 1) + 1
            written = tuple(text[start:stop].split())
            for name in names:
                if not name.any_case and written != name.words:
                    continue
                begin = start
                if name.article and folded[max(0, fs - 4) : fs] == "the ":
                    begin = orig(fs - 4)
                hits.append((begin, stop, name.source_id))
        return _named(hits)

    def linked(self, hrefs: Sequence[str]) -> str | None:
        """The source one of the links points to (its address or a page under it)."""
        for href in hrefs:
            bare = bare_url(href)
            parts = bare.split("/")
            for n in range(len(parts), 0, -1):
                sid = self._urls.get("/".join(parts[:n]))
                if sid is not None:
                    return sid
        return None

    def _part_of_a_name(self, name: str) -> bool:
        """Whether every word of ``name`` is a word of one source's publication or short name."""
        sets = [self._words.get(word, set()) for word in name.casefold().split()]
        return bool(sets) and bool(set.intersection(*sets))

    def unlisted(self, text: str, hrefs: Sequence[str], titles: Sequence[str]) -> str:
        """What a lead-in names that is not among the sources, for the report: publications
        ("the NYTimes noted"), quoted titles that are no source's title, and links to
        addresses no source has. "" when it names nothing of the kind."""
        out: list[str] = []
        for m in _PUBLICATION.finditer(text):
            name = (m.group("name") or m.group("name2")).rstrip(".")
            if name and not self._part_of_a_name(name):
                out.append(name)
        for title in titles:
            if " ".join(title.split()).casefold() not in self.titles:
                out.append(f"“{title}”")
        for href in hrefs:
            if re.match(r"https?://", href.strip(), re.IGNORECASE) and self.linked([href]) is None:
                out.append(href.strip())
        return ", ".join(dict.fromkeys(out))
