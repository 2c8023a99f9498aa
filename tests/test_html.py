"""html.py on its own: charsets, block structure, and pages that are not articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafter.errors import InputError
from drafter.sources.html import decode_html, extract_article, fallback_id

from .conftest import run

CURLY = "“Quoted,” she said – at €5."


def test_header_charset_wins_over_the_meta_tag() -> None:
    page = f'<meta charset="utf-8"><p>{CURLY}</p>'.encode("cp1252")
    assert CURLY in decode_html(page, "windows-1252")


@pytest.mark.parametrize(
    "meta",
    [
        '<meta charset="windows-1252">',
        "<meta charset=windows-1252>",
        '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">',
        # Browsers read a page labelled latin-1 as windows-1252, curly quotes and all.
        '<meta charset="ISO-8859-1">',
    ],
)
def test_meta_charset(meta: str) -> None:
    page = f"<html><head>{meta}</head><body><p>{CURLY}</p></body></html>".encode("cp1252")
    assert CURLY in decode_html(page)


def test_undeclared_bytes_are_utf8_else_windows_1252() -> None:
    assert CURLY in decode_html(f"<p>{CURLY}</p>".encode())
    assert CURLY in decode_html(f"<p>{CURLY}</p>".encode("cp1252"))


PARA = "The committee met for six hours on Wednesday and agreed on a new budget for the harbour."

TABLE_PAGE = f"""<html><head><title>Budget</title></head><body><article>
<h1>Budget</h1><p>{PARA}</p><p>{PARA.replace("six", "seven")}</p>
<blockquote><p>“We did what we could with the money we had,” the chair said afterwards.</p>
</blockquote>
<table><tr><td>Roads</td><td>4.2m</td></tr><tr><td>Harbour</td><td>1.1m</td></tr></table>
<p>{PARA.replace("six", "eight")}</p>
</article></body></html>"""


def test_quotes_and_table_rows_are_paragraphs_of_their_own() -> None:
    article = extract_article(TABLE_PAGE, "page.html")
    paragraphs = article.text.split("\n\n")
    assert "“We did what we could with the money we had,” the chair said afterwards." in paragraphs
    assert "Roads | 4.2m" in paragraphs
    assert "Harbour | 1.1m" in paragraphs


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "is empty"),
        (b"   \n", "is empty"),
        (b"\x00\x01\x02\x03 binary", "looks like a binary file"),
        (b"<html><body><p>Too short.</p></body></html>", "no article text found"),
    ],
)
def test_pages_without_an_article(tmp_path: Path, content: bytes, problem: str) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(content)
    result = run("chunk", page)
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"drafter: error: {page}: ")
    assert problem in line


def test_extract_error_names_the_page() -> None:
    with pytest.raises(InputError, match=r"^https://x\.example/a: no article text found"):
        extract_article("<html><body><nav>Home</nav></body></html>", "https://x.example/a")


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://www.ft.com/content/1", "ft"),
        ("https://www.bbc.co.uk/news/1", "bbc"),
        ("https://www.harbourledger.example/a", "harbourledger"),
        ("http://127.0.0.1:8000/news", "page"),
    ],
)
def test_fallback_id(url: str, name: str) -> None:
    assert fallback_id(url) == name


# --- saved pages of the shapes whose words extraction used to lose or glue ------------------
# Each page in tests/fixtures/pages/ says in HTML comments at its top what must come out:
#   <!-- passage: TEXT -->  a passage that is exactly TEXT (nothing glued to it)
#   <!-- line: TEXT -->     a line of a passage (a <br> ends a line, never a word)
#   <!-- title: TEXT -->    the source's title
#   <!-- note: TEXT -->     a warning drafter prints while reading it
#   <!-- absent: TEXT -->   words that must not be in the source (page furniture)
# Add a page there to add a case.

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"


def _expected(page: Path) -> dict[str, list[str]]:
    import re

    out: dict[str, list[str]] = {}
    for key, value in re.findall(r"<!-- (\w+): (.*?) -->", page.read_text(encoding="utf-8")):
        out.setdefault(key, []).append(value)
    return out


@pytest.mark.parametrize("page", sorted(PAGES.glob("*.html")), ids=lambda p: p.stem)
def test_saved_page_keeps_every_word(page: Path) -> None:
    import json

    want = _expected(page)
    assert want.get("shape"), f"{page.name} says what shape it is"
    result = run("chunk", page, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    texts = [p["text"] for p in data["passages"]]
    for passage in want.get("passage", []):
        assert passage in texts
    lines = [line for t in texts for line in t.split("\n")]
    for line in want.get("line", []):
        assert line in lines
    for title in want.get("title", []):
        assert data["source"]["title"] == title
    for absent in want.get("absent", []):
        assert all(absent not in t for t in texts)
    for note in want.get("note", []):
        assert note in result.stderr
    if not want.get("note"):
        assert "recall mode" not in result.stderr


def test_no_word_of_the_page_body_is_lost() -> None:
    """Every word the browser shows inside <article> is in the extracted text, in order."""
    from drafter.sources.html import visible_text

    for page in sorted(PAGES.glob("*.html")):
        html = page.read_text(encoding="utf-8")
        text = extract_article(html, page.name).text
        start = html.find("<article>", html.find("<html"))
        if start < 0:
            continue
        article = html[start : html.find("</article>") + 10]
        shown = visible_text(article).split()
        assert " ".join(text.split()).endswith(" ".join(shown[-12:])), page.name
        words = text.split()
        for word in shown:
            assert word in words, (page.name, word)


@pytest.mark.parametrize(
    ("title", "site", "headlines", "clean"),
    [
        ("Cranes approved - Harbour Ledger", "Harbour Ledger", [], "Cranes approved"),
        ("Cranes approved | The Harbour Ledger", "Harbour Ledger", [], "Cranes approved"),
        ("Harbour Ledger | Cranes approved", "Harbour Ledger", [], "Cranes approved"),
        ("Cranes approved - Port news - HL", "", ["Cranes approved"], "Cranes approved"),
        ("Harbour Ledger: Cranes approved", "Harbour Ledger", [], "Cranes approved"),
        # A headline's own colon stays.
        ("Cranes approved: what next", "Harbour Ledger", [], "Cranes approved: what next"),
        # A section between the headline and the site goes with the site.
        ("Cranes approved | Port news | Harbour Ledger", "Harbour Ledger", [], "Cranes approved"),
        ("Harbour Ledger · Port news · Cranes approved", "Harbour Ledger", [], "Cranes approved"),
        # ... but a long part is no section name.
        (
            "Cranes approved | the council has no money left | Harbour Ledger",
            "Harbour Ledger",
            [],
            "Cranes approved | the council has no money left",
        ),
        # A dash that is part of the headline stays.
        ("Cranes approved - and paid for", "Harbour Ledger", [], "Cranes approved - and paid for"),
        ("Cranes approved", "Harbour Ledger", ["Harbour Ledger"], "Cranes approved"),
        # An <h1> that is the site's name (a logo) is not the headline.
        (
            "Harbour Ledger | Cranes approved",
            "Harbour Ledger",
            ["Harbour Ledger"],
            "Cranes approved",
        ),
        # The title had the site's name; the article's own <h1> says the headline in full.
        (
            "Cranes approved - Harbour Ledger",
            "Harbour Ledger",
            ["Harbour council approves four new cranes"],
            "Harbour council approves four new cranes",
        ),
        # Without a site name in the title, the title stands.
        (
            "Cranes approved",
            "Harbour Ledger",
            ["Harbour council approves cranes"],
            "Cranes approved",
        ),
    ],
)
def test_title_without_the_site_name(
    title: str, site: str, headlines: list[str], clean: str
) -> None:
    from drafter.sources.html import clean_title

    assert clean_title(title, site, headlines) == clean


def test_title_without_the_site_its_address_names() -> None:
    from drafter.sources.html import clean_title

    # No site name on the page: its address, harbourledger.example, names the site.
    assert clean_title("Cranes approved – Harbour Ledger", "", [], "harbourledger") == (
        "Cranes approved"
    )
    assert clean_title("Cranes approved – Harbour news", "", [], "harbourledger") == (
        "Cranes approved – Harbour news"
    )


# The drafts of /work/shared/cases 01, 02 and 06, checked against their saved pages.
CASE_DRAFTS = [
    (
        "nested-list",
        'The council\'s list included "Repairs to the old pier" and, under it, "Replacing '
        'the rotten decking boards".\n',
        {"exact"},
    ),
    (
        "br-lines",
        'The poem starts quietly: "The tide comes in along the wall and takes the nets we left '
        'behind".\n\nIts author wrote it "in a single night after the storm in March."\n',
        {"exact", "normalized"},
    ),
    (
        "title-suffix",
        "As the Harbour Ledger reports in “Harbour council approves four new container "
        "cranes”:\n\n“The contract is worth about 40 million euros and the first two cranes "
        "are due to arrive next autumn, with the remaining pair following a year later.”\n",
        {"title", "exact"},
    ),
]


@pytest.mark.parametrize(
    ("page", "draft", "statuses"), CASE_DRAFTS, ids=[c[0] for c in CASE_DRAFTS]
)
def test_true_quotes_of_a_saved_page_pass(
    tmp_path: Path, page: str, draft: str, statuses: set[str]
) -> None:
    import json

    path = tmp_path / "draft.md"
    path.write_text(draft, encoding="utf-8")
    result = run("check", path, "--source", PAGES / f"{page}.html", "--format", "json")
    assert result.exit_code == 0, result.output
    assert {q["status"] for q in json.loads(result.stdout)["quotes"]} <= statuses
