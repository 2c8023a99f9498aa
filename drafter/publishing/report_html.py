"""The editor's HTML report: one self-contained page for reviewing a draft's quotes.

Takes a ``CheckResult`` and the draft's Markdown (the text that was checked); returns the page
as a string. Writes nothing; its only reads are its templates, through ``resources`` (the CLI
or ``drafter draft`` writes the page, e.g. as ``report.html``).

The page makes no network requests and works opened from disk: CSS and JS are inlined and a
Content-Security-Policy allows exactly those two inline blocks (by hash) and nothing else, so
text from a draft or a source can never run as script even if escaping were to fail. All
draft and source text goes through autoescape; links keep only http, https and mailto.
"""

from __future__ import annotations

import base64
import hashlib
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import markupsafe

from drafter import resources
from drafter.checker.extract import paragraphs
from drafter.checker.report import summary, where
from drafter.models import CheckResult, QuoteCheck, Source, Status
from drafter.publishing.marking import (
    Marker,
    Post,
    body_html,
    mark_placeholders,
    safe_url,
    split_post,
    title_of,
)
from drafter.publishing.render import fill

# Status → colour group. The groups' colours live in templates/report.css.
GROUPS = {
    Status.EXACT: "pass",
    Status.NORMALIZED: "pass",
    Status.TITLE: "pass",
    Status.ELIDED: "note",
    Status.BRACKETED: "note",
    Status.UNCHECKED: "warn",
    Status.ALTERED: "fail",
    Status.MISATTRIBUTED: "fail",
    Status.NOT_FOUND: "fail",
    Status.UNBALANCED: "fail",
}


def group(check: QuoteCheck, strict: bool) -> str:
    if not check.passed(strict):
        return "fail"
    return GROUPS[check.status]


class _ReportMarker(Marker):
    """Every quote becomes a focusable span; failing ones get their evidence below them."""

    def __init__(self, strict: bool, details: dict[str, str]) -> None:
        super().__init__(strict)
        self.details = details

    def wanted(self, check: QuoteCheck) -> bool:
        return True

    def open(self, check: QuoteCheck, first: bool) -> str:
        q = check.quote
        attrs = {
            "class": f"q {group(check, self.strict)} s-{check.status.value}",
            "data-q": q.id,
            "data-status": check.status.value,
            "title": f"{q.id} · {check.status.value} · {where(check)}",
        }
        if first:
            attrs |= {
                "id": f"q-{q.id}",
                "tabindex": "0",
                "role": "button",
                "aria-label": f"{q.id}, {check.status.value}: show in source",
            }
        return "<span " + " ".join(f'{k}="{markupsafe.escape(v)}"' for k, v in attrs.items()) + ">"

    def close(self, check: QuoteCheck) -> str:
        return "</span>"

    def after(self, check: QuoteCheck) -> str:
        return ""

    def block(self, checks: Sequence[QuoteCheck]) -> str:
        return "".join(self.details.get(c.quote.id, "") for c in checks)


_DIFF = re.compile(r"\[-(.*?)-\]|\{\+(.*?)\+\}", re.DOTALL)


def diff_parts(diff: str) -> list[tuple[str, str]]:
    """``[-removed-]{+added+}`` → (kind, text) pieces: "same", "del" (source) or "ins" (draft)."""
    out: list[tuple[str, str]] = []
    pos = 0
    for m in _DIFF.finditer(diff):
        if m.start() > pos:
            out.append(("same", diff[pos : m.start()]))
        out.append(("del", m.group(1)) if m.group(1) is not None else ("ins", m.group(2)))
        pos = m.end()
    if pos < len(diff):
        out.append(("same", diff[pos:]))
    return out


@dataclass(frozen=True)
class _Mark:
    start: int
    end: int
    qid: str
    kind: str  # "match" or "near"
    group: str


def _source_marks(result: CheckResult) -> dict[str, list[_Mark]]:
    marks: dict[str, list[_Mark]] = {}
    for c in result.checks:
        g = group(c, result.strict)
        for m in c.matches:
            marks.setdefault(m.source, []).append(_Mark(m.start, m.end, c.quote.id, "match", g))
        if c.nearest is not None and not c.matches:
            n = c.nearest
            marks.setdefault(n.source, []).append(_Mark(n.start, n.end, c.quote.id, "near", g))
    return marks


_LONE_BREAK = re.compile(r"(?<!\n)\n(?!\n)")


def _display(text: str, lone: Sequence[int], a: int, b: int) -> str:
    """``text[a:b]`` for reading: a lone line break (one paragraph per line, as most snapshots
    have it; ``lone`` holds their offsets, sorted) shows as a blank line. Display only;
    offsets are never taken from this."""
    out = []
    for i in lone[bisect_left(lone, a) : bisect_left(lone, b)]:
        out.append(text[a:i] + "\n")
        a = i
    out.append(text[a:b])
    return "".join(out)


def source_html(src: Source, marks: Sequence[_Mark]) -> markupsafe.Markup:
    """The source text, escaped, with every matched or nearest span highlighted in place.

    Spans may overlap (two quotes of one paragraph, a near miss over a match); the text is cut
    at every boundary and each piece lists all the quotes covering it in ``data-q``.
    """
    text = src.text
    lone = [m.start() for m in _LONE_BREAK.finditer(text)]
    inner = (b for m in marks for b in (m.start, m.end) if 0 < b < len(text))
    cuts = sorted({0, len(text), *inner})
    # One sweep along the text: ``open_`` holds the marks begun and not yet ended, in the
    # order of ``marks`` (which sets the order of the ids in ``data-q``).
    by_start = sorted(range(len(marks)), key=lambda k: marks[k].start)
    next_mark = 0
    open_: list[int] = []
    out: list[str] = []
    started: set[str] = set()
    for a, b in pairwise(cuts):
        piece = markupsafe.escape(_display(text, lone, a, b))
        while next_mark < len(by_start) and marks[by_start[next_mark]].start <= a:
            open_.append(by_start[next_mark])
            next_mark += 1
        open_ = sorted(k for k in open_ if b <= marks[k].end)
        over = [marks[k] for k in open_]
        if not over:
            out.append(str(piece))
            continue
        ids = " ".join(dict.fromkeys(m.qid for m in over))
        kinds = sorted({f"{m.kind}-{m.group}" for m in over})
        first = [m.qid for m in over if m.qid not in started]
        started.update(first)
        attrs = f' class="m {" ".join(kinds)}" data-q="{markupsafe.escape(ids)}"'
        if first:
            attrs += ' tabindex="0" role="button"'
            attrs += f' aria-label="{markupsafe.escape(", ".join(first))}: back to the draft"'
        out.append(f"<span{attrs}>{piece}</span>")
    return markupsafe.Markup("".join(out))


def _words(text: str) -> int:
    return len(text.split())


def stats(result: CheckResult, post: Post) -> dict[str, object]:
    """Share of the post that is quoted and words quoted per source."""
    post_words = sum(_words(p.text) for p in paragraphs(post.body))
    quoted = [c for c in result.checks if not c.quote.single and c.status is not Status.TITLE]
    quoted_words = sum(_words(c.quote.text) for c in quoted)
    per_source: Counter[str] = Counter()
    for c in quoted:
        if c.matches and c.passed(result.strict):
            per_source[c.matches[0].source] += _words(c.quote.text)
    return {
        "post_words": post_words,
        "quoted_words": quoted_words,
        "share": quoted_words / post_words if post_words else 0.0,
        "per_source": [
            {
                "id": s.id,
                "name": s.publication or s.title or s.id,
                "words": per_source[s.id],
                "of": _words(s.text),
            }
            for s in result.sources
        ],
    }


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def to_html(result: CheckResult, draft_markdown: str) -> str:
    """The report page for ``result``; ``draft_markdown`` is the checked draft's full text."""
    details = {
        c.quote.id: fill(
            "report_quote.html.j2",
            check=c,
            where=where(c),
            diff=diff_parts(c.diff) if c.diff else [],
            group=group(c, result.strict),
        )
        for c in result.checks
        if not c.passed(result.strict)
        or c.status is Status.BRACKETED
        or c.replacements
        or c.warning
    }
    post = split_post(draft_markdown)
    body, unplaced = body_html(
        post,
        result.checks,
        _ReportMarker(result.strict, details),
        sources=result.sources,
        style=result.quote_style,
    )
    marks = _source_marks(result)
    sources = [
        {
            "src": s,
            "url": s.url if safe_url(s.url) else "",
            "html": source_html(s, marks.get(s.id, [])),
        }
        for s in result.sources
    ]
    css = resources.read("templates", "report.css")
    js = resources.read("templates", "report.js")
    csp = (
        f"default-src 'none'; style-src {_csp_hash(css)}; script-src {_csp_hash(js)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    return fill(
        "report.html.j2",
        title=title_of(post, result.draft),
        draft=result.draft,
        result=result,
        summary=summary(result),
        stats=stats(result, post),
        groups={c.quote.id: group(c, result.strict) for c in result.checks},
        body=markupsafe.Markup(mark_placeholders(body)),
        placeholders=result.placeholders,
        unplaced=unplaced,
        sources=sources,
        css=markupsafe.Markup(css),
        js=markupsafe.Markup(js),
        csp=csp,
    )
