"""Bad input: a clear one-line error naming the file (exit 2), or a correct report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import EXAMPLE, run

SOURCE = EXAMPLE / "scmp.md"
GOOD_DRAFT = "As the SCMP reports:\n\n“AGI and ASI are higher levels of AI that are meant to reach or exceed human intelligence.”\n"  # noqa: E501


def one_line_error(result, path: Path | str, words: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(path) in lines[0] and words in lines[0], lines[0]
    assert "Traceback" not in result.output


def test_missing_draft(tmp_path: Path) -> None:
    missing = tmp_path / "nope.md"
    one_line_error(run("check", missing, "--source", SOURCE), missing, "no such file")


def test_missing_source(write) -> None:  # type: ignore[no-untyped-def]
    draft = write("draft.md", GOOD_DRAFT)
    missing = draft.parent / "gone.txt"
    one_line_error(run("check", draft, "--source", missing), missing, "no such file")


def test_directory_instead_of_a_file(tmp_path: Path) -> None:
    # A folder is a folder of posts (issue 13); one with none in it is an error.
    one_line_error(run("check", tmp_path, "--source", SOURCE), tmp_path, "no .md drafts")


def test_binary_source(write, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    draft = write("draft.md", GOOD_DRAFT)
    png = tmp_path / "photo.txt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    one_line_error(run("check", draft, "--source", png), png, "binary")


def test_cp1252_source_is_read_and_the_user_told(write, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "legacy.txt"
    source.write_bytes(
        "He said \u201cwe are sold out for the year\u201d, and shares rose \u2013 again.".encode(
            "cp1252"
        )
    )
    draft = write(
        "draft.md", "“He said “we are sold out for the year”, and shares rose – again.”\n"
    )
    result = run("check", draft, "--source", source, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["quotes"][0]["status"] == "exact"
    assert any("Windows-1252" in w for w in report["warnings"])


def test_utf16_draft_is_read(tmp_path: Path) -> None:
    draft = tmp_path / "draft.md"
    draft.write_text(GOOD_DRAFT, encoding="utf-16")
    result = run("check", draft, "--source", SOURCE, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["quotes"][0]["status"] == "exact"


def test_empty_draft(write) -> None:  # type: ignore[no-untyped-def]
    draft = write("draft.md", "  \n\n")
    one_line_error(run("check", draft, "--source", SOURCE), draft, "is empty")


def test_draft_with_no_quotes_is_a_clean_report(write) -> None:  # type: ignore[no-untyped-def]
    draft = write("draft.md", "# Notes\n\nNothing quoted here, only the writer's own words.\n")
    result = run("check", draft, "--source", SOURCE)
    assert result.exit_code == 0
    assert "no quotations found" in result.stdout
    assert result.stdout.splitlines()[-1].startswith("OK: 0 quotes")


def test_unbalanced_quote_mark_runs_to_the_paragraph_end(write) -> None:  # type: ignore[no-untyped-def]
    draft = write(
        "draft.md",
        "The SCMP says “AGI and ASI are higher levels of AI that are meant "
        "to reach or exceed human intelligence.\n\nNext paragraph, no quotes.\n",
    )
    result = run("check", draft, "--source", SOURCE, "--format", "json")
    assert result.exit_code == 0, result.output
    (quote,) = json.loads(result.stdout)["quotes"]
    assert quote["text"].endswith("human intelligence.") and quote["status"] == "exact"


def test_bad_front_matter(write) -> None:  # type: ignore[no-untyped-def]
    draft = write("draft.md", "---\ntitle: [unclosed\n---\n\nText.\n")
    one_line_error(run("check", draft, "--source", SOURCE), draft, "front matter")


def test_no_sources_at_all(write) -> None:  # type: ignore[no-untyped-def]
    draft = write("draft.md", GOOD_DRAFT)
    one_line_error(run("check", draft), draft, "no sources")


def test_report_output_into_a_directory_loses_nothing(write, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    draft = write("draft.md", GOOD_DRAFT)
    out = tmp_path / "reports"
    out.mkdir()
    one_line_error(run("check", draft, "--source", SOURCE, "--output", out), out, "is a directory")
    assert list(out.iterdir()) == []


@pytest.mark.slow
def test_50_mb_source_gives_a_correct_report(tmp_path: Path, write) -> None:  # type: ignore[no-untyped-def]
    paragraph = (
        "Paragraph {i}: the council’s review of harbour dredging — delayed again — "
        "was discussed by officials on Tuesday, with costs put at {i} million.\n"
    )
    big = tmp_path / "big.txt"
    with big.open("w", encoding="utf-8") as f:
        i = 0
        while f.tell() < 50_000_000:
            f.write(paragraph.format(i=i))
            i += 1
    assert big.stat().st_size >= 50_000_000
    wanted = i // 2
    draft = write(
        "draft.md",
        f"“Paragraph {wanted}: the council's review of harbour dredging - "
        f"delayed again - was discussed by officials on Tuesday, with costs put at "
        f"{wanted} million.”\n\n“Paragraph {wanted}: the council's review of harbour "
        f"dredging was discussed by officials on Monday.”\n",
    )
    result = run("check", draft, "--source", big, "--format", "json")
    assert result.exit_code == 1, result.output
    ok, near = json.loads(result.stdout)["quotes"]
    assert ok["status"] == "normalized"
    (m,) = ok["matches"]
    text = big.read_text(encoding="utf-8")
    assert text[m["start"] : m["end"]].startswith(f"Paragraph {wanted}: the council’s")
    assert near["status"] == "altered"
    assert near["nearest"]["text"].startswith(f"Paragraph {wanted}:")


def test_reports_are_written_with_ordinary_permissions(write, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import os
    import stat

    draft = write("draft.md", GOOD_DRAFT)
    out = tmp_path / "report.json"
    assert run("check", draft, "--source", SOURCE, "--format", "json", "-o", out).exit_code == 0
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~mask
