"""A Claude Messages API stand-in that enforces the documented contract, behind
``httpx2.MockTransport``.

The real ``anthropic`` client is used end to end (request building, retries, SSE parsing, the
stream accumulator); only the transport is fake, so no request leaves the process. Each
request is first checked the way the real API checks it, and refused with the real error
shape (``{"type": "error", "error": {"type", "message"}, "request_id"}``) and status:

- its body against the SDK's own parameter types (``MessageCreateParamsStreaming``, through
  pydantic, the SDK's validation library), unknown top-level fields included (the SDK's types
  no longer have sampling parameters, so ``temperature`` is refused as unknown);
- per model family (``RULES``, written from Anthropic's documentation, independently of
  drafter's own contract table): forced ``tool_choice`` (Sonnet 5.5, Opus 5.5, Fable and
  Mythos 5.1), the accepted ``thinking.type`` values (``disabled`` is a 400 on Sonnet 5.5),
  manual thinking budgets, assistant prefill, effort levels (per model, and thinking turned
  off only at the efforts that allow it), the output limit, and ``output_config.format``
  schemas that leave an object open or use a keyword structured outputs do not support, and
  more than four cache breakpoints;
- replayed assistant turns whose thinking blocks are not sent back unchanged, where thinking
  blocks are tied to the model and conversation.

Then it takes the next step of its script: a ``Reply`` (an answer rendered in the shape the
request asked for: JSON text for ``output_config.format``, a tool call for a forced tool,
with a thinking block first when the model thinks), a raw ``httpx2.Response``, an exception
to raise, or a callable of the request.
"""

from __future__ import annotations

import json
import re
import threading
import typing
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx2
import pydantic
from anthropic.types.message_create_params import MessageCreateParamsStreaming

from drafter.drafting import llm

# The real factory, kept before any test replaces llm.make_client with FakeAPI.make_client.
REAL_MAKE_CLIENT = llm.make_client
FAKE_KEY = "sk-ant-test-not-a-real-key"
MODEL = "claude-sonnet-5-5"

_ALL_EFFORTS = frozenset({"low", "medium", "high", "xhigh", "max"})
_UP_TO_HIGH = frozenset({"low", "medium", "high"})


@dataclass(frozen=True)
class Rules:
    """What one model family accepts, as its documentation states."""

    forced_tool: bool
    thinking_types: frozenset[str]
    thinks_by_default: bool
    efforts: frozenset[str]  # empty: no effort parameter
    tied_thinking: bool  # replayed thinking blocks must come back unchanged
    prefill: bool
    max_output: int
    # The efforts at which thinking may be turned off ("disabled" or "between_tools").
    off_efforts: frozenset[str] = _ALL_EFFORTS


# "What's new in Claude Sonnet 5.5": between_tools is the lowest setting, at low, medium and
# high effort only (xhigh or max with between_tools is a 400).
_SONNET_55 = Rules(
    forced_tool=False,
    thinking_types=frozenset({"adaptive", "between_tools"}),
    thinks_by_default=True,
    efforts=_ALL_EFFORTS,
    tied_thinking=True,
    prefill=False,
    max_output=128_000,
    off_efforts=_UP_TO_HIGH,
)
_ALWAYS_ON = Rules(False, frozenset({"adaptive"}), True, _ALL_EFFORTS, True, False, 128_000)
# Sonnet 5 and Opus 5: adaptive by default, "disabled" accepted (Opus 5: only at effort high or
# below, its model page); Fable 5 and Mythos 5 think always ("Adaptive (always on)").
_SONNET_5 = Rules(
    True, frozenset({"adaptive", "disabled"}), True, _ALL_EFFORTS, False, False, 128_000
)
_OPUS_5 = Rules(
    True,
    frozenset({"adaptive", "disabled"}),
    True,
    _ALL_EFFORTS,
    False,
    False,
    128_000,
    _UP_TO_HIGH,
)
_FABLE_5 = Rules(True, frozenset({"adaptive"}), True, _ALL_EFFORTS, False, False, 128_000)


def _four(efforts: frozenset[str]) -> Rules:
    return Rules(
        forced_tool=True,
        thinking_types=frozenset({"enabled", "disabled", "adaptive"}),
        thinks_by_default=False,
        efforts=efforts,
        tied_thinking=False,
        prefill=False,
        max_output=64_000,
    )


_FOUR = Rules(True, frozenset({"enabled", "disabled"}), False, frozenset(), False, True, 64_000)

# The effort levels per model are the Effort page's: max from Opus 4.6 and Sonnet 4.6 on,
# xhigh from Opus 4.7 on; Sonnet 4.5 and Haiku 4.5 take no effort parameter.
RULES: tuple[tuple[str, Rules], ...] = (
    (r"claude-sonnet-5-5", _SONNET_55),
    (r"claude-(opus-5-5|fable-5-1|mythos-5-1|fable-5-2|mythos-5-2)", _ALWAYS_ON),
    (r"claude-sonnet-5", _SONNET_5),
    (r"claude-opus-5", _OPUS_5),
    (r"claude-(fable|mythos)-5", _FABLE_5),
    (r"claude-opus-4-[78]", _four(_ALL_EFFORTS)),
    (r"claude-(opus-4-6|sonnet-4-6)", _four(_UP_TO_HIGH | {"max"})),
    (r"claude-opus-4-5", _four(_UP_TO_HIGH)),
    (r"claude-(sonnet|haiku)-4-5", _FOUR),
)


def rules_for(model: str) -> Rules | None:
    base = re.sub(r"-\d{8}$", "", model)
    for pattern, rules in RULES:
        if re.fullmatch(pattern, base):
            return rules
    return None


class Refused(Exception):
    def __init__(self, status: int, kind: str, message: str) -> None:
        super().__init__(message)
        self.status, self.kind, self.message = status, kind, message


_PARAMS = pydantic.TypeAdapter(MessageCreateParamsStreaming)
_FIELDS = frozenset(typing.get_type_hints(MessageCreateParamsStreaming))


def _force(value: Any) -> Any:
    """Materialise pydantic's lazy iterables so that every nested item is validated."""
    if isinstance(value, dict):
        return {k: _force(v) for k, v in value.items()}
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        return value
    return [_force(v) for v in value]


def check_request(body: dict[str, Any], sent: dict[str, list[dict[str, Any]]]) -> Rules:
    """Raise ``Refused`` for any request the real API refuses; ``sent`` maps each answer text
    the fake produced to the thinking blocks it came with."""
    unknown = sorted(set(body) - _FIELDS)
    if unknown:
        raise Refused(400, "invalid_request_error", f"{unknown[0]}: Extra inputs are not permitted")
    try:
        _force(_PARAMS.validate_python(body))
    except pydantic.ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise Refused(400, "invalid_request_error", f"{where}: {first['msg']}") from None
    model = str(body["model"])
    rules = rules_for(model)
    if rules is None:
        raise Refused(404, "not_found_error", f"model: {model}")
    if body["max_tokens"] > rules.max_output:
        raise Refused(
            400,
            "invalid_request_error",
            f"max_tokens: {body['max_tokens']} > {rules.max_output}, which is the maximum "
            f"allowed number of output tokens for {model}",
        )
    choice = body.get("tool_choice") or {}
    if choice.get("type") in ("tool", "any") and not rules.forced_tool:
        raise Refused(
            400,
            "invalid_request_error",
            f"tool_choice: forced tool use is not supported on {model}; use tool_choice auto, "
            "or structured outputs (output_config.format)",
        )
    thinking = body.get("thinking")
    if thinking is not None:
        kind = thinking.get("type")
        if kind not in rules.thinking_types:
            hint = (
                " Use thinking.type between_tools"
                if "between_tools" in rules.thinking_types
                else ""
            )
            raise Refused(
                400,
                "invalid_request_error",
                f"thinking.type: {kind!r} is not supported on {model}.{hint}",
            )
    effort = (body.get("output_config") or {}).get("effort")
    if effort is not None and effort not in rules.efforts:
        raise Refused(
            400,
            "invalid_request_error",
            f"output_config.effort: {effort!r} is not supported on {model}",
        )
    off = (thinking or {}).get("type")
    if off in ("disabled", "between_tools") and effort not in (None, *rules.off_efforts):
        raise Refused(
            400,
            "invalid_request_error",
            f"thinking.type: {off!r} is not supported at output_config.effort "
            f"{effort!r} on {model}; use adaptive thinking (omit thinking) at this effort",
        )
    messages = body["messages"]
    if messages and messages[-1]["role"] == "assistant" and not rules.prefill:
        raise Refused(
            400,
            "invalid_request_error",
            f"Prefilling assistant messages is not supported on {model}; the last message "
            "must be a user message",
        )
    schema = ((body.get("output_config") or {}).get("format") or {}).get("schema")
    if schema is not None:
        _closed(schema, "output_config.format.schema")
    # "Prompt caching": at most four cache breakpoints in one request.
    blocks = [*(body.get("tools") or []), *_blocks(body.get("system"))]
    for message in messages:
        blocks += _blocks(message["content"])
    if sum(1 for b in blocks if b.get("cache_control")) > 4:
        raise Refused(
            400,
            "invalid_request_error",
            "A maximum of 4 blocks with cache_control may be provided",
        )
    if rules.tied_thinking:
        _replayed_unchanged(messages, sent)
    return rules


# "Structured outputs", JSON Schema limitations: no numerical or string-length constraints,
# no array constraints beyond minItems 0 or 1, and every object closes its properties.
_UNSUPPORTED = frozenset(
    {
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minLength",
        "maxLength",
        "maxItems",
        "uniqueItems",
        "minProperties",
        "maxProperties",
        "patternProperties",
    }
)
# Keywords whose values are data, not schemas (a property named "minimum" is fine).
_VALUES = frozenset({"enum", "const", "required", "description", "title", "default", "examples"})


def _closed(schema: Any, where: str) -> None:
    """Refuse a JSON output schema the way the real API does (see the limits above)."""
    if isinstance(schema, list):
        for i, value in enumerate(schema):
            _closed(value, f"{where}.{i}")
        return
    if not isinstance(schema, dict):
        return
    if schema.get("type") == "object" and schema.get("additionalProperties") is not False:
        raise Refused(
            400,
            "invalid_request_error",
            f"{where}: objects must set 'additionalProperties' to false",
        )
    for keyword in sorted(_UNSUPPORTED & schema.keys()):
        raise Refused(
            400,
            "invalid_request_error",
            f"{where}: '{keyword}' is not supported in structured outputs",
        )
    if schema.get("minItems", 0) not in (0, 1):
        raise Refused(
            400,
            "invalid_request_error",
            f"{where}: 'minItems' values other than 0 or 1 are not supported",
        )
    for key, value in schema.items():
        if key in _VALUES:
            continue
        if key in ("properties", "$defs", "definitions") and isinstance(value, dict):
            for name, sub in value.items():
                _closed(sub, f"{where}.{key}.{name}")
        else:
            _closed(value, f"{where}.{key}")


def _blocks(content: Any) -> list[dict[str, Any]]:
    """The content blocks of a system prompt or a message (a plain string has none)."""
    return [b for b in content if isinstance(b, dict)] if isinstance(content, list) else []


def _replayed_unchanged(
    messages: list[dict[str, Any]], sent: dict[str, list[dict[str, Any]]]
) -> None:
    for i, message in enumerate(messages):
        if message["role"] != "assistant" or isinstance(message["content"], str):
            continue
        blocks = list(message["content"])
        thinking = [b for b in blocks if b.get("type") in ("thinking", "redacted_thinking")]
        texts = [b.get("text") for b in blocks if b.get("type") == "text"]
        for text in texts:
            if text in sent and thinking != sent[text]:
                raise Refused(
                    400,
                    "invalid_request_error",
                    f"messages.{i}.content: thinking blocks of a replayed assistant turn must be "
                    "passed back unchanged",
                )


# --- answers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """An answer to render in the shape the request asks for."""

    answer: dict[str, Any] | str  # a string is sent as is (for malformed or cut JSON)
    stop_reason: str = "end_turn"
    input_tokens: int = 1200
    output_tokens: int = 900
    cache_write: int = 5000
    cache_read: int = 0
    thinking_tokens: int = 300
    piece: int = 60
    events_until: str | None = None  # stop the stream before this event (a cut stream)


def reply(answer: dict[str, Any] | str, **kw: Any) -> Reply:
    return Reply(answer, **kw)


def _event(name: str, data: dict[str, Any]) -> str:
    return f"event: {name}\ndata: {json.dumps(data)}\n\n"


def sse_body(
    spec: Reply, body: dict[str, Any] | None = None, signature: str = "sig-1"
) -> tuple[str, list[dict[str, Any]], str]:
    """The SSE text of ``spec`` as an answer to ``body`` (default: a structured-output request
    to the default model), the thinking blocks it carries, and its answer text."""
    body = body or {"model": MODEL, "output_config": {"format": {}}}
    model = str(body["model"])
    rules = rules_for(model)
    raw = (
        spec.answer if isinstance(spec.answer, str) else json.dumps(spec.answer, ensure_ascii=False)
    )
    choice = body.get("tool_choice") or {}
    as_tool = "format" not in (body.get("output_config") or {}) and choice.get("type") == "tool"
    thinking_kind = (body.get("thinking") or {}).get("type")
    thinks = bool(rules and rules.thinks_by_default) and thinking_kind not in (
        "disabled",
        "between_tools",
    )
    events: list[tuple[str, dict[str, Any]]] = [
        (
            "message_start",
            {
                "type": "message_start",
                "message": {
                    "id": "msg_01",
                    "type": "message",
                    "role": "assistant",
                    "model": model,
                    "content": [],
                    "stop_reason": None,
                    "stop_sequence": None,
                    "usage": {
                        "input_tokens": spec.input_tokens,
                        "output_tokens": 1,
                        "cache_creation_input_tokens": spec.cache_write,
                        "cache_read_input_tokens": spec.cache_read,
                    },
                },
            },
        )
    ]
    thinking_blocks: list[dict[str, Any]] = []
    index = 0
    if thinks:
        # Display "omitted" (the default on these models): empty text, a signature.
        thinking_blocks = [{"type": "thinking", "thinking": "", "signature": signature}]
        events += [
            (
                "content_block_start",
                {
                    "type": "content_block_start",
                    "index": 0,
                    "content_block": {"type": "thinking", "thinking": "", "signature": ""},
                },
            ),
            (
                "content_block_delta",
                {
                    "type": "content_block_delta",
                    "index": 0,
                    "delta": {"type": "signature_delta", "signature": signature},
                },
            ),
            ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        ]
        index = 1
    if as_tool:
        start = {"type": "tool_use", "id": "toolu_01", "name": choice.get("name"), "input": {}}
        delta_kind, delta_key = "input_json_delta", "partial_json"
    else:
        start = {"type": "text", "text": ""}
        delta_kind, delta_key = "text_delta", "text"
    events.append(
        (
            "content_block_start",
            {"type": "content_block_start", "index": index, "content_block": start},
        )
    )
    events.append(("ping", {"type": "ping"}))
    for i in range(0, len(raw), spec.piece):
        events.append(
            (
                "content_block_delta",
                {
                    "type": "content_block_delta",
                    "index": index,
                    "delta": {"type": delta_kind, delta_key: raw[i : i + spec.piece]},
                },
            )
        )
    usage: dict[str, Any] = {"output_tokens": spec.output_tokens}
    if thinks:
        usage["output_tokens_details"] = {"thinking_tokens": spec.thinking_tokens}
    events += [
        ("content_block_stop", {"type": "content_block_stop", "index": index}),
        (
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": spec.stop_reason, "stop_sequence": None},
                "usage": usage,
            },
        ),
        ("message_stop", {"type": "message_stop"}),
    ]
    if spec.events_until is not None:
        events = events[: next(i for i, (n, _) in enumerate(events) if n == spec.events_until)]
    text = "".join(_event(name, data) for name, data in events)
    return text, thinking_blocks, raw


def stream(text: str, status: int = 200) -> httpx2.Response:
    return httpx2.Response(
        status,
        headers={"content-type": "text/event-stream", "request-id": "req_test_01"},
        content=text.encode("utf-8"),
    )


def error(status: int, kind: str, message: str = "", **headers: str) -> httpx2.Response:
    return httpx2.Response(
        status,
        headers={"retry-after-ms": "1", "request-id": "req_err", **headers},
        json={
            "type": "error",
            "error": {"type": kind, "message": message or f"test {kind}"},
            "request_id": "req_err",
        },
    )


Step = Reply | httpx2.Response | BaseException | Callable[[httpx2.Request], httpx2.Response]


class FakeAPI:
    """Checks each request, serves the script, and records every request and refusal."""

    def __init__(self, *steps: Step) -> None:
        self.steps = list(steps)
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.refusals: list[str] = []
        # Each answer text served, with the thinking blocks it came with (for replays).
        self.sent: dict[str, list[dict[str, Any]]] = {}

    def handler(self, request: httpx2.Request) -> httpx2.Response:
        assert request.url.path == "/v1/messages", request.url
        body = json.loads(request.content)
        self.requests.append(body)
        self.headers.append(dict(request.headers))
        try:
            check_request(body, self.sent)
        except Refused as exc:
            self.refusals.append(exc.message)
            return error(exc.status, exc.kind, exc.message)
        if not self.steps:
            raise AssertionError("the fake API got more requests than its script has")
        step = self.steps.pop(0)
        if isinstance(step, BaseException):
            raise step
        if isinstance(step, Reply):
            text, thinking, raw = sse_body(step, body, signature=f"sig-{len(self.requests)}")
            self.sent[raw] = thinking
            return stream(text)
        if callable(step):
            return step(request)
        return step

    def make_client(self, api_key: str, **_: Any) -> Any:
        http = httpx2.Client(transport=httpx2.MockTransport(self.handler))
        return REAL_MAKE_CLIENT(api_key, http_client=http, max_retries=2)


@contextmanager
def serve(api: FakeAPI) -> Iterator[str]:
    """``api`` as a real HTTP server on 127.0.0.1 (for ANTHROPIC_BASE_URL); yields its URL.
    A step that raises closes the connection without an answer."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            request = httpx2.Request(
                "POST", f"http://127.0.0.1{self.path}", headers=dict(self.headers), content=body
            )
            try:
                response = api.handler(request)
                data = response.read()
            except Exception:
                self.close_connection = True
                return
            self.send_response(response.status_code)
            for key, value in response.headers.items():
                if key.lower() not in ("content-length", "transfer-encoding", "content-encoding"):
                    self.send_header(key, value)
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


# The shape of a request drafter sent before structured outputs (and of the shared cases'
# stand-in answers): a forced tool call, answered by claude-sonnet-4-5.
BASE_TOOL_REQUEST: dict[str, Any] = {
    "model": "claude-sonnet-4-5",
    "tool_choice": {"type": "tool", "name": "write_draft"},
}
