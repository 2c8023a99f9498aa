"""Find every quoted span in a Markdown draft, reading the Markdown text alone.

Takes the draft's Markdown (body, without front matter) and the sources' names for
attribution; returns ``Quote`` objects in draft order. Pure: no I/O.

Rules (DESIGN.md § Quote extraction), and the one refinement made here:
- Double quotes delimit quotations and nest; only the outermost quotation is a ``Quote``.
- Each paragraph of a blockquote is a quotation, with or without marks of its own.
- A paragraph that opens with a mark and ends with a closing mark, but whose marks do not
  balance, is one quotation of everything between the first and last mark. Writers wrap a
  source paragraph that has quote marks of its own in a pair of marks, and the marks then
  collide (the house-style example does this twice). Only a paragraph that opens a quotation
  and does *not* end with a closing mark continues into following paragraphs that open with a
  mark (the English multi-paragraph convention).
- Single quotes are scare quotes or terms; apostrophes are not quotes.
- Code spans, code blocks, link targets and HTML are never quotations; link text is text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

from drafter.models import Kind, Quote, Source

OPEN_DOUBLE = "“„"
CLOSE_DOUBLE = "”"
STRAIGHT = '"'
OPEN_SINGLE = "‘"
CLOSE_SINGLE = "’"
_OPENING_CONTEXT = set(" \t\n([{—–-/“‘")

_TITLE_INTRO = re.compile(
    r"(?:\b(?:in|titled|entitled|headlined|headline|called|piece|article|story|column|op-ed|essay|report)"
    r"|\b(?:reports?|reported|writes?|wrote|notes?|noted))[ \t]*[:,]?[ \t]*$",
    re.IGNORECASE,
)
_LEAD_IN_VERB = re.compile(
    r"\b(?:reports?|reported|reporting|writes?|wrote|notes?|noted|says|said|explains?|explained|"
    r"observes?|observed|describes?|described|adds?|added|according to|puts it|put it|"
    r"quotes?|quoted)\b",
    re.IGNORECASE,
)


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True, "typographer": False})
    # Keep entities and escapes as their own tokens so that we know markup was there.
    md.core.ruler.disable("text_join")
    return md


_MD = _parser()


@dataclass
class Paragraph:
    """The plain text of one Markdown paragraph (or heading) as a reader sees it."""

    text: str
    line: int  # 1-based line of the file where it starts
    in_blockquote: bool
    code: list[tuple[int, int]] = field(default_factory=list)
    markup: list[int] = field(default_factory=list)  # offsets where markup was dropped
    hrefs: list[str] = field(default_factory=list)

    def line_at(self, offset: int) -> int:
        return self.line + self.text.count("\n", 0, offset)

    def in_code(self, offset: int) -> bool:
        return any(a <= offset < b for a, b in self.code)

    def has_markup(self, start: int, end: int) -> bool:
        return any(start <= m <= end for m in self.markup)


def paragraphs(markdown: str, first_line: int = 1) -> Iterator[Paragraph]:
    """The text blocks of a Markdown document that may contain quotations."""
    depth = 0
    tokens = _MD.parse(markdown)
    for i, tok in enumerate(tokens):
        if tok.type == "blockquote_open":
            depth += 1
        elif tok.type == "blockquote_close":
            depth -= 1
        elif tok.type == "inline" and tok.map is not None:
            opener = tokens[i - 1].type if i else ""
            if opener in ("paragraph_open", "heading_open"):
                yield flatten(tok, first_line + tok.map[0], depth > 0)


# Links that are no Markdown link: an HTML <a href> and a bare address (which most Markdown
# renderers show as a link), so that a post pasted from elsewhere names its sources too.
_HTML_HREF = re.compile(r"""<a\s[^>]*?href\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_BARE_URL = re.compile(r"https?://[^\s<>\"'“”‘’]+")


def _bare_urls(text: str) -> list[str]:
    """The http(s) addresses written out in ``text``, without the punctuation after them."""
    out = []
    for m in _BARE_URL.finditer(text):
        url = m.group(0).rstrip(".,;:!?")
        while url.endswith(")") and url.count(")") > url.count("("):
            url = url[:-1].rstrip(".,;:!?")
        out.append(url)
    return out


def flatten(inline: Token, line: int, in_blockquote: bool) -> Paragraph:
    """The reader's text of one inline token (``render`` walks the same tokens)."""
    para = Paragraph("", line, in_blockquote)
    parts: list[str] = []
    size = 0
    for child in inline.children or []:
        kind = child.type
        if kind == "text":
            piece = child.content
            para.hrefs += _bare_urls(piece)
        elif kind == "text_special":
            piece = child.content
            if child.info == "entity":
                para.markup.append(size)
        elif kind in ("softbreak", "hardbreak"):
            piece = "\n"
        elif kind == "code_inline":
            piece = child.content
            para.code.append((size, size + len(piece)))
        elif kind == "image":
            piece = ""
        else:  # em/strong/link open-close, html_inline: markup, no text of its own
            piece = ""
            if kind == "link_open":
                para.hrefs.append(str(child.attrs.get("href", "")))
            elif kind == "html_inline":
                para.hrefs += _HTML_HREF.findall(child.content)
            para.markup.append(size)
        parts.append(piece)
        size += len(piece)
    para.text = "".join(parts)
    return para


# --- quote marks --------------------------------------------------------------------------


def _double_marks(text: str, para: Paragraph, start: int = 0) -> list[tuple[int, bool]]:
    """(offset, is_opening) for each double quote mark, straight ones decided by context."""
    marks = []
    openers: list[str] = []
    for i in range(start, len(text)):
        c = text[i]
        if c not in OPEN_DOUBLE and c not in CLOSE_DOUBLE and c != STRAIGHT:
            continue
        if para.in_code(i):
            continue
        if c == "“" and openers and openers[-1] == "„":
            opening = False  # German „…“: the low mark opens, the high one closes
        elif c in OPEN_DOUBLE:
            opening = True
        elif c in CLOSE_DOUBLE:
            opening = False
        else:
            before = text[i - 1] if i > 0 else " "
            after = text[i + 1] if i + 1 < len(text) else " "
            starts_word = not after.isspace() and after not in ".,;:!?)]}"
            if before in _OPENING_CONTEXT and not after.isspace():
                opening = True
            elif not openers and starts_word and (before in ":：" or _cjk(before)):
                opening = True  # He said:"we …", 他说"…": nothing is open, so this opens
            elif not before.isspace():
                opening = False
            else:
                opening = not openers
        if opening:
            openers.append(c)
        elif openers:
            openers.pop()
        marks.append((i, opening))
    return marks


def _cjk(c: str) -> bool:
    """Chinese, Japanese and Korean script: no spaces separate words (or quotes) from it."""
    return "\u2e80" <= c <= "\u9fff" or "\uac00" <= c <= "\ud7af" or "\uf900" <= c <= "\ufaff"


def _is_apostrophe(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if before.isalnum() and after.isalnum():
        return True  # don’t, China’s, rock’n’roll
    return not before.isalnum() and after.isdigit()  # ’90s


def _single_spans(text: str, para: Paragraph, skip: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Content spans of single-quoted terms outside double quotations."""
    spans = []
    open_at: int | None = None
    for i, c in enumerate(text):
        if c not in "‘’'" or para.in_code(i) or any(a <= i < b for a, b in skip):
            continue
        if _is_apostrophe(text, i):
            continue
        before = text[i - 1] if i > 0 else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        opening = c == OPEN_SINGLE or (
            c == "'" and before in _OPENING_CONTEXT and not after.isspace()
        )
        if opening and not (c == "'" and open_at is not None and not before.isspace()):
            open_at = i
        elif open_at is not None and not before.isspace():
            if sum(ch.isalnum() for ch in text[open_at + 1 : i]) >= 2:  # not rock 'n' roll
                spans.append((open_at + 1, i))
            open_at = None
    return spans


@dataclass
class _Span:
    start: int  # content start (after the opening mark)
    end: int  # content end (before the closing mark)
    block: bool


def _double_spans(text: str, para: Paragraph) -> tuple[list[_Span], _Span | None]:
    """Top-level quotations of a paragraph, and an unclosed one that may continue."""
    body_start = len(text) - len(text.lstrip())
    body_end = len(text.rstrip())
    marks = _double_marks(text, para)
    stack: list[int] = []
    spans: list[_Span] = []
    stray_close = False
    for pos, opening in marks:
        if opening:
            stack.append(pos)
        elif stack:
            start = stack.pop()
            if not stack:
                spans.append(_Span(start + 1, pos, start == body_start and pos == body_end - 1))
        else:
            stray_close = True
    if not marks:
        return [], None
    first_pos, first_open = marks[0]
    last_pos, last_open = marks[-1]
    wraps = first_open and first_pos == body_start and not last_open and last_pos == body_end - 1
    if (stack or stray_close) and wraps:
        return [_Span(first_pos + 1, last_pos, True)], None
    if stack:
        outer = stack[0]
        # An unclosed quotation runs to the paragraph's end (and maybe into the next one).
        return spans, _Span(outer + 1, len(text), outer == body_start)
    return spans, None


# --- attribution --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Names:
    source_id: str
    patterns: tuple[re.Pattern[str], ...]
    urls: tuple[str, ...]


def _names(sources: Sequence[Source]) -> list[_Names]:
    out = []
    for s in sources:
        pats = []
        # Names are matched as written: a publication called "Time" or "The Information"
        # must not be found in "at the same time" or "the information". Only a long title
        # is matched in any case (headlines get recapitalised).
        long_title = len(s.title.split()) >= 4
        for value, flags in (
            (s.publication, 0),
            (s.title, re.IGNORECASE if long_title else 0),
            (s.short_name, 0),
        ):
            value = value.strip()
            article = ""
            if value.lower().startswith("the ") and len(value) > 6:
                # "The Harbour Ledger" is "the Harbour Ledger" mid-sentence, or just
                # "Harbour Ledger": the article is optional and in either case.
                value, article = value[4:].strip(), r"(?:[Tt]he\s+)?"
            if len(value) >= 2:
                escaped = r"\s+".join(re.escape(w) for w in value.split())
                pats.append(re.compile(rf"(?<!\w){article}{escaped}(?!\w)", flags))
        url = _bare_url(s.url)
        out.append(_Names(s.id, tuple(pats), (url,) if url else ()))
    return out


def _bare_url(url: str) -> str:
    return re.sub(r"^https?://(www\.)?", "", url.strip()).rstrip("/").lower()


def _named(para: Paragraph, names: list[_Names], upto: int) -> str | None:
    """The source named last in the paragraph before ``upto`` (text or link target).
    When that name fits several sources (two articles of one publication), the one the
    paragraph links is meant."""
    at, named = -1, []  # where the last name starts, and every source it fits
    prefix = para.text[:upto]
    for n in names:
        for pat in n.patterns:
            for m in pat.finditer(prefix):
                if m.start() > at:
                    at, named = m.start(), [n.source_id]
                elif m.start() == at and n.source_id not in named:
                    named.append(n.source_id)
    linked = []
    for href in para.hrefs:
        bare = _bare_url(href)
        for n in names:
            if any(bare == u or (u and bare.startswith(u + "/")) for u in n.urls):
                linked.append(n.source_id)
    if named:
        return next((s for s in reversed(named) if s in linked), named[-1])
    return linked[0] if linked else None


# --- the stage ----------------------------------------------------------------------------


def extract(markdown: str, sources: Sequence[Source] = (), first_line: int = 1) -> list[Quote]:
    """Every quotation in ``markdown``, in order. ``first_line`` is the file line of its start."""
    return extract_paragraphs(paragraphs(markdown, first_line), sources)


def extract_paragraphs(paras: Iterable[Paragraph], sources: Sequence[Source] = ()) -> list[Quote]:
    """Every quotation in a run of paragraphs, by the same rules as ``extract``.

    ``render`` reads its HTML output back into paragraphs and calls this, so that the quotes a
    reader of the output sees are found exactly as the checker found them in the draft.
    """
    names = _names(sources)
    quotes: list[Quote] = []
    current: str | None = None
    pending: tuple[str, int, bool, bool] | None = None  # text so far, line, block, markup

    def add(text: str, line: int, kind: Kind, attributed: str | None, **flags: bool) -> None:
        text = text.strip()
        if text:
            quotes.append(Quote(f"q{len(quotes) + 1}", text, line, kind, attributed, **flags))

    for para in paras:
        text = para.text
        if pending is not None:
            so_far, line, block, markup = pending
            pending = None
            if text[:1] in OPEN_DOUBLE + STRAIGHT:
                cont = _continuation(para)
                joined = so_far + "\n\n" + text[1 : cont.end]
                if cont.end == len(text) and not text.rstrip().endswith(
                    tuple(CLOSE_DOUBLE + STRAIGHT)
                ):
                    pending = (joined, line, block, markup or para.has_markup(0, cont.end))
                else:
                    add(joined, line, Kind.BLOCK if block else Kind.INLINE, current, markup=markup)
                    rest = para.text[cont.end + 1 :]
                    if rest.strip():
                        # Commentary after the quotation closes, e.g. `…,” he said.`
                        current = _named(para, names, len(text)) or current
                continue
            add(so_far, line, Kind.BLOCK if block else Kind.INLINE, current, markup=markup)

        if para.in_blockquote:
            spans, unclosed = _double_spans(text, para)
            body = text.strip()
            offset = text.find(body[:1]) if body else 0
            if unclosed is None and len(spans) == 1 and spans[0].block:
                offset, body = spans[0].start, text[spans[0].start : spans[0].end]
            add(
                body,
                para.line_at(offset),
                Kind.BLOCK,
                current,
                markup=para.has_markup(offset, offset + len(body)),
            )
            continue

        spans, unclosed = _double_spans(text, para)
        whole = (len(spans) == 1 and spans[0].block) or (not spans and unclosed and unclosed.block)
        before = current  # quotes in this paragraph are attributed by what precedes them
        if not whole:
            # Commentary: it may name a source (a lead-in) or end a run of quotes from one.
            named = _named(para, names, len(text))
            if named is not None:
                current = named
            elif text.rstrip().endswith(":") and _LEAD_IN_VERB.search(text):
                current = None
        for span in spans:
            attributed = before if span.block else (_named(para, names, span.start) or before)
            intro = bool(_TITLE_INTRO.search(text[: span.start - 1]))
            add(
                text[span.start : span.end],
                para.line_at(span.start),
                Kind.BLOCK if span.block else Kind.INLINE,
                attributed,
                markup=para.has_markup(span.start, span.end),
                title_intro=intro,
            )
        if unclosed is not None:
            content = text[unclosed.start :]
            if text.rstrip().endswith(tuple(CLOSE_DOUBLE + STRAIGHT)) or not unclosed.block:
                add(
                    content.rstrip().rstrip(CLOSE_DOUBLE + STRAIGHT),
                    para.line_at(unclosed.start),
                    Kind.BLOCK if unclosed.block else Kind.INLINE,
                    current,
                    markup=para.has_markup(unclosed.start, len(text)),
                )
            else:
                pending = (
                    content,
                    para.line_at(unclosed.start),
                    unclosed.block,
                    para.has_markup(unclosed.start, len(text)),
                )
        skip = [(s.start - 1, s.end + 1) for s in spans]
        if unclosed is not None:
            skip.append((unclosed.start - 1, len(text)))
        for a, b in _single_spans(text, para, skip):
            add(
                text[a:b],
                para.line_at(a),
                Kind.INLINE,
                _named(para, names, a) or current,
                single=True,
                markup=para.has_markup(a, b),
            )
    if pending is not None:
        so_far, line, block, markup = pending
        add(so_far, line, Kind.BLOCK if block else Kind.INLINE, current, markup=markup)
    return quotes


def _continuation(para: Paragraph) -> _Span:
    """Where a quotation continued from the previous paragraph closes in this one."""
    depth = 1
    for pos, opening in _double_marks(para.text, para, start=1):
        depth += 1 if opening else -1
        if depth == 0:
            return _Span(1, pos, False)
    text = para.text.rstrip()
    if text.endswith(tuple(CLOSE_DOUBLE + STRAIGHT)):
        return _Span(1, len(text) - 1, False)
    return _Span(1, len(para.text), False)
