"""The searchable form of a set of sources: normalised text, passages, and a multi-pattern
scan that finds many needles in one pass over each source.

Takes ``Source`` objects; returns a ``Library``. Pure: no I/O.

Why one multi-literal pass (Hyperscan): a check asks for every quote, every elided segment
and several anchor chunks per quote at once. One pass over a 100 MB library costs about what
ten ``str.find`` calls do, where searching needle by needle would scan the library hundreds
of times; Hyperscan's SIMD literal matcher does that pass two to three times faster than an
Aho-Corasick automaton over the same 2,300 needles.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property

import ahocorasick_rs
import hyperscan

from drafter.checker.normalize import (
    ALL_RULES,
    MARKUP,
    Normalized,
    normal_text,
    normalize,
)
from drafter.models import Source
from drafter.sources.chunk import passage_at, spans

MAX_HITS = 200  # places kept per needle and source
# Candidates of near misses kept after they lose, newest last: as many as a near miss is
# aligned against (``verify.CANDIDATES``). The quotes of one draft near-miss the same few
# articles (a wire story carried by three papers), and indexing each losing one again for
# every quote made 30 quotes against 3 x 3 MB twenty times slower; a few normal forms are
# not half the library.
RECENT_CANDIDATES = 3
# Indexed sources a Library holds at once, the least recently used dropped: an article's is
# about 80 KB (its normal form and passages), so the sixty a 200-quote check cites would
# hold some 5 MB to the end of the check.
KEPT_SOURCES = 16
# Hyperscan's literal API refuses a pattern over 16,000 bytes (a long block quote is one
# needle), and these bindings end a pattern at its first NUL byte (a NUL past the first
# 64 KB of a source is kept as text), so "a\0b" would be searched as "a". Such needles are
# rare and are searched with str.find instead.
_LITERAL_MAX_BYTES = 16_000


@dataclass(frozen=True)
class Indexed:
    """A source in normal form, with its passages' offsets."""

    source: Source
    norm: Normalized

    @property
    def markup(self) -> bool:
        return MARKUP in self.norm_rules

    @property
    def norm_rules(self) -> frozenset[str]:
        return rules_for(self.source)

    @cached_property
    def passages(self) -> tuple[tuple[str, int, int], ...]:
        """(id, start, end) of each passage, computed when first asked for."""
        return tuple(spans(self.source))

    @cached_property
    def passage_starts(self) -> tuple[int, ...]:
        return tuple(p[1] for p in self.passages)

    def passage_index(self, original_offset: int) -> int:
        return passage_at(self.passage_starts, original_offset)

    def passage_id(self, original_offset: int) -> str:
        if not self.passages:
            return f"{self.source.id}:p00"
        return self.passages[self.passage_index(original_offset)][0]


def rules_for(source: Source) -> frozenset[str]:
    """Every rule, markup included, whatever the source's format: markup is recognised by
    its content (a `.txt` export of a README is Markdown all the same)."""
    return ALL_RULES


@dataclass(frozen=True)
class Library:
    """The sources of a check. Normal forms are made when needed and kept only for the
    sources a verdict looks into, the last ``KEPT_SOURCES`` of them: the scan normalises each
    source, searches it and lets it go, so a check holds a few normalised sources at a time
    instead of the whole library (``verify`` takes the quotes source by source, so that each
    source is indexed about once)."""

    sources: tuple[Source, ...]
    _kept: dict[int, Indexed] = field(default_factory=dict, compare=False, repr=False)
    _recent: dict[int, Indexed] = field(default_factory=dict, compare=False, repr=False)
    # Normal forms made once for the checks of one run (``drafter check`` on many drafts),
    # by ``shared_key``; read, never added to here, so that memory stays one source deep.
    shared: dict[tuple[str, str], str] | None = field(default=None, compare=False, repr=False)

    def normal_text(self, i: int) -> str:
        """Source ``i`` in normal form, as the scan searches it."""
        kept = self._kept.get(i)
        if kept is not None:
            return kept.norm.text
        source = self.sources[i]
        made = self.shared.get(shared_key(source)) if self.shared is not None else None
        return made if made is not None else normal_text(source.text, rules_for(source))

    def __len__(self) -> int:
        return len(self.sources)

    def __getitem__(self, i: int) -> Indexed:
        made = self._kept.pop(i, None)
        if made is None:
            made = self._recent.pop(i, None)
        if made is None:
            made = index_source(self.sources[i])
        self._kept[i] = made  # the most recently used last
        if len(self._kept) > KEPT_SOURCES:
            del self._kept[next(iter(self._kept))]
        return made

    def candidate(self, i: int) -> Indexed:
        """Source ``i`` indexed, kept only among the last ``RECENT_CANDIDATES``: a near
        miss's candidate places are aligned against and most of them lose; kept to the end
        of the check, each would hold its source's normal form (50 KB for an article), and
        not kept at all, the same few (a story three papers carry) would be indexed again
        for every quote."""
        kept = self._kept.get(i)
        if kept is not None:
            return kept
        made = self._recent.pop(i, None)
        if made is None:
            made = index_source(self.sources[i])
        self._recent[i] = made
        if len(self._recent) > RECENT_CANDIDATES:
            del self._recent[next(iter(self._recent))]
        return made

    @cached_property
    def size(self) -> int:
        """Characters in all sources (asked once per quote that nothing resembles)."""
        return sum(len(s.text) for s in self.sources)


def shared_key(source: Source) -> tuple[str, str]:
    """What a source's normal form depends on: its text and whether it has markup."""
    return (source.sha256, source.format)


def index_source(source: Source) -> Indexed:
    return Indexed(source, normalize(source.text, rules_for(source)))


def build(sources: Iterable[Source], shared: dict[tuple[str, str], str] | None = None) -> Library:
    return Library(tuple(sources), shared=shared)


@dataclass
class Hits:
    """Where each needle was found: needle -> source index -> normalised start offsets.

    At most ``MAX_HITS`` places are kept per needle and source (a phrase repeated all over
    one article says nothing more about where a quote came from); ``total`` still counts
    them all, so that a needle's rarity can be weighed. There is no cap across the library:
    a near miss is located in its own article whatever its place in the library.
    """

    spots: dict[str, dict[int, list[int]]] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)

    def at(self, needle: str) -> dict[int, list[int]]:
        return self.spots.get(needle, {})

    def total(self, needle: str) -> int:
        return self.totals.get(needle, 0)


def scan(library: Library, needles: Sequence[str]) -> Hits:
    """Every occurrence of every needle in every source (within the caps of ``Hits``)."""
    wanted = sorted({n for n in needles if n})
    hits = Hits({n: {} for n in wanted}, dict.fromkeys(wanted, 0))
    if not wanted:
        return hits
    find = _searcher(wanted, library.size)
    totals = hits.totals
    for si in range(len(library.sources)):
        starts = find(library.normal_text(si))
        if not starts:
            continue
        found: defaultdict[str, list[int]] = defaultdict(list)
        for k, start in starts:
            needle = wanted[k]
            totals[needle] += 1
            spots = found[needle]
            if len(spots) < MAX_HITS:
                spots.append(start)
        for needle, spots in found.items():
            hits.spots[needle][si] = spots
    return hits


# Hyperscan compiles its database in about 11 µs a needle, then searches some 5 ms a MB
# faster than the Aho-Corasick automaton, which builds in microseconds: it pays off past
# about 2,000 characters of library a needle (a 200-quote draft against 5 MB). A post checked
# against its four articles takes the automaton: compiling for each of 500 posts in an
# archive run cost 2.8 s of its 7.9.
HYPERSCAN_CHARS_PER_NEEDLE = 2_000


def _searcher(wanted: list[str], library_chars: int) -> Callable[[str], list[tuple[int, int]]]:
    """What finds every needle of ``wanted`` in a normal text: (needle index, character
    offset) of every place, overlapping ones included, in no particular order. Both engines
    search the text's UTF-8 (the automaton's ``str`` mode cannot take a lone surrogate)."""
    patterns = [n.encode("utf-8", "surrogatepass") for n in wanted]
    slow: list[int] = []  # needles searched with str.find
    if library_chars < len(wanted) * HYPERSCAN_CHARS_PER_NEEDLE:
        automaton = ahocorasick_rs.BytesAhoCorasick(
            patterns, implementation=ahocorasick_rs.Implementation.ContiguousNFA
        )

        def in_bytes(data: bytes) -> list[tuple[int, int]]:
            found = automaton.find_matches_as_indexes(data, overlapping=True)
            return [(k, start) for k, start, _ in found]

    else:
        fast = [
            k for k, p in enumerate(patterns) if len(p) <= _LITERAL_MAX_BYTES and b"\0" not in p
        ]
        database = _literal_database([patterns[k] for k in fast], fast) if fast else None
        taken = set(fast) if database is not None else set()
        slow = [k for k in range(len(wanted)) if k not in taken]
        ends: list[tuple[int, int]] = []

        def on_match(k: int, _start: int, end: int, _flags: int, _context: object) -> None:
            ends.append((k, end))  # without a start-of-match flag Hyperscan reports ends only

        def in_bytes(data: bytes) -> list[tuple[int, int]]:
            if database is None:
                return []
            ends.clear()
            database.scan(data, match_event_handler=on_match)
            return [(k, end - len(patterns[k])) for k, end in ends]

    def find(text: str) -> list[tuple[int, int]]:
        data = text.encode("utf-8", "surrogatepass")
        starts = in_bytes(data)
        if starts and len(data) != len(text):
            starts = _char_offsets(data, starts)
        for k in slow:
            starts.extend((k, s) for s in _every_start(text, wanted[k]))
        return starts

    return find


def _literal_database(patterns: list[bytes], ids: list[int]) -> hyperscan.Database | None:
    """A Hyperscan block database of ``patterns`` as literals, or None if Hyperscan refuses
    them (the caller then searches every needle with str.find: slower, same places)."""
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    # Compiled in a thread of its own: the compiler allocates and frees some 9 MB of small
    # blocks for 2,000 needles, and made by the main thread they stayed in its heap on top
    # of the library's texts; a worker thread's allocations come from another malloc arena.
    # Peak memory of the 100 MB benchmark check: 241.3 -> 238.6 MiB; the same CPU time.
    with ThreadPoolExecutor(max_workers=1) as worker:
        compiling = worker.submit(
            database.compile,
            expressions=patterns,
            ids=ids,
            elements=len(patterns),
            flags=0,
            literal=True,
        )
        try:
            compiling.result()  # re-raises what the compiler raised
        except hyperscan.error:
            return None
    return database


def _every_start(text: str, needle: str) -> list[int]:
    """Every start of ``needle`` in ``text``, overlapping ones included, as Hyperscan
    reports them."""
    out, at = [], text.find(needle)
    while at >= 0:
        out.append(at)
        at = text.find(needle, at + 1)
    return out


def _char_offsets(data: bytes, starts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """(needle, byte offset) pairs of a UTF-8 text as (needle, character offset) pairs, in
    the order given. A needle is whole UTF-8 characters, so every match starts on one."""
    at: dict[int, int] = {}
    byte = char = 0
    for b in sorted({s for _, s in starts}):
        char += len(data[byte:b].decode("utf-8", "surrogatepass"))
        byte = b
        at[b] = char
    return [(k, at[b]) for k, b in starts]
