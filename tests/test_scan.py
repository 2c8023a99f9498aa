"""The scan keeps what verdicts need (issue 13): a near miss is located in its own article
whatever its place in the library."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drafter.checker.index import build, scan
from drafter.checker.verify import verify
from drafter.models import Kind, Quote, Source, Status
from drafter.sources.ids import sha256

QUOTE = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda muon"
FILLER = " ".join(f"word{i}" for i in range(60))


def _source(sid: str, text: str) -> Source:
    return Source(sid, text, sha256(text))


def test_a_near_miss_late_in_a_large_library_is_located_in_its_article() -> None:
    # 250 articles each hold two of the quote's four-word phrases, far apart; only the last
    # article holds them together, with one word of the quote changed. Keeping the first 200
    # places of each phrase in the library lost that article.
    decoys = [
        _source(f"d{i:03d}", f"alpha beta gamma delta {FILLER} epsilon zeta eta theta.")
        for i in range(250)
    ]
    altered = QUOTE.replace("kappa", "kappo")
    true = _source("true", f"{FILLER}. {altered}. {FILLER}.")
    (check,) = verify([Quote("q1", QUOTE, 1, Kind.BLOCK)], build([*decoys, true]))
    assert check.status is Status.ALTERED
    assert check.nearest is not None and check.nearest.source == "true"


def _every_start(text: str, needle: str) -> list[int]:
    """The reference: every start of ``needle`` in ``text``, overlapping ones included."""
    out, at = [], text.find(needle)
    while at >= 0:
        out.append(at)
        at = text.find(needle, at + 1)
    return out


# Letters that make overlaps likely, accented, wide and astral characters (byte offsets differ
# from character offsets in UTF-8), characters that mean something to a pattern syntax, and
# NUL (kept in a source past its first 64 KB; C bindings may end a pattern there).
_SCAN_ALPHABET = "aab é中—“ (.*\\\0😀"


# The scan takes Hyperscan for a large library and the Aho-Corasick automaton for a small
# one (index.HYPERSCAN_CHARS_PER_NEEDLE): each test of the places runs on both.
ENGINES = pytest.mark.parametrize("engine", ["hyperscan", "automaton"])


@contextmanager
def _engine(name: str) -> Iterator[None]:
    from drafter.checker import index

    before = index.HYPERSCAN_CHARS_PER_NEEDLE
    index.HYPERSCAN_CHARS_PER_NEEDLE = 0 if name == "hyperscan" else 10**15
    try:
        yield
    finally:
        index.HYPERSCAN_CHARS_PER_NEEDLE = before


@ENGINES
@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(alphabet=_SCAN_ALPHABET, max_size=30), min_size=1, max_size=4),
    st.lists(st.text(alphabet=_SCAN_ALPHABET, min_size=1, max_size=4), min_size=1, max_size=6),
)
def test_the_scan_finds_every_place_str_find_finds(
    engine: str, texts: list[str], needles: list[str]
) -> None:
    library = build(_source(f"s{i}", t) for i, t in enumerate(texts))
    with _engine(engine):
        hits = scan(library, needles)
    for needle in set(needles):
        expected = {}
        for si in range(len(library)):
            starts = _every_start(library.normal_text(si), needle)
            if starts:
                expected[si] = starts
        assert {si: sorted(s) for si, s in hits.at(needle).items()} == expected
        assert hits.total(needle) == sum(len(s) for s in expected.values())


@ENGINES
def test_a_needle_longer_than_hyperscan_takes_is_found(engine: str) -> None:
    # Hyperscan's literal API refuses patterns over 16,000 bytes; a long block quote is one
    # needle. It was a traceback from `drafter check`.
    long = " ".join(f"w{i}" for i in range(4000))  # about 23,000 characters
    library = build([_source("s0", f"Before. {long}. After {long}")])
    with _engine(engine):
        hits = scan(library, [long, "w1 w2"])
    assert hits.at(long) == {0: [8, 8 + len(long) + 8]}
    assert hits.total("w1 w2") == 2


@ENGINES
def test_a_needle_with_a_nul_byte_is_not_cut_short(engine: str) -> None:
    library = build([_source("s0", "a b a\0b a\0")])
    with _engine(engine):
        hits = scan(library, ["a\0b", "\0", "a"])
    assert hits.at("a\0b") == {0: [4]}
    assert hits.at("\0") == {0: [5, 9]}
    assert hits.at("a") == {0: [0, 4, 8]}


def test_needles_hyperscan_refuses_are_searched_all_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Whatever Hyperscan refuses to compile (a limit of another version, a resource), the
    # check gives the same places, never a traceback.
    from drafter.checker import index

    class Refusing:
        def __init__(self, **_: object) -> None:
            pass

        def compile(self, **_: object) -> None:
            raise index.hyperscan.error("refused")

    monkeypatch.setattr(index.hyperscan, "Database", Refusing)
    with _engine("hyperscan"):
        hits = scan(build([_source("s0", "aaaa é a")]), ["aa", "é a"])
    assert hits.at("aa") == {0: [0, 1, 2]}
    assert hits.at("é a") == {0: [5]}


def _count_indexing(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the sources indexed from now on, in order (``index.index_source`` calls)."""
    from drafter.checker import index

    made: list[str] = []
    real = index.index_source

    def counting(source: Source) -> index.Indexed:
        made.append(source.id)
        return real(source)

    monkeypatch.setattr(index, "index_source", counting)
    return made


def test_the_sources_near_misses_lose_to_are_indexed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # A wire story carried by three papers: each altered quote's candidates are the same three
    # articles. Indexing the two that lose again for every quote made a check of 30 quotes
    # against 3 x 3 MB twenty times slower (5.6 s against 0.25 s).

    made = _count_indexing(monkeypatch)
    quotes = [f"{QUOTE} number{i} of the series said today" for i in range(6)]
    sources = []
    for k in range(3):
        body = " ".join(f"{FILLER}. {q.replace('kappa', f'kap{k}')}." for q in quotes)
        sources.append(_source(f"paper{k}", body))
    checks = verify(
        [Quote(f"q{i}", q, 1, Kind.BLOCK) for i, q in enumerate(quotes)], build(sources)
    )
    assert {c.status for c in checks} == {Status.ALTERED}
    assert sorted(made) == ["paper0", "paper1", "paper2"]


def test_quotes_are_verified_source_by_source_so_each_is_indexed_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Quotes alternate between more sources than the library keeps indexed at once: taken in
    # draft order, every quote would index its source again.
    import drafter.checker.index as index

    n = index.KEPT_SOURCES + 4
    sources = [
        _source(f"s{i:02d}", f"{FILLER}. Source {i} says the harbour will reopen in spring.")
        for i in range(n)
    ]
    quotes = [
        Quote(f"q{k}", f"Source {k % n} says the harbour will reopen in spring.", k, Kind.BLOCK)
        for k in range(3 * n)
    ]
    made = _count_indexing(monkeypatch)
    checks = verify(quotes, build(sources))
    assert [c.status for c in checks] == [Status.EXACT] * len(quotes)
    assert [c.matches[0].source for c in checks] == [f"s{k % n:02d}" for k in range(3 * n)]
    assert sorted(made) == sorted(s.id for s in sources)  # each once
