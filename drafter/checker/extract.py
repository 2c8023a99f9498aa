"""Find every quoted span in a Markdown draft, reading the Markdown text alone.

Takes the draft's Markdown (body, without front matter) and the sources' names for
attribution; returns ``Quote`` objects in draft order. Pure: no I/O.

Rules (DESIGN.md § Quote extraction), and the refinements made here:
- Quotation marks come from one table (``DOUBLE_PAIRS``, ``SINGLE_PAIRS``): English, German,
  French and Danish guillemets, corner brackets, fullwidth and ornamental marks; a straight
  mark glued to the word before it opens a quotation when none is open. They nest; only the
  outermost quotation is a ``Quote``.
- A closing mark followed at once by an opening one (`…”“…`) ends whatever is open: archive
  and email copies run quoted paragraphs together like that.
- Each paragraph of a blockquote is a quotation, with or without marks of its own (or one per
  run-together quotation when it is nothing else).
- A paragraph that opens with a mark and ends with a closing mark, but whose marks do not
  balance, is one quotation of everything between the first and last mark. Writers wrap a
  source paragraph that has quote marks of its own in a pair of marks, and the marks then
  collide (the house-style example does this twice); an unpaired mark the writer added at
  the quotation's edge is not part of it. Only a paragraph that opens a quotation and does
  *not* end with a closing mark continues into following paragraphs that open with a mark
  (the English multi-paragraph convention).
- A quotation left open whose closing mark is in the next block (Markdown made a wrapped line
  a list item or heading) is one quotation over both, flagged ``unbalanced``: it fails.
- Single quotes are scare quotes or terms in US style and quotation marks in British style
  (``resolve_style``); apostrophes are never quotes.
- Code spans, code blocks, link targets and HTML are never quotations; link text is text.
- Markdown nested deeper than ``MAX_NESTING`` is refused (``NestingError``): the parser would
  drop what is inside, and a renderer with another limit would show it.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

from drafter.checker.attribution import Named, Names, title_intro
from drafter.errors import DrafterError
from drafter.models import Kind, Quote, Source

_NEWLINE = re.compile("\n")
_LEAD_IN_VERB = re.compile(
    r"\b(?:reports?|reported|reporting|writes?|wrote|notes?|noted|says|said|explains?|explained|"
    r"observes?|observed|describes?|described|adds?|added|according to|puts it|put it|"
    r"quotes?|quoted)\b",
    re.IGNORECASE,
)

# Container levels (list items, block quotes) the parser follows. markdown-it's own default
# (20) silently drops what is deeper; a draft this deep is refused instead (``NestingError``).
MAX_NESTING = 100


class NestingError(DrafterError):
    """Markdown nested deeper than the parser follows: what is inside cannot be checked."""


def parser(html: bool = False) -> MarkdownIt:
    """The one Markdown parser configuration of the checker and every renderer.

    No typographer (quote text is never rewritten) and the same nesting limit everywhere, so
    that no side drops a block the other shows. Raw HTML is shown as text on both sides;
    ``html=True`` only to find HTML comment blocks, which both sides drop.
    """
    md = MarkdownIt("commonmark", {"html": html, "typographer": False})
    md.options["maxNesting"] = MAX_NESTING
    return md


def parse(md: MarkdownIt, markdown: str, first_line: int = 1) -> list[Token]:
    """``md.parse``, refusing Markdown nested deeper than the parser follows."""
    tokens = md.parse(markdown)
    for tok in tokens:
        if tok.nesting == 1 and tok.level >= MAX_NESTING - 2:
            line = first_line + (tok.map[0] if tok.map else 0)
            raise NestingError(
                f"line {line}: lists or block quotes are nested more than {MAX_NESTING - 2} "
                "levels deep; drafter cannot check what is inside (nothing was checked)"
            )
    return tokens


def _parser() -> MarkdownIt:
    # Raw HTML off, as in every renderer: a tag in a draft or a source is text a reader sees
    # (and so is checked), never markup that hides words from the checker but not from a
    # page (DESIGN.md § Trust: the checker and the renderers read the same text).
    md = parser(html=False)
    # Keep entities and escapes as their own tokens so that we know markup was there.
    md.core.ruler.disable("text_join")
    return md


_MD = _parser()
# Only to find whole HTML comment blocks (drafter's marks, notes to the desk).
_MD_HTML = parser(html=True)


def comment_blocks(markdown: str) -> frozenset[int]:
    """The 0-based lines of top-level HTML comment blocks: dropped by the checker and by
    every renderer alike, so no one reads them as text."""
    if "<!--" not in markdown:
        return frozenset()
    lines: set[int] = set()
    for tok in _MD_HTML.parse(markdown):
        if (
            tok.type == "html_block"
            and tok.level == 0
            and tok.map is not None
            and tok.content.lstrip().startswith("<!--")
            and tok.content.rstrip().endswith("-->")
        ):
            lines.update(range(tok.map[0], tok.map[1]))
    return frozenset(lines)


def blank_lines(markdown: str, lines: frozenset[int]) -> str:
    """``markdown`` with ``lines`` emptied (line numbers kept)."""
    if not lines:
        return markdown
    return "\n".join("" if i in lines else line for i, line in enumerate(markdown.split("\n")))


@dataclass
class Paragraph:
    """The plain text of one Markdown paragraph (or heading) as a reader sees it."""

    text: str
    line: int  # 1-based line of the file where it starts
    in_blockquote: bool
    code: list[tuple[int, int]] = field(default_factory=list)
    markup: list[int] = field(default_factory=list)  # offsets where markup was dropped
    hrefs: list[str] = field(default_factory=list)
    _breaks: list[int] | None = field(default=None, repr=False, compare=False)

    def line_at(self, offset: int) -> int:
        # Counted once per paragraph: counting from its start for every quote is quadratic.
        if self._breaks is None or self._breaks[0] != len(self.text):
            self._breaks = [len(self.text), *(m.start() for m in _NEWLINE.finditer(self.text))]
        return self.line + bisect_left(self._breaks, offset, 1) - 1

    # ``code`` and ``markup`` are in text order (``flatten`` appends them as it goes), so one
    # bisection answers: scanning them all for every quote is quadratic in a long paragraph.
    def in_code(self, offset: int) -> bool:
        i = bisect_right(self.code, (offset, len(self.text) + 1)) - 1
        return i >= 0 and self.code[i][0] <= offset < self.code[i][1]

    def has_markup(self, start: int, end: int) -> bool:
        i = bisect_left(self.markup, start)
        return i < len(self.markup) and self.markup[i] <= end


def paragraphs(markdown: str, first_line: int = 1) -> Iterator[Paragraph]:
    """The text blocks of a Markdown document that may contain quotations."""
    depth = 0
    tokens = parse(_MD, blank_lines(markdown, comment_blocks(markdown)), first_line)
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
        else:  # em/strong/link open-close: markup, no text of its own
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

# Opening marks and the marks that close them (DESIGN.md § Quote extraction): English,
# German and Polish, French and Danish guillemets, corner brackets, ornaments. A mark that
# closes itself is symmetric (straight, fullwidth, double prime): context decides. One table
# for the checker, the renderers' read-back and the drafter's rules for the model.
DOUBLE_PAIRS: dict[str, str] = {
    "“": "”",
    "„": "“”",
    "‟": "”",
    "«": "»",
    "»": "«",
    "⹂": "“”",
    "「": "」",
    "『": "』",
    "｢": "｣",
    "﹁": "﹂",
    "﹃": "﹄",
    "❝": "❞",
    "🙶": "🙷",
    "🙸": "🙷",
    "〝": "〞〟",
    "‶": "″‶",
    '"': '"',
    "＂": "＂",
    "″": "″",
}
# Every character with Unicode's Quotation_Mark property is in one of the two tables, with
# the ornaments (❝❞ ❛❜ 🙶🙷🙸) and the primes writers type for quotes (″ ‶).
SINGLE_PAIRS: dict[str, str] = {
    "‘": "’",
    "‚": "‘’",
    "‛": "’",
    "‹": "›",
    "›": "‹",
    "❛": "❜",
    "'": "'",
    "＇": "＇",
}
DOUBLE_MARKS = frozenset(DOUBLE_PAIRS) | frozenset("".join(DOUBLE_PAIRS.values()))
SINGLE_MARKS = frozenset(SINGLE_PAIRS) | frozenset("".join(SINGLE_PAIRS.values()))
OPEN_DOUBLE = "".join(c for c, close in DOUBLE_PAIRS.items() if close != c)
CLOSE_DOUBLE = "".join(sorted({c for v in DOUBLE_PAIRS.values() for c in v} - set(OPEN_DOUBLE)))
STRAIGHT = '"'
OPEN_SINGLE = "‘"
CLOSE_SINGLE = "’"
_SYMMETRIC = frozenset(c for c, close in {**DOUBLE_PAIRS, **SINGLE_PAIRS}.items() if close == c)
_OPENING_CONTEXT = frozenset(" \t\n([{—–-/") | frozenset(DOUBLE_PAIRS) | frozenset(SINGLE_PAIRS)

US, BRITISH, AUTO = "us", "british", "auto"
QUOTE_STYLES = (AUTO, US, BRITISH)


def _invisible(c: str) -> bool:
    """Unicode format characters (bidi marks, word joiners): a reader never sees them, so
    they stand between a mark and its word without changing what the mark does."""
    return unicodedata.category(c) == "Cf"


def _neighbour(text: str, i: int, step: int) -> tuple[int, str]:
    """The nearest visible character before (step -1) or after (step 1) offset ``i``."""
    j = i + step
    while 0 <= j < len(text) and _invisible(text[j]):
        j += step
    return j, (text[j] if 0 <= j < len(text) else " ")


def _starts_word(c: str) -> bool:
    return not c.isspace() and c not in ".,;:!?)]}"


@dataclass(frozen=True)
class Mark:
    pos: int
    opening: bool
    boundary: bool = False  # a closing mark followed at once by an opening one: `…”“…`


def _marks(
    text: str, para: Paragraph, pairs: dict[str, str], skip: Sequence[tuple[int, int]] = ()
) -> list[Mark]:
    """Every quotation mark of one family (``DOUBLE_PAIRS``, ``SINGLE_PAIRS`` or both merged),
    opening or closing, in order. Linear: one pass, one stack."""
    chars = frozenset(pairs) | frozenset("".join(pairs.values()))
    closers_of = {c: frozenset(v) for c, v in pairs.items()}
    skip = sorted(skip)
    skip_starts = [a for a, _ in skip]
    out: list[Mark] = []
    stack: list[str] = []
    # A straight double mark after a digit that closed nothing, a word after it: inches
    # (5″x) unless the same mark closes a quotation later. Not after "=": name="v" is an
    # attribute, and raw HTML is markup to the checker but text in a renderer's output.
    orphan: tuple[int, str] | None = None
    for i, c in enumerate(text):
        if c not in chars or para.in_code(i) or _within(skip, skip_starts, i):
            continue
        if c in "’'＇" and _is_apostrophe(text, i):
            continue
        if c in "’'＇" and stack and stack[-1] in SINGLE_PAIRS and _possessive(text, i, c, stack):
            continue
        opening = _opens(text, i, c, stack, pairs, closers_of)
        if opening:
            stack.append(c)
        elif stack:
            stack.pop()
        elif orphan is not None and orphan[1] == c:
            # `page 3"Nvidia will … year" insiders say`: a reader sees a quotation.
            out[orphan[0]] = Mark(out[orphan[0]].pos, True)
            orphan = None
        elif (
            c in _SYMMETRIC
            and c in DOUBLE_MARKS
            and _neighbour(text, i, -1)[1].isdigit()
            and _neighbour(text, i, 1)[1].isalpha()
        ):
            orphan = (len(out), c)
        out.append(Mark(i, opening))
        if not opening and out:
            j, nxt = _neighbour(text, i, 1)
            if (
                nxt in pairs
                and nxt not in CLOSE_SINGLE
                and _opens(text, j, nxt, stack, pairs, closers_of)
            ):
                # Run-together quotations: whatever was open ends here.
                out[-1] = Mark(i, False, True)
                stack.clear()
    return out


def _within(ranges: Sequence[tuple[int, int]], starts: list[int], i: int) -> bool:
    """Whether ``i`` is in one of the sorted, disjoint half-open ``ranges``."""
    k = bisect_right(starts, i) - 1
    return k >= 0 and i < ranges[k][1]


def _opens(
    text: str,
    i: int,
    c: str,
    stack: list[str],
    pairs: dict[str, str],
    closers_of: dict[str, frozenset[str]],
) -> bool:
    """Whether the mark ``c`` at ``i`` opens a quotation, given the marks open before it."""
    top = stack[-1] if stack else None
    if c in _SYMMETRIC:
        _, before = _neighbour(text, i, -1)
        _, after = _neighbour(text, i, 1)
        if before in _OPENING_CONTEXT and not after.isspace():
            return True
        glued = (c in DOUBLE_MARKS and before != "=" and not before.isdigit()) or (
            before in ",;:：" or _cjk(before)
        )
        if (
            not stack
            and glued
            and after != c  # `term.""Next`: a run-together boundary, this mark closes
            and (after.isalnum() or after in _OPENING_CONTEXT - {" "})
        ):
            # said,"…", said"…", said:"…", 他说"…": glued to what is before it, nothing is
            # open and a word follows. Not name="value", 5″x nor x">: that is markup.
            return True
        if not before.isspace():
            return False
        return not stack
    if top is not None and c in closers_of.get(top, ()):
        # “ closes „, « closes », ‘ closes ‚ ... unless a word follows it where a quotation
        # can start: „“Wir …”“ nests an English quotation in a German one.
        _, before = _neighbour(text, i, -1)
        _, after = _neighbour(text, i, 1)
        return after.isalnum() and (before.isspace() or before in _OPENING_CONTEXT)
    if c == "”" and not stack:
        # Swedish and Finnish ”…”, or a writer's stray mark: nothing is open and a word
        # follows, so a reader sees a quotation start here.
        return _neighbour(text, i, 1)[1].isalnum()
    if c not in pairs:
        return False  # ”, 」, ’ …: closing marks only
    if c in "»›":
        # Danish and German »…«, or a French closing mark with nothing open.
        _, after = _neighbour(text, i, 1)
        return not after.isspace()
    return True


_POSSESSIVE_REACH = 600  # characters looked ahead for a closing mark: bounded, so linear


def _possessive(text: str, i: int, c: str, stack: list[str]) -> bool:
    """Whether ``’`` (or ``'``) at ``i``, inside a single-quoted span, is a possessive
    (‘The tenants’ association will appeal,’ she said): it ends a word, a lower-case word
    follows, and a later mark can still close the span with no new one opened before it."""
    _, before = _neighbour(text, i, -1)
    if not before.isalpha():
        return False
    if c == "'" and stack[-1] != "'":
        return True  # ‘The residents' association …’: ' never closes ‘
    rest = text[i + 1 : i + 3]
    if not (rest[:1] == " " and rest[1:2].islower()):
        return False
    for j in range(i + 1, min(len(text), i + _POSSESSIVE_REACH)):
        if text[j] in "‘‚‛":
            return False
        if text[j] == c and not (j + 1 < len(text) and text[j + 1].isalnum()):
            return True
    return False


def _cjk(c: str) -> bool:
    """Chinese, Japanese and Korean script: no spaces separate words (or quotes) from it."""
    return "\u2e80" <= c <= "\u9fff" or "\uac00" <= c <= "\ud7af" or "\uf900" <= c <= "\ufaff"


def _is_apostrophe(text: str, i: int) -> bool:
    _, before = _neighbour(text, i, -1)
    _, after = _neighbour(text, i, 1)
    if before.isalnum() and after.isalnum():
        return True  # don’t, China’s, rock’n’roll
    return not before.isalnum() and after.isdigit()  # ’90s


@dataclass
class _Span:
    start: int  # content start (after the opening mark)
    end: int  # content end (before the closing mark)
    block: bool


def _spans(
    text: str, para: Paragraph, pairs: dict[str, str], skip: Sequence[tuple[int, int]] = ()
) -> tuple[list[_Span], _Span | None]:
    """Top-level quotations of a paragraph, and an unclosed one that may continue."""
    marks = _marks(text, para, pairs, skip)
    spans: list[_Span] = []
    unclosed: _Span | None = None
    lo = 0
    piece: list[Mark] = []
    for m in marks:
        piece.append(m)
        if m.boundary:
            spans += _piece(text, lo, m.pos + 1, piece)[0]
            lo, piece = m.pos + 1, []
    if piece:
        more, unclosed = _piece(text, lo, len(text), piece)
        spans += more
    return spans, unclosed


def _piece(text: str, lo: int, hi: int, marks: list[Mark]) -> tuple[list[_Span], _Span | None]:
    """``_spans`` for the text between two run-together boundaries."""
    segment = text[lo:hi]
    body_start = lo + len(segment) - len(segment.lstrip())
    body_end = lo + len(segment.rstrip())
    stack: list[int] = []
    spans: list[_Span] = []
    stray_close = False
    for m in marks:
        if m.opening:
            stack.append(m.pos)
        elif stack and m.boundary:
            spans.append(
                _Span(stack[0] + 1, m.pos, stack[0] == body_start and m.pos == body_end - 1)
            )
            stack = []
        elif stack:
            start = stack.pop()
            if not stack:
                spans.append(_Span(start + 1, m.pos, start == body_start and m.pos == body_end - 1))
        else:
            stray_close = True
    if not marks:
        return [], None
    first, last = marks[0], marks[-1]
    wraps = (
        first.opening and first.pos == body_start and not last.opening and last.pos == body_end - 1
    )
    if (stack or stray_close) and wraps:
        whole = _Span(first.pos + 1, last.pos, True)
        return [_trim(whole, marks, [m.pos for m in marks])], None
    positions = [m.pos for m in marks]
    spans = [_trim(s, marks, positions) for s in spans]
    if stack:
        outer = stack[0]
        # An unclosed quotation runs to the paragraph's end (and maybe into the next one).
        return spans, _Span(outer + 1, hi, outer == body_start)
    return spans, None


def _trim(span: _Span, marks: list[Mark], positions: list[int]) -> _Span:
    """Leave out unpaired marks at a quotation's edges: ``““We needed …,” she said.”`` wraps
    a source paragraph that opens with its own mark in one more mark than it closes.
    ``positions``: the marks' offsets, in order."""
    inside = marks[bisect_left(positions, span.start) : bisect_left(positions, span.end)]
    opens = sum(m.opening for m in inside)
    closes = len(inside) - opens
    at = {m.pos: m.opening for m in inside}
    start, end = span.start, span.end
    while opens > closes and at.get(start) is True:
        start, opens = start + 1, opens - 1
    while closes > opens and at.get(end - 1) is False:
        end, closes = end - 1, closes - 1
    return _Span(start, end, span.block)


def _single_spans(text: str, para: Paragraph, skip: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Content spans of single-quoted terms outside double quotations (US style)."""
    spans, _ = _spans(text, para, SINGLE_PAIRS, skip)
    # Two letters at least: not rock 'n' roll.
    return [
        (s.start, s.end) for s in spans if sum(ch.isalnum() for ch in text[s.start : s.end]) >= 2
    ]


_SAYING = frozenset(
    {"said", "says", "say", "told", "tells", "added", "adds", "wrote", "writes", "reported"}
    | {"reports", "noted", "notes", "explained", "explains", "asked", "replied", "warned"}
    | {"warns", "stated", "states", "declared", "insisted", "argued", "that"}
)
_BRITISH_WORDS = 6  # a single-quoted span this long is a quotation, not a term


def resolve_style(paras: Sequence[Paragraph], style: str = AUTO) -> str:
    """``us`` or ``british``: the quote style a draft is read in.

    ``auto`` reads single marks as quotation marks (British house style) when some
    single-quoted span outside double quotation marks reads as a quotation: six words or
    more, or three or more after a colon or a verb of saying (“she said ‘…’”).
    """
    if style != AUTO:
        return style
    for para in paras:
        text = para.text
        doubles, unclosed = _spans(text, para, DOUBLE_PAIRS)
        skip = [(s.start - 1, s.end + 1) for s in doubles]
        if unclosed is not None:
            skip.append((unclosed.start - 1, len(text)))
        singles = _single_spans(text, para, skip)
        _, open_single = _spans(text, para, SINGLE_PAIRS, skip)
        if open_single is not None:
            # Left open at the paragraph's end: a quotation that runs on (its closing mark
            # may be in the next block, where Markdown cut it off) reads like a closed one.
            singles.append((open_single.start, len(text.rstrip())))
        for a, b in singles:
            words = len(text[a:b].split())
            before = text[max(0, a - 201) : a - 1].rstrip()  # the words next to the marks
            last = before.split()[-1].strip(",").lower() if before.split() else ""
            # ‘We will appeal,’ she said. / ‘…,’ said the chair.
            after = [w.strip(",.;").lower() for w in text[b + 1 : b + 201].split()[:2]]
            said = last in _SAYING or any(w in _SAYING - {"that"} for w in after)
            if words >= _BRITISH_WORDS or (words >= 3 and (before.endswith((":", "：")) or said)):
                return BRITISH
    return US


_REACH = 3  # blocks without marks an unclosed quotation is followed through


def _closing_block(
    paras: Sequence[Paragraph], index: int, pairs: dict[str, str]
) -> tuple[list[Paragraph], int | None]:
    """Where a quotation left open before ``paras[index]`` closes: the blocks in between
    (without marks of their own; at most ``_REACH``) and the offset of the closing mark in
    the block after them; ``None`` when no block closes it."""
    for k in range(index, min(index + _REACH + 1, len(paras))):
        para = paras[k]
        stray = _stray_close(para, pairs)
        if stray is not None:
            return list(paras[index:k]), stray
        if _marks(para.text, para, pairs) or para.in_blockquote != paras[index].in_blockquote:
            break
    return [], None


def _stray_close(para: Paragraph, pairs: dict[str, str]) -> int | None:
    """The first closing mark that closes nothing opened in ``para``, if any."""
    depth = 0
    for m in _marks(para.text, para, pairs):
        if m.opening:
            depth += 1
        elif depth:
            depth = 0 if m.boundary else depth - 1
        else:
            return m.pos
    return None


# --- attribution (the names themselves are found by ``attribution.Names``) -----------------


def _named(para: Paragraph, names: Names, found: Named, upto: int) -> str | None:
    """The source named last in the paragraph before ``upto`` (text or link target). When
    that name fits several sources (two articles of one publication), the one the paragraph
    links is meant."""
    named = found.before(upto)
    if named is None:
        return names.linked(para.hrefs)
    if para.hrefs:
        tied = found.tied(upto)
        if len(tied) > 1:
            linked = {names.linked([href]) for href in para.hrefs}
            return next((sid for sid in reversed(tied) if sid in linked), named)
    return named


# --- the stage ----------------------------------------------------------------------------


def extract(
    markdown: str, sources: Sequence[Source] = (), first_line: int = 1, style: str = AUTO
) -> list[Quote]:
    """Every quotation in ``markdown``, in order. ``first_line`` is the file line of its start;
    ``style`` the quote style (``us``, ``british`` or ``auto``, see ``resolve_style``).
    Raises ``NestingError`` for Markdown nested deeper than the parser follows."""
    return extract_paragraphs(list(paragraphs(markdown, first_line)), sources, style)


def quote_style(markdown: str, style: str = AUTO, first_line: int = 1) -> str:
    """The style ``extract`` reads ``markdown`` in: ``us`` or ``british``. Raises
    ``NestingError`` like ``extract``."""
    return resolve_style(list(paragraphs(markdown, first_line)), style)


def extract_paragraphs(
    paras: Iterable[Paragraph], sources: Sequence[Source] = (), style: str = AUTO
) -> list[Quote]:
    """Every quotation in a run of paragraphs, by the same rules as ``extract``.

    ``render`` reads its HTML output back into paragraphs and calls this, so that the quotes a
    reader of the output sees are found exactly as the checker found them in the draft.
    """
    paras = list(paras)
    british = resolve_style(paras, style) == BRITISH
    pairs = {**DOUBLE_PAIRS, **SINGLE_PAIRS} if british else DOUBLE_PAIRS
    openers = tuple(pairs)
    names = Names(sources)
    quotes: list[Quote] = []
    current: str | None = None
    unlisted = ""  # what the current lead-in names that is not among the sources
    # An open quotation at a paragraph's end: text so far, line, block, markup.
    pending: tuple[str, int, bool, bool] | None = None

    def add(text: str, line: int, kind: Kind, attributed: str | None, **flags: bool) -> None:
        text = text.strip()
        if text:
            other = unlisted if attributed is None else ""
            quotes.append(
                Quote(f"q{len(quotes) + 1}", text, line, kind, attributed, unlisted=other, **flags)
            )

    consumed: set[int] = set()  # paragraphs taken into an unbalanced quotation
    for index, para in enumerate(paras):
        if index in consumed:
            continue
        text = para.text
        found = names.find(text)  # every source named in it, in one pass
        if pending is not None:
            so_far, line, block, markup = pending
            pending = None
            if block and text[:1] in openers:
                cont = _continuation(para, pairs)
                joined = so_far + "\n\n" + text[1 : cont.end]
                if cont.end == len(text) and not _ends_closed(text, para, pairs):
                    pending = (joined, line, block, markup or para.has_markup(0, cont.end))
                else:
                    add(joined, line, Kind.BLOCK, current, markup=markup)
                    rest = para.text[cont.end + 1 :]
                    if rest.strip():
                        # Commentary after the quotation closes, e.g. `…,” he said.`
                        current = _named(para, names, found, len(text)) or current
                continue
            between, stray = _closing_block(paras, index, pairs)
            kind = Kind.BLOCK if block else Kind.INLINE
            if stray is not None:
                # The closing mark is in a later block: Markdown cut the quotation up (a
                # wrapped line that starts with "- " or "# " opens a list or a heading).
                consumed.update(range(index, index + len(between)))
                para = paras[index + len(between)]
                text = para.text
                add(
                    "\n\n".join([so_far, *(p.text for p in between), text[:stray]]),
                    line,
                    kind,
                    current,
                    markup=markup or para.has_markup(0, stray),
                    unbalanced=True,
                )
                blank = " " * (stray + 1)
                para = Paragraph(
                    blank + text[stray + 1 :],
                    para.line,
                    para.in_blockquote,
                    para.code,
                    para.markup,
                    para.hrefs,
                )
                text = para.text
            else:
                add(so_far, line, kind, current, markup=markup)

        spans, unclosed = _spans(text, para, pairs)
        if para.in_blockquote:
            body = text.strip()
            offset = text.find(body[:1]) if body else 0
            outside = text  # what is left with the quotations and their marks out
            for sp in spans:
                hole = " " * (sp.end - sp.start + 2)
                outside = outside[: sp.start - 1] + hole + outside[sp.end + 1 :]
            whole = all(s.block for s in spans) or not outside.strip()
            if unclosed is None and spans and whole:
                for s in spans:
                    add(
                        text[s.start : s.end],
                        para.line_at(s.start),
                        Kind.BLOCK,
                        current,
                        markup=para.has_markup(s.start, s.end),
                    )
                continue
            add(
                body,
                para.line_at(offset),
                Kind.BLOCK,
                current,
                markup=para.has_markup(offset, offset + len(body)),
            )
            continue

        whole = (spans and all(s.block for s in spans) and unclosed is None) or (
            not spans and unclosed is not None and unclosed.block
        )
        before = current  # quotes in this paragraph are attributed by what precedes them
        if not whole:
            # Commentary: it may name a source (a lead-in) or end a run of quotes from one.
            named = _named(para, names, found, len(text))
            if named is not None:
                current, unlisted = named, ""
            elif text.rstrip().endswith(":") and _LEAD_IN_VERB.search(text):
                # A lead-in naming no source: its quotes are nobody's, and what it does name
                # (a paper, a title, a link) is reported when it is not among the sources.
                titles = [text[s.start : s.end] for s in spans if title_intro(text, s.start - 1)]
                current, unlisted = None, names.unlisted(text, para.hrefs, titles)
        for span in spans:
            named_here = None if span.block else _named(para, names, found, span.start)
            attributed = named_here or before
            intro = title_intro(text, span.start - 1)
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
            if _ends_closed(text, para, pairs):
                add(
                    content.rstrip()[:-1],  # the closing mark (``_ends_closed``)
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
        if british:
            continue
        skip = [(s.start - 1, s.end + 1) for s in spans]
        if unclosed is not None:
            skip.append((unclosed.start - 1, len(text)))
        for a, b in _single_spans(text, para, skip):
            add(
                text[a:b],
                para.line_at(a),
                Kind.INLINE,
                _named(para, names, found, a) or current,
                single=True,
                markup=para.has_markup(a, b),
            )
    if pending is not None:
        so_far, line, block, markup = pending
        add(so_far, line, Kind.BLOCK if block else Kind.INLINE, current, markup=markup)
    return quotes


def _ends_closed(text: str, para: Paragraph, pairs: dict[str, str]) -> bool:
    """Whether the paragraph ends with a closing mark (its last mark, and it closes)."""
    marks = _marks(text, para, pairs)
    end = len(text.rstrip())
    return bool(marks) and not marks[-1].opening and marks[-1].pos == end - 1


def _continuation(para: Paragraph, pairs: dict[str, str]) -> _Span:
    """Where a quotation continued from the previous paragraph closes in this one."""
    depth = 0
    for m in _marks(para.text, para, pairs):
        depth += 1 if m.opening else -1
        if depth == 0 or m.boundary:
            return _Span(1, m.pos, False)
    if _ends_closed(para.text, para, pairs):
        return _Span(1, len(para.text.rstrip()) - 1, False)
    return _Span(1, len(para.text), False)
