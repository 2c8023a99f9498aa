"""The run log (`drafter logs`, `drafter costs`), run.json's history, and `drafter models`
(with `--check` against the fake API). CLI through CliRunner, real files in tmp_path; the run
log is the per-test file conftest points $DRAFTER_RUN_LOG at."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from drafter.cli import main
from drafter.drafting import contracts, llm

from .fake_api import FakeAPI, error, reply
from .test_draft_model import GOOD, INVENTED, REVISED, draft, setup_env, use


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return setup_env(tmp_path, monkeypatch)


def cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_logs_and_costs_show_the_draft_and_the_revision(
    env: Path, monkeypatch: pytest.MonkeyPatch, _run_log: Path
) -> None:
    use(monkeypatch, FakeAPI(reply(INVENTED), reply(GOOD, cache_read=5000), reply(REVISED)))
    assert draft().exit_code == 0
    assert cli("revise", "out/draft.md", "--note", "Sharper title.").exit_code == 0

    logs = cli("logs").stdout.strip().splitlines()
    assert [line.split()[1:3] for line in logs] == [
        ["draft", "draft"],
        ["draft", "repair"],
        ["revise", "draft"],
    ]
    assert all("claude-sonnet-5-5" in line and str(env / "out") in line for line in logs)
    assert "thinking 300" in logs[0] and "r 5,000" in logs[1]

    costs = cli("costs").stdout
    assert "by model:\n  claude-sonnet-5-5: 3 call(s)" in costs
    assert f"by draft:\n  {env / 'out'}: 3 call(s)" in costs
    assert "cache read 5,000" in costs and "total: $" in costs
    assert "no model calls since 2999-01-01" in cli("costs", "--since", "2999-01-01").stdout
    bad = cli("costs", "--since", "last week")
    assert bad.exit_code == 2 and "not a date" in bad.stderr

    # run.json keeps the draft's record under the revision's.
    run = json.loads((env / "out" / "run.json").read_text())
    assert run["command"] == "revise"
    (before,) = run["history"]
    assert before["command"] == "draft"
    assert [c["purpose"] for c in before["calls"]] == ["draft", "repair"]


def test_failed_and_cached_calls_are_logged_too(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use(monkeypatch, FakeAPI(reply(INVENTED), *[error(529, "overloaded_error")] * 3))
    assert draft().exit_code == 3
    use(monkeypatch, FakeAPI(reply(GOOD)))
    assert draft().exit_code == 0
    outcomes = [line.split("  ")[-2] for line in cli("logs").stdout.strip().splitlines()]
    assert outcomes[0] == "ok" and "HTTP 529" in outcomes[1]
    assert outcomes[2:] == ["cached", "ok"]


def test_an_unwritable_run_log_never_stops_a_draft(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (env / "log-is-a-folder").mkdir()
    monkeypatch.setenv("DRAFTER_RUN_LOG", str(env / "log-is-a-folder"))
    use(monkeypatch, FakeAPI(reply(GOOD)))
    result = draft()
    assert result.exit_code == 0
    assert "warning: run log" in result.stderr


def test_logs_and_costs_before_any_call(env: Path) -> None:
    assert "no model calls" in cli("logs").stdout
    assert "no model calls in the run log" in cli("costs").stdout


def test_models_lists_contracts_prices_sources_and_refusals() -> None:
    out = cli("models").stdout
    assert f"Default model: {contracts.DEFAULT_MODEL}" in out
    for c in contracts.CONTRACTS:
        assert c.family in out
    # The Sonnet 5.5 cache-read cut, each row with its effective date and its source.
    rows = [line for line in out.splitlines() if line.strip().startswith("claude-sonnet-5-5 ")]
    assert len(rows) == 2
    assert "$0.20" in rows[0] and "from 2026-09-28" in rows[0]
    assert "$0.10" in rows[1] and "from 2026-10-07" in rows[1] and "migration-guide" in rows[1]
    assert "platform.claude.com/docs/en/about-claude/pricing, read 2026-11-29" in out
    for model in contracts.REFUSED:
        assert f"{model}: " in out
    assert "not in drafter's tables" not in out  # every SDK model is priced or refused
    assert llm.sdk_models()


def test_models_check_against_the_fake_api(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    api = use(monkeypatch, FakeAPI(reply({"ok": True}, input_tokens=20, output_tokens=12)))
    result = cli("models", "--check")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1].startswith("OK: the key, the model")
    (req,) = api.requests
    assert req["model"] == contracts.DEFAULT_MODEL and api.refusals == []
    assert req["output_config"]["format"]["type"] == "json_schema"

    use(monkeypatch, FakeAPI(reply({"ok": True})))
    assert cli("models", "--check", "-m", "claude-haiku-4-5").exit_code == 0

    use(monkeypatch, FakeAPI(error(401, "authentication_error", "invalid x-api-key")))
    result = cli("models", "--check")
    assert result.exit_code == 3
    assert "invalid x-api-key" in result.stderr and "set a valid key" in result.stderr


def test_models_check_needs_a_key(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    result = cli("models", "--check")
    assert result.exit_code == 2 and "ANTHROPIC_API_KEY" in result.stderr


def test_the_run_log_lives_in_drafters_user_folder_by_default(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DRAFTER_RUN_LOG")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(env / "config"))
    use(monkeypatch, FakeAPI(reply(GOOD)))
    assert draft().exit_code == 0
    assert (env / "config" / "drafter" / "runs.sqlite").is_file()
    assert "claude-sonnet-5-5" in cli("logs").stdout


@pytest.mark.parametrize("kind", ["not-a-database", "a-folder"])
def test_logs_and_costs_on_an_unreadable_run_log_say_so_in_one_line(
    env: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    path = env / "runs.sqlite"
    if kind == "a-folder":
        path.mkdir()
    else:
        path.write_text("not sqlite at all\n" * 200, encoding="utf-8")
    monkeypatch.setenv("DRAFTER_RUN_LOG", str(path))
    for args in (["logs"], ["costs"], ["costs", "--since", "2026-01-01"]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, (args, result.output, result.exception)
        assert "Traceback" not in result.output
        (line,) = result.stderr.strip().splitlines()
        assert str(path) in line and "run log" in line
