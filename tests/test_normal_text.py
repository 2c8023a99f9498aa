"""The scan's quick normal form is exactly the normal form (issue 13): property test."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from drafter.checker.normalize import ALL_RULES, TEXT_RULES, normal_text, normalize

# Spaces, dashes of every kind, quotes, ellipses, line breaks, accents, markup characters.
_ALPHABET = " -—–−…“”‘’'\"\n\t\u00a0ab.é*_[]()<>&;\u00ad"
# Entities that decode to a space or a dash (and a Windows-1252 number for an en dash):
# random characters seldom spell them, and the quick path must agree with the full one on
# them, next to spaces and dashes.
_ENTITIES = ["&nbsp;", "&mdash;", "&#8212;", "&#x2014;", "&#X2014;", "&#45;", "&#150;", "&amp;"]
_TEXTS = st.lists(
    st.one_of(st.sampled_from(_ENTITIES), st.text(_ALPHABET, max_size=3)), max_size=15
).map("".join)


@settings(max_examples=400, deadline=None)
@given(_TEXTS)
def test_quick_normal_text_equals_normalize(text: str) -> None:
    for rules in (TEXT_RULES, ALL_RULES):
        assert normal_text(text, rules) == normalize(text, rules).text


# A space or a dash, written as itself or as an entity for it: (entity, character).
_SPACING = [
    ("&nbsp;", " "),
    ("&#160;", "\u00a0"),
    ("&#xA0;", "\u00a0"),
    ("&emsp;", "\u2003"),
    ("&thinsp;", "\u2009"),
    ("&mdash;", "—"),
    ("&ndash;", "–"),
    ("&minus;", "−"),
    ("&#8212;", "—"),
    ("&#x2014;", "—"),
    ("&#X2014;", "—"),
    ("&#45;", "-"),
    ("&#x2d;", "-"),
    ("&hyphen;", "\u2010"),
    ("&#150;", "–"),
    ("&#151;", "—"),
]
# Words and runs of spaces and dashes, each written as a character or as its entity.
_WORDS_AND_SPACING = st.lists(
    st.one_of(
        st.sampled_from(["a", "bc", " ", "-", "—", "\t"]),
        st.sampled_from(_SPACING),
    ),
    max_size=15,
)


@settings(max_examples=400, deadline=None)
@given(_WORDS_AND_SPACING)
def test_an_entity_for_a_space_or_dash_reads_as_the_character(
    pieces: list[str | tuple[str, str]],
) -> None:
    """Once decoded, an entity is the character it stands for: a source's
    ``&nbsp;&mdash;&nbsp;`` normalises as a draft's `` — `` does (a draft has no markup
    rule: its Markdown renderer decoded it), and each word maps back to itself."""
    # A word first: a line that starts with "- " is a list item, which markup takes out.
    written = "x" + "".join(p if isinstance(p, str) else p[0] for p in pieces)
    decoded = "x" + "".join(p if isinstance(p, str) else p[1] for p in pieces)
    norm = normalize(written, ALL_RULES)
    assert norm.text == normalize(decoded, TEXT_RULES).text
    assert normal_text(written, ALL_RULES) == norm.text
    for m in re.finditer(r"[a-z]+", norm.text):
        a, b = norm.span_to_original(*m.span())
        assert written[a:b] == m.group()
