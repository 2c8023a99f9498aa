"""The post's Markdown as HTML, with the checked quotes marked: the body of every HTML output.

Takes a draft's text and the ``QuoteCheck``s of checking it; returns HTML strings. Pure.
``render`` (the publishable outputs) and ``report_html`` (the editor's report) both build
their bodies here and differ only in their ``Marker``: which quotes to mark and how.

- markdown-it-py runs with raw HTML disabled (a draft's ``<script>`` or ``<img onerror=…>``
  shows as text) and no typographer, so quote text is never rewritten.
- Each checked quote is placed in the rendered paragraphs (``locate``) by the same offsets as
  ``extract.flatten``; marks are cut at every inline tag so the HTML stays well nested.
- Links keep only ``http``, ``https`` and ``mailto`` targets; any other link keeps its text and
  loses the ``<a>``. HTML comments on lines of their own (drafter's marks, writers' notes) are
  dropped (``split_post``).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

import markupsafe
from markdown_it import MarkdownIt
from markdown_it.token import Token

from drafter.checker.extract import (
    DOUBLE_PAIRS,
    SINGLE_PAIRS,
    Paragraph,
    blank_lines,
    comment_blocks,
    extract_paragraphs,
    flatten,
    parse,
    parser,
)
from drafter.checker.placeholders import PATTERN as PLACEHOLDER
from drafter.models import QuoteCheck, Source
from drafter.sources import frontmatter

_SAFE_SCHEMES = ("http:", "https:", "mailto:")


# --- parsing ------------------------------------------------------------------------------


# Raw HTML off: a draft's tags are shown as text, never passed through. No typographer:
# straight quotes stay straight and `--` stays `--`, so quote text is never rewritten. The
# checker's parser settings (``extract.parser``): the same nesting limit on both sides.
MD: MarkdownIt = parser(html=False)


def safe_url(url: str) -> bool:
    """True for the link targets a newsletter may carry: http, https and mailto."""
    cleaned = re.sub(r"[\x00-\x20]", "", url).lower()
    return cleaned.startswith(_SAFE_SCHEMES)


@dataclass(frozen=True)
class Post:
    """A draft split into what is published and what is drafter's."""

    meta: Mapping[str, object]
    body: str  # the body with drafter's comment blocks blanked (line numbers kept)
    first_line: int  # file line of the body's first line
    dropped: frozenset[int]  # 0-based body lines that held comment blocks


def split_post(draft_text: str) -> Post:
    """Front matter off; HTML comment blocks (drafter's marks, notes) blanked, lines kept."""
    doc = frontmatter.split(draft_text)
    dropped = comment_blocks(doc.body)  # the checker drops the same blocks
    return Post(doc.meta, blank_lines(doc.body, dropped), doc.body_line + 1, dropped)


def title_of(post: Post, fallback: str = "") -> str:
    """The front matter's title, else the first ``# heading``, else ``fallback``."""
    title = post.meta.get("title")
    if isinstance(title, str) and title.strip():
        return title.strip()
    tokens = MD.parse(post.body)
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open" and tok.tag == "h1":
            return tokens[i + 1].content
    return fallback


# --- the Markdown output, made safe as the HTML outputs are -----------------------------------

# A scheme (letters, then ":") at the start of a link target; http, https and mailto pass.
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:")
_SAFE_AUTOLINK = re.compile(r"<(?:https?:|mailto:)[^<>\s]*>|<[\w.+-]+@[\w.-]+>", re.IGNORECASE)
_DEFINITION = re.compile(r"^( {0,3})\[([^\]]+)\]:[ \t]*<?([^\s>]*)")


def _dangerous(target: str) -> bool:
    """A link target that could run something where the Markdown is published: any scheme
    but http, https and mailto (``javascript:``, ``data:``, ``vbscript:``, ``file:``), also
    written with entities or control characters. Relative targets do no harm."""
    import html

    cleaned = re.sub(r"[\x00-\x20]", "", html.unescape(target)).lower()
    return bool(_SCHEME.match(cleaned)) and not safe_url(cleaned)


def code_lines(body: str) -> frozenset[int]:
    """0-based lines of fenced and indented code blocks: shown verbatim, nothing to escape."""
    out: set[int] = set()
    for tok in MD.parse(body):
        if tok.type in ("fence", "code_block") and tok.map is not None:
            out.update(range(tok.map[0], tok.map[1]))
    return frozenset(out)


def _link_open(line: str, close: int) -> int:
    """The ``[`` that the ``]`` at ``close`` ends (nested brackets counted), or -1."""
    depth = 0
    for i in range(close, -1, -1):
        if i and line[i - 1] == "\\":
            continue
        if line[i] == "]":
            depth += 1
        elif line[i] == "[":
            depth -= 1
            if depth == 0:
                return i
    return -1


def _unsafe_links(line: str) -> str:
    """Links and images to dangerous targets, made harmless without changing what the
    checker reads: one that Markdown already shows as text (markdown-it refuses such
    targets) gets its ``[`` escaped so that no other renderer makes it a link; one it does
    make a link keeps its text and loses its target, like the ``<a>`` the HTML drops."""
    definition = _DEFINITION.match(line)
    if definition and _dangerous(definition.group(3)):
        return f"{definition.group(1)}\\{line[len(definition.group(1)) :]}"
    import html

    pos = len(line)
    while (j := line.rfind("](", 0, pos)) >= 0:
        pos = j
        target, end = _target(line, j + 2)
        i = _link_open(line, j)
        if i < 0 or not _dangerous(target):
            continue
        image = i > 0 and line[i - 1] == "!"
        if end >= 0 and MD.validateLink(MD.normalizeLink(html.unescape(target))):
            # A link (or image) in drafter's reading: keep the text a reader sees.
            start = i - 1 if image else i
            line = line[:start] + ("" if image else line[i + 1 : j]) + line[end + 1 :]
        else:
            line = f"{line[:i]}\\{line[i:]}"
    return line


def _target(line: str, at: int) -> tuple[str, int]:
    """The link target starting at ``at`` (just after ``](``) and the offset of the ``)``
    that ends the link, or -1. Parentheses in a target nest, as CommonMark has it."""
    i = at
    while i < len(line) and line[i] in " \t":
        i += 1
    if line.startswith("<", i):
        close = line.find(">", i)
        target, i = (line[i + 1 : close], close + 1) if close >= 0 else ("", len(line))
    else:
        start, depth = i, 0
        while i < len(line) and not line[i].isspace():
            if line[i] == "(":
                depth += 1
            elif line[i] == ")":
                if depth == 0:
                    break
                depth -= 1
            i += 1
        target = line[start:i]
    return target, line.find(")", i)


def _escape_html(line: str) -> str:
    """Every ``<`` that could open raw HTML or a link to a dangerous target as ``&lt;``:
    drafter's parser shows the same text either way, and no other renderer runs it. Code
    spans and http(s)/mailto autolinks are left alone."""
    out: list[str] = []
    i = 0
    while i < len(line):
        c = line[i]
        if c == "`":
            run = len(line) - len(line[i:].lstrip("`"))
            ticks = "`" * run
            end = line.find(ticks, i + run)
            while end >= 0 and line[end + run : end + run + 1] == "`":
                end = line.find(ticks, end + run + 1)
            stop = end + run if end >= 0 else i + run
            out.append(line[i:stop])
            i = stop
            continue
        if c == "<" and not (i and line[i - 1] == "\\") and not line.startswith("](", i - 2):
            auto = _SAFE_AUTOLINK.match(line, i)
            if auto:
                out.append(auto.group())
                i = auto.end()
                continue
            out.append("&lt;")
        else:
            out.append(c)
        i += 1
    return "".join(out)


def safe_markdown_line(line: str) -> str:
    """One line of the published Markdown with raw HTML and dangerous links defused, the
    text a reader (and the checker) sees unchanged. Not for lines of a code block."""
    if "<" not in line and "](" not in line and "]:" not in line:
        return line
    return _escape_html(_unsafe_links(line))


# --- where each checked quote sits in the rendered paragraphs ------------------------------


@dataclass(frozen=True)
class Span:
    """One paragraph's piece of a quote (a multi-paragraph quote has several)."""

    para: int
    start: int
    end: int
    check: QuoteCheck
    first: bool
    last: bool


def block_paragraphs(tokens: Sequence[Token], first_line: int) -> list[tuple[int, Paragraph]]:
    """(index of the inline token, its paragraph), as ``extract.paragraphs`` sees them."""
    out = []
    depth = 0
    for i, tok in enumerate(tokens):
        if tok.type == "blockquote_open":
            depth += 1
        elif tok.type == "blockquote_close":
            depth -= 1
        elif (
            tok.type == "inline"
            and tok.map is not None
            and i
            and tokens[i - 1].type in ("paragraph_open", "heading_open")
        ):
            out.append((i, flatten(tok, first_line + tok.map[0], depth > 0)))
    return out


_OPENERS = "".join(DOUBLE_PAIRS) + "".join(SINGLE_PAIRS)


def _find_quoted(para: Paragraph, text: str, start: int) -> int:
    """Where ``text`` starts in ``para`` at or after ``start`` as a quotation: just after an
    opening quote mark (spaces aside), or as a blockquote paragraph's text. The same words
    may also stand unquoted earlier on the line (“he called it X, and said “X””); marking
    those instead would leave the quotation itself unmarked. -1 when absent; the first
    occurrence when none looks quoted."""
    first = pos = para.text.find(text, start)
    while pos >= 0:
        before = para.text[:pos].rstrip()
        if (before and before[-1] in _OPENERS) or (para.in_blockquote and not before):
            return pos
        pos = para.text.find(text, pos + 1)
    return first


def _holding(paras: Sequence[Paragraph]) -> Callable[[int], list[int]]:
    """A lookup: line → the paragraphs (indexes, in order) whose lines include it.

    Paragraphs come in document order, so a binary search over their first lines and a
    running maximum of their last lines find them without a scan of every paragraph per
    quote: placing quotes stays linear in the draft's size, not quotes × paragraphs.
    """
    firsts = [p.line for p in paras]
    reach: list[int] = []  # the furthest last line of paragraphs 0..i
    for p in paras:
        last = p.line + p.text.count("\n")
        reach.append(max(last, reach[-1]) if reach else last)

    def holding(line: int) -> list[int]:
        out = []
        i = bisect_right(firsts, line) - 1
        while i >= 0 and reach[i] >= line:
            if paras[i].line + paras[i].text.count("\n") >= line:
                out.append(i)
            i -= 1
        return out[::-1]

    return holding


def locate(
    paras: Sequence[Paragraph], checks: Sequence[QuoteCheck]
) -> tuple[list[Span], list[QuoteCheck]]:
    """Each quote's place in the paragraphs, and the quotes that could not be placed."""
    spans: list[Span] = []
    missing: list[QuoteCheck] = []
    cursor = [0] * len(paras)  # quotes come in order: search each paragraph past the last one
    holding = _holding(paras)
    for check in checks:
        q = check.quote
        parts = q.text.split("\n\n")  # the extractor joins continued paragraphs this way
        found: list[Span] = []
        for i in holding(q.line):
            p = paras[i]
            line_start = 0
            for _ in range(q.line - p.line):
                line_start = p.text.index("\n", line_start) + 1
            pos = _find_quoted(p, parts[0], max(line_start, cursor[i]))
            if pos < 0:
                pos = _find_quoted(p, parts[0], cursor[i])
            if pos < 0:  # an outer quotation listed after one nested in it (‘“…,” she said’)
                pos = _find_quoted(p, parts[0], line_start)
            if pos < 0:
                continue
            found = [Span(i, pos, pos + len(parts[0]), check, True, len(parts) == 1)]
            for k, part in enumerate(parts[1:], 1):
                j = i + k
                at = paras[j].text.find(part, cursor[j]) if j < len(paras) else -1
                if at < 0:
                    found = []
                    break
                found.append(Span(j, at, at + len(part), check, False, k == len(parts) - 1))
            if found:
                break
        if not found:
            missing.append(check)
            continue
        for s in found:
            cursor[s.para] = max(cursor[s.para], s.end)
        spans += found
    return spans, missing


# --- the HTML body, with quotes marked ---------------------------------------------------


class Marker:
    """How quotes are marked in HTML. The default marks only failing quotes (forced renders)."""

    def __init__(self, strict: bool = False) -> None:
        self.strict = strict

    def wanted(self, check: QuoteCheck) -> bool:
        return not check.passed(self.strict)

    def open(self, check: QuoteCheck, first: bool) -> str:
        status = markupsafe.escape(check.status.value)
        return (
            f'<mark class="quote-failed" data-status="{status}" '
            f'title="drafter: {status}, not verified against the sources">'
        )

    def close(self, check: QuoteCheck) -> str:
        return "</mark>"

    def after(self, check: QuoteCheck) -> str:
        # Marked data-drafter so that the read-back skips it: it is drafter's, not the post's.
        status = markupsafe.escape(check.status.value.replace("_", " "))
        return f'<sup class="quote-flag" data-drafter="flag">[unverified quote: {status}]</sup>'

    def block(self, checks: Sequence[QuoteCheck]) -> str:
        """HTML placed after the paragraph where these quotes end."""
        return ""


def _html_token(content: str, block: bool = False) -> Token:
    tok = Token("html_block" if block else "html_inline", "", 0)
    tok.content = content
    return tok


def _block_token(kind: str, nesting: Literal[-1, 0, 1]) -> Token:
    tok = Token(kind, "blockquote", nesting)
    tok.block = True  # the renderer ends block tags with a newline
    return tok


def _mark_inline(
    children: Sequence[Token], spans: Sequence[Span], marker: Marker, seen: set[str]
) -> list[Token]:
    """The inline tokens with marker tags around the quoted pieces.

    Offsets follow ``extract.flatten`` exactly. A mark is closed before every tag token and
    reopened after it, so marks never straddle ``<em>`` or ``<a>``: the HTML stays well nested.
    Links to other schemes than http/https/mailto lose their ``<a>`` and keep their text.
    """
    out: list[Token] = []
    offset = 0
    current: Span | None = None
    reached_end = False
    dropped_links: list[bool] = []
    # One sweep along the paragraph (offsets only grow), so a paragraph of n quotes costs n,
    # not n²: the span boundaries in order, and the spans begun and not yet ended.
    boundaries = sorted({b for s in spans for b in (s.start, s.end)})
    by_start = sorted(range(len(spans)), key=lambda k: spans[k].start)
    begun = 0
    active: list[int] = []

    def covering(a: int) -> Span | None:
        """The first span (in ``spans`` order) that covers offset ``a``."""
        nonlocal begun, active
        while begun < len(by_start) and spans[by_start[begun]].start <= a:
            active.append(by_start[begun])
            begun += 1
        active = [k for k in active if spans[k].end > a]
        return spans[min(active)] if active else None

    def close() -> None:
        nonlocal current
        if current is not None:
            out.append(_html_token(marker.close(current.check)))
            if reached_end and current.last:
                out.append(_html_token(marker.after(current.check)))
            current = None

    for tok in children:
        if tok.type in ("text", "text_special", "code_inline"):
            length = len(tok.content)
        elif tok.type in ("softbreak", "hardbreak"):
            length = 1
        else:
            close()
            if tok.type == "link_open":
                keep = safe_url(str(tok.attrGet("href") or ""))
                dropped_links.append(not keep)
                if keep:
                    out.append(tok)
            elif tok.type == "link_close":
                if not (dropped_links.pop() if dropped_links else False):
                    out.append(tok)
            elif tok.type == "image":
                if safe_url(str(tok.attrGet("src") or "")) and not (
                    str(tok.attrGet("src") or "").lower().startswith("mailto:")
                ):
                    out.append(tok)
            else:
                out.append(tok)
            continue
        cuts = {offset, offset + length}
        if tok.type == "text":
            inside = boundaries[
                bisect_right(boundaries, offset) : bisect_left(boundaries, offset + length)
            ]
            cuts.update(inside)
        bounds = sorted(cuts)
        for a, b in pairwise(bounds):
            piece = tok
            if len(bounds) > 2:
                piece = Token(tok.type, tok.tag, tok.nesting)
                piece.content = tok.content[a - offset : b - offset]
            span = covering(a)
            if span is not current:
                close()
                if span is not None:
                    first = span.first and span.check.quote.id not in seen
                    seen.add(span.check.quote.id)
                    out.append(_html_token(marker.open(span.check, first)))
                    current = span
            out.append(piece)
            reached_end = current is not None and b >= current.end
        offset += length
    close()
    return out


def _add_styles(tokens: Sequence[Token], styles: Mapping[str, str]) -> None:
    """Inline CSS on each element, for email clients that ignore ``<style>``."""
    for tok in tokens:
        if tok.nesting == 1 and tok.tag in styles:
            tok.attrSet("style", styles[tok.tag])
        for child in tok.children or []:
            if child.nesting == 1 and child.tag in styles:
                child.attrSet("style", styles[child.tag])


def _sets_off(para: Paragraph, span: Span, sources: Sequence[Source], style: str) -> bool:
    """Whether a whole-paragraph quote reads the same inside a ``<blockquote>``."""
    if para.in_blockquote or not (span.first and span.last) or span.check.quote.kind != "block":
        return False
    inside = Paragraph(para.text, para.line, True, para.code, para.markup, para.hrefs)
    found = extract_paragraphs([inside], sources, style)
    return [(q.text, q.kind) for q in found] == [(span.check.quote.text, span.check.quote.kind)]


def body_html(
    post: Post,
    checks: Sequence[QuoteCheck],
    marker: Marker | None = None,
    styles: Mapping[str, str] | None = None,
    sources: Sequence[Source] = (),
    set_off: bool = True,
    style: str = "us",
) -> tuple[str, list[QuoteCheck]]:
    """The post body as HTML with the wanted quotes marked; and the quotes it could not place.

    With ``set_off``, a paragraph that is one whole quotation (the house style's long quotes)
    goes into a ``<blockquote>``, so that previews and newsletter editors show it as one; it
    is set off only when the checker's rules read the same quote out of the blockquote.
    """
    marker = marker or Marker()
    tokens = parse(MD, post.body, post.first_line)
    paras = block_paragraphs(tokens, post.first_line)
    spans, missing = locate([p for _, p in paras], checks)
    all_by_para: dict[int, list[Span]] = {}
    for s in spans:
        all_by_para.setdefault(s.para, []).append(s)
    seen: set[str] = set()
    before: dict[int, list[Token]] = {}  # token index → tokens to insert before it
    after: dict[int, list[Token]] = {}  # token index → tokens to insert after it
    for n, (index, para) in enumerate(paras):
        here = all_by_para.get(n, [])
        wanted = [s for s in here if marker.wanted(s.check)]
        if (
            set_off
            and len(here) == 1
            and tokens[index - 1].type == "paragraph_open"
            and tokens[index - 1].level == 0  # a top-level paragraph, not a list item's
            and _sets_off(para, here[0], sources, style)
        ):
            before.setdefault(index - 1, []).append(_block_token("blockquote_open", 1))
            after.setdefault(index + 1, []).append(_block_token("blockquote_close", -1))
        inline = tokens[index]
        inline.children = _mark_inline(inline.children or [], wanted, marker, seen)
        ending = [s.check for s in wanted if s.last]
        extra = marker.block(ending) if ending else ""
        if extra:
            # After the paragraph_close (or heading_close), inside any blockquote of its own.
            after.setdefault(index + 1, []).insert(0, _html_token(extra + "\n", block=True))
    # Inline runs outside paragraphs and headings hold no quotes but may hold links: filter them.
    placed = {index for index, _ in paras}
    for i, tok in enumerate(tokens):
        if tok.type == "inline" and i not in placed:
            tok.children = _mark_inline(tok.children or [], [], marker, seen)
    out_tokens: list[Token] = []
    for i, tok in enumerate(tokens):
        out_tokens += before.get(i, [])
        out_tokens.append(tok)
        out_tokens += after.get(i, [])
    if styles:
        _add_styles(out_tokens, styles)
    html = MD.renderer.render(out_tokens, MD.options, {})
    return html, missing


_TAG = re.compile(r"(<[^>]*>)")


def mark_placeholders(html: str, style: str = "") -> str:
    """Every placeholder (``[TK: …]``) in the text of ``html`` wrapped in
    ``<mark class="placeholder">``, with ``style`` inline; tags and attributes are left alone
    (markdown-it escapes ``>`` inside attributes, so a tag never holds one)."""
    attrs = ' class="placeholder" title="drafter: placeholder, fill it in before publishing"'
    if style:
        attrs += f' style="{markupsafe.escape(style)}"'
    parts = _TAG.split(html)
    for i in range(0, len(parts), 2):  # even items: the text between tags
        parts[i] = PLACEHOLDER.sub(lambda m: f"<mark{attrs}>{m.group(0)}</mark>", parts[i])
    return "".join(parts)
