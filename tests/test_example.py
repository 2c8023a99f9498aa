"""The bundled example, checked as a new user would from the README."""

from __future__ import annotations

from drafter.sources.ingest import load_source

from .conftest import EXAMPLE, run, run_json

SCMP = load_source(EXAMPLE / "scmp.md")[0]
SUBHEAD = "Zhu Banghua and Jiao Jiantao share photos of themselves"
NYT_OPENINGS = (
    "China has produced a huge number",
    "New research shows that China",
    "The findings show a jump",
    "The talent imbalance",
    "China has nurtured so much",
    "“A lot of the programs",
)
SCARE = (
    "$100 million dollar signing bonuses",
    "The List",
    "acqui-hires",
    "overnight success",
    "export",
    "Physical AI",
)


def test_example_report_says_what_the_issue_says() -> None:
    code, report = run_json("check", EXAMPLE / "draft.md")
    assert code == 1
    quotes = report["quotes"]
    by_text = {q["text"]: q for q in quotes}

    # The 14 quoted SCMP paragraphs pass, each at the offsets of its paragraph in the source.
    paragraphs = [p for p in SCMP.text.split("\n") if p.strip()]
    quoted = []
    for q in quotes:
        if q["status"] in ("exact", "normalized") and q["kind"] == "block":
            (m,) = q["matches"]
            assert m["source"] == "scmp"
            span = SCMP.text[m["start"] : m["end"]]
            assert span == q["text"]  # exact: the offsets point at the quoted characters
            # A whole paragraph, or all of one but the quote mark the writer's own outer
            # mark stood in for (“We’ll … world. opens with one; Jiao … (ASI). ends with one).
            assert span in paragraphs or any(p in ("“" + span, span + "”") for p in paragraphs), (
                span[:60]
            )
            quoted.append(span)
    assert len(quoted) == 14

    # The reworded sub-headline fails, with the closest SCMP sentence and a word diff.
    (sub,) = [q for q in quotes if q["text"].startswith(SUBHEAD)]
    assert sub["status"] == "altered" and not sub["passed"]
    assert sub["nearest"]["source"] == "scmp"
    assert sub["nearest"]["text"].startswith("Zhu Banghua and Jiao Jiantao, both alumni")
    assert SCMP.text[sub["nearest"]["start"] : sub["nearest"]["end"]] == sub["nearest"]["text"]
    assert 0.5 < sub["score"] < 1
    assert "[-" in sub["diff"] and "{+" in sub["diff"]

    # The six New York Times paragraphs are not among the sources.
    nyt = [q for q in quotes if q["text"].startswith(NYT_OPENINGS)]
    assert len(nyt) == 6
    assert all(q["status"] == "not_found" and q["matches"] == [] for q in nyt)

    # Scare quotes are reported, never failing.
    for phrase in SCARE:
        assert by_text[phrase]["status"] == "unchecked" and by_text[phrase]["passed"]

    title = [q for q in quotes if q["status"] == "title"]
    assert [q["text"] for q in title] == [SCMP.title]
    assert report["summary"] == {
        "quotes": 28,
        "passed": 15,
        "failed": 7,
        "unchecked": 6,
        "placeholders": 0,
        "warnings": 0,
        "by_status": {"exact": 14, "title": 1, "unchecked": 6, "altered": 1, "not_found": 6},
    }


def test_text_report_has_one_line_per_quote_and_a_summary() -> None:
    result = run("check", EXAMPLE / "draft.md")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert sum(" line " in line and "“" in line for line in lines) == 28
    assert lines[-1].startswith("FAIL: 28 quotes, 15 passed, 7 failed, 6 unchecked")
    assert "\x1b[" not in result.stdout  # no colour when not on a terminal


def test_strict_fails_the_scare_quotes_too() -> None:
    code, report = run_json("check", EXAMPLE / "draft.md", "--strict")
    assert code == 1
    assert report["summary"]["failed"] == 13


def test_markdown_report(tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "report.md"
    result = run("check", EXAMPLE / "draft.md", "--format", "md", "--output", out)
    assert result.exit_code == 1
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Provenance report")
    assert "| q6 | 20 | **altered** |" in text
    assert "Diff: `Zhu Banghua and Jiao" in text
