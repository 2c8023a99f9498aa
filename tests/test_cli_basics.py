"""`drafter chunk`, `python -m drafter`, and the JSON report's shape (DESIGN.md contract)."""

from __future__ import annotations

import json
import subprocess
import sys

from drafter.sources.ingest import load_source

from .conftest import EXAMPLE, ROOT, run, run_json


def test_chunk_lists_passages_with_stable_ids_and_offsets() -> None:
    result = run("chunk", EXAMPLE / "scmp.md", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    source = load_source(EXAMPLE / "scmp.md")[0]
    passages = data["passages"]
    assert [p["id"] for p in passages[:3]] == ["scmp:p01", "scmp:p02", "scmp:p03"]
    assert len(passages) == 18
    for p in passages:
        assert source.text[p["start"] : p["end"]] == p["text"]
    assert data["source"]["sha256"] == source.sha256
    again = json.loads(run("chunk", EXAMPLE / "scmp.md", "--format", "json").stdout)
    assert again == data  # stable ids and offsets


def test_chunk_text_format_and_long_paragraphs(write) -> None:  # type: ignore[no-untyped-def]
    long = " ".join(f"Sentence number {i} says something about chips." for i in range(40))
    src = write("long.txt", f"Short opening.\n{long}\n")
    result = run("chunk", src)
    assert result.exit_code == 0
    ids = [line.split()[0] for line in result.stdout.splitlines()[1:]]
    assert ids[0] == "long:p01" and ids[1] == "long:p02a" and ids[2] == "long:p02b"


def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "drafter", "--version"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "drafter" in done.stdout


def test_json_report_has_the_design_shape() -> None:
    code, report = run_json("check", EXAMPLE / "draft.md")
    assert code == 1
    assert set(report) >= {"draft", "sources", "summary", "quotes"}
    (source,) = report["sources"]
    assert set(source) == {"id", "title", "publication", "url", "path", "sha256", "chars"}
    assert source["chars"] == len(load_source(EXAMPLE / "scmp.md")[0].text)
    assert set(report["summary"]) == {
        "quotes",
        "passed",
        "failed",
        "unchecked",
        "placeholders",
        "warnings",
        "by_status",
    }
    assert report["placeholders"] == []
    keys = {
        "id",
        "text",
        "line",
        "kind",
        "status",
        "passed",
        "attributed_to",
        "matches",
        "normalizations",
        "nearest",
        "score",
        "diff",
    }
    for q in report["quotes"]:
        assert keys <= set(q)
        if q["status"] in ("altered", "not_found"):
            assert q["matches"] == [] and 0 <= q["score"] < 1
            if q["status"] == "not_found" and q["nearest"] is None:
                # Nothing close: no unrelated span, no diff (DESIGN.md § Statuses).
                assert q["diff"] is None and q["note"].startswith("not in any source")
                continue
            assert q["nearest"] and q["diff"]
            assert set(q["nearest"]) == {"source", "start", "end", "text"}
        if q["status"] == "exact":
            assert q["score"] == 1.0 and q["nearest"] is None and q["diff"] is None
    assert report["quotes"][0]["id"] == "q1"
