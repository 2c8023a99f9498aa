"""Fabricated quotations written so that the checker would not see them (issue 14, item 5):
other quotation marks, a straight mark glued to the word before it, and nesting deeper than
the Markdown parser follows. Every span a reader sees as a quotation is extracted and checked;
nesting beyond the limit is an error, never silence; the checker and every renderer read the
same text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafter.checker.extract import MAX_NESTING, NestingError, extract
from drafter.cli import main
from drafter.drafting import llm

from .conftest import EXAMPLE, run
from .fake_api import FAKE_KEY, FakeAPI, reply

SOURCE = """---
title: Nvidia taps 2 young Chinese AI experts to strengthen research
publication: South China Morning Post
short_name: SCMP
---
US chip giant Nvidia has hired two prominent artificial intelligence (AI) experts
who hail from China.
"""
FABRICATED = "Nvidia will close every research lab in China next year"

# Each form wraps the fabricated sentence as a reader would see a quotation.
FORMS = {
    "glued after a comma": f'The memo said,"{FABRICATED}" according to insiders.',
    "glued to a word": f'The memo said"{FABRICATED}" according to insiders.',
    "glued after a colon": f'The memo said:"{FABRICATED}".',
    "fullwidth": f"Another memo: ＂{FABRICATED}＂.",
    "reversed high mark": f"A third: ‟{FABRICATED}”, insiders say.",
    "double prime": f"A fourth: ″{FABRICATED}″, insiders say.",
    "ornaments": f"A fifth: ❝{FABRICATED}❞, insiders say.",
    "guillemets": f"The memo reads «{FABRICATED}», a source said.",
    "inward guillemets": f"The memo reads »{FABRICATED}«, a source said.",
    "German marks": f"Das Memo: „{FABRICATED}“.",
    "corner brackets": f"Memo: 「{FABRICATED}」",
    "white corner brackets": f"Memo: 『{FABRICATED}』",
    "low single marks": f"Memo: ‚{FABRICATED}‘.",
    "single marks": f"A memo: ‘{FABRICATED}’.",
    "invisible character before the mark": f'The memo said,\u2060"{FABRICATED}".',
}


def _check(tmp_path: Path, body: str, *extra: str) -> tuple[int, dict[str, Any]]:
    (tmp_path / "src.md").write_text(SOURCE, encoding="utf-8")
    draft = tmp_path / "draft.md"
    draft.write_text(body, encoding="utf-8")
    result = run("check", draft, "--source", tmp_path / "src.md", "--format", "json", *extra)
    return result.exit_code, json.loads(result.stdout)


@pytest.mark.parametrize("form", sorted(FORMS))
def test_every_quotation_form_is_checked_and_fails(tmp_path: Path, form: str) -> None:
    code, report = _check(tmp_path, "As the South China Morning Post reports:\n\n" + FORMS[form])
    quoted = [q for q in report["quotes"] if FABRICATED in q["text"]]
    assert len(quoted) == 1, report["quotes"]
    assert quoted[0]["status"] in ("not_found", "altered") and not quoted[0]["passed"]
    assert code == 1


@pytest.mark.parametrize("form", sorted(FORMS))
def test_render_refuses_every_form(tmp_path: Path, form: str) -> None:
    (tmp_path / "src.md").write_text(SOURCE, encoding="utf-8")
    draft = tmp_path / "draft.md"
    draft.write_text(FORMS[form] + "\n", encoding="utf-8")
    out = tmp_path / "post.html"
    result = run("render", draft, "--source", tmp_path / "src.md", "-o", out)
    assert result.exit_code == 1
    assert not out.exists()


def _lists(depth: int) -> str:
    return "Intro.\n\n" + "- " * depth + f"“{FABRICATED}”\n"


def _quotes(depth: int) -> str:
    return "Intro.\n\n" + "> " * depth + f"“{FABRICATED}”\n"


@pytest.mark.parametrize("body", [_lists(10), _quotes(20), _lists(40), _quotes(90)])
def test_a_deeply_nested_quotation_is_checked(tmp_path: Path, body: str) -> None:
    code, report = _check(tmp_path, body)
    (quote,) = report["quotes"]
    assert FABRICATED in quote["text"] and not quote["passed"]
    assert code == 1


@pytest.mark.parametrize("fmt", ["md", "html", "fragment"])
@pytest.mark.parametrize("body", [_lists(10), _quotes(20)])
def test_a_forced_render_of_a_nested_quotation_marks_it(
    tmp_path: Path, body: str, fmt: str
) -> None:
    """The renderers read the same text the checker read: the read-back finds the quote."""
    (tmp_path / "src.md").write_text(SOURCE, encoding="utf-8")
    draft = tmp_path / "draft.md"
    draft.write_text(body, encoding="utf-8")
    out = tmp_path / "post"
    result = run(
        "render", draft, "--source", tmp_path / "src.md", "--format", fmt, "-o", out, "--force"
    )
    assert result.exit_code == 1, result.output  # forced: written, still a failure
    text = out.read_text(encoding="utf-8")
    assert FABRICATED in text
    if fmt != "md":
        assert 'class="quote-failed"' in text


@pytest.mark.parametrize("body", [_lists(MAX_NESTING), _quotes(MAX_NESTING + 20)])
def test_nesting_beyond_the_parser_is_an_error_not_silence(tmp_path: Path, body: str) -> None:
    (tmp_path / "src.md").write_text(SOURCE, encoding="utf-8")
    draft = tmp_path / "draft.md"
    draft.write_text(body, encoding="utf-8")
    check = run("check", draft, "--source", tmp_path / "src.md")
    assert check.exit_code == 2
    assert "nested" in check.output and len(check.output.strip().splitlines()) == 1
    out = tmp_path / "post.md"
    rendered = run(
        "render", draft, "--source", tmp_path / "src.md", "--format", "md", "-o", out, "--force"
    )
    assert rendered.exit_code == 2 and not out.exists()
    with pytest.raises(NestingError):
        extract(body)


def test_a_model_answer_with_evasive_marks_goes_to_the_repair_round(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The drafter's repair round sees what the checker sees: evasive quotations in the
    model's commentary are sent back, then removed, never published."""
    import anthropic._base_client as base

    evasive = [
        f'The memo said,"{FABRICATED}" according to insiders.',
        f"The memo reads «{FABRICATED}», a source said.",
        f"A third memo: ＂{FABRICATED} (fullwidth)＂.",
        "- " * 10 + f"“{FABRICATED} (nested)”",
    ]
    answer = {
        "title": "AI: Nvidia hires. RTZ #5",
        "blocks": [
            {"type": "commentary", "text": "Nvidia is hiring."},
            {"type": "lead_in", "text": "As the South China Morning Post reports:"},
            {"type": "quote", "passage_id": "scmp:p01"},
            *({"type": "commentary", "text": t} for t in evasive),
            {"type": "commentary", "text": "Stay tuned."},
        ],
    }
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ANTHROPIC_API_KEY", FAKE_KEY)
    monkeypatch.delenv("DRAFTER_MODEL", raising=False)
    monkeypatch.setattr(base.SyncAPIClient, "_calculate_retry_timeout", lambda *a, **k: 0.0)
    api = FakeAPI(reply(answer), reply(answer))
    monkeypatch.setattr(llm, "make_client", api.make_client)
    args = ["draft", str(EXAMPLE / "scmp.md"), "--angle", "x", "--number", "5", "-d", "out"]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert len(api.requests) == 2  # the repair round ran
    published = (tmp_path / "out" / "draft.md").read_text(encoding="utf-8")
    published += (tmp_path / "out" / "draft.html").read_text(encoding="utf-8")
    assert FABRICATED not in published


PAIRS = [
    ('"', '"'),
    ("“", "”"),
    ("„", "“"),
    ("«", "»"),
    ("»", "«"),
    ("＂", "＂"),
    ("‟", "”"),
    ("″", "″"),
    ("❝", "❞"),
    ("「", "」"),
    ("『", "』"),
    ("‘", "’"),
    ("‚", "‘"),
    ("'", "'"),
]
SINGLE = {"‘", "‚", "'"}


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(st.sampled_from(PAIRS), min_size=1, max_size=3),
    st.sampled_from(["", "- ", "> ", "1. ", "- - ", "> > ", "# "]),
    st.sampled_from(["said ", "said,", "said", "says: ", "says:", "wrote⁠", ""]),
)
def test_a_fabricated_quotation_never_passes_and_the_render_reads_what_was_checked(
    tmp_path: Path, pairs: list[tuple[str, str]], prefix: str, lead: str
) -> None:
    """Whatever marks (nested) wrap it, the fabricated sentence is checked and fails when its
    outer marks are double ones (single ones are terms in US style, and never pass silently
    either); a forced render never disagrees with the check."""
    opening = "".join(o for o, _ in pairs)
    closing = "".join(c for _, c in reversed(pairs))
    body = f"{prefix}The memo {lead}{opening}{FABRICATED}{closing} today.\n"
    code, report = _check(tmp_path, body)
    assert code in (0, 1)
    with_it = [q for q in report["quotes"] if FABRICATED in q["text"]]
    # A straight single mark between two letters (said'Nvidia) is an apostrophe (O'Brien).
    apostrophe = pairs[0][0] == "'" and lead.rstrip("\u2060")[-1:].isalpha()
    assert with_it or apostrophe, (body, report["quotes"])
    assert all(not q["passed"] or q["status"] == "unchecked" for q in with_it)
    if pairs[0][0] not in SINGLE:
        assert code == 1 and not with_it[0]["passed"], (body, report["quotes"])
    out = tmp_path / "post.html"
    rendered = run(
        "render", tmp_path / "draft.md", "--source", tmp_path / "src.md", "-o", out, "--force",
        "--replace",  # hypothesis reuses tmp_path across examples
    )  # fmt: skip
    assert rendered.exit_code == code, rendered.output  # forced: written; 1 while a quote fails
