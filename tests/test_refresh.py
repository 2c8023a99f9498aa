"""`sources refresh` and drift: a page that changes between two refreshes, and the draft
that quoted its first version told which quote is no longer in the newest one, with the
diff between the versions around it. Against the local test server (127.0.0.1)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from drafter.sources.library import Library

from .conftest import run
from .webserver import Server

CHANGED = "Every port is going to do this within a decade."
KEPT = "The only question is who pays for the substation"


pytestmark = pytest.mark.usefixtures("local_fetch")


@pytest.fixture(autouse=True)
def changing_restored(web: Server) -> Iterator[None]:
    """Each test may change the page /changing serves; the next one gets the original."""
    original = web.changing
    yield
    web.changing = original


def refresh(*args: str) -> str:
    result = run("sources", "refresh", *args, "--allow-private")
    assert result.exit_code == 0, result.output
    return result.stdout


def test_refresh_stores_a_new_version_and_the_pinned_draft_hears_of_the_changed_quote(
    web: Server, tmp_path: Path, library_env: Path
) -> None:
    lib = library_env
    url = f"{web.base}/changing"
    assert run("sources", "add", "--allow-private", url).exit_code == 0
    with Library(lib) as library:
        (first,) = library.entries()
    draft = tmp_path / "draft.md"
    draft.write_text(
        f"---\ntitle: Ports\nsources:\n  - url: {url}\n    sha256: {first.sha256}\n---\n\n"
        f"An analyst said: “{CHANGED}”\n\nShe added: “{KEPT}”.\n",
        encoding="utf-8",
    )

    assert "unchanged harbourledger" in refresh("--all")  # first run: nothing new
    web.changing = web.changing.replace(
        b"Every port is going to do this within a decade.",
        b"Most ports will do this within twenty years.",
    )
    assert "changed harbourledger: stored harbourledger-v2 (version 2)" in refresh("--all")
    with Library(lib) as library:
        assert [e.version for e in library.entries()] == [1, 2]

    result = run("check", draft, "--library")
    assert result.exit_code == 0, result.output  # proven against the version it pins
    drift = [line for line in result.stdout.splitlines() if "no longer in the newest" in line]
    assert len(drift) == 1  # the kept quote is still there
    (line,) = drift
    assert line.startswith("warning: q1 line ")
    assert "(harbourledger-v2)" in line
    assert (
        "[-“Every port is going to-] {+“Most ports will+} do this within [-a decade.-] "
        "{+twenty years.+}" in line
    )
    assert line.rstrip().endswith("a transport")  # the diff is the changed stretch, no more


def test_refresh_by_id_and_its_errors(web: Server, library_env: Path) -> None:
    page = Path(__file__).resolve().parent / "fixtures" / "web" / "news.html"
    assert run("sources", "add", "--allow-private", f"{web.base}/news", page).exit_code == 0
    assert "unchanged harbourledger" in refresh("harbourledger")
    for args, problem in (
        (["nosuch"], "nosuch: no such source"),
        (["harbourledger-2"], "was added from a file"),
        ([], "or --all"),
    ):
        result = run("sources", "refresh", *args)
        assert result.exit_code == 2
        (message,) = result.stderr.strip().splitlines()
        assert problem in message


def test_a_refresh_that_fails_is_one_line(web: Server, library_env: Path) -> None:
    url = f"{web.base}/changing"
    assert run("sources", "add", "--allow-private", url).exit_code == 0
    web.changing = b"<html><body><nav>Home</nav></body></html>"
    result = run("sources", "refresh", "--all", "--allow-private")
    assert result.exit_code == 2
    (message,) = result.stderr.strip().splitlines()
    assert message.startswith(f"drafter: error: {url}: no article text found")


def pinned_draft(web: Server, folder: Path, library: Path, body: str) -> Path:
    """Add /changing to the library and write a draft that pins that first version;
    ``body`` is the draft's text, in which ``{url}`` is the page's address."""
    url = f"{web.base}/changing"
    assert run("sources", "add", url, "--allow-private").exit_code == 0
    with Library(library) as lib:
        (first,) = lib.entries()
    draft = folder / "draft.md"
    draft.write_text(
        f"---\ntitle: Ports\nsources:\n  - url: {url}\n    sha256: {first.sha256}\n---\n\n"
        + body.format(url=url),
        encoding="utf-8",
    )
    return draft


def test_a_pinned_draft_whose_lead_in_names_and_links_the_page_is_proven_against_its_pin(
    web: Server, tmp_path: Path, library_env: Path
) -> None:
    # The house lead-in names the publication and links the page: both fit every version.
    body = f"As the [Harbour Ledger reports]({{url}}):\n\n“{CHANGED}”\n"
    draft = pinned_draft(web, tmp_path, library_env, body)
    web.changing = web.changing.replace(
        CHANGED.encode(), b"Most ports will do this within twenty years."
    )
    assert "stored harbourledger-v2" in refresh("--all")
    result = run("check", draft, "--library")
    assert result.exit_code == 0, result.output  # proven against the version it pins
    assert "✓ exact         harbourledger:p" in result.stdout
    assert "warning: q1 line 10: no longer in the newest version of harbourledger" in (
        result.stdout
    )


def test_a_paragraph_removed_whole_and_a_changed_headline_are_reported(
    web: Server, tmp_path: Path, library_env: Path
) -> None:
    removed = (
        "Crane operators will keep their jobs, the authority said, but about forty mechanics "
        "will be retrained to service electric drives instead of diesel engines."
    )
    headline = "Harbour cranes go electric as port bets on cleaner shipping"
    body = f"As the [Harbour Ledger reports]({{url}}) in “{headline}”:\n\n“{removed}”\n"
    draft = pinned_draft(web, tmp_path, library_env, body)
    web.changing = web.changing.replace(f"<p>{removed}</p>".encode(), b"").replace(
        headline.encode(), b"Harbour cranes go electric, at a price"
    )
    assert "stored harbourledger-v2" in refresh("--all")
    result = run("check", draft, "--library")
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if "newest version" in line]
    title, quote = lines
    assert title.startswith("warning: q1 line 8: the title of harbourledger is different in ")
    assert "[-electric as port bets on cleaner shipping-] {+electric, at a price+}" in title
    assert quote.startswith("warning: q2 line 10: no longer in the newest version")
    # Only the paragraph that went is in the diff: the words around it are the same.
    assert f"[-{removed}-]" in quote
    assert quote.count("[-") == 1 and "{+" not in quote
