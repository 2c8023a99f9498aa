"""Run every checker case of tests/fixtures/checker/*.md through `drafter check`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .checker_cases import CASES_DIR, Case, all_cases
from .conftest import run

CASES = all_cases()


def test_there_are_enough_cases_covering_every_status() -> None:
    assert len(CASES) >= 40
    statuses = {e.status for c in CASES for e in c.expect or []}
    assert statuses >= {
        "exact",
        "normalized",
        "elided",
        "bracketed",
        "title",
        "unchecked",
        "altered",
        "misattributed",
        "not_found",
    }


def _materialise(case: Case, tmp: Path) -> list[Path]:
    paths = []
    for sid in case.shared:
        shared = CASES_DIR / "sources" / f"{sid}.md"
        target = tmp / f"{sid}.md"
        target.write_text(shared.read_text(encoding="utf-8"), encoding="utf-8")
        paths.append(target)
    for sid, text in case.sources.items():
        target = tmp / (sid if "." in sid else f"{sid}.md")
        target.write_text(text, encoding="utf-8")
        paths.append(target)
    return paths


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case: Case, tmp_path: Path) -> None:
    assert case.expect is not None, f"{case.id}: no ~~~ expect block"
    sources = _materialise(case, tmp_path)
    draft = tmp_path / "draft.md"
    draft.write_text(case.draft, encoding="utf-8")
    args: list[str | Path] = ["check", draft, "--format", "json"]
    for s in sources:
        args += ["--source", s]
    if case.options.get("strict", "").lower() == "true":
        args.append("--strict")
    if "quote-style" in case.options:
        args += ["--quote-style", case.options["quote-style"]]
    result = run(*args)
    assert result.exit_code in (0, 1), result.output
    report = json.loads(result.stdout)
    got = report["quotes"]
    shown = "\n".join(
        f"  {q['status']} @{(q['matches'] or [q['nearest'] or {}])[0].get('source')}"
        f" | {q['text'][:50]}"
        for q in got
    )
    assert len(got) == len(case.expect), f"quotes found:\n{shown}"
    for q, e in zip(got, case.expect, strict=True):
        label = f"{q['id']} “{q['text'][:60]}”\nall quotes:\n{shown}"
        assert q["status"] == e.status, label
        if e.prefix is not None:
            assert q["text"].startswith(e.prefix), label
        if e.source is not None:
            where = [m["source"] for m in q["matches"]] or (
                [q["nearest"]["source"]] if q["nearest"] else []
            )
            assert where and where[0] == e.source, f"{label}\nfound in {where}"
        extra = e.extra
        if "normalizations" in extra:
            want = {r.strip() for r in extra["normalizations"].split(",") if r.strip()}
            assert set(q["normalizations"]) == want, label
        if "kind" in extra:
            assert q["kind"] == extra["kind"], label
        if "line" in extra:
            assert q["line"] == int(extra["line"]), label
        if "attributed" in extra:
            assert q["attributed_to"] == (extra["attributed"] or None), label
        if "warning" in extra:
            assert extra["warning"] in q.get("warning", ""), f"{label}\nwarning: {q.get('warning')}"
        if "no-warning" in extra:
            assert not q.get("warning"), f"{label}\nwarning: {q.get('warning')}"
        if "note" in extra:
            assert extra["note"] in q.get("note", ""), f"{label}\nnote: {q.get('note')}"
        if "nearest" in extra:
            near = q["nearest"]
            if extra["nearest"] == "none":
                assert near is None and q["diff"] is None, label
            else:
                assert near and near["text"].startswith(extra["nearest"]), f"{label}\n{near}"
        if "diff" in extra:
            assert q["diff"] and extra["diff"] in q["diff"], f"{label}\ndiff: {q['diff']}"
        if "left-out" in extra:
            got_left = [r["source_text"] for r in q.get("replacements", []) if r["bracket"] == "…"]
            assert extra["left-out"] in got_left, f"{label}\nleft out: {got_left}"
        if "style" in extra:
            assert report["quote_style"] == extra["style"], label
        if "replaced" in extra:
            got_replaced = [r["source_text"] for r in q.get("replacements", [])]
            assert extra["replaced"] in got_replaced, f"{label}\nreplaced: {got_replaced}"
    failing = [q for q in got if not q["passed"]]
    assert result.exit_code == (1 if failing else 0)
