"""`drafter check` on many drafts at once (issue 13): same verdicts as one draft at a time,
one summary table, an HTML index, and the exit code of the worst post."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from .conftest import EXAMPLE, ROOT, run

SOURCES = ROOT / "tests" / "fixtures" / "checker" / "sources"
NOTE_DRAFT = """---
sources: [{path: scmp.md}, {path: meridian.md}]
---
Meridian Wire reports on the pay on offer:

“Recruiters said offers for senior researchers now routinely include stock awards that
vest over four years, with sign-on payments for those who leave a lab in the middle of a
project.”

As the NYTimes noted recently:

“Meta and OpenAI did not immediately respond to requests for comment outside business
hours on Sunday.”
"""
PASSING = """---
sources: [{path: scmp.md}]
---
As the South China Morning Post reports:

“Jiao served as CEO of the firm, which developed an open-source Athene-V2 model that
rivalled OpenAI’s GPT4o in terms of performance.”
"""


@pytest.fixture
def posts(tmp_path: Path) -> Path:
    """A folder of posts sharing their sources, as a writer's archive has them."""
    folder = tmp_path / "posts"
    folder.mkdir()
    for name in ("scmp.md",):
        shutil.copy(EXAMPLE / name, folder / name)
    for name in ("meridian.md",):
        shutil.copy(SOURCES / name, folder / name)
    shutil.copy(EXAMPLE / "draft.md", folder / "2025-07-14-talent.md")
    (folder / "2025-07-21-pay.md").write_text(NOTE_DRAFT, encoding="utf-8")
    (folder / "2025-07-28-ceo.md").write_text(PASSING, encoding="utf-8")
    return folder


def _verdicts(report: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (
            q["id"],
            q["text"],
            q["status"],
            q["passed"],
            json.dumps(q["matches"]),
            json.dumps(q["nearest"]),
            q["score"],
            q.get("note"),
            q["attributed_to"],
        )
        for q in report["quotes"]
    ]


def test_many_drafts_give_the_verdicts_of_single_runs(posts: Path) -> None:
    drafts = sorted(p for p in posts.glob("2025-*.md"))
    many = run("check", *drafts, "--format", "json", "--jobs", "2")
    assert many.exit_code == 1  # the example post fails on purpose
    got = {p["draft"]: p for p in json.loads(many.stdout)["posts"]}
    assert list(got) == [str(d) for d in drafts]  # in the order given
    for draft in drafts:
        single = run("check", draft, "--format", "json")
        alone = json.loads(single.stdout)
        mine = got[str(draft)]
        assert _verdicts(mine["report"]) == _verdicts(alone), draft.name
        assert mine["report"]["summary"] == alone["summary"]
        assert mine["failed"] == alone["summary"]["failed"]
        assert mine["ok"] is (single.exit_code == 0)


def test_a_folder_is_its_posts_and_the_table_sums_them(posts: Path) -> None:
    result = run("check", posts)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["post", "quotes", "passed", "failed", "warnings"]
    names = [line.split()[0] for line in lines[1:4]]
    # The sources in the folder are not posts: the drafts name them.
    assert [Path(n).name for n in names] == [
        "2025-07-14-talent.md",
        "2025-07-21-pay.md",
        "2025-07-28-ceo.md",
    ]
    talent, pay, ceo = (line.split()[1:5] for line in lines[1:4])
    assert talent == ["28", "15", "7", "6"]
    assert pay == ["2", "1", "1", "0"]  # the NYTimes lead-in before an SCMP sentence
    assert ceo == ["1", "1", "0", "0"]
    assert lines[4].split()[:5] == ["total", "31", "17", "8", "6"]
    assert "FAIL: 3 posts, 2 with failing quotes" in result.stdout


def test_html_writes_an_index_linking_each_report(posts: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    result = run("check", posts, "--format", "html", "-o", out)
    assert result.exit_code == 1
    index = (out / "index.html").read_text(encoding="utf-8")
    for name in ("2025-07-14-talent", "2025-07-21-pay", "2025-07-28-ceo"):
        assert f'href="{name}.html"' in index
        report = (out / f"{name}.html").read_text(encoding="utf-8")
        assert "<html" in report
    assert "http" not in index.replace(" http-equiv", "")  # no network requests


def test_html_for_many_drafts_needs_a_folder(posts: Path) -> None:
    result = run("check", posts, "--format", "html")
    assert result.exit_code == 2
    assert "needs --output DIR" in result.stderr


def test_an_unreadable_draft_is_a_row_and_exit_2(posts: Path) -> None:
    (posts / "2025-08-04-empty.md").write_text("", encoding="utf-8")
    result = run("check", posts, "--jobs", "1")
    assert result.exit_code == 2
    assert re.search(r"2025-08-04-empty.md +error: .*is empty", result.stdout)
    assert "2025-07-28-ceo.md" in result.stdout  # the others are still checked


def test_all_passing_exits_0(posts: Path) -> None:
    ceo = posts / "2025-07-28-ceo.md"
    again = posts / "2025-08-04-ceo-again.md"
    again.write_text(PASSING, encoding="utf-8")
    result = run("check", ceo, again, "--jobs", "2")
    assert result.exit_code == 0
    assert "OK: 2 posts, 0 with failing quotes" in result.stdout
