"""Render a checked draft for publication: Markdown, a standalone HTML page, an HTML fragment.

Takes the draft's text (front matter and all) and the ``CheckResult`` of checking it; returns
the three outputs as strings. Pure: no I/O (templates come through ``resources``; the CLI and
``drafter draft`` decide where the strings go).

The rules that keep published quotes honest (DESIGN.md § Invariants 3 and 4):

- **The gate.** Nothing is rendered while a quote fails, unless ``force=True``; then every
  failing quote is visibly marked (``<mark class="quote-failed">`` plus a flag in HTML, a bold
  warning paragraph in Markdown).
- **Rendering never changes quote text.** markdown-it-py runs with raw HTML disabled (a draft's
  ``<script>`` or ``<img onerror=…>`` shows as text) and no typographer; templates autoescape.
- **Read back and re-check.** After rendering, each output is read back (Markdown through the
  checker's own extractor, HTML through ``html.parser`` into the extractor's paragraphs) and
  the quotations found there must be exactly the ones the checker verified, in order. A
  difference is a bug in drafter or in a template override and stops the render
  (``RenderMismatchError``); nothing half-checked is returned.
- Links keep only ``http``, ``https`` and ``mailto`` targets; any other link keeps its text and
  loses the ``<a>``. HTML comments on lines of their own (drafter's marks, writers' notes) are
  dropped from every output.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from itertools import pairwise
from typing import Literal

import jinja2
import markupsafe
from markdown_it import MarkdownIt
from markdown_it.token import Token

from drafter import frontmatter, resources
from drafter.errors import EXIT_CHECK_FAILED, DrafterError, InputError
from drafter.extract import (
    OPEN_DOUBLE,
    OPEN_SINGLE,
    STRAIGHT,
    Paragraph,
    extract,
    extract_paragraphs,
    flatten,
)
from drafter.models import CheckResult, QuoteCheck, Source

FORMATS = ("md", "html", "fragment")
_SAFE_SCHEMES = ("http:", "https:", "mailto:")


class UnverifiedQuotesError(DrafterError):
    """The gate: a quote fails its check and the render was not forced."""

    exit_code = EXIT_CHECK_FAILED


class RenderMismatchError(DrafterError):
    """The output's quotes differ from the checked ones: a bug that stops the render."""


@dataclass(frozen=True)
class Rendered:
    """The three publishable forms of one post."""

    title: str
    md: str
    html: str
    fragment: str

    def get(self, fmt: str) -> str:
        return {"md": self.md, "html": self.html, "fragment": self.fragment}[fmt]


# --- parsing ------------------------------------------------------------------------------


def _parser() -> MarkdownIt:
    # Raw HTML off: a draft's tags are shown as text, never passed through. No typographer:
    # straight quotes stay straight and `--` stays `--`, so quote text is never rewritten.
    return MarkdownIt("commonmark", {"html": False, "typographer": False})


_MD = _parser()
# The checker's view, used only to find comment blocks to drop (it knows HTML blocks).
_MD_HTML = MarkdownIt("commonmark", {"html": True, "typographer": False})


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
    lines = doc.body.split("\n")
    dropped: set[int] = set()
    for tok in _MD_HTML.parse(doc.body):
        if (
            tok.type == "html_block"
            and tok.level == 0
            and tok.map is not None
            and tok.content.lstrip().startswith("<!--")
            and tok.content.rstrip().endswith("-->")
        ):
            dropped.update(range(tok.map[0], tok.map[1]))
    body = "\n".join("" if i in dropped else line for i, line in enumerate(lines))
    return Post(doc.meta, body, doc.body_line + 1, frozenset(dropped))


def title_of(post: Post, fallback: str = "") -> str:
    """The front matter's title, else the first ``# heading``, else ``fallback``."""
    title = post.meta.get("title")
    if isinstance(title, str) and title.strip():
        return title.strip()
    tokens = _MD.parse(post.body)
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open" and tok.tag == "h1":
            return tokens[i + 1].content
    return fallback


def fill(name: str, **context: object) -> str:
    """Render the HTML template ``name`` (autoescaped, strict); its errors name the file."""
    env = resources.environment("templates", autoescape=True)
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        where = exc.filename or name
        raise InputError(where, f"template error at line {exc.lineno}: {exc.message}") from None
    except jinja2.TemplateError as exc:
        raise InputError(name, f"template error: {exc}") from None


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


def _block_paragraphs(tokens: Sequence[Token], first_line: int) -> list[tuple[int, Paragraph]]:
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


_OPENERS = OPEN_DOUBLE + STRAIGHT + OPEN_SINGLE + "'"


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


def locate(
    paras: Sequence[Paragraph], checks: Sequence[QuoteCheck]
) -> tuple[list[Span], list[QuoteCheck]]:
    """Each quote's place in the paragraphs, and the quotes that could not be placed."""
    spans: list[Span] = []
    missing: list[QuoteCheck] = []
    cursor = [0] * len(paras)  # quotes come in order: search each paragraph past the last one
    for check in checks:
        q = check.quote
        parts = q.text.split("\n\n")  # the extractor joins continued paragraphs this way
        found: list[Span] = []
        for i, p in enumerate(paras):
            last_line = p.line + p.text.count("\n")
            if not p.line <= q.line <= last_line:
                continue
            line_start = 0
            for _ in range(q.line - p.line):
                line_start = p.text.index("\n", line_start) + 1
            pos = _find_quoted(p, parts[0], max(line_start, cursor[i]))
            if pos < 0:
                pos = _find_quoted(p, parts[0], cursor[i])
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
            cursor[s.para] = s.end
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
            cuts |= {b for s in spans for b in (s.start, s.end) if offset < b < offset + length}
        bounds = sorted(cuts)
        for a, b in pairwise(bounds):
            piece = tok
            if len(bounds) > 2:
                piece = Token(tok.type, tok.tag, tok.nesting)
                piece.content = tok.content[a - offset : b - offset]
            span = next((s for s in spans if s.start <= a < s.end), None)
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


def _sets_off(para: Paragraph, span: Span, sources: Sequence[Source]) -> bool:
    """Whether a whole-paragraph quote reads the same inside a ``<blockquote>``."""
    if para.in_blockquote or not (span.first and span.last) or span.check.quote.kind != "block":
        return False
    inside = Paragraph(para.text, para.line, True, para.code, para.markup, para.hrefs)
    found = extract_paragraphs([inside], sources)
    return [(q.text, q.kind) for q in found] == [(span.check.quote.text, span.check.quote.kind)]


def body_html(
    post: Post,
    checks: Sequence[QuoteCheck],
    marker: Marker | None = None,
    styles: Mapping[str, str] | None = None,
    sources: Sequence[Source] = (),
    set_off: bool = True,
) -> tuple[str, list[QuoteCheck]]:
    """The post body as HTML with the wanted quotes marked; and the quotes it could not place.

    With ``set_off``, a paragraph that is one whole quotation (the house style's long quotes)
    goes into a ``<blockquote>``, so that previews and newsletter editors show it as one; it
    is set off only when the checker's rules read the same quote out of the blockquote.
    """
    marker = marker or Marker()
    tokens = _MD.parse(post.body)
    paras = _block_paragraphs(tokens, post.first_line)
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
            and _sets_off(para, here[0], sources)
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
    html = _MD.renderer.render(out_tokens, _MD.options, {})
    return html, missing


# --- reading the output back -------------------------------------------------------------


_PARA_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6"}
_BLOCK_TAGS = {"ul", "ol", "blockquote", "pre", "div", "table", "hr", *_PARA_TAGS}
_VOID = {"br", "img", "hr", "meta", "link", "input", "wbr", "col", "area", "base", "source"}


class _ReadBack(HTMLParser):
    """HTML → the paragraphs a reader sees, built like ``extract.flatten`` builds them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paras: list[Paragraph] = []
        self.quote_depth = 0
        self.skip: list[str] = []  # open elements marked data-drafter (drafter's own flags)
        self.pre = 0
        self.cur: Paragraph | None = None
        self.cur_tag = ""
        self.parts: list[str] = []
        self.code_start: int | None = None
        self.after_br = False
        # Text a reader may see that is not in the flow: images' alt and titles, link titles.
        self.unread: list[str] = []
        # The text inside drafter's failure marks, one entry per run of adjacent marks (a
        # quote's mark is cut at every inline tag, so one quote part is one run).
        self.marked: list[str] = []
        self.in_mark = 0
        self.run: list[str] | None = None

    def _end_run(self) -> None:
        if self.run is not None:
            self.marked.append("".join(self.run))
            self.run = None

    def _size(self) -> int:
        return sum(len(p) for p in self.parts)

    def _flush(self) -> None:
        self._end_run()
        if self.cur is not None:
            self.cur.text = "".join(self.parts)
            if self.cur_tag != "li" or self.cur.text.strip():
                self.paras.append(self.cur)
        self.cur, self.cur_tag, self.parts = None, "", []

    def _start(self, tag: str) -> None:
        self._flush()
        self.cur = Paragraph("", 1, self.quote_depth > 0)
        self.cur_tag = tag

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skip:
            if tag not in _VOID:
                self.skip.append(tag)
            return
        if any(name == "data-drafter" for name, _ in attrs):
            if tag not in _VOID:
                self.skip.append(tag)
            return
        if tag in ("a", "img"):
            shown = ("title", "alt") if tag == "img" else ("title",)
            self.unread += [v for k, v in attrs if v and k in shown]
        self.after_br = False
        if tag == "blockquote":
            self._flush()
            self.quote_depth += 1
        elif tag == "pre":
            self._flush()
            self.pre += 1
        elif tag in _PARA_TAGS:
            self._start(tag)
        elif tag == "li":
            self._start("li")  # a tight list item's text has no <p>
        elif tag in _BLOCK_TAGS:
            if self.cur_tag == "li":
                self._flush()
        elif self.cur is not None:
            if tag == "br":
                self._text("\n")
                self.after_br = True
            elif tag == "code":
                self.code_start = self._size()
            elif tag == "mark" and "quote-failed" in (dict(attrs).get("class") or "").split():
                self.in_mark += 1
                if self.run is None:
                    self.run = []
            else:
                if tag == "a":
                    self.cur.hrefs.append(dict(attrs).get("href") or "")
                self.cur.markup.append(self._size())

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if self.skip:
            if tag == self.skip[-1]:
                self.skip.pop()
            return
        if tag == "blockquote":
            self._flush()
            self.quote_depth = max(self.quote_depth - 1, 0)
        elif tag == "pre":
            self.pre = max(self.pre - 1, 0)
        elif tag in _PARA_TAGS or tag == "li":
            if self.cur_tag == tag:
                self._flush()
        elif self.cur is not None:
            if tag == "code" and self.code_start is not None:
                self.cur.code.append((self.code_start, self._size()))
                self.code_start = None
            elif tag == "mark" and self.in_mark:
                self.in_mark -= 1
            elif tag not in _VOID:
                self.cur.markup.append(self._size())

    def handle_data(self, data: str) -> None:
        if self.skip or self.pre or self.cur is None:
            return
        if self.after_br and data.startswith("\n"):
            data = data[1:]  # markdown-it writes a hard break as "<br />\n": one line break
        self.after_br = False
        self._text(data)

    def _text(self, data: str) -> None:
        self.parts.append(data)
        if self.in_mark and self.run is not None:
            self.run.append(data)
        elif data:
            self._end_run()

    def close(self) -> None:
        super().close()
        self._flush()


def read_back_html(html: str) -> list[Paragraph]:
    """The paragraphs a reader of ``html`` sees (drafter's own ``data-drafter`` flags aside).

    Images' alt text and link titles follow, one paragraph each: the checker never reads them,
    so a quotation there shows up as one it never saw and stops the render.
    """
    return _read(html)[0]


def _read(html: str) -> tuple[list[Paragraph], list[str]]:
    """``read_back_html``'s paragraphs, and the text in each run of failure marks."""
    parser = _ReadBack()
    parser.feed(html)
    parser.close()
    return parser.paras + [Paragraph(text, 1, False) for text in parser.unread], parser.marked


def check_marks(
    fmt: str, marked: Sequence[str], checks: Sequence[QuoteCheck], strict: bool
) -> None:
    """Raise ``RenderMismatchError`` unless the marked text is exactly the failing quotes'
    (Invariant 3: a forced render marks every failing quote, whatever the template does)."""
    failing = [c for c in checks if not c.passed(strict)]
    expected = [(c, part) for c in failing for part in c.quote.text.split("\n\n")]
    for n, (check, part) in enumerate(expected):
        if n >= len(marked) or marked[n] != part:
            q = check.quote
            raise RenderMismatchError(
                f"render stopped: failing quote {q.id} (line {q.line}) “{_short(q.text)}” is not "
                f"marked in the {fmt} output (a template dropped drafter's <mark>?); nothing "
                "was written"
            )
    if len(marked) > len(expected):
        raise RenderMismatchError(
            f"render stopped: the {fmt} output marks “{_short(marked[len(expected)])}”, which is "
            "no failing quote; nothing was written"
        )


def _short(text: str, width: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _difference(want: str, got: str) -> tuple[str, str]:
    """Both texts shortened to where they first differ, so the message shows the change."""
    i = next((k for k, (a, b) in enumerate(zip(want, got, strict=False)) if a != b), None)
    if i is None:
        i = min(len(want), len(got))
    start = want.rfind(" ", 0, max(i - 25, 0)) + 1
    lead = "…" if start else ""
    return lead + _short(want[start:], 70), lead + _short(got[start:], 70)


def recheck(
    fmt: str, output_quotes: Sequence[tuple[str, str, bool]], checks: Sequence[QuoteCheck]
) -> None:
    """Raise ``RenderMismatchError`` unless the output has exactly the checked quotes."""
    expected = [(c.quote.text, c.quote.kind.value, c.quote.single) for c in checks]
    for n, (want, got) in enumerate(zip(expected, output_quotes, strict=False)):
        if want != got:
            q = checks[n].quote
            checked, shown = _difference(want[0], got[0])
            raise RenderMismatchError(
                f"render stopped: quote {q.id} (line {q.line}) was checked as “{checked}” but "
                f"the {fmt} output reads “{shown}”; a template or drafter changed it (nothing "
                "was written)"
            )
    if len(expected) != len(output_quotes):
        if len(output_quotes) > len(expected):
            extra = output_quotes[len(expected)][0]
            problem = f"shows a quotation the checker never saw: “{_short(extra)}”"
        else:
            q = checks[len(output_quotes)].quote
            problem = f"lost quote {q.id} (line {q.line}): “{_short(q.text)}”"
        raise RenderMismatchError(
            f"render stopped: the {fmt} output {problem} (raw HTML, an image's alt text, a link's "
            "title or a template may hide text from the checker; nothing was written)"
        )


# --- the three outputs -------------------------------------------------------------------


def _markdown(post: Post, checks: Sequence[QuoteCheck], strict: bool) -> str:
    """The body without front matter or comment blocks; a warning line before failing quotes."""
    tokens = _MD.parse(post.body)
    paras = _block_paragraphs(tokens, post.first_line)
    spans, _ = locate([p for _, p in paras], checks)
    # The top-level block (its first body line) where each failing quote starts.
    tops = [t.map for t in tokens if t.level == 0 and t.nesting in (0, 1) and t.map is not None]
    warn: dict[int, list[QuoteCheck]] = {}
    for s in spans:
        if s.first and not s.check.passed(strict):
            at = paras[s.para][1].line - post.first_line
            top = next((m[0] for m in tops if m[0] <= at < m[1]), at)
            warn.setdefault(top, []).append(s.check)
    out: list[str] = []
    for i, line in enumerate(post.body.split("\n")):
        for check in warn.get(i, []):
            status = check.status.value.replace("_", " ")
            out += [
                f"**⚠ UNVERIFIED QUOTE ({status}), line {check.quote.line}: "
                "fix before publishing.**",
                "",
            ]
        if i in post.dropped:
            continue
        if i - 1 in post.dropped and not line.strip() and out and not out[-1].strip():
            continue  # a dropped comment block leaves one blank line, not two
        out.append(line)
    return "\n".join(out).strip("\n") + "\n"


# Inline CSS for the preview page, so that it survives email clients that drop <style>.
EMAIL_STYLES: Mapping[str, str] = {
    "h1": "font-family:Georgia,'Times New Roman',serif;font-size:30px;line-height:1.2;"
    "margin:0 0 20px;color:#111;",
    "h2": "font-family:Georgia,'Times New Roman',serif;font-size:23px;line-height:1.25;"
    "margin:28px 0 12px;color:#111;",
    "h3": "font-family:Georgia,'Times New Roman',serif;font-size:19px;margin:24px 0 10px;",
    "p": "margin:0 0 16px;",
    "blockquote": "margin:20px 0;padding:4px 0 4px 18px;border-left:4px solid #c8b27d;"
    "color:#333;font-style:normal;",
    "a": "color:#0b5cad;text-decoration:underline;",
    "ul": "margin:0 0 16px;padding-left:24px;",
    "ol": "margin:0 0 16px;padding-left:24px;",
    "code": "font-family:Menlo,Consolas,monospace;font-size:14px;background:#f3f1ec;"
    "padding:1px 4px;border-radius:3px;",
    "pre": "background:#f3f1ec;padding:12px;overflow:auto;font-size:14px;",
    "hr": "border:0;border-top:1px solid #ddd;margin:28px 0;",
    "img": "max-width:100%;height:auto;",
}


def _check_title(title: str, post: Post) -> None:
    """The page title comes from the front matter, which the checker does not read: it may
    carry no quotation unless it is the body's own checked ``# heading``."""
    tokens = _MD.parse(post.body)
    if any(t.tag == "h1" and tokens[i + 1].content == title for i, t in enumerate(tokens[:-1])):
        return
    quoted = [q for q in extract_paragraphs([Paragraph(title, 1, False)]) if not q.single]
    if quoted:
        raise RenderMismatchError(
            f"render stopped: the post's title quotes “{_short(quoted[0].text)}” but the checker "
            "does not read the front matter; put the title in the draft as its first line, a "
            "# heading, so that its quotes are checked (nothing was written)"
        )


def render(
    draft_text: str, result: CheckResult, *, force: bool = False, fallback_title: str = ""
) -> Rendered:
    """The publishable Markdown, preview page and fragment of a checked draft.

    ``result`` must be the check of ``draft_text``. Raises ``UnverifiedQuotesError`` while a
    quote fails (unless ``force``) and ``RenderMismatchError`` when an output's quotes are not
    exactly the checked ones.
    """
    if not result.ok and not force:
        ids = ", ".join(c.quote.id for c in result.failed)
        raise UnverifiedQuotesError(
            f"{result.draft}: not rendered: {len(result.failed)} quote(s) fail the check "
            f"({ids}); fix them or pass --force to render with them marked"
        )
    checks = result.checks
    post = split_post(draft_text)
    title = title_of(post, fallback_title)
    _check_title(title, post)

    md = _markdown(post, checks, result.strict)
    recheck("md", [(q.text, q.kind.value, q.single) for q in extract(md, result.sources)], checks)

    outputs: dict[str, str] = {}
    for fmt, template, styles in (
        ("html", "post.html.j2", EMAIL_STYLES),
        ("fragment", "fragment.html.j2", None),
    ):
        body, missing = body_html(
            post, checks, Marker(result.strict), styles=styles, sources=result.sources
        )
        if missing:
            q = missing[0].quote
            raise RenderMismatchError(
                f"render stopped: quote {q.id} (line {q.line}) “{_short(q.text)}” is not in the "
                f"{fmt} output as the checker read it (raw HTML in its paragraph?); nothing "
                "was written"
            )
        starts_with_title = body.lstrip().startswith("<h1")
        text = fill(
            template,
            title=title,
            body=markupsafe.Markup(body),
            meta=post.meta,
            show_title=not starts_with_title,
            forced=not result.ok,
            failed=len(result.failed),
        )
        paras, marked = _read(text)
        found = extract_paragraphs(paras, result.sources)
        recheck(fmt, [(q.text, q.kind.value, q.single) for q in found], checks)
        check_marks(fmt, marked, checks, result.strict)
        outputs[fmt] = text
    return Rendered(title, md, outputs["html"], outputs["fragment"])
