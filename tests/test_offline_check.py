"""Issue 13: the offline drafter's draft is checked once when it passes.

The written file's check is the one the report shows; the answer is settled (failing blocks
removed, listed under "Removed by drafter") only when that check, or a block's own problem,
says something fails. Verify is counted through both places that import it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from drafter.checker import check, verify
from drafter.cli import main
from drafter.drafting import compose, offline

from .conftest import EXAMPLE

ANGLE = "US AI Talent hunt includes China"
INVENTED = "Nvidia said it “would move every lab it has to Shanghai by next spring”."
MARKUP = "See the `hiring` table."


def _count_verify(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count every run of the checker's verify stage (the in-memory and the file check)."""
    calls: list[int] = []
    real = verify.verify

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(verify, "verify", counted)  # imported at call time (repair.problems)
    monkeypatch.setattr(check, "verify", counted)  # imported at module load (check_draft)
    return calls


def _draft(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, Path]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    args = ["draft", str(EXAMPLE / "scmp.md"), "--angle", ANGLE, "--number", "767",
            "--offline", "--out-dir", "out"]  # fmt: skip
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    return result.exit_code, tmp_path / "out"


def test_a_passing_offline_draft_is_checked_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _count_verify(monkeypatch)
    code, out = _draft(tmp_path, monkeypatch)
    assert code == 0
    assert len(calls) == 1
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["summary"]["failed"] == 0 and report["removed"] == []
    assert "Removed by drafter" not in (out / "report.md").read_text(encoding="utf-8")


def _with_block(block: compose.Block) -> Callable[..., compose.Answer]:
    """The offline drafter's answer with ``block`` put in as its third block."""
    real = offline.draft

    def draft(*args: Any, **kwargs: Any) -> compose.Answer:
        answer = real(*args, **kwargs)
        blocks = (*answer.blocks[:2], block, *answer.blocks[2:])
        return compose.Answer(answer.title, blocks)

    return draft


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # A quotation no source has: the written file's check fails on it.
        (INVENTED, "quote_in_commentary"),
        # Code hides text from the checker, so the file's check passes; the block is still
        # removed (compose.block_problems), as it was before the file was checked first.
        (MARKUP, "markup"),
    ],
)
def test_a_failing_offline_block_is_still_removed_and_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, kind: str
) -> None:
    monkeypatch.setattr(offline, "draft", _with_block(compose.Block("commentary", text)))
    code, out = _draft(tmp_path, monkeypatch)
    assert code == 0  # what is left passes
    draft = (out / "draft.md").read_text(encoding="utf-8")
    assert text not in draft
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["summary"]["failed"] == 0
    assert [(r["block"], r["kind"], r["text"]) for r in report["removed"]] == [(3, kind, text)]
    md = (out / "report.md").read_text(encoding="utf-8")
    assert f"- block 3 ({kind}): " in md.split("## Removed by drafter", 1)[1]
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["removed"] == report["removed"] and run["status"] == "ok"
    # The report is the check of the file as written: its quotes' line numbers are the file's.
    lines = draft.splitlines()
    for quote in report["quotes"]:
        assert quote["text"][:20] in lines[quote["line"] - 1]
