"""Drafting against the Messages API as documented today, for every model family drafter knows.

The fake API (tests/fake_api.py) refuses what the real one refuses; these tests run the whole
draft → repair → revise path through it for each family of drafter's contract table, and the
ways an answer can be incomplete or refused. The CLI runs through click's CliRunner with real
files in tmp_path; no request leaves the process (or the loopback interface).
"""

from __future__ import annotations

import json
import socket
import threading
import time
import typing
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx2
import pytest
from click.testing import CliRunner, Result

from drafter.cli import main
from drafter.drafting import contracts, llm, pricing
from drafter.drafting.pricing import Usage

from . import fake_api
from .fake_api import FakeAPI, Refused, check_request, error, reply, sse_body, stream
from .test_draft_model import GOOD, INVENTED, REVISED, draft, setup_env, use


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return setup_env(tmp_path, monkeypatch)


# One model of every family in drafter's table (the test below checks none is missed).
FAMILY_MODELS = (
    "claude-sonnet-5-5",
    "claude-opus-5-5",
    "claude-fable-5-1",
    "claude-sonnet-5",
    "claude-opus-5",
    "claude-opus-4-6",
    "claude-haiku-4-5",
)


def test_every_family_of_the_table_is_exercised() -> None:
    for contract in contracts.CONTRACTS:
        assert any(contract.matches(m) for m in FAMILY_MODELS), contract.family


def revise(*extra: str) -> Result:
    return CliRunner().invoke(
        main, ["revise", "out/draft.md", "--note", "Sharper title.", *extra], catch_exceptions=False
    )


@pytest.mark.parametrize("model", FAMILY_MODELS)
def test_draft_repair_revise_against_the_documented_contract(
    env: Path, monkeypatch: pytest.MonkeyPatch, model: str
) -> None:
    api = use(monkeypatch, FakeAPI(reply(INVENTED), reply(GOOD), reply(REVISED)))
    result = draft("-m", model)
    assert result.exit_code == 0, result.output
    assert revise("--model", model).exit_code == 0
    assert api.refusals == []  # every request was one the real API accepts for this model
    first, repair, _revised = api.requests
    assert {r["model"] for r in api.requests} == {model}
    choice = contracts.contract_for(model)
    assert first["max_tokens"] == choice.contract.max_tokens
    # The repair round replays the model's turn unchanged, thinking block included.
    thinks = fake_api.rules_for(model).thinks_by_default  # type: ignore[union-attr]
    replayed = repair["messages"][1]["content"]
    assert (replayed[0]["type"] == "thinking") is thinks
    assert replayed[-1] == {"type": "text", "text": json.dumps(INVENTED, ensure_ascii=False)}
    assert "AI: Nvidia’s China talent bet" in (env / "out" / "draft.md").read_text()


def test_effort_passes_through_and_is_refused_where_the_model_takes_none(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = use(monkeypatch, FakeAPI(reply(GOOD)))
    assert draft("--effort", "low").exit_code == 0
    assert api.requests[0]["output_config"]["effort"] == "low"
    result = draft("--force", "--effort", "medium", "-m", "claude-haiku-4-5")
    assert result.exit_code == 2
    assert "takes no effort setting" in result.stderr
    result = draft("--force", "--effort", "extreme")
    assert result.exit_code == 2


def test_an_unknown_model_gets_the_conservative_contract_and_a_note(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = use(monkeypatch, FakeAPI())
    result = draft("-m", "claude-sonnet-7")
    # The note says what drafter did; the API's 404 says the id is wrong, and what to change.
    assert "not in drafter's model table" in result.stderr
    (req,) = api.requests
    assert "thinking" not in req and "effort" not in req["output_config"]
    assert req["max_tokens"] == contracts.CONSERVATIVE.max_tokens
    assert result.exit_code == 3
    last = result.stderr.strip().splitlines()[-1]
    assert "HTTP 404" in last and "model: claude-sonnet-7" in last and "--model" in last
    assert "again" not in last


def test_a_prefix_under_the_cache_minimum_is_said(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = env / "short.md"
    source.write_text("---\ntitle: Short\npublication: Wire\n---\nOne line.\n", encoding="utf-8")
    use(monkeypatch, FakeAPI(reply(GOOD), reply(GOOD)))
    args = ["draft", str(source), "--angle", "x", "-d", "out", "-m", "claude-haiku-4-5"]
    result = CliRunner().invoke(main, args)
    assert "under claude-haiku-4-5's prompt-cache minimum (4,096)" in result.stderr


@pytest.mark.parametrize("blank", [" ", "\t", "claude sonnet 5 5"])
def test_a_model_id_that_cannot_be_one_is_bad_usage_before_any_request(
    env: Path, monkeypatch: pytest.MonkeyPatch, blank: str
) -> None:
    api = use(monkeypatch, FakeAPI())
    for result in (
        draft("-m", blank),
        CliRunner().invoke(main, ["models", "--check", "-m", blank]),
    ):
        assert result.exit_code == 2, result.output
        (line,) = result.stderr.strip().splitlines()
        assert "not a model id" in line and "drafter models" in line
    monkeypatch.setenv("DRAFTER_MODEL", blank)
    assert draft().exit_code == 2
    assert api.requests == [] and not (env / "out").exists()


def test_spaces_around_a_model_id_are_not_sent(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    api = use(monkeypatch, FakeAPI(reply(GOOD)))
    assert draft("-m", " claude-sonnet-5-5 ").exit_code == 0
    assert api.requests[0]["model"] == "claude-sonnet-5-5"


@pytest.mark.parametrize("blank", ["", "  "])
def test_a_blank_base_url_is_bad_usage_not_a_connection_to_retry(
    env: Path, monkeypatch: pytest.MonkeyPatch, blank: str
) -> None:
    """The SDK takes ANTHROPIC_BASE_URL="" as the address "": every try failed to connect
    and drafter said to run again, which cannot help."""
    monkeypatch.setenv("ANTHROPIC_BASE_URL", blank)
    api = use(monkeypatch, FakeAPI(reply({"ok": True})))
    result = CliRunner().invoke(main, ["models", "--check"])
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.strip().splitlines()
    assert "ANTHROPIC_BASE_URL" in line and "empty" in line and "again" not in line
    assert api.requests == []


def test_a_model_drafter_cannot_price_is_refused_with_a_note(env: Path) -> None:
    result = draft("-m", "claude-fable-5-2")
    assert result.exit_code == 2
    assert "does not draft with it" in result.stderr and "price" in result.stderr
    assert not (env / "out").exists()


def test_default_model_follows_the_profile_when_nothing_else_names_one() -> None:
    assert contracts.default_model(None) == contracts.DEFAULT_MODEL == "claude-sonnet-5-5"
    assert contracts.default_model("claude-opus-5-5") == "claude-opus-5-5"


# --- the stand-in refuses what the real API refuses ------------------------------------------

BASE = {
    "model": "claude-sonnet-5-5",
    "max_tokens": 1024,
    "stream": True,
    "messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}]}],
}


@pytest.mark.parametrize(
    ("change", "status", "says"),
    [
        ({"tool_choice": {"type": "tool", "name": "t"}}, 400, "forced tool use"),
        ({"tool_choice": {"type": "any"}}, 400, "forced tool use"),
        ({"thinking": {"type": "disabled"}}, 400, "between_tools"),
        ({"thinking": {"type": "enabled", "budget_tokens": 2048}}, 400, "'enabled'"),
        ({"temperature": 0.2}, 400, "temperature: Extra inputs"),
        ({"output_format": {"type": "json_schema"}}, 400, "Extra inputs"),
        ({"max_tokens": "many"}, 400, "max_tokens"),
        ({"max_tokens": 200_000}, 400, "maximum allowed"),
        ({"model": "claude-sonnet-9"}, 404, "model: claude-sonnet-9"),
        (
            {
                "messages": [
                    {"role": "user", "content": "hi"},
                    {"role": "assistant", "content": "{"},
                ]
            },
            400,
            "Prefill",
        ),
        (
            {"output_config": {"format": {"type": "json_schema", "schema": {"type": "object"}}}},
            400,
            "additionalProperties",
        ),
        ({"output_config": {"effort": "extreme"}}, 400, "effort"),
        (
            {
                "system": [
                    {"type": "text", "text": str(i), "cache_control": {"type": "ephemeral"}}
                    for i in range(5)
                ]
            },
            400,
            "maximum of 4",
        ),
    ],
)
def test_the_fake_api_refuses_what_the_docs_say_is_refused(
    change: dict[str, Any], status: int, says: str
) -> None:
    with pytest.raises(Refused) as refused:
        check_request({**BASE, **change}, {})
    assert refused.value.status == status and says in refused.value.message


_SCHEMA = {"type": "object", "properties": {}, "additionalProperties": False}


@pytest.mark.parametrize(
    ("change", "says"),
    [
        # "Effort": between_tools only at low, medium and high on Sonnet 5.5 ("What's new in
        # Claude Sonnet 5.5"); max is not a level of Opus 4.5, xhigh not one of Opus 4.6 or
        # Sonnet 4.6 (the Effort page's levels table).
        (
            {"thinking": {"type": "between_tools"}, "output_config": {"effort": "max"}},
            "between_tools",
        ),
        ({"model": "claude-opus-4-5", "output_config": {"effort": "max"}}, "effort"),
        ({"model": "claude-opus-4-6", "output_config": {"effort": "xhigh"}}, "effort"),
        ({"model": "claude-sonnet-4-6", "output_config": {"effort": "xhigh"}}, "effort"),
        # Fable 5 and Mythos 5 think always (model pages: "Adaptive (always on)"); Opus 5
        # turns thinking off only at effort high or below.
        ({"model": "claude-fable-5", "thinking": {"type": "disabled"}}, "'disabled'"),
        (
            {
                "model": "claude-opus-5",
                "thinking": {"type": "disabled"},
                "output_config": {"effort": "xhigh"},
            },
            "effort",
        ),
        # "Structured outputs": JSON Schema keywords it does not support are refused.
        (
            {
                "output_config": {
                    "format": {
                        "type": "json_schema",
                        "schema": {
                            **_SCHEMA,
                            "properties": {"t": {"type": "string", "maxLength": 80}},
                        },
                    }
                }
            },
            "maxLength",
        ),
        (
            {
                "output_config": {
                    "format": {
                        "type": "json_schema",
                        "schema": {
                            **_SCHEMA,
                            "properties": {"n": {"type": "array", "minItems": 2, "items": {}}},
                        },
                    }
                }
            },
            "minItems",
        ),
    ],
)
def test_the_fake_api_follows_the_effort_thinking_and_schema_pages(
    change: dict[str, Any], says: str
) -> None:
    with pytest.raises(Refused) as refused:
        check_request({**BASE, **change}, {})
    assert refused.value.status == 400 and says in refused.value.message


@pytest.mark.parametrize(
    "change",
    [
        {"thinking": {"type": "between_tools"}, "output_config": {"effort": "high"}},
        {"model": "claude-opus-4-8", "output_config": {"effort": "xhigh"}},
        {"model": "claude-opus-5", "thinking": {"type": "disabled"}},
        {"model": "claude-sonnet-5", "thinking": {"type": "disabled"}},
        # A property may be called like a keyword; only the schema's own keywords count.
        {
            "output_config": {
                "format": {
                    "type": "json_schema",
                    "schema": {**_SCHEMA, "properties": {"maxLength": {"type": "integer"}}},
                }
            }
        },
    ],
)
def test_the_fake_api_accepts_what_those_pages_allow(change: dict[str, Any]) -> None:
    check_request({**BASE, **change}, {})


def test_each_model_has_its_documented_cache_minimum() -> None:
    """Prompt caching: 512 tokens on the 5.x models, but 1,024 on Sonnet 5 (the table's own
    note said so while its row said 512); a dated snapshot has its model's minimum."""
    minimum = {m: contracts.contract_for(m).contract.cache_min_tokens for m in FAMILY_MODELS}
    assert minimum["claude-sonnet-5-5"] == minimum["claude-opus-5"] == 512
    assert minimum["claude-sonnet-5"] == 1024
    assert contracts.contract_for("claude-sonnet-5-20260630").contract.cache_min_tokens == 1024


def test_the_fake_api_refuses_a_replay_whose_thinking_was_changed() -> None:
    text, thinking, raw = sse_body(reply(GOOD), {**BASE, "output_config": {"format": {}}})
    assert thinking and "signature_delta" in text
    turn = {"role": "assistant", "content": [{"type": "text", "text": raw}]}
    again = {"role": "user", "content": "fix it"}
    body = {**BASE, "messages": [BASE["messages"][0], turn, again]}
    with pytest.raises(Refused, match="unchanged"):
        check_request(body, {raw: thinking})
    turn["content"] = [*thinking, *turn["content"]]
    check_request(body, {raw: thinking})


def test_the_request_drafter_sent_before_is_refused_by_the_default_model() -> None:
    """What `drafter draft` sent until now: a forced tool call, 8,192 tokens."""
    old = {
        **BASE,
        "max_tokens": 8192,
        "tools": [{"name": "write_draft", "input_schema": {"type": "object"}}],
        "tool_choice": {"type": "tool", "name": "write_draft"},
    }
    with pytest.raises(Refused, match="forced tool use"):
        check_request(old, {})


# --- an answer counts only when it is complete --------------------------------------------------


def _failed_once_then_asked_again(env: Path, monkeypatch: pytest.MonkeyPatch, step: Any) -> Result:
    """Draft against ``step``: exit 3 in one line, nothing rendered or cached, the run kept;
    the same command again asks the API again."""
    api = use(monkeypatch, FakeAPI(step))
    result = draft()
    out = env / "out"
    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("drafter: error: ")
    assert not (out / "draft.html").exists() and not (out / "draft.md").exists()
    assert not list((out / ".drafter-cache").glob("*.json"))
    assert (out / "passages.json").exists() and (out / "sources" / "scmp.md").exists()
    run = json.loads((out / "run.json").read_text())
    assert run["status"] == "model_failed"
    assert len(api.requests) == 1
    api = use(monkeypatch, FakeAPI(reply(GOOD)))
    assert draft().exit_code == 0
    assert len(api.requests) == 1
    return result


def _html(request: httpx2.Request) -> httpx2.Response:
    return httpx2.Response(200, headers={"content-type": "text/html"}, content=b"<html>hi</html>")


def test_a_200_that_is_not_an_event_stream(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = _failed_once_then_asked_again(env, monkeypatch, _html)
    assert "not an event stream" in result.stderr and "text/html" in result.stderr


def test_an_empty_event_stream(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = _failed_once_then_asked_again(env, monkeypatch, stream(""))
    assert "empty answer stream" in result.stderr and "resume" in result.stderr


def test_a_stream_cut_before_message_stop_keeps_the_partial(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = sse_body(reply(GOOD))[0]
    # Cut after a few deltas of the answer text: no block stop, no message_delta, no stop.
    cut = text[: text.index("event: content_block_delta", text.index('"text_delta"') + 2000)]
    result = _failed_once_then_asked_again(env, monkeypatch, stream(cut))
    assert "ended before message_stop" in result.stderr
    partial = json.loads((env / "out" / "partial-answer.json").read_text())
    assert partial["partial"]["title"] == GOOD["title"]


def test_a_message_stop_without_a_stop_reason(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = sse_body(reply(GOOD))[0]
    start = text.index("event: message_delta")
    body = text[:start] + text[text.index("event: message_stop") :]
    result = _failed_once_then_asked_again(env, monkeypatch, stream(body))
    assert "without a stop_reason" in result.stderr


def test_an_error_event_after_the_answer_began(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = sse_body(reply(GOOD, events_until="message_delta"))[0]
    err = {"type": "error", "error": {"type": "api_error", "message": "Internal server error"}}
    body = text + f"event: error\ndata: {json.dumps(err)}\n\n"
    result = _failed_once_then_asked_again(env, monkeypatch, stream(body))
    assert "api_error: Internal server error" in result.stderr and "resume" in result.stderr


def test_a_refusal_is_one_line_saying_what_to_change(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _failed_once_then_asked_again(env, monkeypatch, reply("", stop_reason="refusal"))
    assert "declined" in result.stderr and "--model" in result.stderr


def test_thinking_that_eats_the_budget_is_cut_off_and_paid_for(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = json.dumps(GOOD)[:300]
    step = reply(raw, stop_reason="max_tokens", output_tokens=32_000, thinking_tokens=31_000)
    result = _failed_once_then_asked_again(env, monkeypatch, step)
    assert "max_tokens (32000, 31,000 of them thinking)" in result.stderr
    assert "--effort low" in result.stderr


# --- errors say what to do -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "kind", "says"),
    [
        (400, "invalid_request_error", "change the request"),
        (422, "invalid_request_error", "change the request"),
        (401, "authentication_error", "set a valid key"),
        (403, "permission_error", "use a key with access"),
    ],
)
def test_errors_that_running_again_cannot_fix(
    env: Path, monkeypatch: pytest.MonkeyPatch, status: int, kind: str, says: str
) -> None:
    api = use(monkeypatch, FakeAPI(error(status, kind, "the API's own words")))
    result = draft()
    assert result.exit_code == 3
    (line,) = result.stderr.strip().splitlines()[-1:]
    assert f"HTTP {status}" in line and "the API's own words" in line and says in line
    assert "again" not in line and "resume" not in line
    assert len(api.requests) == 1  # never retried


def test_a_retry_after_of_an_hour_is_not_waited_out(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slept: list[float] = []
    monkeypatch.setattr("time.sleep", slept.append)
    busy = httpx2.Response(
        429,
        headers={"retry-after": "3600"},
        json={"type": "error", "error": {"type": "rate_limit_error", "message": "slow down"}},
    )
    api = use(monkeypatch, FakeAPI(busy))
    result = draft()
    assert result.exit_code == 3
    assert "wait 3,600 s" in result.stderr and "UTC to resume" in result.stderr
    assert len(api.requests) == 1 and not [s for s in slept if s > llm.MAX_RETRY_WAIT]


def test_short_retry_waits_are_said(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use(monkeypatch, FakeAPI(error(529, "overloaded_error"), reply(GOOD)))
    result = draft()
    assert result.exit_code == 0
    assert "trying again in 0 s (try 2 of 3)" in result.stderr


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A loopback server that accepts connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()


def test_a_server_that_never_answers_is_given_up_on_in_bounded_time(
    env: Path, monkeypatch: pytest.MonkeyPatch, silent_server: str
) -> None:
    monkeypatch.setattr(llm, "make_client", fake_api.REAL_MAKE_CLIENT)
    monkeypatch.setattr(llm, "READ_TIMEOUT", 0.2)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", silent_server)
    result = draft()
    assert result.exit_code == 3
    assert "did not answer (3 tries of" in result.stderr and "resume" in result.stderr
    assert result.stderr.count("trying again") == 2  # each retry is said, not silent
    # The bound for the real settings, stated: under five minutes, not 909 s.
    assert llm.WORST_CASE_SECONDS < 300


class _Pings(BaseHTTPRequestHandler):
    """Starts an answer, then sends only pings (for up to 20 s) until the client hangs up."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.end_headers()
        start = sse_body(reply(GOOD))[0].split("event: content_block_start")[0]
        try:
            self.wfile.write(start.encode())
            for _ in range(400):
                time.sleep(0.05)
                self.wfile.write(b'event: ping\ndata: {"type": "ping"}\n\n')
                self.wfile.flush()
        except OSError:
            pass

    def log_message(self, *args: Any) -> None:
        pass


def test_a_stream_kept_open_with_pings_is_closed_after_the_answer_limit(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Pings)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setattr(llm, "make_client", fake_api.REAL_MAKE_CLIENT)
        monkeypatch.setenv("ANTHROPIC_BASE_URL", f"http://127.0.0.1:{server.server_port}")
        monkeypatch.setattr(llm, "MAX_ANSWER_SECONDS", 0.5)
        result = draft()
    finally:
        server.shutdown()
        server.server_close()
    assert result.exit_code == 3
    assert "still not complete after" in result.stderr and "resume" in result.stderr
    assert "Traceback" not in result.output


# --- the shared cases: a loopback stand-in that cuts or empties the stream ------------------------

CASE_ANSWER = GOOD


def _case_body(scenario: str) -> bytes:
    """The shapes of shared/cases 17 and 18: a tool-call answer cut after a few deltas, or no
    events at all."""
    if scenario == "empty":
        return b""
    tool = {**fake_api.BASE_TOOL_REQUEST}
    text = sse_body(reply(CASE_ANSWER, events_until="content_block_stop"), tool)[0]
    return text[: text.index("event: content_block_delta", 1500)].encode()


class _Case(BaseHTTPRequestHandler):
    scenario = "cut"
    posts: typing.ClassVar[list[str]] = []

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", 0)))
        type(self).posts.append(self.path)
        data = _case_body(self.scenario)
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.mark.parametrize("scenario", ["cut", "empty"])
def test_shared_cases_17_and_18_over_loopback(
    env: Path, monkeypatch: pytest.MonkeyPatch, scenario: str
) -> None:
    handler = type("Handler", (_Case,), {"scenario": scenario, "posts": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        monkeypatch.setattr(llm, "make_client", fake_api.REAL_MAKE_CLIENT)
        monkeypatch.setenv("ANTHROPIC_BASE_URL", f"http://127.0.0.1:{server.server_port}")
        for n in (1, 2):
            result = draft()
            assert result.exit_code == 3, result.output
            assert "Traceback" not in result.output
            assert not (env / "out" / "draft.html").exists()
            assert len(handler.posts) == n  # the rerun asked again: nothing was cached
    finally:
        server.shutdown()
        server.server_close()


# --- prices ----------------------------------------------------------------------------------


def test_sonnet_55_cache_reads_are_priced_by_the_day() -> None:
    usage = Usage(cache_read_input_tokens=1_000_000)
    assert pricing.cost("claude-sonnet-5-5", usage, "2026-10-06") == pytest.approx(0.20)
    assert pricing.cost("claude-sonnet-5-5", usage, "2026-10-07") == pytest.approx(0.10)
    assert pricing.cost("claude-sonnet-5-5-20260928", usage, "2026-11-29") == pytest.approx(0.10)


def test_every_model_the_sdk_lists_is_priced_or_refused() -> None:
    for model in llm.sdk_models():
        assert pricing.price_for(model) is not None or contracts.refusal(model), model


def test_every_price_row_says_where_it_was_read() -> None:
    for model, rows in pricing.PRICES.items():
        for row in rows:
            assert "platform.claude.com" in row.source and "2026-11-29" in row.source, model
