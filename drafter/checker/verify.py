"""Prove where each quote is in the sources, or say why it is not.

Takes ``Quote`` objects and a ``Library``; returns one ``QuoteCheck`` per quote, in order.
Pure: no I/O.

How: every quote is reduced to needles in normal form (the whole text, the segments between
editorial marks, and anchor chunks of a few words). One multi-pattern scan of each source
finds them all (``index.scan``). Whole-text hits give exact/normalized verdicts, segment hits
give elided/bracketed ones, and for the rest the anchor hits say where a near miss could be:
only those few windows are aligned with rapidfuzz, never the whole library.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from drafter.checker import marks
from drafter.checker.index import Hits, Indexed, Library, scan
from drafter.checker.normalize import ALL_RULES, MARKUP, normal_form, rules_applied, word_spans
from drafter.models import Match, Nearest, Quote, QuoteCheck, Replacement, Status

ANCHOR_WORDS = 4  # words per anchor chunk: long enough to be rare, short enough to survive edits
MIN_CHECKED_WORDS = 4  # shorter double-quoted terms that are not found are only "unchecked"
ALTERED_THRESHOLD = 0.6  # similarity at or above which a miss is "altered" rather than "not found"
# Below this similarity the nearest span is unrelated text: a not_found shows no span and no
# diff, only "not in any source" (DESIGN.md § Statuses).
# The nearest span is also unrelated when fewer than a quarter of the quote's words (or fewer
# than two) are in it, in order: common words of one topic are not a near miss.
NOTHING_CLOSE = 0.5
MIN_SHARED = 0.25
NOT_IN_SOURCES = "not in any source"
MAX_BRACKET_WORDS = 6  # source words one editorial bracket may stand for
MAX_LOCATIONS = 50
_SIC_NOTE = "[sic] is the editor's mark"
_CASE_NOTE = "a bracketed letter changes case"
CANDIDATES = 3
VOTE_BONUS = 0.1  # how much the rarest anchors' place is preferred among near misses
SMALL_LIBRARY = 200_000  # characters; below this a quote with no anchors is aligned everywhere


@dataclass(frozen=True)
class _Plan:
    quote: Quote
    marked: marks.Marked
    full: str  # the whole quote in normal form, marks left as typed
    segments: tuple[tuple[str, ...], ...]  # normal-form variants of each segment
    bare: str  # normal form with the marks taken out: what a near miss is aligned against
    anchors: tuple[tuple[str, int], ...]  # (chunk, its offset in ``bare``)

    @property
    def anchor_texts(self) -> tuple[str, ...]:
        return tuple(a for a, _ in self.anchors)

    @property
    def needles(self) -> set[str]:
        out = {self.full, *(a for a, _ in self.anchors)}
        for variants in self.segments:
            out.update(variants)
        return out


def _plan(quote: Quote) -> _Plan:
    marked = marks.parse(quote.text)
    segments = tuple(
        tuple(dict.fromkeys(normal_form(v) for v in seg.variants())) for seg in marked.segments
    )
    bare = " ".join(v[0] for v in segments) or normal_form(quote.text)
    words = bare.split(" ")
    anchors: list[tuple[str, int]] = []
    if len(words) >= ANCHOR_WORDS * 2:
        offsets = [0]
        for w in words[:-1]:
            offsets.append(offsets[-1] + len(w) + 1)
        starts = list(range(0, len(words) - ANCHOR_WORDS + 1, ANCHOR_WORDS))
        if starts[-1] != len(words) - ANCHOR_WORDS:
            starts.append(len(words) - ANCHOR_WORDS)
        anchors = [(" ".join(words[i : i + ANCHOR_WORDS]), offsets[i]) for i in starts]
    return _Plan(quote, marked, normal_form(quote.text), segments, bare, tuple(anchors))


def _weak_needles(plan: _Plan) -> list[str]:
    """Rarer-than-anchors evidence of where a heavily changed quote was: pairs of adjacent
    long words (any change elsewhere leaves a pair intact), or, for a quote too short for
    pairs, its longest words.

    Pairs rather than single words: a common word is found in every article (two thirds
    of all scan hits at 100 MB were such words), a pair of long words in very few, and it
    still survives where every four-word anchor was changed."""
    words = [w.strip(".,;:!?\"'()") for w in plan.bare.split(" ")]
    pairs = [f"{a} {b}" for a, b in pairwise(plan.bare.split(" ")) if len(a) >= 4 and len(b) >= 4]
    # Longest first, ties alphabetically: a set's order changes with the hash seed, and the
    # report must not.
    if pairs:
        return sorted(set(pairs), key=lambda w: (-len(w), w))[:6]
    return sorted({w for w in words if len(w) >= 5}, key=lambda w: (-len(w), w))[:6]


# --- locating -----------------------------------------------------------------------------


def _whole_words(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] neither begins nor ends inside a word.

    “ore engineers” is in “more engineers” and “he would resign” in “she would resign”, but
    neither is a quotation of it.
    """
    if start > 0 and text[start].isalnum() and text[start - 1].isalnum():
        return False
    return not (end < len(text) and text[end - 1].isalnum() and text[end].isalnum())


def _locations(library: Library, hits: Hits, needle: str) -> list[tuple[Indexed, int, int]]:
    """Original-text spans of every hit of ``needle`` that stands on word boundaries."""
    out = []
    for si, starts in sorted(hits.at(needle).items()):
        ix = library[si]
        for s in starts:
            if _whole_words(ix.norm.text, s, s + len(needle)):
                out.append((ix, *ix.norm.span_to_original(s, s + len(needle))))
    return out[:MAX_LOCATIONS]


def _verdict(
    quote: Quote,
    found: Sequence[tuple[Indexed, int, int]],
    compared: str,
    extra: Sequence[str] = (),
) -> tuple[Status, tuple[Match, ...], tuple[str, ...]]:
    """Status, matches and normalisations for a quote found at ``found``."""
    matches = tuple(Match(ix.source.id, a, b, ix.passage_id(a)) for ix, a, b in found)
    in_scope = [(ix, a, b) for ix, a, b in found if quote.attributed_to in (None, ix.source.id)]
    if not in_scope:
        return Status.MISATTRIBUTED, matches, ()
    ix, a, b = next(
        ((i, s, e) for i, s, e in in_scope if i.source.text[s:e] == compared), in_scope[0]
    )
    span = ix.source.text[a:b]
    rules = list(rules_applied(compared, span, ix.markup)) if span != compared else []
    if quote.markup and MARKUP not in rules:
        rules.append(MARKUP)
    status = Status.NORMALIZED if rules or span != compared else Status.EXACT
    return status, matches, tuple(rules)


@dataclass(frozen=True)
class _Titles:
    """Source titles in normal form, looked up by text (and, after a title intro, in any
    case): one dictionary lookup per quote, not a loop over every source."""

    exact: dict[str, str]
    folded: dict[str, str]

    @classmethod
    def of(cls, library: Library) -> _Titles:
        exact: dict[str, str] = {}
        folded: dict[str, str] = {}
        for src in library.sources:
            title = normal_form(src.title) if src.title else ""
            if title:
                exact.setdefault(title, src.id)
                folded.setdefault(title.casefold(), src.id)
        return cls(exact, folded)


def _title(quote: Quote, titles: _Titles) -> Match | None:
    text = normal_form(quote.text)
    source_id = titles.exact.get(text)
    if source_id is None and quote.title_intro:
        source_id = titles.folded.get(text.casefold())
    return Match(source_id, 0, 0, "title") if source_id is not None else None


def _find_after(ix: Indexed, variants: Sequence[str], start: int) -> tuple[int, str] | None:
    """The first whole-word occurrence of any variant at or after ``start``."""
    text = ix.norm.text
    best: tuple[int, str] | None = None
    for v in variants:
        i = text.find(v, start)
        while i >= 0 and not _whole_words(text, i, i + len(v)):
            i = text.find(v, i + 1)
        if i >= 0 and (best is None or i < best[0]):
            best = (i, v)
    return best


def _find_before(ix: Indexed, variants: Sequence[str], end: int) -> tuple[int, str] | None:
    """The last whole-word occurrence of any variant ending at or before ``end``."""
    text = ix.norm.text
    best: tuple[int, str] | None = None
    for v in variants:
        i = text.rfind(v, 0, end)
        while i >= 0 and not _whole_words(text, i, i + len(v)):
            i = text.rfind(v, 0, i + len(v) - 1)
        if i >= 0 and (best is None or i > best[0]):
            best = (i, v)
    return best


def _gap_ok(ix: Indexed, segment: marks.Segment, left_end: int, right_start: int) -> bool:
    """Whether the normalised text between two segments may stand for ``segment.gap``."""
    if right_start < left_end:
        return False
    between = ix.norm.text[left_end:right_start]
    if segment.gap is marks.Gap.BRACKET:
        return len(between.split()) <= MAX_BRACKET_WORDS and len(between) <= 80
    if segment.gap is marks.Gap.NONE:
        return not between.strip()
    a = ix.passage_index(ix.norm.to_original(left_end))
    b = ix.passage_index(ix.norm.to_original(right_start))
    return b <= a + 1


def _segments_at(
    plan: _Plan, ix: Indexed, anchor: int, at: int, variant: str
) -> list[tuple[int, int]] | None:
    """Spans of all segments around segment ``anchor`` found at ``at``, or None."""
    segs = plan.marked.segments
    spans: dict[int, tuple[int, int]] = {anchor: (at, at + len(variant))}
    for i in range(anchor + 1, len(segs)):
        prev_end = spans[i - 1][1]
        found = _find_after(ix, plan.segments[i], prev_end)
        if found is None or not _gap_ok(ix, segs[i], prev_end, found[0]):
            return None
        spans[i] = (found[0], found[0] + len(found[1]))
    for i in range(anchor - 1, -1, -1):
        next_start = spans[i + 1][0]
        found = _find_before(ix, plan.segments[i], next_start)
        if found is None or not _gap_ok(ix, segs[i + 1], found[0] + len(found[1]), next_start):
            return None
        spans[i] = (found[0], found[0] + len(found[1]))
    return [spans[i] for i in range(len(segs))]


def _match_segments(plan: _Plan, library: Library, hits: Hits) -> QuoteCheck | None:
    segs = plan.marked.segments
    if not segs:
        return None
    anchor = max(range(len(segs)), key=lambda i: len(plan.segments[i][0]))
    found: list[tuple[Indexed, list[tuple[int, int]]]] = []
    for variant in plan.segments[anchor]:
        for si, starts in sorted(hits.at(variant).items()):
            ix = library[si]
            for at in starts:
                if not _whole_words(ix.norm.text, at, at + len(variant)):
                    continue
                spans = _segments_at(plan, ix, anchor, at, variant)
                if spans is not None:
                    found.append((ix, spans))
                    break
    if not found:
        return None
    quote = plan.quote
    in_scope = [f for f in found if quote.attributed_to in (None, f[0].source.id)] or found
    ix, spans = in_scope[0]
    to_orig = ix.norm.span_to_original
    locations = [(fx, *fx.norm.span_to_original(s[0][0], s[-1][1])) for fx, s in found]
    replacements = []
    if plan.marked.leading_bracket:
        words = _words_before(ix.norm.text, spans[0][0])
        replacements.append(Replacement(plan.marked.leading_bracket, words))
    dropped: list[str] = []
    for seg, (left, right) in zip(segs[1:], pairwise(spans), strict=True):
        a, _ = to_orig(left[1], left[1] + 1)
        b = to_orig(right[0], right[0] + 1)[0]
        left_out = ix.source.text[a:b].strip()
        if seg.gap is marks.Gap.BRACKET:
            replacements.append(Replacement(seg.bracket, left_out))
        elif seg.gap is marks.Gap.ELISION and left_out.strip(" .,;:"):
            # Every omission is shown with the words it leaves out.
            replacements.append(Replacement("…", _shorten(left_out)))
            dropped += marks.dropped_meaning(left_out)
    if plan.marked.trailing_bracket:
        words = _words_after(ix.norm.text, spans[-1][1])
        replacements.append(Replacement(plan.marked.trailing_bracket, words))
    if plan.marked.edge_elision:
        # "… of the 14 wells were tested" for "None of the 14 wells …", "It decided . . . ."
        # for "It decided nothing.": the words an omission at an edge leaves out of the
        # sentence are shown too, and a negation or number next to the quote is flagged.
        text = quote.text.strip()
        if _EDGE_ELLIPSIS.match(text):
            head = _sentence_before(ix.norm.text, spans[0][0])
            if head:
                replacements.insert(0, Replacement("…", _shorten(head)))
                dropped += marks.dropped_meaning(" ".join(head.split()[-_EDGE_WORDS:]))
        if _EDGE_ELLIPSIS_END.search(text):
            tail = _sentence_after(ix.norm.text, spans[-1][1])
            if tail:
                replacements.append(Replacement("…", _shorten(tail)))
                dropped += marks.dropped_meaning(" ".join(tail.split()[:_EDGE_WORDS]))
    notes = [
        n for n, on in ((_SIC_NOTE, plan.marked.sic), (_CASE_NOTE, plan.marked.case_changed)) if on
    ]
    if plan.marked.plain and not plan.marked.has_elision:
        # Only [sic] or [T]he: the rest is the source's own text, so the verdict is the
        # source's, and the editor is told about the marks in a note.
        compared = ix.source.text[slice(*to_orig(*spans[0]))]
        status, matches, rules = _verdict(quote, locations, compared)
        return QuoteCheck(quote, status, matches, rules, note="; ".join(notes))
    status, matches, _ = _verdict(quote, locations, "", ())
    if status is not Status.MISATTRIBUTED:
        status = Status.BRACKETED if plan.marked.has_brackets else Status.ELIDED
    rules = ("elision",) if plan.marked.has_elision else ()
    warning = ""
    if dropped:
        words = ", ".join(f"“{w}”" for w in dict.fromkeys(dropped))
        warning = (
            f"the omission leaves out {words}: a dropped negation or number can change what "
            "the source says"
        )
    return QuoteCheck(
        quote,
        status,
        matches,
        rules,
        tuple(replacements),
        note="; ".join(notes),
        warning=warning,
    )


def _shorten(text: str, words: int = 24) -> str:
    """At most ``words`` words: the first and last halves around an ellipsis."""
    parts = text.split()
    if len(parts) <= words:
        return " ".join(parts)
    half = words // 2
    return " ".join([*parts[:half], "…", *parts[-half:]])


_EDGE_ELLIPSIS = re.compile(r"\[?(?:…|\.\.\.|(?:\. ){2}\.)")
_EDGE_ELLIPSIS_END = re.compile(r"(?:…|\.\.\.|(?:\. ){2}\.)\.?\]?$")
_EDGE_WORDS = 3  # words next to an edge omission whose loss is flagged


def _sentence_before(text: str, at: int) -> str:
    """The words of the sentence before ``at``, back to its start (at most 400 characters)."""
    head = text[max(0, at - 400) : at]
    cut = max(head.rfind(". "), head.rfind("? "), head.rfind("! "), head.rfind("\n"))
    return head[cut + 1 :].strip(" .,;:")


def _sentence_after(text: str, at: int) -> str:
    """The words of the sentence after ``at``, to its end (at most 400 characters)."""
    tail = text[at : at + 400]
    ends = [i for i in map(tail.find, (". ", "? ", "! ", "\n")) if i >= 0]
    if tail.endswith((".", "?", "!")):
        ends.append(len(tail) - 1)
    return tail[: min(ends) if ends else len(tail)].strip(" .,;:")


def _words_before(text: str, at: int) -> str:
    """The source words a bracket at the start of a quote stands in for: back to the start
    of the sentence, at most MAX_BRACKET_WORDS (an ellipsis says there were more)."""
    head = text[max(0, at - 400) : at]
    cut = max(head.rfind(". "), head.rfind("? "), head.rfind("! "), head.rfind("\n"))
    words = head[cut + 1 :].split()
    shown = " ".join(words[-MAX_BRACKET_WORDS:])
    return ("… " + shown) if len(words) > MAX_BRACKET_WORDS else shown


def _words_after(text: str, at: int) -> str:
    """The source words a bracket at the end of a quote stands in for, to the sentence end."""
    tail = text[at : at + 400]
    ends = [i for i in (tail.find(". "), tail.find("? "), tail.find("! ")) if i >= 0]
    words = tail[: min(ends) + 1 if ends else len(tail)].split()
    shown = " ".join(words[:MAX_BRACKET_WORDS])
    return (shown + " …") if len(words) > MAX_BRACKET_WORDS else shown


def _word_count(text: str) -> int:
    """Words, counting Chinese, Japanese and Korean text (no spaces) as two characters a word."""
    cjk = sum(1 for c in text if "\u2e80" <= c <= "\u9fff" or "\uac00" <= c <= "\ud7af")
    return len(text.split()) + cjk // 2


# --- near misses --------------------------------------------------------------------------


def _clusters(
    positions: list[tuple[int, int, str]], width: int, weight: dict[str, float]
) -> list[tuple[float, int, int, int]]:
    """Group (source, position, needle) hits lying within ``width`` of each other.

    Returns (votes, source, first, last) per group, best first. A needle's vote is worth
    less the more often it occurs: a chunk found in every paragraph says nothing about
    where the quote was, a chunk found once says a lot.
    """
    out = []
    positions.sort()
    group: list[tuple[int, int, str]] = []
    for hit in [*positions, (-1, -1, "")]:
        # A group spans at most two quote lengths: hits of a chunk repeated in every
        # paragraph must not chain into one group covering the whole source.
        if group and (
            hit[0] != group[0][0]
            or hit[1] - group[-1][1] > width
            or hit[1] - group[0][1] > 2 * width
        ):
            votes = sum(weight[n] for n in {h[2] for h in group})
            out.append((votes, group[0][0], group[0][1], group[-1][1]))
            group = []
        group.append(hit)
    out.sort(key=lambda c: (-c[0], c[1], c[2]))
    return out


_Near = tuple[float, Nearest, str, bool]  # score, span, diff, whether it is close at all


def _align(plan: _Plan, ix: Indexed, lo: int, hi: int) -> _Near | None:
    text = ix.norm.text
    lo, hi = max(0, lo), min(len(text), hi)
    window = text[lo:hi]
    if not window.strip():
        return None
    al = fuzz.partial_ratio_alignment(plan.bare, window)
    if al is None:
        return None
    start, end = (al.dest_start, al.dest_end) if len(plan.bare) <= len(window) else (0, len(window))
    start, end = _snap(window, start, end)
    a, b = _sentences(ix, *ix.norm.span_to_original(lo + start, lo + end))
    draft_words = " ".join(seg.text for seg in plan.marked.segments) or plan.quote.text
    a, b, diff, shared = _evidence(ix.source.text, a, b, draft_words)
    # Scored on the aligned span, the verdict's measure; the span shown is the evidence.
    score = _similarity(plan.bare, window[start:end])
    words = len(draft_words.split())
    # Text without spaces between words (Chinese, Japanese) is judged by its characters alone.
    close = score >= NOTHING_CLOSE and (words < 4 or shared >= max(2, MIN_SHARED * words))
    return score, Nearest(ix.source.id, a, b, ix.source.text[a:b]), diff, close


_MARK_CHARS = "\"'`*_"  # quote and markup marks: never a changed word by themselves


def _key(word: str) -> str:
    """A word as the diff compares it: normalised, quote and markup marks at its ends off."""
    return normal_form(word, ALL_RULES).strip(_MARK_CHARS)


def _similarity(draft: str, source: str) -> float:
    """Similarity in [0, 1] of two normal forms, quote marks aside; floored to three
    decimals, so that a near miss never rounds up to 1.0."""
    table = str.maketrans("", "", "\"'")
    ratio = fuzz.ratio(draft.translate(table), source.translate(table)) / 100
    return min(math.floor(ratio * 1000) / 1000, 0.999)


def _evidence(text: str, a: int, b: int, draft: str) -> tuple[int, int, str, int]:
    """The source span trimmed to the words that pair with the draft's, a word diff in
    each side's own characters (the source's dashes and apostrophes, the draft's words), and
    how many of the draft's words the span has, in order."""
    spans = list(word_spans(text, a, b))
    src_words = [text[x:y] for x, y in spans]
    new_words = draft.split()
    src_keys = [_key(w) for w in src_words]
    new_keys = [_key(w) for w in new_words]
    ops = list(Indel.opcodes(src_keys, new_keys))
    # Source words at either end that pair with nothing in the draft are not its quote (a
    # lone short word such as "the" far out does not count as pairing).
    equal = [op for op in ops if op.tag == "equal"]
    solid = [
        op for op in equal if op.src_end - op.src_start > 1 or len(src_keys[op.src_start]) > 3
    ] or equal
    first = min((op.src_start for op in solid), default=0)
    last = max((op.src_end for op in solid), default=len(src_words))
    if solid:
        # Where the draft has words of its own beyond the match, as many source words stay:
        # "CEO of [-the company.-] {+Nvidia.+}" is the evidence of a replaced ending.
        head = min(op.dest_start for op in solid)
        tail = len(new_keys) - max(op.dest_end for op in solid)
        first = max(0, first - (2 * head + 2 if head else 0))
        last = min(len(src_words), last + (2 * tail + 2 if tail else 0))
    if spans and first < last:
        spans, src_words, src_keys = spans[first:last], src_words[first:last], src_keys[first:last]
        a, b = spans[0][0], spans[-1][1]
    shared = sum(op.src_end - op.src_start for op in ops if op.tag == "equal")
    return a, b, word_diff(src_words, new_words, src_keys, new_keys), shared


def _snap(text: str, start: int, end: int) -> tuple[int, int]:
    """Move an alignment's ends to word boundaries: a word it half covers is taken in, a
    word it only touches (a character or two) is left out."""
    while start < end and text[start] == " ":
        start += 1
    while end > start and text[end - 1] == " ":
        end -= 1
    if start > 0 and text[start - 1] != " ":
        word_start = text.rfind(" ", 0, start) + 1
        word_end = text.find(" ", start)
        word_end = len(text) if word_end < 0 else word_end
        if start - word_start <= (word_end - word_start) // 2:
            start = word_start
        else:
            start = min(word_end + 1, end)
    if end < len(text) and text[end] != " ":
        word_start = text.rfind(" ", 0, end) + 1
        word_end = text.find(" ", end)
        word_end = len(text) if word_end < 0 else word_end
        if end - word_start >= (word_end - word_start + 1) // 2:
            end = word_end
        else:
            end = max(word_start - 1, start)
    return start, end


_SENTENCE_START = re.compile(r"[.!?][\"'”’)\]]*\s+")


def _sentences(ix: Indexed, a: int, b: int) -> tuple[int, int]:
    """Widen a near-miss span to whole sentences of its passage, for ``_evidence`` to trim
    back to the words that pair with the quote's."""
    text = ix.source.text
    passage = ix.passages[ix.passage_index(a)] if ix.passages else None
    lo, hi = (passage[1], passage[2]) if passage else (0, len(text))
    reach = max(2 * (b - a), 80)  # how far a sentence boundary is looked for, each way
    starts = [m.end() for m in _SENTENCE_START.finditer(text, max(lo, a - reach), a)]
    new_a = starts[-1] if starts else (lo if a - lo <= reach else a)
    end = _SENTENCE_START.search(text, max(b - 1, lo), min(hi, b + reach))
    new_b = end.start() + 1 if end else (hi if hi - b <= reach else b)
    while new_b < hi and text[new_b] in "\"'”’)]":
        new_b += 1
    return min(new_a, a), max(new_b, b)


def _nearest(plan: _Plan, library: Library, hits: Hits, weak: Sequence[str]) -> _Near | None:
    length = len(plan.bare)
    strong = [
        (si, p - offset, a)
        for a, offset in plan.anchors
        for si, starts in hits.at(a).items()
        for p in starts
    ]
    weight = {n: 1 / max(1, hits.total(n)) for n in {*(a for a, _ in plan.anchors), *weak}}
    if strong:
        groups = [
            (v, si, lo - length // 2, hi + length + length // 2)
            for v, si, lo, hi in _clusters(strong, length, weight)
        ]
    else:
        spots = [(si, p, w) for w in weak for si, starts in hits.at(w).items() for p in starts]
        groups = [
            (v, si, lo - length, hi + length) for v, si, lo, hi in _clusters(spots, length, weight)
        ]
    if not groups and library.size <= SMALL_LIBRARY:
        # Nothing shares even a rare word; in a small library, align against each source.
        groups = [(0.0, si, 0, len(library.normal_text(si))) for si in range(len(library))]
    # The best alignment wins, but the place the rare chunks point to gets a head start:
    # "Paragraph 160969: …" with one word changed is nearer to paragraph 160969 than to a
    # paragraph 0 that shares every common phrase, even if the characters say otherwise.
    top = max((g[0] for g in groups[:CANDIDATES]), default=0.0) or 1.0
    best, best_key = None, -1.0
    for votes, si, lo, hi in groups[:CANDIDATES]:
        got = _align(plan, library.candidate(si), lo, hi)
        if got is not None and got[0] + VOTE_BONUS * votes / top > best_key:
            best, best_key = got, got[0] + VOTE_BONUS * votes / top
    return best


def word_diff(
    source: Sequence[str] | str,
    draft: Sequence[str] | str,
    source_keys: Sequence[str] | None = None,
    draft_keys: Sequence[str] | None = None,
) -> str:
    """``[-removed-]{+added+}`` word diff from the source's words to the draft's.

    Words are compared by their keys (by default the words themselves) and shown as given:
    the source's own characters for equal and removed words, the draft's for added ones.
    """
    a = source.split() if isinstance(source, str) else list(source)
    b = draft.split() if isinstance(draft, str) else list(draft)
    out: list[str] = []
    removed: list[str] = []
    added: list[str] = []

    def flush() -> None:
        # Adjacent changes read as one: what the source said, then what the draft says.
        if removed:
            out.append("[-" + " ".join(removed) + "-]")
        if added:
            out.append("{+" + " ".join(added) + "+}")
        removed.clear()
        added.clear()

    for op in Indel.opcodes(list(source_keys or a), list(draft_keys or b)):
        if op.tag == "equal":
            flush()
            out += a[op.src_start : op.src_end]
        else:
            removed += a[op.src_start : op.src_end]
            added += b[op.dest_start : op.dest_end]
    flush()
    return " ".join(out)


# --- the stage ----------------------------------------------------------------------------


def _found(plan: _Plan, library: Library, hits: Hits, titles: _Titles) -> QuoteCheck | None:
    quote = plan.quote
    title = _title(quote, titles)
    if title is not None:
        return QuoteCheck(quote, Status.TITLE, (title,), note=f"the title of {title.source}")
    whole = _locations(library, hits, plan.full)
    if whole:
        status, matches, rules = _verdict(quote, whole, quote.text)
        return QuoteCheck(quote, status, matches, rules)
    if plan.marked.segments and (
        len(plan.marked.segments) > 1
        or plan.marked.sic
        or plan.marked.case_changed
        or plan.marked.has_brackets
        or plan.marked.has_elision
    ):
        return _match_segments(plan, library, hits)
    return None


END_PUNCTUATION = "end punctuation"
# A comma, period, semicolon or colon that ends a quotation, after a word (not an ellipsis).
_END_PUNCT = re.compile(r"(?<=[^\s.…])[,.;:]\s*$")


def _end_trimmed(quote: Quote) -> Quote | None:
    """``quote`` without the comma, period, semicolon or colon at its very end, if any.

    The punctuation at a quotation's end belongs to the writer's sentence: ‘… next week,’
    she said quotes a source sentence that ends in a period, and “… accept it.” one that
    goes on after a comma. No word changes, so the quotation is the source's (``normalized``,
    with ``END_PUNCTUATION`` listed); a question or exclamation mark is never dropped.
    """
    m = _END_PUNCT.search(quote.text)
    return replace(quote, text=quote.text[: m.start()]) if m else None


def _with_end_punctuation(check: QuoteCheck, quote: Quote) -> QuoteCheck:
    status = Status.NORMALIZED if check.status is Status.EXACT else check.status
    rules = (*check.normalizations, END_PUNCTUATION)
    return replace(check, quote=quote, status=status, normalizations=rules)


def verify(quotes: Sequence[Quote], library: Library) -> tuple[QuoteCheck, ...]:
    """One verdict per quote, in the order given."""
    plans = [_plan(q) for q in quotes]
    trimmed = [None if t is None else _plan(t) for t in map(_end_trimmed, quotes)]
    checked = [not p.quote.single and _word_count(p.bare) >= MIN_CHECKED_WORDS for p in plans]
    # Rare words go into the same single scan, for every quote that could become a near
    # miss: a second pass over a large library would cost more than the extra hits do.
    weak = [_weak_needles(p) if c else [] for p, c in zip(plans, checked, strict=True)]
    needles = set().union(*(p.needles for p in plans), *(t.needles for t in trimmed if t), *weak)
    hits = scan(library, sorted(needles))
    titles = _Titles.of(library)
    verdicts: dict[int, QuoteCheck] = {}
    # Source by source (a verdict is the same in any order): the library keeps only the last
    # few sources it indexed, and each is then indexed about once.
    for i in sorted(range(len(plans)), key=lambda i: _first_source(plans[i], hits)):
        plan, short = plans[i], trimmed[i]
        check = _found(plan, library, hits, titles)
        if check is None and short is not None:
            found = _found(short, library, hits, titles)
            check = found and _with_end_punctuation(found, plan.quote)
        if check is None:
            # A near miss is aligned without the end punctuation too: it is never the change.
            missed = _miss(short or plan, library, hits, weak[i], checked[i])
            check = replace(missed, quote=plan.quote)
        verdicts[i] = check
    out = []
    told = ""  # the unlisted names last reported: once per group of quotes, in draft order
    for i, plan in enumerate(plans):
        check, told = _unlisted(verdicts[i], library, told)
        if plan.quote.unbalanced:
            check = _unbalanced(check)
        out.append(check)
    return tuple(out)


def _first_source(plan: _Plan, hits: Hits) -> int:
    """The first source the quote's text, a segment or an anchor of it was found in; -1
    when none was (the order ``verify`` takes the quotes in)."""
    for needle in (plan.full, *(v for seg in plan.segments for v in seg), *plan.anchor_texts):
        spots = hits.at(needle)
        if spots:
            return min(spots)
    return -1


def _unbalanced(check: QuoteCheck) -> QuoteCheck:
    """A quotation whose closing mark is in the next block fails whatever its words are:
    what a reader sees is cut in two (a list item, a heading)."""
    found = check.status.passes and check.status is not Status.UNCHECKED
    note = (
        "the quotation is not closed in its paragraph: its closing mark is in the next block "
        "(a wrapped line that starts with “- ”, “+ ”, “1. ” or “# ” begins a list or a "
        "heading in Markdown); rewrap it so that the line does not start with the mark"
        + ("; its words are in the source" if found else "")
    )
    return replace(check, status=Status.UNBALANCED, note=note)


def _unlisted(check: QuoteCheck, library: Library, told: str) -> tuple[QuoteCheck, str]:
    """A quote whose lead-in names something not among the sources (a paper, a title, a
    link): found in a source anyway, it is misattributed, unless the name is the source's
    own (a lead-in naming a company or paper the article itself quotes); not found, the
    first quote of the group says what to add."""
    names = check.quote.unlisted
    if not names:
        return check, ""
    if check.matches and check.status in _ATTRIBUTABLE:
        texts = [library.sources[i].text for i in _source_indexes(library, check.matches)]
        if not any(name in text for name in names.split(", ") for text in texts):
            where = ", ".join(dict.fromkeys(m.source for m in check.matches))
            note = f"the lead-in names {names}, which is not among the sources; found in {where}"
            return replace(check, status=Status.MISATTRIBUTED, note=note), names
        return check, names
    if check.status.passes or names == told:
        return check, names
    note = (
        f"the lead-in names {names}, which is not among the sources: add it with "
        "`drafter sources add URL`"
    )
    return replace(check, note="; ".join(n for n in (check.note, note) if n)), names


_ATTRIBUTABLE = {Status.EXACT, Status.NORMALIZED, Status.ELIDED, Status.BRACKETED}


def _source_indexes(library: Library, matches: Sequence[Match]) -> list[int]:
    ids = {m.source for m in matches}
    return [i for i, s in enumerate(library.sources) if s.id in ids]


_WORD_HYPHEN = re.compile(r"(?<=[a-z])-(?=[a-z])")
_LINE_END_HYPHEN = re.compile(r"(?<=[a-z])[-\u00ad][ \t]*\n[ \t]*(?=[a-z])")


def _line_end_compound(quote: Quote, near: Nearest, library: Library) -> QuoteCheck | None:
    """A compound broken at its own hyphen at a line end (``state-`` / ``owned`` in a PDF
    text), which the hyphenation rule joined as ``stateowned``: the quotation's
    ``state-owned`` is the source's word. Judged on the near miss alone, with the hyphens
    inside words left out on both sides; ``None`` when that does not make them equal."""
    if not _LINE_END_HYPHEN.search(near.text) or not _WORD_HYPHEN.search(quote.text):
        return None
    if quote.attributed_to not in (None, near.source):
        return None
    draft = _WORD_HYPHEN.sub("", normal_form(quote.text))
    source = _WORD_HYPHEN.sub("", normal_form(near.text, ALL_RULES))
    at = source.find(draft)
    if not draft or at < 0 or not _whole_words(source, at, at + len(draft)):
        return None
    si = next(i for i, s in enumerate(library.sources) if s.id == near.source)
    match = Match(near.source, near.start, near.end, library[si].passage_id(near.start))
    return QuoteCheck(quote, Status.NORMALIZED, (match,), ("hyphenation",))


def _miss(
    plan: _Plan, library: Library, hits: Hits, weak: Sequence[str], checked: bool
) -> QuoteCheck:
    quote = plan.quote
    if not checked:
        why = "scare quote or term" if quote.single else "short term"
        return QuoteCheck(quote, Status.UNCHECKED, note=f"{why}, not found in the sources")
    near = _nearest(plan, library, hits, weak)
    if near is None or not near[3]:
        # Nothing close: no unrelated paragraph, no diff of words that were never there.
        score = near[0] if near else 0.0
        return QuoteCheck(quote, Status.NOT_FOUND, score=score, note=NOT_IN_SOURCES)
    score, nearest, diff, _ = near
    compound = _line_end_compound(quote, nearest, library)
    if compound is not None:
        return compound
    status = Status.ALTERED if score >= ALTERED_THRESHOLD else Status.NOT_FOUND
    return QuoteCheck(quote, status, nearest=nearest, score=score, diff=diff)


__all__ = ["verify", "word_diff"]
