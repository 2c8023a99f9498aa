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
from typing import Any, Literal

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
_TICKS = re.compile(r"`+")
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


# Characters that can make up the start of a link target up to its scheme's ":" once
# ``_dangerous`` cleans it: ASCII letters, digits, "+", ".", "-", ":", control characters
# (removed) and what an entity is written with ("&", "#", ";", letters, digits); also any
# other character whose lowercase is made of these (the Kelvin sign is "k").
_SCHEME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789+.-:&#;")
# Enough of a dangerous target for markdown-it to judge it (``validateLink`` looks at its
# scheme and, for data:, the media type): the rest never changes the verdict.
_JUDGED = 256


def _in_scheme(c: str) -> bool:
    return c <= " " or all(x in _SCHEME_CHARS for x in c.lower())


class _Links:
    """Where the links of one line start and end, found in one pass over it (each question
    is then answered in constant or logarithmic time): a line of thousands of ``](`` with
    no space is answered in linear time, not by a scan to its end per ``](``."""

    def __init__(self, line: str) -> None:
        self.line = line
        n = len(line)
        # The "[" each unescaped "]" closes (nested brackets counted; a character after an
        # odd number of backslashes is escaped: `\\]` is a backslash and a "]"), or -1.
        self.partner: dict[int, int] = {}
        opens: list[int] = []
        # The ")" positions by the parenthesis balance before them: a target that starts
        # at balance b ends at the first ")" at or after it with balance b.
        self.closes: dict[int, list[int]] = {}
        self.balance = [0] * (n + 1)
        self.parens: list[int] = []
        self.angles: list[int] = []
        self.spaces: list[int] = []
        backslashes = 0  # in a row just before k: an odd number escapes line[k]
        for k, c in enumerate(line):
            escaped = backslashes % 2 == 1
            backslashes = backslashes + 1 if c == "\\" else 0
            b = self.balance[k]
            if c == "(":
                b += 1
            elif c == ")":
                self.closes.setdefault(b, []).append(k)
                self.parens.append(k)
                b -= 1
            elif c == ">":
                self.angles.append(k)
            elif c.isspace():
                self.spaces.append(k)
            elif c == "[" and not escaped:
                opens.append(k)
            elif c == "]" and not escaped:
                self.partner[k] = opens.pop() if opens else -1
            self.balance[k + 1] = b
        # The end of the run of scheme characters that starts at each position.
        self.run_end = [n] * (n + 1)
        for k in range(n - 1, -1, -1):
            self.run_end[k] = self.run_end[k + 1] if _in_scheme(line[k]) else k

    @staticmethod
    def _next(positions: list[int], at: int, default: int) -> int:
        k = bisect_left(positions, at)
        return positions[k] if k < len(positions) else default

    def target(self, at: int) -> tuple[int, int, int]:
        """The link target starting at ``at`` (just after ``](``) as its start and end
        offsets, and the offset of the ``)`` that ends the link, or -1. Parentheses in a
        target nest, as CommonMark has it."""
        line, n = self.line, len(self.line)
        i = at
        while i < n and line[i] in " \t":
            i += 1
        if line.startswith("<", i):
            close = self._next(self.angles, i, -1)
            start, stop, i = (i + 1, close, close + 1) if close >= 0 else (i, i, n)
        else:
            start = i
            space = self._next(self.spaces, i, n)
            close = self._next(self.closes.get(self.balance[i], []), i, n)
            stop = i = min(space, close)
        return start, stop, self._next(self.parens, i, -1)

    def dangerous(self, start: int, stop: int) -> bool:
        # Only the run of scheme characters can hold the scheme: judging that run is
        # judging the whole target, and runs of different targets do not overlap.
        return _dangerous(self.line[start : min(stop, self.run_end[start])])


def _unsafe_links(line: str) -> str:
    """Links and images to dangerous targets, made harmless without changing what the
    checker reads: one that Markdown already shows as text (markdown-it refuses such
    targets) gets its ``[`` escaped so that no other renderer makes it a link; one it does
    make a link keeps its text and loses its target, like the ``<a>`` the HTML drops.
    Linear in the line: the links are found by ``_Links`` and the edits made in one pass."""
    definition = _DEFINITION.match(line)
    if definition and _dangerous(definition.group(3)):
        return f"{definition.group(1)}\\{line[len(definition.group(1)) :]}"
    if "](" not in line:
        return line
    import html

    links = _Links(line)
    cut = [0] * (len(line) + 1)  # +1 where a removed range starts, -1 where it ends
    escape: set[int] = set()
    pos = len(line)
    while (j := line.rfind("](", 0, pos)) >= 0:
        pos = j
        i = links.partner.get(j, -1)
        if i < 0:
            continue
        start, stop, end = links.target(j + 2)
        if not links.dangerous(start, stop):
            continue
        target = line[start : min(stop, start + _JUDGED)]
        if end >= 0 and MD.validateLink(MD.normalizeLink(html.unescape(target))):
            # A link in drafter's reading keeps the text a reader sees; an image goes whole.
            image = i > 0 and line[i - 1] == "!"
            for a, b in ((i - 1, end + 1),) if image else ((i, i + 1), (j, end + 1)):
                cut[a] += 1
                cut[b] -= 1
        else:
            escape.add(i)
    out: list[str] = []
    removed = 0
    for k, c in enumerate(line):
        removed += cut[k]
        if not removed:
            out.append(f"\\{c}" if k in escape else c)
    return "".join(out)


def _escape_html(line: str) -> str:
    """Every ``<`` that could open raw HTML or a link to a dangerous target as ``&lt;``:
    drafter's parser shows the same text either way, and no other renderer runs it. Code
    spans and http(s)/mailto autolinks are left alone."""
    out: list[str] = []
    i = 0
    while i < len(line):
        c = line[i]
        if c == "`":
            run = _TICKS.match(line, i).end() - i  # type: ignore[union-attr]
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


def _any_target(url: str) -> bool:
    return True


# A renderer as permissive as any a Markdown output may meet: raw HTML on, every link target
# accepted. ``unsafe_blocks`` reads the defused output with it.
_PERMISSIVE = MarkdownIt("commonmark", {"html": True})
_PERMISSIVE.validateLink = _any_target  # type: ignore[method-assign]


def unsafe_blocks(markdown: str) -> frozenset[int]:
    """0-based lines of blocks in which a permissive renderer still finds raw HTML or a
    link, autolink or image to a dangerous target. ``safe_markdown_line`` reads one
    line at a time, so a code span or a definition across lines can mislead it; its
    output is read back whole here, and these lines are then escaped without exception
    (``escape_all``)."""
    out: set[int] = set()
    for tok in _PERMISSIVE.parse(markdown):
        if tok.map is None:
            continue
        bad = tok.type == "html_block"
        for child in tok.children or ():
            target = str(child.attrGet("href") or child.attrGet("src") or "")
            # An autolink is a link_open too: its target is judged like any other.
            if child.type == "html_inline" or (target and _dangerous(target)):
                bad = True
        if bad:
            out.update(range(tok.map[0], tok.map[1]))
    return frozenset(out)


def escape_all(line: str) -> str:
    """The line with every ``<`` as ``&lt;`` and every unescaped ``[`` escaped: no renderer
    finds a tag, an autolink or a link in it (a code span in it shows the escapes)."""
    out: list[str] = []
    backslashes = 0
    for c in line:
        if c == "<":
            out.append("&lt;")
        elif c == "[" and backslashes % 2 == 0:
            out.append("\\[")
        else:
            out.append(c)
        backslashes = backslashes + 1 if c == "\\" else 0
    return "".join(out)


# markdown-it refuses a definition with a dangerous target (and shows it as text); this
# parser accepts every target, to find such definitions over any number of lines.
_ANY_TARGET = parser(html=False)
_ANY_TARGET.validateLink = _any_target  # type: ignore[method-assign]


def dangerous_definitions(body: str) -> frozenset[int]:
    """0-based lines of ``body`` that start a link reference definition (``[x]: target``,
    its label or target possibly on the lines after) whose target is dangerous: the
    ``[`` that opens it is escaped (``escape_label``), so that no renderer defines it."""
    env: dict[str, Any] = {}
    _ANY_TARGET.parse(body, env)
    found = [*env.get("references", {}).values(), *env.get("duplicate_refs", [])]
    return frozenset(r["map"][0] for r in found if _dangerous(str(r["href"])))


def escape_label(line: str) -> str:
    """The line with its first ``[`` escaped (the one that opens a definition's label)."""
    at = line.find("[")
    return line if at < 0 else f"{line[:at]}\\{line[at:]}"


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
