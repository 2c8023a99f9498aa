"""Golden files for `drafter render` of a passing version of the bundled example.

Regenerate them (after a deliberate change to rendering or the templates) with:

    DRAFTER_REGENERATE=1 .venv/bin/python -m pytest tests/test_render_golden.py

and review the diff before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import ROOT, run

GOLDEN = ROOT / "tests" / "golden" / "render"
DRAFT = GOLDEN / "draft.md"
EXPECTED = {"md": "expected.md", "html": "expected.html", "fragment": "expected.fragment.html"}


@pytest.fixture(autouse=True)
def _packaged_templates(monkeypatch: pytest.MonkeyPatch) -> None:
    # The golden files are of the shipped templates, whatever the developer's environment.
    monkeypatch.delenv("DRAFTER_TEMPLATES", raising=False)
    monkeypatch.chdir(ROOT)


@pytest.mark.parametrize("fmt", sorted(EXPECTED))
def test_render_matches_golden(fmt: str, tmp_path: Path) -> None:
    out = tmp_path / EXPECTED[fmt]
    result = run("render", DRAFT, "--format", fmt, "-o", out)
    assert result.exit_code == 0, result.output
    golden = GOLDEN / EXPECTED[fmt]
    if os.environ.get("DRAFTER_REGENERATE"):
        golden.write_text(out.read_text(encoding="utf-8"), encoding="utf-8")
    assert out.read_text(encoding="utf-8") == golden.read_text(encoding="utf-8"), (
        f"{golden.name} differs; if the change is intended, regenerate with "
        "DRAFTER_REGENERATE=1 .venv/bin/python -m pytest tests/test_render_golden.py"
    )


def test_golden_outputs_drop_front_matter_and_drafter_marks() -> None:
    md = (GOLDEN / "expected.md").read_text(encoding="utf-8")
    assert not md.startswith("---") and "sources:" not in md
    assert "<!--" not in md and "must not be published" not in md
    assert md.startswith("# AI: US AI Talent hunt includes China. RTZ #767\n\nMuch has been")
    for name in ("expected.html", "expected.fragment.html"):
        html = (GOLDEN / name).read_text(encoding="utf-8")
        assert "must not be published" not in html and "<script" not in html
        assert "<mark" not in html and "unverified" not in html
    page = (GOLDEN / "expected.html").read_text(encoding="utf-8")
    assert 'style="' in page  # CSS inlined on the elements, for email clients
    assert "Content-Security-Policy" in page


@pytest.mark.parametrize(
    ("template", "fmt"), [("fragment.html.j2", "fragment"), ("post.html.j2", "html")]
)
def test_a_template_that_changes_a_quote_stops_the_render(
    template: str, fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Invariant 4: the quotes are read back out of the output and must be the checked ones."""
    shipped = (ROOT / "templates" / template).read_text(encoding="utf-8")
    altered = shipped.replace(
        "{{ body }}", '{{ body | replace("Nvidia has hired two", "Nvidia has hired three") }}'
    )
    assert altered != shipped
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / template).write_text(altered, encoding="utf-8")
    monkeypatch.setenv("DRAFTER_TEMPLATES", str(folder))

    out = tmp_path / "post.html"
    result = run("render", DRAFT, "--format", fmt, "-o", out)
    assert result.exit_code == 2
    assert not out.exists()
    message = result.stderr.strip()
    assert message.count("\n") == 0  # one line, no traceback
    assert "render stopped: quote q6 (line 22)" in message
    assert "Nvidia has hired three" in message and "nothing was written" in message


@pytest.mark.parametrize(
    ("text", "problem"),
    [("{{ body }}{{ nope }}", "'nope' is undefined"), ("{% if %}", "template error at line 1")],
)
def test_a_broken_template_is_a_one_line_error(
    text: str, problem: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "fragment.html.j2").write_text(text, encoding="utf-8")
    monkeypatch.setenv("DRAFTER_TEMPLATES", str(folder))
    out = tmp_path / "post.html"
    result = run("render", DRAFT, "--format", "fragment", "-o", out)
    assert result.exit_code == 2 and not out.exists()
    assert result.stderr.count("\n") == 1 and "fragment.html.j2" in result.stderr
    assert problem in result.stderr


def test_a_template_that_drops_the_failure_marks_stops_a_forced_render(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Invariant 3: a forced render's failing quotes are read back as marked, or nothing is."""
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "fragment.html.j2").write_text(
        '{{ body | replace("mark", "span") }}',  # <span class="quote-failed">: unstyled
        encoding="utf-8",
    )
    monkeypatch.setenv("DRAFTER_TEMPLATES", str(folder))
    out = tmp_path / "post.html"
    draft = ROOT / "examples" / "rtz-767" / "draft.md"
    result = run("render", draft, "--format", "fragment", "--force", "-o", out)
    assert result.exit_code == 2 and not out.exists()
    assert "render stopped: failing quote q6 (line 20)" in result.stderr
    assert "is not marked in the fragment output" in result.stderr
