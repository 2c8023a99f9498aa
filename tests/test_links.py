"""`check --follow-links` and `sources add --from`: a post checked against the pages its
lead-ins link, fetched from the local test server (127.0.0.1, hence --allow-private)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drafter.sources.library import Library

from .conftest import run
from .webserver import Server

pytestmark = pytest.mark.usefixtures("local_fetch")


def post(base: str) -> str:
    # The lead-ins name no publication: only their links say which page each quote is from.
    return f"""# Harbour week

[One report]({base}/news) has the numbers:

“Every port is going to do this within a decade. The only question is who pays for
the substation,” an analyst said.

[Another]({base}/pages/title-pipe) says:

> The ferry company said on Thursday that fares on the island route would rise by a fifth
> from the first of January, blaming the price of fuel.

[A third, since taken down]({base}/missing), said:

> The harbour master resigned on Friday after twenty years in the job, citing the new budget.

And [the ferry piece]({base}/pages/title-pipe) does not say this: “Every port is going to
do this within a decade.”
"""


def test_follow_links_checks_each_quote_against_the_page_its_lead_in_links(
    web: Server, tmp_path: Path, library_env: Path
) -> None:
    lib = library_env
    draft = tmp_path / "post.md"
    draft.write_text(post(web.base), encoding="utf-8")
    result = run(
        "check", draft, "--follow-links", "--allow-private", "--library", "--format", "json"
    )
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    q1, q2, q3, q4 = report["quotes"]
    assert q1["passed"] and q1["attributed_to"] == "harbourledger"
    assert q2["passed"] and q2["attributed_to"] == report["sources"][1]["id"]
    assert report["sources"][1]["url"] == f"{web.base}/pages/title-pipe"
    assert q3["status"] == "not_found"  # its page is gone: nothing to prove it against
    # Found, but not in the page its own lead-in links.
    assert q4["status"] == "misattributed"
    # The failed link is one line of the report, not an abort.
    (missing,) = [w for w in report["warnings"] if "/missing" in w]
    assert "HTTP 404" in missing
    assert missing.startswith("link not checked: ")
    with Library(lib) as library:
        assert len(library.entries()) == 2  # each page stored once, the 404 not at all


def test_follow_links_text_report_and_a_second_run_reuses_the_library(
    web: Server, tmp_path: Path, library_env: Path
) -> None:
    lib = library_env
    draft = tmp_path / "post.md"
    draft.write_text(post(web.base), encoding="utf-8")
    first = run("check", draft, "--follow-links", "--allow-private", "--library")
    assert "warning: link not checked: " in first.stdout
    again = run("check", draft, "--follow-links", "--allow-private", "--library")
    assert again.stdout == first.stdout
    with Library(lib) as library:
        assert len(library.entries()) == 2  # unchanged pages are not stored twice


def test_sources_add_from_a_draft(web: Server, tmp_path: Path, library_env: Path) -> None:
    lib = library_env
    draft = tmp_path / "post.md"
    draft.write_text(post(web.base), encoding="utf-8")
    result = run("sources", "add", "--from", draft, "--allow-private")
    assert result.exit_code == 2  # one link failed; the others are added
    assert result.stdout.count("added ") == 2
    (error,) = result.stderr.strip().splitlines()
    assert f"{web.base}/missing: HTTP 404" in error
    with Library(lib) as library:
        assert {e.retrieved_from for e in library.entries()} == {
            f"{web.base}/news",
            f"{web.base}/pages/title-pipe",
        }


def test_sources_add_needs_something_to_add(library_env: Path) -> None:
    result = run("sources", "add")
    assert result.exit_code == 2
    assert "--from DRAFT" in result.stderr


def test_follow_links_stores_in_the_default_library(
    web: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DRAFTER_LIBRARY", raising=False)
    draft = tmp_path / "post.md"
    draft.write_text(post(web.base), encoding="utf-8")
    result = run("check", draft, "--follow-links", "--allow-private", "--format", "json")
    assert result.exit_code == 1  # the quote whose page is gone
    with Library(tmp_path / ".drafter" / "library.sqlite") as library:
        assert len(library.entries()) == 2


def test_a_draft_without_links_and_sources_is_still_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    draft = tmp_path / "post.md"
    draft.write_text("Nothing “linked here at all, so nothing to check”.\n", encoding="utf-8")
    result = run("check", draft)
    assert result.exit_code == 2
    assert "no sources to check against" in result.stderr
    followed = run("check", draft, "--follow-links")
    assert "its lead-ins link no web page" in followed.stdout
    assert not (tmp_path / ".drafter").exists()  # nothing fetched, no library made


def test_two_pages_of_one_publication_each_quote_goes_to_the_page_its_lead_in_links(
    web: Server, tmp_path: Path, library_env: Path
) -> None:
    # Both pages are the Coastal Courier's: the name in the lead-in fits both, the link one.
    draft = tmp_path / "post.md"
    draft.write_text(
        f"As the [Coastal Courier reports]({web.base}/pages/title-site-colon):\n\n"
        "“The company said the remaining sailings would be given larger boats.”\n\n"
        f"The [Coastal Courier also reports]({web.base}/pages/title-site-section-prefix):\n\n"
        "“The work is expected to last until the end of the summer.”\n\n"
        f"As the [Coastal Courier reports]({web.base}/pages/title-site-colon):\n\n"
        "“The work is expected to last until the end of the summer.”\n",
        encoding="utf-8",
    )
    result = run("check", draft, "--follow-links", "--allow-private", "--format", "json")
    report = json.loads(result.stdout)
    ids = {s["url"]: s["id"] for s in report["sources"]}
    q1, q2, q3 = report["quotes"]
    assert q1["status"] == "exact"
    assert q1["attributed_to"] == ids[f"{web.base}/pages/title-site-colon"]
    assert q2["status"] == "exact"
    assert q2["attributed_to"] == ids[f"{web.base}/pages/title-site-section-prefix"]
    assert q3["status"] == "misattributed"  # the linked page does not say it
    assert result.exit_code == 1


def test_html_links_and_bare_urls_in_lead_ins_are_followed(
    web: Server, tmp_path: Path, library_env: Path
) -> None:
    # A post pasted from elsewhere: an HTML <a> in one lead-in, a bare address in another.
    draft = tmp_path / "post.md"
    draft.write_text(
        f'<a href="{web.base}/pages/title-site-colon">One report</a> says:\n\n'
        "“The company said the remaining sailings would be given larger boats.”\n\n"
        f"Another ({web.base}/pages/title-site-section-prefix), says:\n\n"
        "“The work is expected to last until the end of the summer.”\n",
        encoding="utf-8",
    )
    result = run("check", draft, "--follow-links", "--allow-private", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    ids = {s["url"]: s["id"] for s in report["sources"]}
    q1, q2 = report["quotes"]
    assert q1["attributed_to"] == ids[f"{web.base}/pages/title-site-colon"]
    assert q2["attributed_to"] == ids[f"{web.base}/pages/title-site-section-prefix"]


def test_a_linked_page_that_changed_is_checked_as_it_is_now(
    web: Server, tmp_path: Path, library_env: Path
) -> None:
    # The library keeps the version an earlier run stored; the quote is from today's page.
    # The page names no canonical address: every version's url is the link.
    url = f"{web.base}/changing"
    old = "The company said the remaining sailings would be given larger boats."
    new = "The company said the remaining sailings would be given bigger boats."
    page = Path(__file__).resolve().parent / "fixtures" / "pages" / "title-site-colon.html"
    original = web.changing
    draft = tmp_path / "post.md"
    try:
        web.changing = page.read_bytes()
        draft.write_text(f"As the [Coastal Courier reports]({url}):\n\n“{old}”\n")
        first = run("check", draft, "--follow-links", "--allow-private", "--library")
        assert first.exit_code == 0, first.output
        web.changing = web.changing.replace(old.encode(), new.encode())
        draft.write_text(f"As the [Coastal Courier reports]({url}):\n\n“{new}”\n")
        args = ("--follow-links", "--allow-private", "--library", "--format", "json")
        result = run("check", draft, *args)
    finally:
        web.changing = original
    assert result.exit_code == 0, result.output
    (quote,) = json.loads(result.stdout)["quotes"]
    assert quote["status"] == "exact"
    with Library(library_env) as library:
        assert quote["attributed_to"] == library.entries()[-1].id  # the newest version
