"""HTML pages → article text and metadata. Pure: no I/O (the bytes come from ``ingest``,
which read a file, or from ``fetch``, which downloaded a page).

Takes the page's bytes (and the charset a server declared, if any); returns a ``Source``
whose ``text`` is the article's main text, one paragraph per block (headings, list items,
captions and table rows each their own), blocks separated by blank lines so that
``chunk`` cuts passages exactly there. Navigation, share buttons, related links, ads,
newsletter boxes and comments are left out: trafilatura decides what the article is,
because telling an article from its page furniture is a hard, well-studied problem that it
is maintained and benchmarked for.

What it decides is then read the way a browser shows it (``_Walk``): every text node in
document order, a <br> a line break, tail text and text between blocks kept. The page's own
paragraphs (the same walk over the HTML) check the result: when trafilatura's default mode
keeps much less than the page shows, its recall mode is used (and the caller told); a flat
paragraph made of several of the page's is cut back into them; the page's spacing wins over
a space trafilatura lost; loose text it dropped between kept paragraphs is put back.

The extracted text is plain text (entities decoded, tags gone), so the ``Source`` has
format ``text``: there is no markup left in it to normalise away. The original bytes are
not in the ``Source``; whoever keeps the snapshot (the source library) keeps them beside
it, so the extraction can be redone by a later drafter.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from drafter.errors import InputError
from drafter.models import Source
from drafter.sources.charset import guess_encoding, utf8_with_strays
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
# Tags that any saved page has one of: bytes without any are no page (see decode_html).
_MARKUP = re.compile(rb"<(?:!doctype|html|head|body|title|meta|p|div|br|span|a)[\s>/]", re.I)
# trafilatura's XML: these elements are blocks (a browser starts a new line before and after
# them); anything else (``hi``, ``ref``, ``span``, …) is inline text. ``lb`` is a <br>.
# fmt: off
_BLOCKS = {
    "body", "div", "p", "head", "quote", "code", "item", "list", "table", "row", "cell", "note",
    "figure", "section", "article", "main", "pre",
}
# fmt: on
# trafilatura writes an inline <code> or <q> as the same ``code``/``quote`` as a code block or
# a block quote: inside a paragraph, heading, list item or cell they are inline text.
_INLINE_INSIDE_TEXT = {"code", "quote"}
_TEXT_BLOCKS = {"p", "head", "item", "cell"}
# The same, in HTML, for the page's visible text.
# fmt: off
_HTML_BLOCKS = {
    "address", "article", "aside", "blockquote", "body", "dd", "details", "dialog", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
    "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table",
    "tbody", "thead", "tfoot", "tr", "td", "th", "caption", "ul",
}
# fmt: on
_INVISIBLE = ("script", "style", "noscript", "template", "head", "title", "meta", "link")
# Page furniture: left out of the visible text that the extraction is measured against.
_FURNITURE = ("nav", "header", "footer", "aside", "form", "button", "select", "menu")
_LINE = "\x1e"  # a <br> while a block's text is collected (real newlines are whitespace)

# The recall check: when trafilatura's default extraction has less than VISIBLE_SHARE of
# the article area's visible text, its recall mode is tried, and used when it finds at
# least RECALL_GAIN times as much.
VISIBLE_SHARE = 0.85
RECALL_GAIN = 1.2
# A page of little more than a list (a listicle, a timeline) is an article when it has at
# least this many items of MIN_ITEM_WORDS words, even if no paragraph is long.
MIN_LIST_ITEMS = 4
MIN_ITEM_WORDS = 3
# Scripts written without spaces between words (Chinese, Japanese kana, Thai, Lao, Khmer,
# Myanmar): their words are counted as one per CHARS_PER_WORD letters, not by spaces.
_UNSPACED = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
)
CHARS_PER_WORD = 2
# A title's site-name suffix or prefix: "Headline - Site", "Headline | Site", "Site | Headline".
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ", " • ")
# "Site: Headline" too, but only as a prefix: a headline's own colon ("Ferry cuts: what it
# means") follows its first words, which are not the site's name.
_PREFIX_SEPARATORS = (*_TITLE_SEPARATORS, ": ")
# Between the site and the headline a title may name a section ("Headline | Business | Site").
# Headlines seldom contain these separators (unlike dashes), so once the site's name is gone,
# short parts (MAX_SECTION_WORDS words at most) on the site's side of one are a section.
_SECTION_SEPARATORS = (" | ", " :: ", " · ", " • ")
MAX_SECTION_WORDS = 4


@dataclass(frozen=True)
class Article:
    """What extraction found: the text (paragraphs separated by blank lines) and metadata.
    ``note`` says when the fuller (recall-mode) extraction was used, and why."""

    text: str
    title: str = ""
    publication: str = ""
    author: str = ""
    date: str = ""
    url: str = ""
    note: str = ""


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


def decode_html(data: bytes, header_charset: str | None = None, shown: str = "") -> str:
    """The page's text: a byte-order mark wins, then the HTTP header's charset, then the
    page's own meta declaration, then UTF-8 (a few stray Windows-1252 bytes in it read as
    such), then the legacy encoding charset-normalizer finds (windows-1252 when it finds
    none: what undeclared legacy pages usually are). When ``shown`` names the file, bytes
    that no encoding fits and that hold no HTML are ``InputError``: they are no page."""
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
            try:
                return data.decode(codec, errors="replace")
            except (LookupError, UnicodeError):
                pass  # a codec that is no text encoding (rot13, base64, idna): as if unnamed
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    mixed = utf8_with_strays(data)
    if mixed is not None:
        return mixed[0]
    legacy = guess_encoding(data)
    if legacy is None and shown and b"\x00" not in data[:4096] and not _MARKUP.search(data):
        raise InputError(
            shown, "is not UTF-8, no other character encoding fits it, and it holds no HTML"
        )
    return data.decode(legacy or "cp1252", errors="replace")


def _parse(html: str) -> Any:
    """The parsed page, with each ``<q>`` given the quotation marks a browser draws around
    it (“…”, and ‘…’ inside another), so that a writer's copy of the words matches."""
    import lxml.html

    tree = lxml.html.fromstring(html)
    for el in list(tree.iter("q")):
        inner = sum(1 for a in el.iterancestors("q")) % 2
        opening, closing = ("‘", "’") if inner else ("“", "”")
        el.text = opening + (el.text or "")
        if len(el):
            el[-1].tail = (el[-1].tail or "") + closing
        else:
            el.text += closing
        el.tag = "span"
    return tree


def _prepare(html: str) -> Any:
    """The parsed page with figure captions turned into paragraphs: trafilatura drops
    ``<figure>`` with its image, but a caption is text a writer may quote."""
    tree = _parse(html)
    for el in tree.iter("figcaption"):
        el.tag = "p"
    for el in tree.iter("figure"):
        el.tag = "div"
    return tree


class Block(NamedTuple):
    """One paragraph of a page as a browser shows it."""

    text: str
    furniture: bool  # inside navigation, a header, a footer, an aside or a form
    loose: bool  # text of no element of its own: a container's text beside its blocks


class _Walk:
    """Every text node of a tree, in document order, as a browser lays it out: a block
    element starts and ends a paragraph, a <br> ends a line, inline elements and an
    element's tail text flow on in the paragraph around them. Table cells of a row are
    one paragraph, joined by " | ". Each paragraph is marked when it lies inside one of
    ``furniture`` (navigation, headers, …), and when it is loose text."""

    def __init__(
        self,
        blocks: set[str],
        *,
        br: str,
        row: str,
        skip: tuple[str, ...] = (),
        furniture: tuple[str, ...] = (),
    ) -> None:
        self.block_tags, self.br, self.row, self.skip = blocks, br, row, skip
        self.furniture = furniture
        self.depth = 0  # how many furniture elements the walk is inside
        self.mixed = [False]  # per open block: does it hold blocks beside its own text?
        self.blocks: list[Block] = []
        self.buf: list[str] = []

    def texts(self) -> list[str]:
        return [b.text for b in self.blocks]

    def flush(self) -> None:
        raw = "".join(self.buf)
        self.buf = []
        if _LINE in raw:
            text = "\n".join(
                line for line in (" ".join(x.split()) for x in raw.split(_LINE)) if line
            )
        else:
            text = " ".join(raw.split())
        if text:
            self.blocks.append(Block(text, self.depth > 0, self.mixed[-1]))

    def _is_block(self, el: Any) -> bool:
        return isinstance(el.tag, str) and (el.tag in self.block_tags or el.tag == self.row)

    def visit(self, el: Any) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""  # comments, processing instructions
        if not tag or tag in self.skip:
            return
        if tag == self.br:
            self.buf.append(_LINE)
            return
        if tag == self.row:
            self.flush()
            cells = []
            for child in el:
                inner = _Walk(self.block_tags, br=self.br, row=self.row, skip=self.skip)
                inner.visit(child)
                inner.flush()
                cells.append(" ".join(" ".join(inner.texts()).split()))
            row = " | ".join(c for c in cells if c)
            if row:
                self.blocks.append(Block(row, self.depth > 0, False))
            return
        block = tag in self.block_tags and not (
            tag in _INLINE_INSIDE_TEXT
            and el.getparent() is not None
            and el.getparent().tag in _TEXT_BLOCKS
        )
        if block:
            self.flush()
            self.mixed.append(any(self._is_block(child) for child in el))
        furniture = tag in self.furniture
        self.depth += furniture
        self.buf.append(el.text or "")
        for child in el:
            self.visit(child)
            self.buf.append(child.tail or "")
        if block:
            self.flush()
            self.mixed.pop()
        self.depth -= furniture


def _blocks(element: Any) -> list[str]:
    """The paragraphs of trafilatura's XML body, in document order, no text dropped."""
    walk = _Walk(_BLOCKS, br="lb", row="row")
    walk.visit(element)
    walk.flush()
    return walk.texts()


def page_blocks(html: str) -> list[Block]:
    """The paragraphs a browser shows for the page's body, in order, marked when they are
    page furniture (navigation, a header, a footer, an aside, a form) or loose text."""
    from lxml.etree import LxmlError

    try:
        tree = _parse(html)
    except (LxmlError, ValueError):
        return []
    body = tree.find(".//body")
    walk = _Walk(_HTML_BLOCKS, br="br", row="tr", skip=_INVISIBLE, furniture=_FURNITURE)
    walk.visit(body if body is not None else tree)
    walk.flush()
    return walk.blocks


def visible_text(html: str) -> str:
    """The text a browser shows for the page's body, paragraphs separated by blank lines."""
    return "\n\n".join(b.text for b in page_blocks(html))


def _resplit(paragraphs: list[str], shown: list[Block]) -> list[str]:
    """trafilatura's fallback extractors can return a page's text as one flat paragraph
    (a page of linked list items, say): a paragraph that is a run of several of the page's
    own paragraphs, joined by spaces, is cut back into them, page furniture left out."""
    flat = [" ".join(b.text.split()) for b in shown]
    starts: dict[str, list[int]] = {}
    for i, text in enumerate(flat):
        starts.setdefault(text.split(" ", 1)[0], []).append(i)
    out: list[str] = []
    for para in paragraphs:
        run = _run_of(para, flat, starts.get(para.split(" ", 1)[0], []))
        if run is None:
            out.append(para)
        else:
            out += [shown[i].text for i in run if not shown[i].furniture]
    return out


def _run_of(para: str, flat: list[str], candidates: list[int]) -> range | None:
    """The run of two or more consecutive ``flat`` paragraphs that ``para`` is made of."""
    if "\n" in para:
        return None
    for first in candidates:
        end, j = len(flat[first]), first
        if not para.startswith(flat[first]):
            continue
        while end < len(para) and j + 1 < len(flat) and para.startswith(" " + flat[j + 1], end):
            j += 1
            end += 1 + len(flat[j])
        if end == len(para) and j > first:
            return range(first, j + 1)
    return None


def _extract(tree: Any, url: str, recall: bool, metadata: bool = True) -> Any:
    import trafilatura

    return trafilatura.bare_extraction(
        tree,
        url=url or None,
        with_metadata=metadata,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_formatting=False,
        include_links=False,
        favor_recall=recall,
    )


def _paragraphs(doc: Any) -> list[str]:
    if doc is None or isinstance(doc, dict) or doc.body is None:
        return []
    return _blocks(doc.body)


def _words(text: str) -> int:
    """How many words ``text`` has: by spaces, and by letters in scripts without spaces
    (a Japanese sentence is one run of characters with no space in it)."""
    unspaced = len(_UNSPACED.findall(text))
    if not unspaced:
        return len(text.split())
    return len(_UNSPACED.sub(" ", text).split()) + unspaced // CHARS_PER_WORD


def _size(paragraphs: list[str]) -> int:
    return sum(len(p) for p in paragraphs)


def _is_article(paragraphs: list[str]) -> bool:
    """Enough text, with a real paragraph or a real list in it (not menu fragments)."""
    if _size(paragraphs) < MIN_ARTICLE_CHARS:
        return False
    if any(_words(p) >= MIN_PARAGRAPH_WORDS for p in paragraphs):
        return True
    return sum(_words(p) >= MIN_ITEM_WORDS for p in paragraphs) >= MIN_LIST_ITEMS


def _page_spacing(paragraphs: list[str], shown: list[Block]) -> list[str]:
    """A paragraph that has the same characters as one of the page's own, but other
    spacing, gets the page's: trafilatura can drop the space after an inline element (a
    ``<q>`` in a list item: "a quoteinside it"), and the page shows what the writer read."""
    spaced = {"".join(b.text.split()): b.text for b in shown}
    return [spaced.get("".join(p.split()), p) for p in paragraphs]


def _loose_text(paragraphs: list[str], shown: list[Block]) -> list[str]:
    """Text that sits between block elements with no element of its own (the tail of a
    nested division, a line after a heading) and that trafilatura left out, put back where
    the page shows it: between two paragraphs it kept. Only loose text is put back, never
    an element it removed (a newsletter box, an advert), and only of MIN_ITEM_WORDS words."""
    kept = {" ".join(p.split()): i for i, p in enumerate(paragraphs)}
    at = [kept.get(" ".join(b.text.split())) for b in shown]  # page block → paragraph
    joined = "\n".join(" ".join(p.split()) for p in paragraphs)
    later = [False] * (len(shown) + 1)  # is a kept paragraph further down the page?
    for i in range(len(shown) - 1, -1, -1):
        later[i] = later[i + 1] or at[i] is not None
    after: dict[int, list[str]] = {}
    last: int | None = None
    for i, block in enumerate(shown):
        if at[i] is not None:
            last = at[i]
            continue
        if (
            last is None
            or not block.loose
            or block.furniture
            or _words(block.text) < MIN_ITEM_WORDS
            or " ".join(block.text.split()) in joined
            or not later[i + 1]
        ):
            continue
        after.setdefault(last, []).append(block.text)
    if not after:
        return paragraphs
    out: list[str] = []
    for i, p in enumerate(paragraphs):
        out += [p, *after.get(i, [])]
    return out


# A paragraph of an article's <header> whose class says it is a byline or a date is not
# part of the article's text.
_BYLINE = re.compile(r"byline|author|date|time|meta|credit|share", re.IGNORECASE)


def _standfirst(paragraphs: list[str], html: str) -> list[str]:
    """The article's standfirst (the sub-headline in its <header>, beside the headline),
    put first when trafilatura left it out: a page that marks its body (``itemprop=
    "articleBody"``) gets only the body extracted, and a writer quotes the standfirst as
    often as the body. Paragraphs of MIN_PARAGRAPH_WORDS words, not bylines or dates."""
    if "<header" not in html.lower():
        return paragraphs  # no page parse for pages with no header at all
    tree = _parse(html)
    joined = "\n".join(" ".join(p.split()) for p in paragraphs)
    found: list[str] = []
    for header in tree.xpath("//article//header | //main//header"):
        for el in header.iter("p"):
            if _BYLINE.search(str(el.get("class") or "")):
                continue
            walk = _Walk(_HTML_BLOCKS, br="br", row="tr", skip=_INVISIBLE)
            walk.visit(el)
            walk.flush()
            for text in walk.texts():
                flat = " ".join(text.split())
                if _words(flat) >= MIN_PARAGRAPH_WORDS and flat not in joined:
                    found.append(text)
    return [*dict.fromkeys(found), *paragraphs]


def _page_titles(html: str) -> list[str]:
    """The titles the page gives itself: ``og:title``, then ``<title>``."""
    import lxml.html

    tree = lxml.html.fromstring(html)
    found = tree.xpath("//meta[@property='og:title']/@content | //title/text()")
    return [" ".join(str(t).split()) for t in found if str(t).strip()]


def _headlines(html: str) -> list[str]:
    """The article's <h1> texts: those inside <article> or <main>, else the page's only
    <h1> (a page with several outside the article has a logo or a section name in one)."""
    import lxml.html

    tree = lxml.html.fromstring(html)
    inside = tree.xpath("//article//h1 | //main//h1")
    found = inside or list(tree.iter("h1"))
    texts = [t for t in dict.fromkeys(" ".join(h.text_content().split()) for h in found) if t]
    return texts if inside or len(texts) == 1 else []


def _name_key(name: str) -> str:
    return " ".join(name.casefold().split()).removeprefix("the ")


def _is_site(part: str, site: str, host: str) -> bool:
    """Whether ``part`` of a title is the site's name, or its address's name spelt out."""
    key = _name_key(part)
    return bool(key) and (key == _name_key(site) or key.replace(" ", "") == host.casefold())


def clean_title(title: str, site: str, headlines: list[str], host: str = "") -> str:
    """The headline without the site's name: "Cranes approved - Harbour Ledger" → "Cranes
    approved", "Harbour Ledger | Cranes approved" → "Cranes approved". The site is named by
    ``site`` (its name) or ``host`` (its web address's name, ``harbourledger``: "Harbour
    Ledger" spelt without spaces). The article's <h1> wins when the title starts or ends
    with it, and when the title had the site's name and what is left differs from it (the
    headline as the article prints it)."""
    title = " ".join(title.split())

    def is_site(part: str) -> bool:
        return _is_site(part, site, host)

    # An <h1> that is the site's name (a logo) is not the headline.
    heads = [h for h in headlines if not is_site(h)]
    for h1 in heads:
        if h1 == title:
            return title
        for sep in _TITLE_SEPARATORS:
            if title.startswith(h1 + sep) or title.endswith(sep + h1):
                return h1
    stripped = title
    for sep in _PREFIX_SEPARATORS:
        head, found, tail = title.rpartition(sep)
        if found and head and is_site(tail) and sep in _TITLE_SEPARATORS:
            stripped = _without_section(head.strip(), sep, headline_first=True)
            break
        head, found, tail = title.partition(sep)
        if found and tail and is_site(head):
            stripped = _without_section(tail.strip(), sep, headline_first=False)
            break
    if (stripped != title or not title) and len(heads) == 1 and _words(heads[0]) >= 3:
        return heads[0]
    return stripped


def _without_section(rest: str, sep: str, *, headline_first: bool) -> str:
    """What is left of a title once the site's name is gone, without a section name between
    it and the headline: "Cranes approved | Business" → "Cranes approved" (the headline is
    the part farthest from where the site's name was)."""
    if sep not in _SECTION_SEPARATORS or sep not in rest:
        return rest
    parts = rest.split(sep)
    headline, sections = (parts[0], parts[1:]) if headline_first else (parts[-1], parts[:-1])
    if all(_words(p) <= MAX_SECTION_WORDS for p in sections) and headline.strip():
        return headline.strip()
    return rest


def extract_article(html: str, shown: str, url: str = "") -> Article:
    """The main article of a page. ``shown`` names the file or URL in errors.

    trafilatura's default mode first; when it keeps much less than the article area's
    visible text, its recall mode too, and the fuller of the two is used (``note`` says so).
    """
    from lxml.etree import LxmlError

    if not html.strip():
        raise InputError(shown, "is empty: there is no page to read")
    if "\x00" in html[:4096]:
        raise InputError(shown, "looks like a binary file (it contains NUL bytes), not a page")
    try:
        doc = _extract(_prepare(html), url, recall=False)
        paragraphs = _paragraphs(doc)
        note = ""
        page = page_blocks(html)
        visible = sum(len(b.text) for b in page if not b.furniture)
        if _size(paragraphs) < VISIBLE_SHARE * visible or not _is_article(paragraphs):
            # The metadata of the first run stands (finding it again is half the cost).
            has_meta = doc is not None and not isinstance(doc, dict)
            fuller = _extract(_prepare(html), url, recall=True, metadata=not has_meta)
            more = _paragraphs(fuller)
            if _size(more) >= RECALL_GAIN * _size(paragraphs) and _is_article(more):
                note = (
                    f"{shown}: trafilatura's default extraction kept {_size(paragraphs):,} of "
                    f"the page's {visible:,} visible characters; used its recall mode "
                    f"({_size(more):,} characters)"
                )
                paragraphs = more
                doc = doc if has_meta else fuller
        paragraphs = _loose_text(_page_spacing(_resplit(paragraphs, page), page), page)
        paragraphs = _standfirst(paragraphs, html)
        headlines, page_titles = _headlines(html), _page_titles(html)
    except (LxmlError, ValueError, TypeError) as exc:  # a document lxml cannot parse
        raise InputError(shown, f"is not an HTML page that can be parsed ({exc})") from None
    if not paragraphs:
        raise InputError(shown, "no article text found on the page")
    if not _is_article(paragraphs):
        raise InputError(
            shown, "no article text found on the page (only menus, forms or fragments)"
        )
    site = (doc.sitename or "").strip()
    host = _host_name(doc.url or url)
    # trafilatura takes a lone <h1> for the title even when it is the site's logo: then the
    # page's own og:title or <title> says the headline.
    titles = [doc.title or "", *page_titles]
    title = next((t for t in titles if t and not _is_site(t, site, host)), titles[0])
    cleaned = clean_title(title, site, headlines, host)
    # trafilatura cuts a title of several parts at one separator, and can keep the wrong
    # ones ("Site · Section · Headline" → "Site · Section"): when its title is a piece of the
    # page's own and the page's own names the site, the page's own is cleaned instead.
    for whole in (t for t in page_titles if title and title != t and title in t):
        if clean_title(whole, site, headlines, host) != whole:
            cleaned = clean_title(whole, site, headlines, host)
            break
    return Article(
        text="\n\n".join(paragraphs),
        title=cleaned,
        publication=site,
        author=(doc.author or "").strip(),
        date=(doc.date or "").strip(),
        url=(doc.url or url or "").strip(),
        note=note,
    )


def _host_name(url: str) -> str:
    """The site's name in its address (``harbourledger``), or "" when it names none."""
    name = fallback_id(url) if url else "page"
    return "" if name == "page" else name


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
) -> tuple[Source, str | None]:
    """A ``Source`` from a page's bytes, and a warning when the fuller extraction was used.
    ``url`` is where it was fetched from, if anywhere; the page's canonical URL, when it
    names one, becomes the source's url."""

    article = extract_article(decode_html(data, header_charset, shown), shown, url)
    # The site's name makes the most readable id; the page's canonical URL names the site
    # even when the copy came from a file, a mirror or a local test server.
    named = fallback_id(article.url) if article.url else "page"
    source = Source(
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
    return source, article.note or None
