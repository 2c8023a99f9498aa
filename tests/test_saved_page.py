"""A quote that is on the saved page but not in the article extracted from it: the report
says extraction is at fault, not the writer."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from drafter.checker.web import OUTSIDE_ARTICLE

from .conftest import run

NEWS = Path(__file__).resolve().parent / "fixtures" / "web" / "news.html"

DRAFT = """As the Harbour Ledger reports:

“Sign up for our free newsletter and get the day’s business news in your inbox every morning.”

“A quote that is on no page at all, written by nobody in the harbour.”
"""


def _check(tmp_path: Path, *extra: str) -> tuple[int, dict[str, object], str]:
    page = tmp_path / "news.html"
    shutil.copy(NEWS, page)
    draft = tmp_path / "draft.md"
    draft.write_text(DRAFT, encoding="utf-8")
    result = run("check", draft, "--source", page, *extra, "--format", "json")
    text = run("check", draft, "--source", page, *extra).stdout
    return result.exit_code, json.loads(result.stdout), text


def test_quote_outside_the_extracted_article_is_named(tmp_path: Path) -> None:
    code, report, text = _check(tmp_path)
    assert code == 1  # still a failure: the extracted source does not hold it
    outside, nowhere = report["quotes"]  # type: ignore[misc]
    assert not outside["passed"]
    assert outside["note"].startswith(OUTSIDE_ARTICLE)
    assert "note" not in nowhere or OUTSIDE_ARTICLE not in nowhere["note"]
    assert OUTSIDE_ARTICLE in text


def test_library_keeps_the_page_so_it_is_named_there_too(tmp_path: Path, library_env: Path) -> None:
    assert run("sources", "add", NEWS).exit_code == 0
    draft = tmp_path / "draft.md"
    draft.write_text(DRAFT, encoding="utf-8")
    result = run("check", draft, "--library", "--format", "json")
    quotes = json.loads(result.stdout)["quotes"]
    assert quotes[0]["note"].startswith(OUTSIDE_ARTICLE)
