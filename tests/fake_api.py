"""A scripted Claude Messages API behind ``httpx2.MockTransport``.

The real ``anthropic`` client is used end to end (request building, retries, SSE parsing,
the stream accumulator); only the transport is fake, so no request leaves the process.
Each call of the handler takes the next step of the script: an ``httpx2.Response``, an
exception to raise (a timeout), or a callable of the request.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx2

from drafter.drafting import llm

# The real factory, kept before any test replaces llm.make_client with FakeAPI.make_client.
REAL_MAKE_CLIENT = llm.make_client
FAKE_KEY = "sk-ant-test-not-a-real-key"
MODEL = "claude-sonnet-5-5"

Step = httpx2.Response | BaseException | Callable[[httpx2.Request], httpx2.Response]


def sse(events: list[tuple[str, dict[str, Any]]]) -> httpx2.Response:
    body = "".join(f"event: {name}\ndata: {json.dumps(data)}\n\n" for name, data in events)
    return httpx2.Response(
        200,
        headers={"content-type": "text/event-stream", "request-id": "req_test_01"},
        content=body.encode("utf-8"),
    )


def tool_answer(
    answer: dict[str, Any] | str,
    *,
    stop_reason: str = "tool_use",
    input_tokens: int = 1200,
    output_tokens: int = 900,
    cache_write: int = 5000,
    cache_read: int = 0,
    tool_use_id: str = "toolu_01",
    piece: int = 60,
) -> httpx2.Response:
    """A streamed answer with one forced ``write_draft`` tool call, as the API sends it.

    ``answer`` as a string is sent as is (for malformed or truncated JSON)."""
    raw = answer if isinstance(answer, str) else json.dumps(answer, ensure_ascii=False)
    deltas = [
        (
            "content_block_delta",
            {
                "type": "content_block_delta",
                "index": 0,
                "delta": {"type": "input_json_delta", "partial_json": raw[i : i + piece]},
            },
        )
        for i in range(0, len(raw), piece)
    ]
    return sse(
        [
            (
                "message_start",
                {
                    "type": "message_start",
                    "message": {
                        "id": "msg_01",
                        "type": "message",
                        "role": "assistant",
                        "model": MODEL,
                        "content": [],
                        "stop_reason": None,
                        "stop_sequence": None,
                        "usage": {
                            "input_tokens": input_tokens,
                            "output_tokens": 1,
                            "cache_creation_input_tokens": cache_write,
                            "cache_read_input_tokens": cache_read,
                        },
                    },
                },
            ),
            (
                "content_block_start",
                {
                    "type": "content_block_start",
                    "index": 0,
                    "content_block": {
                        "type": "tool_use",
                        "id": tool_use_id,
                        "name": "write_draft",
                        "input": {},
                    },
                },
            ),
            ("ping", {"type": "ping"}),
            *deltas,
            ("content_block_stop", {"type": "content_block_stop", "index": 0}),
            (
                "message_delta",
                {
                    "type": "message_delta",
                    "delta": {"stop_reason": stop_reason, "stop_sequence": None},
                    "usage": {"output_tokens": output_tokens},
                },
            ),
            ("message_stop", {"type": "message_stop"}),
        ]
    )


def error(status: int, kind: str) -> httpx2.Response:
    return httpx2.Response(
        status,
        headers={"retry-after-ms": "1", "request-id": "req_err"},
        json={"type": "error", "error": {"type": kind, "message": f"test {kind}"}},
    )


class FakeAPI:
    """Serves the script and records every request (body and headers)."""

    def __init__(self, *steps: Step) -> None:
        self.steps = list(steps)
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []

    def handler(self, request: httpx2.Request) -> httpx2.Response:
        assert request.url.path == "/v1/messages", request.url
        self.requests.append(json.loads(request.content))
        self.headers.append(dict(request.headers))
        if not self.steps:
            raise AssertionError("the fake API got more requests than its script has")
        step = self.steps.pop(0)
        if isinstance(step, BaseException):
            raise step
        if callable(step):
            return step(request)
        return step

    def make_client(self, api_key: str, **_: Any) -> Any:
        http = httpx2.Client(transport=httpx2.MockTransport(self.handler))
        return REAL_MAKE_CLIENT(api_key, http_client=http, max_retries=2)
