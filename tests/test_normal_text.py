"""The scan's quick normal form is exactly the normal form (issue 13): property test."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from drafter.checker.normalize import ALL_RULES, TEXT_RULES, normal_text, normalize

# Spaces, dashes of every kind, quotes, ellipses, line breaks, accents, markup characters.
_ALPHABET = " -—–−…“”‘’'\"\n\t\u00a0ab.é*_[]()<>&;\u00ad"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=40))
def test_quick_normal_text_equals_normalize(text: str) -> None:
    for rules in (TEXT_RULES, ALL_RULES):
        assert normal_text(text, rules) == normalize(text, rules).text
