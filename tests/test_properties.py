"""Property tests of the checker: any span cut from a source verifies at its offsets, with any
mix of typographic variants; any single changed, dropped or added word makes it fail."""

from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from drafter.checker.index import build
from drafter.checker.verify import verify
from drafter.models import Kind, Quote, Source, Status
from drafter.sources.ids import sha256

PASSING = {Status.EXACT, Status.NORMALIZED}
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
STEMS = [
    "nvidia",
    "talent",
    "research",
    "chip",
    "lab",
    "model",
    "export",
    "policy",
    "market",
    "beijing",
    "valley",
    "review",
    "council",
    "founder",
    "agent",
    "wave",
]


@st.composite
def sources(draw: st.DrawFn) -> tuple[Source, list[tuple[int, int]]]:
    """A news-like source of unique words with typographic decoration, and its word spans."""
    n = draw(st.integers(min_value=130, max_value=260))
    words = []
    for i in range(n):
        w = f"{draw(st.sampled_from(STEMS))}{i}"
        style = draw(
            st.sampled_from(
                ["plain"] * 6 + ["curly", "apos", "comma", "period", "dash", "ellipsis", "upper"]
            )
        )
        if style == "curly":
            w = f"“{w}”"
        elif style == "apos":
            w = f"{w}’s"
        elif style == "comma":
            w += ","
        elif style == "period":
            w += "."
        elif style == "dash":
            w = f"{w}—{STEMS[i % len(STEMS)]}x{i}"
        elif style == "ellipsis":
            w += "…"
        elif style == "upper":
            w = w.capitalize()
        words.append(w)
    text, spans, pos = [], [], 0
    for i, w in enumerate(words):
        sep = "\n" if i and i % 37 == 0 else " "
        if i:
            text.append(sep)
            pos += 1
        spans.append((pos, pos + len(w)))
        text.append(w)
        pos += len(w)
    body = "".join(text)
    return Source(id="src", text=body, sha256=sha256(body), title="T"), spans


def _variant(text: str, draw: st.DrawFn) -> str:
    """Apply a random mix of the typographic differences the table calls `normalized`."""
    if draw(st.booleans()):
        text = text.replace("“", '"').replace("”", '"')
    if draw(st.booleans()):
        text = text.replace("’", "'")
    if draw(st.booleans()):
        text = text.replace("—", draw(st.sampled_from([" - ", " – ", "--", " — ", "–"])))
    if draw(st.booleans()):
        text = text.replace("…", "...")
    if draw(st.booleans()):
        spaces = [i for i, c in enumerate(text) if c == " "]
        chosen = draw(st.lists(st.sampled_from(spaces), max_size=4, unique=True)) if spaces else []
        for i in sorted(chosen, reverse=True):  # from the end, so earlier offsets stay put
            text = text[:i] + draw(st.sampled_from(["\u00a0", "  ", "\n", " \n "])) + text[i + 1 :]
    if draw(st.booleans()):
        i = draw(st.integers(min_value=1, max_value=max(1, len(text) - 2)))
        if text[i - 1].isalpha() and text[i].isalpha():
            text = text[:i] + draw(st.sampled_from(["\u00ad", "\u200b"])) + text[i:]
    return text


def _check(source: Source, text: str) -> tuple[Status, list[tuple[int, int]]]:
    (result,) = verify([Quote("q1", text, 1, Kind.BLOCK)], build([source]))
    return result.status, [(m.start, m.end) for m in result.matches]


@st.composite
def cut(draw: st.DrawFn) -> tuple[Source, int, int, list[tuple[int, int]]]:
    source, spans = draw(sources())
    length = draw(st.integers(min_value=5, max_value=120))
    first = draw(st.integers(min_value=0, max_value=len(spans) - length))
    return source, first, first + length, spans


@SETTINGS
@given(cut(), st.data())
def test_any_span_with_typographic_variants_verifies_at_its_offsets(
    case: tuple[Source, int, int, list[tuple[int, int]]], data: st.DataObject
) -> None:
    source, first, last, spans = case
    start, end = spans[first][0], spans[last - 1][1]
    text = _variant(source.text[start:end], data.draw)
    status, matches = _check(source, text)
    assert status in PASSING, text
    assert (start, end) in matches
    if text == source.text[start:end]:
        assert status is Status.EXACT


@SETTINGS
@given(cut(), st.sampled_from(["change", "drop", "add"]), st.data())
def test_any_changed_dropped_or_added_word_fails(
    case: tuple[Source, int, int, list[tuple[int, int]]], how: str, data: st.DataObject
) -> None:
    source, first, last, spans = case
    words = [source.text[a:b] for a, b in spans[first:last]]
    # "word… next" reads as the writer's own omission mark: dropping the word after a
    # source's ellipsis is an elision, and rightly passes. Drop any other word.
    allowed = [
        i for i in range(1, len(words) - 1) if how != "drop" or not words[i - 1].endswith("…")
    ]
    assume(allowed)
    k = data.draw(st.sampled_from(allowed))
    if how == "change":
        words[k] = "zebra" + words[k]
    elif how == "drop":
        del words[k]
    else:
        words.insert(k, "zebra")
    status, _ = _check(source, " ".join(words))
    assert not status.passes, (how, k, status)
