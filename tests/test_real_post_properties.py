"""Property tests for the shapes of real posts and messy sources (DESIGN.md § normalisation
table, § Quote extraction): a source span with markup of any kind on either side verifies at
its offsets; run-together quotations verify piece by piece; a changed word inside marked-up
text still fails."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafter.checker.extract import extract
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
STEMS = ["harbour", "crane", "council", "tenant", "ledger", "dredging", "ferry", "pier"]
# Ways a source (or a draft) dresses a word; the reader sees only the word.
DRESSES = {
    "plain": "{w}",
    "strong": "**{w}**",
    "em": "*{w}*",
    "underscore": "_{w}_",
    "code": "`{w}`",
    "link": "[{w}](https://example.org/{w})",
    "ref": "{{ref}}`{w} <target-{w}>`",
    "doc": ":doc:`{w} </guides/{w}>`",
    "cite": "{w}[3]",
    "footnote": "{w}[^1]",
    "invisible": "{w}\u2060",
}
MARKUP = [*DRESSES, "hyphenated"]


def _dress(word: str, how: str) -> str:
    if how == "hyphenated":  # a PDF's line end: "harb-\nour12"
        letters = word.rstrip("0123456789")
        return f"{letters[:3]}-\n{word[3:]}" if len(letters) > 4 else word
    return DRESSES[how].format(w=word)


@st.composite
def dressed(draw: st.DrawFn) -> tuple[Source, list[str], list[tuple[int, int]]]:
    """A source of unique words, many of them in markup; its words and their dressed spans."""
    n = draw(st.integers(min_value=40, max_value=120))
    words = [f"{draw(st.sampled_from(STEMS))}{i}" for i in range(n)]
    text: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    for i, word in enumerate(words):
        if i:
            sep = "\n\n- " if i % 29 == 0 else " "  # now and then a list item
            text.append(sep)
            pos += len(sep)
        piece = _dress(word, draw(st.sampled_from(MARKUP)))
        spans.append((pos, pos + len(piece)))
        text.append(piece)
        pos += len(piece)
    body = "".join(text)
    return Source("src", body, sha256(body), title="T"), words, spans


@st.composite
def dressed_cut(draw: st.DrawFn) -> tuple[Source, list[str], list[tuple[int, int]], int, int]:
    source, words, spans = draw(dressed())
    length = draw(st.integers(min_value=4, max_value=30))
    first = draw(st.integers(min_value=0, max_value=len(words) - length))
    return source, words, spans, first, first + length


def _in_draft(words: list[str], draw: st.DrawFn) -> str:
    """The words as a draft's block quote, dressed in Markdown of its own (or not)."""
    allowed = ["plain", "strong", "em", "code", "link"]
    return "> " + " ".join(_dress(w, draw(st.sampled_from(allowed))) for w in words) + "\n"


@SETTINGS
@given(dressed_cut(), st.data())
def test_marked_up_span_verifies_at_its_offsets(
    case: tuple[Source, list[str], list[tuple[int, int]], int, int], data: st.DataObject
) -> None:
    source, words, spans, first, last = case
    draft = _in_draft(words[first:last], data.draw)
    (quote,) = extract(draft)
    (check,) = verify([quote], build([source]))
    assert check.status in PASSING, (draft, check)
    (match,) = check.matches
    # The match lies within the dressed words and holds the first and the last of them.
    assert spans[first][0] <= match.start and match.end <= spans[last - 1][1]
    held = source.text[match.start : match.end].replace("-\n", "")
    assert words[first][:3] in held and words[last - 1][-3:] in held


@SETTINGS
@given(dressed_cut(), st.data())
def test_a_changed_word_inside_marked_up_text_fails(
    case: tuple[Source, list[str], list[tuple[int, int]], int, int], data: st.DataObject
) -> None:
    source, words, _, first, last = case
    quoted = words[first:last]
    k = data.draw(st.integers(min_value=0, max_value=len(quoted) - 1))
    quoted[k] = "zebra" + quoted[k]
    (quote,) = extract(_in_draft(quoted, data.draw))
    (check,) = verify([quote], build([source]))
    assert not check.status.passes, (quoted, check)


@st.composite
def paragraphs(draw: st.DrawFn) -> list[str]:
    n = draw(st.integers(min_value=2, max_value=6))
    out = []
    for p in range(n):
        size = draw(st.integers(min_value=6, max_value=20))
        out.append(" ".join(f"{draw(st.sampled_from(STEMS))}{p}x{i}" for i in range(size)) + ".")
    return out


@SETTINGS
@given(paragraphs(), st.sampled_from(["“”", '""']), st.booleans())
def test_run_together_quotations_verify_piece_by_piece(
    paras: list[str], marks: str, in_block_quote: bool
) -> None:
    """Paragraphs joined as email editions join them (`…”“…`) are one quotation each, in
    the draft and in the source."""
    opening, closing = marks
    joined = "".join(f"{opening}{p}{closing}" for p in paras)
    source = Source("src", joined, sha256(joined), title="T")
    draft = ("> " if in_block_quote else "") + joined + "\n"
    quotes = extract(draft)
    assert [q.text for q in quotes] == paras
    checks = verify(quotes, build([source]))
    for para, check in zip(paras, checks, strict=True):
        assert check.status is Status.EXACT, check
        (match,) = check.matches
        assert joined[match.start : match.end] == para


@SETTINGS
@given(paragraphs(), st.data())
def test_a_quotation_of_one_run_together_source_paragraph_verifies(
    paras: list[str], data: st.DataObject
) -> None:
    joined = "".join(f"“{p}”" for p in paras)
    source = Source("src", joined, sha256(joined), title="T")
    k = data.draw(st.integers(min_value=0, max_value=len(paras) - 1))
    (check,) = verify([Quote("q1", paras[k], 1, Kind.BLOCK)], build([source]))
    assert check.status is Status.EXACT
    assert joined[check.matches[0].start : check.matches[0].end] == paras[k]
