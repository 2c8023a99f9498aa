"""The first request `drafter draft` sends with no --model is one the default model accepts.

Kept apart, with nothing but the CLI and the fake API, so that it runs unchanged against
older drafting code too: before the request contracts, drafter forced a tool call, which
the default model refuses with a 400, and said to run the same command again.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from drafter.cli import main
from drafter.drafting import llm

from .conftest import EXAMPLE
from .fake_api import FAKE_KEY, FakeAPI, error, reply, serve

ANSWER = {
    "title": "AI: Nvidia hires China's AI talent. RTZ #768",
    "blocks": [
        {"type": "commentary", "text": "Nvidia is hiring in China. Stay tuned."},
        {"type": "quote", "passage_id": "scmp:p01"},
    ],
}


def _draft(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, api: FakeAPI, *, loopback: bool = False
) -> Result:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ANTHROPIC_API_KEY", FAKE_KEY)
    monkeypatch.delenv("DRAFTER_MODEL", raising=False)
    if not loopback:
        monkeypatch.setattr(llm, "make_client", api.make_client)
    args = ["draft", str(EXAMPLE / "scmp.md"), "--angle", "Nvidia", "--number", "768"]
    return CliRunner().invoke(main, [*args, "-d", "out"], catch_exceptions=False)


def test_the_default_model_accepts_the_first_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = FakeAPI(reply(ANSWER), reply(ANSWER))
    result = _draft(tmp_path, monkeypatch, api)
    assert api.refusals == [], api.refusals
    assert result.exit_code in (0, 1), result.output
    assert api.requests[0]["model"] == "claude-sonnet-5-5"


def test_a_400_shows_the_api_message_and_no_advice_to_run_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    refused = error(400, "invalid_request_error", "max_tokens: too many for this model")
    result = _draft(tmp_path, monkeypatch, FakeAPI(refused))
    assert result.exit_code == 3
    last = result.stderr.strip().splitlines()[-1]
    assert "max_tokens: too many for this model" in last
    assert "again" not in last and "resume" not in last


def test_over_loopback_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same stand-in as a real server on 127.0.0.1, reached through ANTHROPIC_BASE_URL with
    drafter's own client: the first request is accepted, and a 400 is one line, exit 3."""
    api = FakeAPI(reply(ANSWER), reply(ANSWER))
    with serve(api) as url:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", url)
        result = _draft(tmp_path, monkeypatch, api, loopback=True)
    assert api.refusals == [] and result.exit_code in (0, 1), result.output
    assert any(FAKE_KEY in v for v in api.headers[0].values())
    api = FakeAPI(error(400, "invalid_request_error", "messages: too long"))
    with serve(api) as url:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", url)
        (tmp_path / "again").mkdir()
        result = _draft(tmp_path / "again", monkeypatch, api, loopback=True)
    assert result.exit_code == 3 and "messages: too long" in result.stderr


def test_the_profile_names_the_model_when_no_option_or_env_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Order: --model, DRAFTER_MODEL, the working folder's drafter.toml, the pinned default."""
    profile = (Path(__file__).parent.parent / "templates" / "profile.rtz.toml").read_text()
    (tmp_path / "drafter.toml").write_text(
        profile.replace('model = ""', 'model = "claude-opus-5-5"'), encoding="utf-8"
    )
    api = FakeAPI(reply(ANSWER), reply(ANSWER))
    result = _draft(tmp_path, monkeypatch, api)
    assert result.exit_code in (0, 1), result.output
    assert api.requests[0]["model"] == "claude-opus-5-5"
