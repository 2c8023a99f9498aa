"""Turn a ``CheckResult`` into what an editor reads: terminal text, JSON, or Markdown.

Takes a ``CheckResult``; returns strings. Pure: no I/O (the CLI decides where they go and
whether the terminal gets colour).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from typing import Any

from drafter.checker import placeholders
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
    Status.UNBALANCED: "31",
}
_FOUND = (Status.EXACT, Status.NORMALIZED, Status.ELIDED, Status.BRACKETED, Status.TITLE)


def summary(result: CheckResult) -> dict[str, Any]:
    """The counts of a check. ``passed + failed + unchecked == quotes`` in every mode: an
    unchecked quote counts once, as a warning, or under ``--strict`` as a failure."""
    by_status = Counter(c.status.value for c in result.checks)
    failed = len(result.failed)
    unchecked = 0 if result.strict else by_status.get(Status.UNCHECKED.value, 0)
    return {
        "quotes": len(result.checks),
        "passed": len(result.checks) - failed - unchecked,
        "failed": failed,
        "unchecked": unchecked,
        "placeholders": len(result.placeholders),
        "warnings": sum(1 for c in result.checks if c.warning),
        "by_status": {s.value: by_status[s.value] for s in Status if by_status[s.value]},
    }


def blocking(result: CheckResult) -> str:
    """What keeps the draft from being rendered, in words ("" when nothing does)."""
    parts = []
    if result.failed:
        parts.append(f"{len(result.failed)} quote(s) fail the check")
    if result.placeholders:
        parts.append(
            f"{len(result.placeholders)} placeholder(s) such as [TK: …] are left "
            f"(lines {placeholders.lines(result.placeholders)})"
        )
    return " and ".join(parts)


STYLE_NOTES = {
    "us": "us: single quotes are scare quotes and terms",
    "british": "british: single quotes are quotation marks, double ones quotes within quotes",
}


def similarity(score: float) -> str:
    """A score as shown: floored, so that a near miss never reads 1.00."""
    return f"{math.floor(score * 100) / 100:.2f}"


def replacement_line(bracket: str, source_text: str) -> str:
    if bracket == "…":
        return f"… leaves out “{source_text}”"
    return f"[{bracket}] stands for “{source_text}”"


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
    if check.warning:
        entry["warning"] = check.warning
    return entry


def to_dict(result: CheckResult) -> dict[str, Any]:
    out: dict[str, Any] = {
        "draft": result.draft,
        "quote_style": result.quote_style,
        "sources": [source_entry(s) for s in result.sources],
        "summary": summary(result),
        "quotes": [quote_entry(c, result.strict) for c in result.checks],
    }
    out["placeholders"] = [{"line": p.line, "text": p.text} for p in result.placeholders]
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
        return f"nearest {n.source} [{n.start}:{n.end}] similarity {similarity(check.score or 0)}"
    return check.note


def summary_line(result: CheckResult) -> str:
    s = summary(result)
    counts = ", ".join(f"{k} {v}" for k, v in s["by_status"].items())
    verdict = "FAIL" if s["failed"] else "TODO" if s["placeholders"] else "OK"
    strict_unchecked = s["by_status"].get(Status.UNCHECKED.value, 0) if result.strict else 0
    if strict_unchecked:
        tally = f"{s['failed']} failed ({strict_unchecked} of them unchecked, failed by --strict)"
    else:
        tally = f"{s['failed']} failed, {s['unchecked']} unchecked"
    warned = (
        f", {s['warnings']} warning{'s' if s['warnings'] != 1 else ''}" if s["warnings"] else ""
    )
    line = f"{verdict}: {s['quotes']} quotes, {s['passed']} passed, {tally}{warned}" + (
        f" ({counts})" if counts else ""
    )
    if result.placeholders:
        line += (
            f"; {s['placeholders']} placeholder(s) to fill before it can be rendered "
            f"(lines {placeholders.lines(result.placeholders)})"
        )
    return line


def to_text(result: CheckResult, color: bool = False) -> str:
    def paint(text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if color else text

    lines = [
        f"{result.draft}: checked against "
        + (", ".join(s.id for s in result.sources) or "no sources")
    ]
    lines.append(f"quote style: {STYLE_NOTES.get(result.quote_style, result.quote_style)}")
    lines += [f"warning: {w}" for w in result.warnings]
    for c in result.checks:
        mark = "✓" if c.passed(result.strict) else "✗"
        if (c.status is Status.UNCHECKED or c.warning) and c.passed(result.strict):
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
        lines += [f"{'':10}{replacement_line(r.bracket, r.source_text)}" for r in c.replacements]
        if c.warning:
            lines.append(f"{'':10}warning: {c.warning}")
        if c.diff:
            lines.append(f"{'':10}diff: {_short(c.diff, 400)}")
    if not result.checks:
        lines.append("no quotations found in the draft")
    for p in result.placeholders:
        lines.append(f"{'TK':>4} line {p.line:<4} {paint('… placeholder', '33')}  {_short(p.text)}")
    colour = "31" if result.failed else "33" if result.placeholders else "32"
    lines.append(paint(summary_line(result), colour))
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(result: CheckResult) -> str:
    out = [
        f"# Provenance report: {result.draft}",
        "",
        f"**{summary_line(result)}**",
        "",
        f"Quote style: {STYLE_NOTES.get(result.quote_style, result.quote_style)}.",
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
    if result.placeholders:
        out += ["", "## Placeholders to fill", ""]
        out += [f"- line {p.line}: {p.text}" for p in result.placeholders]
    details = [
        c
        for c in result.checks
        if c.diff or c.replacements or c.warning or not c.passed(result.strict)
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
                f"similarity {similarity(c.score or 0)}:",
                "",
                f"> {_short(c.nearest.text, 400)}",
                "",
                f"Diff: `{c.diff}`",
                "",
            ]
        elif c.note:
            out += [c.note, ""]
        out += [f"- {replacement_line(r.bracket, r.source_text)}" for r in c.replacements]
        if c.warning:
            out.append(f"- warning: {c.warning}")
        if c.status is Status.MISATTRIBUTED:
            out.append(
                f"Attributed to `{c.quote.attributed_to}` but found in "
                + ", ".join(f"`{m.passage}`" for m in c.matches)
            )
    return "\n".join(out) + "\n"
