"""Turn a ``CheckResult`` into what an editor reads: terminal text, JSON, or Markdown.

Takes a ``CheckResult``; returns strings. Pure: no I/O (the CLI decides where they go and
whether the terminal gets colour).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from drafter.models import CheckResult, QuoteCheck, Source, Status

_COLOURS = {
    Status.EXACT: "32",
    Status.NORMALIZED: "32",
    Status.ELIDED: "32",
    Status.BRACKETED: "36",
    Status.TITLE: "32",
    Status.UNCHECKED: "33",
    Status.ALTERED: "31",
    Status.MISATTRIBUTED: "31",
    Status.NOT_FOUND: "31",
}
_FOUND = (Status.EXACT, Status.NORMALIZED, Status.ELIDED, Status.BRACKETED, Status.TITLE)


def summary(result: CheckResult) -> dict[str, Any]:
    by_status = Counter(c.status.value for c in result.checks)
    unchecked = by_status.get(Status.UNCHECKED.value, 0)
    failed = len(result.failed)
    return {
        "quotes": len(result.checks),
        "passed": len(result.checks) - failed - (0 if result.strict else unchecked),
        "failed": failed,
        "unchecked": unchecked,
        "by_status": {s.value: by_status[s.value] for s in Status if by_status[s.value]},
    }


def source_entry(s: Source) -> dict[str, Any]:
    return {
        "id": s.id,
        "title": s.title,
        "publication": s.publication,
        "url": s.url,
        "path": s.path,
        "sha256": s.sha256,
        "chars": len(s.text),
    }


def quote_entry(check: QuoteCheck, strict: bool) -> dict[str, Any]:
    q = check.quote
    entry: dict[str, Any] = {
        "id": q.id,
        "text": q.text,
        "line": q.line,
        "kind": q.kind.value,
        "status": check.status.value,
        "passed": check.passed(strict),
        "attributed_to": q.attributed_to,
        "matches": [
            {"source": m.source, "start": m.start, "end": m.end, "passage": m.passage}
            for m in check.matches
        ],
        "normalizations": list(check.normalizations),
        "nearest": None
        if check.nearest is None
        else {
            "source": check.nearest.source,
            "start": check.nearest.start,
            "end": check.nearest.end,
            "text": check.nearest.text,
        },
        "score": 1.0
        if check.status in _FOUND or check.status is Status.MISATTRIBUTED
        else check.score,
        "diff": check.diff,
    }
    if check.replacements:
        entry["replacements"] = [
            {"bracket": r.bracket, "source_text": r.source_text} for r in check.replacements
        ]
    if check.note:
        entry["note"] = check.note
    return entry


def to_dict(result: CheckResult) -> dict[str, Any]:
    out: dict[str, Any] = {
        "draft": result.draft,
        "sources": [source_entry(s) for s in result.sources],
        "summary": summary(result),
        "quotes": [quote_entry(c, result.strict) for c in result.checks],
    }
    if result.warnings:
        out["warnings"] = list(result.warnings)
    return out


def to_json(result: CheckResult) -> str:
    return json.dumps(to_dict(result), ensure_ascii=False, indent=2) + "\n"


def _short(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def where(check: QuoteCheck) -> str:
    """Where a quote was found, or what is closest, in a few words."""
    if check.status is Status.TITLE:
        return check.note
    if check.matches:
        first = check.matches[0]
        more = f" (+{len(check.matches) - 1} more)" if len(check.matches) > 1 else ""
        return f"{first.passage} [{first.start}:{first.end}]{more}"
    if check.nearest is not None:
        n = check.nearest
        return f"nearest {n.source} [{n.start}:{n.end}] similarity {check.score:.2f}"
    return check.note


def summary_line(result: CheckResult) -> str:
    s = summary(result)
    counts = ", ".join(f"{k} {v}" for k, v in s["by_status"].items())
    verdict = "FAIL" if s["failed"] else "OK"
    return (
        f"{verdict}: {s['quotes']} quotes, {s['passed']} passed, {s['failed']} failed, "
        f"{s['unchecked']} unchecked" + (f" ({counts})" if counts else "")
    )


def to_text(result: CheckResult, color: bool = False) -> str:
    def paint(text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if color else text

    lines = [
        f"{result.draft}: checked against "
        + (", ".join(s.id for s in result.sources) or "no sources")
    ]
    lines += [f"warning: {w}" for w in result.warnings]
    for c in result.checks:
        mark = "✓" if c.passed(result.strict) else "✗"
        if c.status is Status.UNCHECKED and not result.strict:
            mark = "!"
        status = paint(f"{mark} {c.status.value:<13}", _COLOURS[c.status])
        lines.append(
            f"{c.quote.id:>4} line {c.quote.line:<4} {status} {where(c)}  “{_short(c.quote.text)}”"
        )
        if c.status is Status.MISATTRIBUTED:
            lines.append(
                f"{'':10}attributed to {c.quote.attributed_to or c.quote.unlisted}, found in "
                + ", ".join(sorted({m.source for m in c.matches}))
            )
        if c.note and (c.matches or c.nearest) and c.status is not Status.TITLE:
            lines.append(f"{'':10}{c.note}")  # e.g. which library piece the quote is from
        if c.normalizations and c.status is not Status.EXACT:
            lines.append(f"{'':10}normalised: {', '.join(c.normalizations)}")
        lines += [f"{'':10}[{r.bracket}] stands for “{r.source_text}”" for r in c.replacements]
        if c.diff:
            lines.append(f"{'':10}diff: {_short(c.diff, 400)}")
    if not result.checks:
        lines.append("no quotations found in the draft")
    lines.append(paint(summary_line(result), "31" if result.failed else "32"))
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(result: CheckResult) -> str:
    out = [
        f"# Provenance report: {result.draft}",
        "",
        f"**{summary_line(result)}**",
        "",
        "## Sources",
        "",
    ]
    out += [
        f"- `{src.id}`: {src.publication or ''} “{src.title}” "
        f"({src.url or src.path}), sha256 `{src.sha256[:12]}…`, {len(src.text)} chars"
        for src in result.sources
    ]
    out += [
        *(f"- warning: {w}" for w in result.warnings),
        "",
        "## Quotes",
        "",
        "| id | line | status | where | quote |",
        "|---|---|---|---|---|",
    ]
    for c in result.checks:
        status = c.status.value if c.passed(result.strict) else f"**{c.status.value}**"
        out.append(
            f"| {c.quote.id} | {c.quote.line} | {status} | {_cell(where(c))} "
            f"| {_cell(_short(c.quote.text, 80))} |"
        )
    details = [
        c for c in result.checks if c.diff or c.replacements or c.status is Status.MISATTRIBUTED
    ]
    if details:
        out += ["", "## Needs an editor", ""]
    for c in details:
        out += [
            f"### {c.quote.id} (line {c.quote.line}): {c.status.value}",
            "",
            f"> {_short(c.quote.text, 400)}",
            "",
        ]
        if c.nearest is not None:
            out += [
                f"Nearest in `{c.nearest.source}` [{c.nearest.start}:{c.nearest.end}], "
                f"similarity {c.score:.2f}:",
                "",
                f"> {_short(c.nearest.text, 400)}",
                "",
                f"Diff: `{c.diff}`",
                "",
            ]
        out += [f"- [{r.bracket}] stands for “{r.source_text}”" for r in c.replacements]
        if c.status is Status.MISATTRIBUTED:
            out.append(
                f"Attributed to `{c.quote.attributed_to}` but found in "
                + ", ".join(f"`{m.passage}`" for m in c.matches)
            )
    return "\n".join(out) + "\n"
