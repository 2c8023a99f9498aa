"""The searchable form of a set of sources: normalised text, passages, and a multi-pattern
scan that finds many needles in one pass over each source.

Takes ``Source`` objects; returns a ``Library``. Pure: no I/O.

Why Aho-Corasick: a check asks for every quote, every elided segment and several anchor
chunks per quote at once. One automaton pass over a 100 MB library costs about what a single
``str.find`` does, where searching needle by needle would scan the library hundreds of times.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import ahocorasick

from drafter.chunk import chunk, passage_at
from drafter.models import Passage, Source
from drafter.normalize import ALL_RULES, TEXT_RULES, Normalized, normalize

MAX_HITS = 200  # per needle and source; more than that says nothing about where a quote is


@dataclass(frozen=True)
class Indexed:
    source: Source
    norm: Normalized
    passages: tuple[Passage, ...]
    passage_starts: tuple[int, ...]

    @property
    def markup(self) -> bool:
        return self.source.format != "text"

    @property
    def norm_rules(self) -> frozenset[str]:
        return ALL_RULES if self.markup else TEXT_RULES

    def passage_index(self, original_offset: int) -> int:
        return passage_at(self.passages, self.passage_starts, original_offset)

    def passage_id(self, original_offset: int) -> str:
        if not self.passages:
            return f"{self.source.id}:p00"
        return self.passages[self.passage_index(original_offset)].id


@dataclass(frozen=True)
class Library:
    sources: tuple[Indexed, ...]

    def by_id(self, source_id: str) -> Indexed | None:
        return next((s for s in self.sources if s.source.id == source_id), None)


def index_source(source: Source) -> Indexed:
    rules = ALL_RULES if source.format != "text" else TEXT_RULES
    passages = chunk(source)
    starts = tuple(p.start for p in passages)
    return Indexed(source, normalize(source.text, rules), passages, starts)


def build(sources: Iterable[Source]) -> Library:
    return Library(tuple(index_source(s) for s in sources))


# Hits: needle -> source index -> normalised start offsets.
Hits = dict[str, dict[int, list[int]]]


def scan(library: Library, needles: Sequence[str]) -> Hits:
    """Every occurrence of every needle in every source (capped at MAX_HITS each)."""
    hits: Hits = {n: {} for n in needles if n}
    if not hits:
        return hits
    automaton = ahocorasick.Automaton()
    for needle in hits:
        automaton.add_word(needle, needle)
    automaton.make_automaton()
    for si, ix in enumerate(library.sources):
        found: defaultdict[str, list[int]] = defaultdict(list)
        for end, needle in automaton.iter(ix.norm.text):
            spots = found[needle]
            if len(spots) < MAX_HITS:
                spots.append(end - len(needle) + 1)
        for needle, spots in found.items():
            hits[needle][si] = spots
    return hits
