"""A source file with front matter is read from its bytes in two parts (issue 13: slicing
the body off the decoded whole cost 0.14 s per 100 MB). It must make exactly the source, the
warning or the error that decoding the whole and splitting it makes: property test."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drafter.errors import InputError
from drafter.sources import ingest
from drafter.sources.ingest import _text_source, decode_text, source_from_text

# Line ends of every kind, NUL, bytes that are not UTF-8 alone, multi-byte characters,
# YAML's own characters, and the fence's.
_PIECES = [
    b"-",
    b"---",
    b"\n",
    b"\r\n",
    b"\r",
    b"\x00",
    b"\x80",
    b"\xff",
    b"\xe2\x80\x9c",
    "é".encode(),
    b"title: ",
    b"short_name: x",
    b" ",
    b"\t",
    b"a",
    b"Z",
    b":",
    b'"',
    b"*",
    b"[",
    b"{",
    b"#",
]


def _whole_then_split(path: Path, data: bytes) -> tuple[object, str | None]:
    """The reading before the change: decode everything, then split the front matter."""
    fmt = "markdown" if path.suffix == ".md" else "text"
    text, warning = decode_text(data, str(path))
    if not text.strip():
        raise InputError(str(path), "is empty: a source needs text to quote")
    return source_from_text(text, path=str(path), fallback_id=path.stem, fmt=fmt), warning


def _outcome(read, path: Path, data: bytes) -> object:  # type: ignore[no-untyped-def]
    try:
        return read(path, data)
    except InputError as exc:
        return ("error", str(exc))


@settings(max_examples=600, deadline=None)
@given(
    st.lists(st.sampled_from(_PIECES), max_size=12),
    st.sampled_from([b"---\n", b"---  \n", b"---\r\n", b"---", b"--\n"]),
    st.lists(st.sampled_from(_PIECES), max_size=20),
)
def test_reading_in_two_parts_equals_reading_the_whole(
    head: list[bytes], fence: bytes, body: list[bytes]
) -> None:
    data = b"---\n" + b"".join(head) + b"\n" + fence + b"".join(body)
    path = Path("src.md")
    assert _outcome(_text_source, path, data) == _outcome(_whole_then_split, path, data)


def test_a_typical_source_takes_the_two_part_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    def whole(data: bytes, shown: str) -> tuple[str, str | None]:
        raise AssertionError("decoded whole")

    monkeypatch.setattr(ingest, "decode_text", whole)
    data = '---\ntitle: "A title"\npublication: The Post\n---\nShe said “yes”.\n'.encode()
    source, warning = _text_source(Path("a.txt"), data)
    assert (source.title, source.publication, source.text, warning) == (
        "A title",
        "The Post",
        "She said “yes”.",
        None,
    )
