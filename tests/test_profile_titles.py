"""Profiles, continued (the review of issue 12): a title drafted without its number cannot be
published, a headline is the writer's text, and `drafter init` says what it could not find."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from drafter.checker import placeholders

from .conftest import ROOT, run

LEDGER = ROOT / "tests" / "fixtures" / "checker" / "sources" / "ledger.md"


@pytest.mark.parametrize(
    "pattern",
    [
        "Dispatch #{number} From The Harbour: {headline}",
        "Harbour Dispatch No. {number} Weekly: {headline}",
    ],
)
def test_a_title_without_its_number_cannot_be_published(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pattern: str
) -> None:
    # Drafted without --number, the title holds `#TK` / `No. TK` before a capitalised word:
    # still a slot to fill (not a name like `TK Maxx`), so the render is refused.
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    (tmp_path / "drafter.toml").write_text(
        f'name = "Harbour Dispatch"\ntitle = "{pattern}"\n', encoding="utf-8"
    )
    made = run("draft", LEDGER, "--angle", "Night shifts at Halden", "--offline", "-d", "out")
    assert made.exit_code == 0, made.output
    path = tmp_path / "out" / "draft.md"
    text = re.sub(r"\[TK:[^\]]*\]", "My own words.", path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")
    title = pattern.replace("{number}", "TK").replace("{headline}", "Night shifts at Halden")
    assert f"\n# {title}\n" in text
    page = run("render", "out/draft.md", "-o", "page.html")
    assert page.exit_code == 1, page.output
    assert "1 placeholder(s)" in page.stderr and not (tmp_path / "page.html").exists()


def test_a_name_that_starts_with_tk_is_not_a_slot() -> None:
    found = placeholders.find("No TK Maxx and TK Elevator report; RTZ #TK; No. TK Weekly.", 1)
    assert [p.text for p in found] == ["TK", "TK"]


def test_a_number_typed_in_the_headline_stays_as_typed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The headline is the writer's text: a `{number}` in it is not the pattern's.
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    (tmp_path / "drafter.toml").write_text(
        'name = "X"\ntitle = "X #{number}: {headline}"\n', encoding="utf-8"
    )
    made = run("draft", LEDGER, "--angle", "Why {number} matters", "--number", "2", "--offline",
               "-d", "o")  # fmt: skip
    assert made.exit_code == 0, made.output
    draft = (tmp_path / "o" / "draft.md").read_text(encoding="utf-8")
    assert "\n# X #2: Why {number} matters\n" in draft


def test_init_says_when_a_post_has_no_title(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without a title the profile keeps RTZ's pattern; the writer is told, not left to find
    # "RTZ #" in a newsletter called "My newsletter".
    monkeypatch.chdir(tmp_path)
    (tmp_path / "post.md").write_text("Just a paragraph.\n\nSee you.\n", encoding="utf-8")
    result = run("init", "--from", "post.md")
    assert result.exit_code == 0, result.output
    assert "no title found (RTZ's title pattern kept: edit it)" in result.stderr
    assert "# no title found" in (tmp_path / "drafter.toml").read_text(encoding="utf-8")
