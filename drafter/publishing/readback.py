"""Read a rendered HTML output back and check that its quotes are the checked ones.

Rendering must never change quote text (DESIGN.md § Invariant 4), and a forced render must
mark every failing quote (Invariant 3). Both are checked on the output itself, after any
template has had its way: the HTML is read back into the paragraphs a reader sees (built like
``extract.flatten`` builds them, so the checker's own extractor finds the quotations), and
the text inside drafter's failure marks is collected. Any difference is a bug in drafter or
in a template override and raises ``RenderMismatchError``. Pure: strings in, errors out.
"""

from __future__ import annotations

from collections.abc import Sequence
from html.parser import HTMLParser

from drafter.checker.extract import Paragraph
from drafter.errors import RenderMismatchError
from drafter.models import QuoteCheck

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
        self.size = 0  # characters in ``parts``
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

    def _flush(self) -> None:
        self._end_run()
        if self.cur is not None:
            self.cur.text = "".join(self.parts)
            if self.cur_tag != "li" or self.cur.text.strip():
                self.paras.append(self.cur)
        self.cur, self.cur_tag, self.parts, self.size = None, "", [], 0

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
                self.code_start = self.size
            elif tag == "mark" and "quote-failed" in (dict(attrs).get("class") or "").split():
                self.in_mark += 1
                if self.run is None:
                    self.run = []
            else:
                if tag == "a":
                    self.cur.hrefs.append(dict(attrs).get("href") or "")
                self.cur.markup.append(self.size)

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
                self.cur.code.append((self.code_start, self.size))
                self.code_start = None
            elif tag == "mark" and self.in_mark:
                self.in_mark -= 1
            elif tag not in _VOID:
                self.cur.markup.append(self.size)

    def handle_data(self, data: str) -> None:
        if self.skip or self.pre or self.cur is None:
            return
        if self.after_br and data.startswith("\n"):
            data = data[1:]  # markdown-it writes a hard break as "<br />\n": one line break
        self.after_br = False
        self._text(data)

    def _text(self, data: str) -> None:
        self.parts.append(data)
        self.size += len(data)
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
    return read(html)[0]


def read(html: str) -> tuple[list[Paragraph], list[str]]:
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
                f"render stopped: failing quote {q.id} (line {q.line}) “{short(q.text)}” is not "
                f"marked in the {fmt} output (a template dropped drafter's <mark>?); nothing "
                "was written"
            )
    if len(marked) > len(expected):
        raise RenderMismatchError(
            f"render stopped: the {fmt} output marks “{short(marked[len(expected)])}”, which is "
            "no failing quote; nothing was written"
        )


def short(text: str, width: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _difference(want: str, got: str) -> tuple[str, str]:
    """Both texts shortened to where they first differ, so the message shows the change."""
    i = next((k for k, (a, b) in enumerate(zip(want, got, strict=False)) if a != b), None)
    if i is None:
        i = min(len(want), len(got))
    start = want.rfind(" ", 0, max(i - 25, 0)) + 1
    lead = "…" if start else ""
    return lead + short(want[start:], 70), lead + short(got[start:], 70)


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
            problem = f"shows a quotation the checker never saw: “{short(extra)}”"
        else:
            q = checks[len(output_quotes)].quote
            problem = f"lost quote {q.id} (line {q.line}): “{short(q.text)}”"
        raise RenderMismatchError(
            f"render stopped: the {fmt} output {problem} (raw HTML, an image's alt text, a link's "
            "title or a template may hide text from the checker; nothing was written)"
        )
