"""Render a checked draft for publication: Markdown, a standalone HTML page, an HTML fragment.

Takes the draft's text (front matter and all) and the ``CheckResult`` of checking it; returns
the three outputs as strings. Writes nothing; its only reads are its templates, through
``resources`` (a user override wins); the CLI and ``drafter draft`` decide where strings go.

The rules that keep published quotes honest (DESIGN.md § Invariants 3 and 4):

- **The gate.** Nothing is rendered while a quote fails or a placeholder (``[TK: …]``) is
  left, unless ``force=True``; then every failing quote is visibly marked
  (``<mark class="quote-failed">`` plus a flag in HTML, a bold warning paragraph in Markdown)
  and so is every placeholder (``<mark class="placeholder">``, a bold warning paragraph).
- **Rendering never changes quote text.** The HTML body comes from ``marking`` (no raw HTML,
  no typographer, safe links only); templates autoescape.
- **Read back and re-check.** After rendering, each output is read back (Markdown through the
  checker's own extractor, HTML through ``readback``) and the quotations found there must be
  exactly the ones the checker verified, in order, with the failing ones marked. A difference
  is a bug in drafter or in a template override and stops the render
  (``RenderMismatchError``); nothing half-checked is returned.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import markupsafe

from drafter import resources
from drafter.checker.extract import Paragraph, extract, extract_paragraphs
from drafter.checker.report import blocking
from drafter.errors import RenderMismatchError, UnverifiedQuotesError
from drafter.models import CheckResult, Placeholder, QuoteCheck
from drafter.publishing.marking import (
    MD,
    Marker,
    Post,
    block_paragraphs,
    body_html,
    code_lines,
    dangerous_definitions,
    escape_all,
    escape_label,
    locate,
    mark_placeholders,
    safe_markdown_line,
    split_post,
    title_of,
    unsafe_blocks,
)
from drafter.publishing.readback import check_marks, read, recheck, short

__all__ = ["RenderMismatchError", "Rendered", "UnverifiedQuotesError", "fill", "render"]


@dataclass(frozen=True)
class Rendered:
    """The three publishable forms of one post."""

    title: str
    md: str
    html: str
    fragment: str

    def get(self, fmt: str) -> str:
        return {"md": self.md, "html": self.html, "fragment": self.fragment}[fmt]


def fill(name: str, **context: object) -> str:
    """Render the HTML template ``name`` (autoescaped, strict); its errors name the file."""
    return resources.render("templates", name, context, autoescape=True)


# --- the three outputs -------------------------------------------------------------------


def _markdown(
    post: Post, checks: Sequence[QuoteCheck], strict: bool, slots: Sequence[Placeholder] = ()
) -> str:
    """The body without front matter or comment blocks, raw HTML and script links defused
    (``safe_markdown_line``); a warning line before failing quotes and before each block
    that still holds a placeholder."""
    tokens = MD.parse(post.body)
    paras = block_paragraphs(tokens, post.first_line)
    spans, _ = locate([p for _, p in paras], checks)
    # The top-level block (its first body line) where each failing quote starts.
    tops = [t.map for t in tokens if t.level == 0 and t.nesting in (0, 1) and t.map is not None]
    starts = [m[0] for m in tops]  # in order, and top-level blocks do not overlap

    def top_of(at: int) -> int:
        k = bisect_right(starts, at) - 1
        return tops[k][0] if k >= 0 and at < tops[k][1] else at

    warn: dict[int, list[str]] = {}
    for s in spans:
        if s.first and not s.check.passed(strict):
            at = paras[s.para][1].line - post.first_line
            status = s.check.status.value.replace("_", " ")
            warn.setdefault(top_of(at), []).append(
                f"**⚠ UNVERIFIED QUOTE ({status}), line {s.check.quote.line}: "
                "fix before publishing.**"
            )
    for slot in slots:
        if slot.line >= post.first_line:  # a front-matter title's is not in the Markdown
            warn.setdefault(top_of(slot.line - post.first_line), []).append(
                f"**⚠ PLACEHOLDER, line {slot.line}: fill it in before publishing.**"
            )
    verbatim = code_lines(post.body)
    definitions = dangerous_definitions(post.body)  # those over several lines too
    body = post.body.split("\n")
    lines = [escape_label(line) if i in definitions else line for i, line in enumerate(body)]
    # Raw HTML and script links are defused as the HTML outputs defuse them, line by line;
    # what a permissive renderer still finds in the result (a code span or a definition
    # over several lines misleads a reading line by line) is escaped without exception.
    lines = [line if i in verbatim else safe_markdown_line(line) for i, line in enumerate(lines)]
    for i in unsafe_blocks("\n".join(lines)) - verbatim:
        lines[i] = escape_all(lines[i])
    out: list[str] = []
    for i, line in enumerate(lines):
        for text in dict.fromkeys(warn.get(i, [])):
            out += [text, ""]
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
# A placeholder in a forced preview page: inline too, so an email shows it.
PLACEHOLDER_STYLE = "background:#fff3bf;color:#6b4e00;outline:2px dashed #e8a400;"


def _check_title(title: str, post: Post) -> None:
    """The page title comes from the front matter, which the checker does not read: it may
    carry no quotation unless it is the body's own checked ``# heading``."""
    tokens = MD.parse(post.body)
    if any(t.tag == "h1" and tokens[i + 1].content == title for i, t in enumerate(tokens[:-1])):
        return
    quoted = [q for q in extract_paragraphs([Paragraph(title, 1, False)]) if not q.single]
    if quoted:
        raise RenderMismatchError(
            f"render stopped: the post's title quotes “{short(quoted[0].text)}” but the checker "
            "does not read the front matter; put the title in the draft as its first line, a "
            "# heading, so that its quotes are checked (nothing was written)"
        )


def _without_title(post: Post, checks: Sequence[QuoteCheck]) -> tuple[Post, list[QuoteCheck]]:
    """The post without its opening ``# title`` (newsletter editors take the title in a
    field of their own), and the checks of the quotes left in it."""
    tokens = MD.parse(post.body)
    first = tokens[0] if tokens else None
    if first is None or first.type != "heading_open" or first.tag != "h1" or first.map is None:
        return post, list(checks)
    start, end = first.map
    lines = post.body.split("\n")
    body = "\n".join("" if start <= i < end else line for i, line in enumerate(lines))
    gone = range(post.first_line + start, post.first_line + end)
    return replace(post, body=body), [c for c in checks if c.quote.line not in gone]


def render(
    draft_text: str,
    result: CheckResult,
    *,
    force: bool = False,
    fallback_title: str = "",
    fragment_title: bool = True,
) -> Rendered:
    """The publishable Markdown, preview page and fragment of a checked draft.

    ``result`` must be the check of ``draft_text``. Raises ``UnverifiedQuotesError`` while a
    quote fails or a placeholder is left (unless ``force``: then both are marked) and
    ``RenderMismatchError`` when an output's quotes are not exactly the checked ones.
    ``fragment_title=False`` leaves the title out of the fragment.
    """
    if not result.publishable and not force:
        raise UnverifiedQuotesError(
            f"{result.draft}: not rendered: {blocking(result)}; fix them or pass --force to "
            "render with them marked"
        )
    post = split_post(draft_text)
    title = title_of(post, fallback_title)
    _check_title(title, post)

    md = _markdown(post, result.checks, result.strict, result.placeholders)
    found = extract(md, result.sources, style=result.quote_style)
    recheck("md", [(q.text, q.kind.value, q.single) for q in found], result.checks)

    outputs: dict[str, str] = {}
    for fmt, template, styles in (
        ("html", "post.html.j2", EMAIL_STYLES),
        ("fragment", "fragment.html.j2", None),
    ):
        shown, checks = post, list(result.checks)
        if fmt == "fragment" and not fragment_title:
            shown, checks = _without_title(post, checks)
        body, missing = body_html(
            shown,
            checks,
            Marker(result.strict),
            styles=styles,
            sources=result.sources,
            style=result.quote_style,
        )
        if missing:
            q = missing[0].quote
            raise RenderMismatchError(
                f"render stopped: quote {q.id} (line {q.line}) “{short(q.text)}” is not in the "
                f"{fmt} output as the checker read it (raw HTML in its paragraph?); nothing "
                "was written"
            )
        starts_with_title = body.lstrip().startswith("<h1")
        text = fill(
            template,
            title=title,
            body=markupsafe.Markup(mark_placeholders(body, PLACEHOLDER_STYLE if styles else "")),
            meta=post.meta,
            show_title=not starts_with_title and (fmt != "fragment" or fragment_title),
            forced=not result.publishable,
            failed=len(result.failed),
            placeholders=len(result.placeholders),
        )
        paras, marked = read(text)
        found = extract_paragraphs(paras, result.sources, result.quote_style)
        recheck(fmt, [(q.text, q.kind.value, q.single) for q in found], checks)
        check_marks(fmt, marked, checks, result.strict)
        outputs[fmt] = text
    return Rendered(title, md, outputs["html"], outputs["fragment"])
