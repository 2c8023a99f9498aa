"""HTML sources and URLs, against a local web server on 127.0.0.1 serving saved pages of
real-world shapes and the usual ways a fetch fails. Each either gives the article's text or
one clear line naming the URL, exit 2, and adds nothing to the library."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from drafter.sources import fetch
from drafter.sources.library import Library

from .conftest import run
from .webserver import WEB, Server, serve

BOILERPLATE = [
    "Share on Facebook",
    "ADVERTISEMENT",
    "Sign up for our free newsletter",
    "Get the Morning Ledger",
    "seadog77",
    "About time they did something",
    "Related stories",
    "Ferry fares to rise",
    "All rights reserved",
    "Politics",
]


pytestmark = pytest.mark.usefixtures("local_fetch")


def chunks(ref: str) -> dict[str, str]:
    result = run("chunk", "--allow-private", ref, "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    return {p["id"]: p["text"] for p in data["passages"]}


def test_news_article_keeps_the_article_and_drops_the_page_furniture(web: Server) -> None:
    passages = chunks(f"{web.base}/news")
    texts = list(passages.values())
    joined = "\n".join(texts)
    for junk in BOILERPLATE:
        assert junk not in joined
    assert texts[0].startswith("The port authority said on Monday")
    # Headings, captions and list items are passages of their own.
    assert "What changes for the workers" in texts
    assert (
        "Container cranes at the east quay, where the first electric conversions will take "
        "place." in texts
    )
    assert "Forty mechanics retrained over eighteen months" in texts
    assert texts[-1].startswith("“Every port is going to do this within a decade.")
    assert next(iter(passages)) == "harbourledger:p01"


def test_metadata_comes_from_the_page(web: Server, tmp_path: Path) -> None:
    lib = tmp_path / "lib.sqlite"
    assert (
        run(
            "sources", "add", "--allow-private", f"{web.base}/news", "--library-path", lib
        ).exit_code
        == 0
    )
    with Library(lib) as library:
        (entry,) = library.entries()
        assert entry.title == "Harbour cranes go electric as port bets on cleaner shipping"
        assert entry.publication == "The Harbour Ledger"
        assert entry.author == "Maria Okafor"
        assert entry.date == "2025-11-03"
        # The canonical URL the page names, not the address it was served from.
        assert entry.url == "https://www.harbourledger.example/business/2025/11/03/cranes-electric"
        assert entry.retrieved_from == f"{web.base}/news"
        assert entry.content_type == "text/html"
        # The original bytes are kept beside the text, so extraction can be redone.
        assert library.raw(entry.id) == (WEB / "news.html").read_bytes()


def test_windows_1252_declared_only_in_a_meta_tag(web: Server) -> None:
    texts = list(chunks(f"{web.base}/cp1252").values())
    assert (
        "“We either fix it now or we close it next year,” she said. “There is no third "
        "option.”" in texts
    )
    assert any("city’s engineers" in t for t in texts)
    assert any("€ 2.4 million" in t for t in texts)
    assert any("consultation – the first" in t for t in texts)


def test_a_local_html_file_is_a_source(tmp_path: Path) -> None:
    texts = list(chunks(str(WEB / "cp1252.html")).values())
    assert (
        "“We either fix it now or we close it next year,” she said. “There is no third "
        "option.”" in texts
    )


def test_a_plain_text_url_is_read_like_a_file(web: Server) -> None:
    result = run("chunk", "--allow-private", f"{web.base}/notes.md", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["source"]["title"] == "Field notes"
    assert [p["text"] for p in data["passages"]] == ["First note about the harbour.", "Second."]


def test_redirect_chain_is_followed(web: Server, tmp_path: Path) -> None:
    assert chunks(f"{web.base}/chain/1") == chunks(f"{web.base}/news")
    lib = tmp_path / "lib.sqlite"
    assert (
        run(
            "sources", "add", "--allow-private", f"{web.base}/chain/1", "--library-path", lib
        ).exit_code
        == 0
    )
    with Library(lib) as library:
        (entry,) = library.entries()
        assert entry.origin == f"{web.base}/chain/1"
        assert entry.retrieved_from == f"{web.base}/news"


FAILURES = [
    ("/loop/a", "redirects in a loop"),
    ("/endless/1", "too many redirects (more than 5)"),
    ("/missing", "HTTP 404 Not Found"),
    ("/broken", "HTTP 500 Internal Server Error"),
    ("/hang", "timed out"),
    ("/huge", "too large"),
    ("/huge-stream", "too large"),
    ("/report.pdf", "is a PDF document, not a web page"),
    ("/photo", "is an image (image/png), not a web page"),
    ("/mislabelled", "is a PDF document, not a web page"),
    ("/no-article", "no article text found"),
    ("/to-file", "redirects to a non-web address: file://"),
    ("/huge-headers", "the server's response headers are too large"),
]


@pytest.mark.parametrize(("path", "problem"), FAILURES)
def test_a_failed_fetch_is_one_line_exit_2_and_adds_nothing(
    web: Server, tmp_path: Path, path: str, problem: str
) -> None:
    url = f"{web.base}{path}"
    lib = tmp_path / "lib.sqlite"
    started = time.monotonic()
    result = run("sources", "add", "--allow-private", url, "--library-path", lib)
    assert time.monotonic() - started < 8
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"drafter: error: {url}: ")
    assert problem in lines[0]
    assert "Traceback" not in result.output
    assert not lib.exists()  # not even an empty library
    # The same error from every command that takes a source.
    checked = run("chunk", "--allow-private", url)
    assert checked.exit_code == 2
    assert problem in checked.stderr


def test_other_sources_are_still_added_when_one_fails(web: Server, tmp_path: Path) -> None:
    lib = tmp_path / "lib.sqlite"
    result = run(
        "sources",
        "add",
        "--allow-private",
        f"{web.base}/missing",
        f"{web.base}/news",
        "--library-path",
        lib,
    )
    assert result.exit_code == 2
    assert "added harbourledger" in result.stdout
    with Library(lib) as library:
        assert [e.id for e in library.entries()] == ["harbourledger"]


def test_nothing_listening_is_a_clear_error() -> None:
    with serve() as server:
        base = server.base
    result = run("chunk", "--allow-private", f"{base}/news")  # that port is closed now
    assert result.exit_code == 2
    assert "cannot connect" in result.stderr


def test_user_agent_and_size_cap_stops_reading(web: Server) -> None:
    # The 30 MB body is refused without being downloaded in full: the fetch ends quickly.
    started = time.monotonic()
    with pytest.raises(Exception, match="too large"):
        fetch.fetch(f"{web.base}/huge-stream", allow_private=True)
    assert time.monotonic() - started < 5
    assert "drafter/" in fetch.USER_AGENT


DRAFT = """---
title: Ports
---

# Ports

Cranes are going electric. “Every port is going to do this within a decade. The only
question is who pays for the substation,” an analyst said.
"""


def test_check_accepts_a_url_source(web: Server, tmp_path: Path) -> None:
    draft = tmp_path / "draft.md"
    draft.write_text(DRAFT, encoding="utf-8")
    result = run("check", draft, "--allow-private", "--source", f"{web.base}/news")
    assert result.exit_code == 0, result.output
    assert "harbourledger:p11" in result.stdout


def test_same_url_with_new_content_keeps_both_versions(web: Server, tmp_path: Path) -> None:
    lib = tmp_path / "lib.sqlite"
    url = f"{web.base}/changing"
    original = web.changing
    try:
        assert run("sources", "add", "--allow-private", url, "--library-path", lib).exit_code == 0
        again = run("sources", "add", "--allow-private", url, "--library-path", lib)
        assert "unchanged harbourledger" in again.stdout
        web.changing = original.replace(b"nearly a third", b"almost a third")
        newer = run("sources", "add", "--allow-private", url, "--library-path", lib)
        assert "added harbourledger-v2 (version 2" in newer.stdout
    finally:
        web.changing = original
    with Library(lib) as library:
        first, second = library.entries()
        assert (first.version, second.version) == (1, 2)
        assert first.sha256 != second.sha256
        assert "nearly a third" in library.source(first.id).text
        assert "almost a third" in library.source(second.id).text

    # A draft that pins the first version is told a newer one exists.
    draft = tmp_path / "draft.md"
    draft.write_text(
        f"---\ntitle: Ports\nsources:\n  - url: {url}\n    sha256: {first.sha256}\n---\n\n"
        + DRAFT.split("---\n", 2)[2],
        encoding="utf-8",
    )
    result = run("check", draft, "--library-path", lib)
    assert result.exit_code == 0, result.output
    assert "the library has a newer version of this source (harbourledger-v2" in result.stdout


def test_draft_from_a_url_keeps_a_snapshot_that_checks_later(
    web: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    result = run(
        "draft",
        f"{web.base}/news",
        "--allow-private",
        "--angle",
        "Ports go electric",
        "--number",
        "9",
        "--offline",
        "--out-dir",
        "out",
    )
    assert result.exit_code == 0, result.output
    draft = tmp_path / "out" / "draft.md"
    assert "As the Harbour Ledger reports" in draft.read_text(encoding="utf-8")
    # The snapshot, not the web, is what a later check reads: no request is made.
    asked = len(web.requests)
    check = run("check", draft, "--format", "json")
    assert len(web.requests) == asked
    assert check.exit_code == 0, check.output
    report = json.loads(check.stdout)
    assert report["summary"]["failed"] == 0 and report["summary"]["quotes"] >= 3
    assert report["sources"][0]["id"] == "harbourledger"
