"""Property: the walk over trafilatura's tree keeps every text node, in document order,
never glues two of them into one word, and gives a nested list's items paragraphs of
their own. Trees are random mixes of trafilatura's block elements, line breaks and text
(every text node and tail one distinct word, so a glued or lost word shows)."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from drafter.sources.html import _blocks

BLOCKS = ["p", "head", "quote", "list", "item", "div"]


@st.composite
def trees(draw: st.DrawFn) -> etree._Element:
    counter = itertools.count()

    def word() -> str | None:
        return f"w{next(counter)}" if draw(st.booleans()) else None

    def build(tag: str, depth: int) -> etree._Element:
        el = etree.Element(tag)
        el.text = word()
        for _ in range(draw(st.integers(0, 3 if depth < 4 else 0))):
            # A quote inside a paragraph, heading or item is an inline <q>: not a block.
            inside_text = tag in ("p", "head", "item")
            child_tag = draw(st.sampled_from([*BLOCKS, "lb"]))
            if inside_text and child_tag == "quote":
                child_tag = "div"
            child = etree.SubElement(el, child_tag)
            if child_tag != "lb":
                el.remove(child)
                child = build(child_tag, depth + 1)
                el.append(child)
            child.tail = word()
        return el

    return build("body", 0)


@settings(max_examples=300, deadline=None)
@given(trees())
def test_every_text_node_once_in_order_never_glued(tree: etree._Element) -> None:
    words = list(tree.itertext())
    paragraphs = _blocks(tree)
    assert [w for p in paragraphs for w in p.split()] == words
    assert all(p and "\n\n" not in p for p in paragraphs)


@settings(max_examples=200, deadline=None)
@given(trees())
def test_an_item_and_its_nested_list_are_apart(tree: etree._Element) -> None:
    paragraphs = _blocks(tree)
    for item in tree.iter("item"):
        for nested in item.iter("list"):
            for inner in nested.iter():
                if inner.text and item.text:
                    assert not any(
                        item.text in p.split() and inner.text in p.split() for p in paragraphs
                    )
