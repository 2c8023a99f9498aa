"""HTML pages → article text and metadata. Pure: no I/O (the bytes come from ``ingest``,
which read a file, or from ``fetch``, which downloaded a page).

Takes the page's bytes (and the charset a server declared, if any); returns a ``Source``
whose ``text`` is the article's main text, one paragraph per block (headings, list items,
captions and table rows each their own), blocks separated by blank lines so that
``chunk`` cuts passages exactly there. Navigation, share buttons, related links, ads,
newsletter boxes and comments are left out: trafilatura decides what the article is,
because telling an article from its page furniture is a hard, well-studied problem that it
is maintained and benchmarked for.

The extracted text is plain text (entities decoded, tags gone), so the ``Source`` has
format ``text``: there is no markup left in it to normalise away. The original bytes are
not in the ``Source``; whoever keeps the snapshot (the source library) keeps them beside
it, so the extraction can be redone by a later drafter.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from drafter.errors import InputError
from drafter.models import Source
from drafter.sources.ids import sha256, slug

# An article shorter than this, or with no paragraph of MIN_PARAGRAPH_WORDS words, is a
# page with no article (a login form, an index page, a cookie wall): trafilatura then
# returns menu fragments, which would make a useless source.
MIN_ARTICLE_CHARS = 200
MIN_PARAGRAPH_WORDS = 8

# The HTML standard reads these labels as windows-1252, and so do browsers: pages that
# say "iso-8859-1" routinely contain 0x80-0x9F curly quotes and dashes.
_AS_CP1252 = {"iso-8859-1", "latin-1", "latin1", "l1", "us-ascii", "ascii", "iso8859-1"}
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE
)
_BLOCKS = {"p", "head", "quote", "code", "item", "row", "cell"}


@dataclass(frozen=True)
class Article:
    """What extraction found: the text (paragraphs separated by blank lines) and metadata."""

    text: str
    title: str = ""
    publication: str = ""
    author: str = ""
    date: str = ""
    url: str = ""


def _codec(label: str) -> str | None:
    label = label.strip().lower()
    if label in _AS_CP1252:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in ``<meta charset>`` or ``http-equiv`` (first 4 KiB)."""
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii", "replace") if m else None


def decode_html(data: bytes, header_charset: str | None = None) -> str:
    """The page's text: a byte-order mark wins, then the HTTP header's charset, then the
    page's own meta declaration, then UTF-8, then windows-1252 (what undeclared legacy
    pages almost always are)."""
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(name, errors="replace")
    for label in (header_charset, declared_charset(data)):
        codec = _codec(label) if label else None
        if codec:
            # A page whose bytes do not fit its declared charset still has an article in it;
            # a replacement character in an odd spot is better than no source at all.
            return data.decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _prepare(html: str) -> object:
    """The parsed page with figure captions turned into paragraphs: trafilatura drops
    ``<figure>`` with its image, but a caption is text a writer may quote."""
    import lxml.html

    tree = lxml.html.fromstring(html)
    for el in tree.iter("figcaption"):
        el.tag = "p"
    for el in tree.iter("figure"):
        el.tag = "div"
    return tree


def _blocks(element: object) -> list[str]:
    """The text of each block of trafilatura's XML body, in document order."""
    from lxml import etree

    assert isinstance(element, etree._Element)
    out: list[str] = []
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in ("list", "table", "row", "div") or (tag == "quote" and len(child)):
            inner = _blocks(child)
            if tag == "row" and inner:
                out.append(" | ".join(inner))
            elif inner:
                out.extend(inner)
            elif tag == "quote":
                out.append(" ".join("".join(child.itertext()).split()))
            continue
        if tag in _BLOCKS or tag == "quote":
            text = " ".join("".join(child.itertext()).split())
            if text:
                out.append(text)
    return out


def extract_article(html: str, shown: str, url: str = "") -> Article:
    """The main article of a page. ``shown`` names the file or URL in errors."""
    import trafilatura
    from lxml.etree import LxmlError

    if not html.strip():
        raise InputError(shown, "is empty: there is no page to read")
    if "\x00" in html[:4096]:
        raise InputError(shown, "looks like a binary file (it contains NUL bytes), not a page")
    try:
        doc = trafilatura.bare_extraction(
            _prepare(html),
            url=url or None,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_formatting=False,
            include_links=False,
        )
    except (LxmlError, ValueError, TypeError) as exc:  # a document lxml cannot parse
        raise InputError(shown, f"is not an HTML page that can be parsed ({exc})") from None
    if doc is None or isinstance(doc, dict) or doc.body is None:
        raise InputError(shown, "no article text found on the page")
    paragraphs = _blocks(doc.body)
    text = "\n\n".join(paragraphs)
    if len(text) < MIN_ARTICLE_CHARS or not any(
        len(p.split()) >= MIN_PARAGRAPH_WORDS for p in paragraphs
    ):
        raise InputError(
            shown, "no article text found on the page (only menus, forms or fragments)"
        )
    return Article(
        text=text,
        title=(doc.title or "").strip(),
        publication=(doc.sitename or "").strip(),
        author=(doc.author or "").strip(),
        date=(doc.date or "").strip(),
        url=(doc.url or url or "").strip(),
    )


def fallback_id(url: str) -> str:
    """A readable source id for a page: its site's name (``harbourledger`` for
    ``https://www.harbourledger.example/…``)."""
    host = (urlsplit(url).hostname or "").lower()
    labels = [p for p in host.split(".") if p and p not in ("www", "m", "amp")]
    if not labels or all(p.isdigit() for p in labels) or ":" in host:
        return "page"  # an IP address says nothing about the publication
    if len(labels) >= 2:
        return labels[-2] if len(labels[-2]) > 3 or len(labels) == 2 else labels[-3]
    return labels[0] if labels else "page"


def source_from_html(
    data: bytes,
    shown: str,
    *,
    path: str = "",
    url: str = "",
    header_charset: str | None = None,
    fallback: str = "page",
) -> Source:
    """A ``Source`` from a page's bytes. ``url`` is where it was fetched from, if anywhere;
    the page's canonical URL, when it names one, becomes the source's url."""

    article = extract_article(decode_html(data, header_charset), shown, url)
    # The site's name makes the most readable id; the page's canonical URL names the site
    # even when the copy came from a file, a mirror or a local test server.
    named = fallback_id(article.url) if article.url else "page"
    return Source(
        id=slug(named if named != "page" else fallback),
        text=article.text,
        sha256=sha256(article.text),
        title=article.title,
        publication=article.publication,
        url=article.url or url,
        author=article.author,
        date=article.date,
        path=path,
        format="text",
    )
