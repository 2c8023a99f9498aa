"""Fuzzing ``check`` and ``render`` with random Markdown, YAML front matter and HTML.

Whatever a draft holds, drafter answers with an exit code it documents (0, 1 or 2), never a
traceback; writes nothing but the output file it was given; and publishes no quotation it
did not check: every quotation in a rendered page is one of the checked quotes. Bounded:
50 examples, derandomised so that the suite is repeatable (set ``DRAFTER_FUZZ_SEED`` to
explore other inputs).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from drafter.checker.extract import extract_paragraphs
from drafter.cli import main
from drafter.publishing.readback import read_back_html

from .conftest import EXAMPLE

SOURCE = (EXAMPLE / "scmp.md").read_text(encoding="utf-8")
SENTENCES = [
    "US chip giant Nvidia has hired two prominent artificial intelligence (AI) experts",
    "AGI and ASI are higher levels of AI that are meant to reach or exceed human intelligence.",
    "help push the frontier of artificial general intelligence (AGI)",
    "The council approved the plan on Monday.",
    "export",
]
# Pieces that mean something to Markdown, HTML, YAML or the quote extractor.
PIECES = [
    *SENTENCES,
    "“", "”", '"', "'", "‘", "’", "«", "»", "„", "‚", "「", "」", "＂", "❝", "❞",
    "\n", "\n\n", "\n\n> ", "\n> > ", "\n- ", "\n  - ", "\n1. ", "\n# ", "\n    ",
    "*", "**", "_", "`", "```\n", "~~~\n", "[", "](", ")", "](javascript:alert(1))",
    "<b>", "</b>", "<script>", "</script>", "<img src=x onerror=alert(1)>", "<!--", "-->",
    "<div>", "</div>", "&amp;", "&#34;", "&quot;", "\\", "…", "[…]", "[sic]", "[T]he",
    "As the SCMP reports:", " said ", ": ", "---", "\t", "\u00a0", "\u200b", "\u0000",
]  # fmt: skip
YAML = [
    "",
    "title: A post\n",
    "title: [unclosed\n",
    "sources:\n  - path: src.md\n",
    "sources:\n  - path: ../outside.md\n",
    "sources:\n  - path: /etc/passwd\n",
    "sources:\n  - url: http://127.0.0.1:9/x\n",
    "sources: 5\n",
    "sources:\n  - id: ../../x\n    path: src.md\n",
    "a: &a [x, x]\nb: [*a, *a]\n",
    "n: " + "9" * 5001 + "\n",
    "x: " + "[" * 200 + "]" * 200 + "\n",
    "title: “A quoted title”\n",
    "date: 2025-02-30\n",
]

SETTINGS = settings(
    max_examples=50,
    deadline=None,
    derandomize="DRAFTER_FUZZ_SEED" not in os.environ,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@st.composite
def drafts(draw: st.DrawFn) -> str:
    body = "".join(draw(st.lists(st.sampled_from(PIECES), max_size=40)))
    meta = draw(st.sampled_from(YAML))
    fence = draw(st.sampled_from(["---\n", ""]))
    return f"{fence}{meta}{fence}\n{body}\n" if fence else body + "\n"


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _quotes_in(html: str) -> list[str]:
    return [q.text for q in extract_paragraphs(read_back_html(html)) if not q.single]


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    work = tmp_path / "desk"
    work.mkdir()
    (work / "src.md").write_text(SOURCE, encoding="utf-8")
    (tmp_path / "outside.md").write_text("SECRET outside the desk\n", encoding="utf-8")
    monkeypatch.chdir(work)
    monkeypatch.delenv("DRAFTER_TEMPLATES", raising=False)
    return work


@seed(int(os.environ.get("DRAFTER_FUZZ_SEED", "0")))
@SETTINGS
@given(text=drafts(), force=st.booleans())
def test_check_and_render_survive_any_draft(desk: Path, text: str, force: bool) -> None:
    draft = desk / "draft.md"
    draft.write_text(text, encoding="utf-8", errors="surrogatepass")
    for leftover in ("report.json", "post.html"):
        (desk / leftover).unlink(missing_ok=True)
    before = _files(desk.parent)
    runner = CliRunner()

    checked = runner.invoke(
        main, ["check", "draft.md", "--source", "src.md", "--format", "json", "-o", "report.json"]
    )
    args = ["render", "draft.md", "--source", "src.md", "-o", "post.html"]
    rendered = runner.invoke(main, [*args, "--force"] if force else args)

    for result in (checked, rendered):
        assert result.exit_code in (0, 1, 2), (result.exit_code, result.output, text)
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            repr(result.exception),
            text,
        )
        assert "Traceback" not in result.output
        assert "SECRET" not in result.output
    after = _files(desk.parent)
    new = set(after) - set(before)
    assert new <= {"desk/report.json", "desk/post.html"}, (new, text)
    assert all(after[k] == v for k, v in before.items() if k != "desk/draft.md"), text
    if rendered.exit_code == 0:
        # The gate: whatever the page shows as a quotation was checked.
        report = json.loads((desk / "report.json").read_text(encoding="utf-8"))
        checked_quotes = [q["text"] for q in report["quotes"]]
        shown = _quotes_in((desk / "post.html").read_text(encoding="utf-8"))
        assert shown == [q for q in checked_quotes if q in shown], (shown, checked_quotes, text)
        assert all(q in checked_quotes for q in shown), (shown, checked_quotes, text)
