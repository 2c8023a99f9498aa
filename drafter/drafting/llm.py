"""The adapter to the Claude Messages API: the only module that imports ``anthropic``.

It takes a request (a plain dict of Messages API parameters, built by ``prompting``), streams
the answer, reports progress through a callback (it never prints), and returns the forced
tool call's input with the token usage. Every SDK failure is translated here into a
``ModelServiceError`` (exit 3); retries are the SDK's own (``max_retries``), never a second
layer of ours on top.

The SDK is imported inside the functions so that ``drafter --help`` and every command that
makes no model call start without loading it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from drafter.drafting.pricing import Usage
from drafter.errors import ModelAnswerError, ModelServiceError

Progress = Callable[[str], None]

# Retries the SDK makes on 408/409/429/5xx and on connection errors, with its own
# exponential backoff (and honouring retry-after).
MAX_RETRIES = 4
# Seconds without a byte from the API before a read gives up (a draft streams steadily;
# ten minutes is the SDK's own default and far too long to stare at a silent terminal).
TIMEOUT = 180.0


@dataclass(frozen=True)
class Reply:
    """A completed model answer: the tool input (with its tool_use id, needed to answer it
    in a repair round) and what it cost in tokens."""

    answer: dict[str, Any]
    tool_use_id: str
    usage: Usage
    model: str
    stop_reason: str
    request_id: str = ""


def default_model() -> str:
    """The newest Sonnet in the SDK's own model list (undated aliases only)."""
    from typing import get_args

    from anthropic.types.model import Model

    names: list[str] = []

    def collect(tp: object) -> None:
        for arg in get_args(tp):
            if isinstance(arg, str):
                names.append(arg)
            else:
                collect(arg)

    collect(Model)
    best: tuple[tuple[int, ...], str] | None = None
    for name in names:
        m = re.fullmatch(r"claude-sonnet-(\d+(?:-\d{1,2})*)", name)
        if m:
            version = tuple(int(x) for x in m.group(1).split("-"))
            if best is None or version > best[0]:
                best = (version, name)
    if best is None:  # pragma: no cover - the SDK always lists Sonnets
        raise ModelServiceError("the anthropic SDK lists no Sonnet model; pass --model")
    return best[1]


def make_client(api_key: str, *, http_client: Any = None, max_retries: int = MAX_RETRIES) -> Any:
    """An ``anthropic.Anthropic`` client. Tests pass an ``httpx2.Client`` with a mock transport."""
    import anthropic

    return anthropic.Anthropic(
        api_key=api_key,
        max_retries=max_retries,
        timeout=TIMEOUT,
        http_client=http_client,
    )


def call(client: Any, request: dict[str, Any], progress: Progress) -> Reply:
    """Stream one Messages API request whose ``tool_choice`` forces a tool; return its input."""
    import anthropic
    import httpx2  # the SDK's HTTP library

    started = time.monotonic()
    blocks_seen = -1
    output_tokens = 0
    snapshot: Any = None
    try:
        with client.messages.stream(**request) as stream:
            for event in stream:
                kind = event.type
                if kind == "message_start":
                    progress("model: writing…")
                elif kind == "input_json":
                    snapshot = event.snapshot
                    n = len(snapshot.get("blocks") or []) if isinstance(snapshot, dict) else 0
                    if n != blocks_seen:
                        blocks_seen = n
                        progress(f"model: {n} blocks written")
                elif kind == "message_delta":
                    output_tokens = event.usage.output_tokens
                    progress(f"model: {output_tokens:,} output tokens")
            message = stream.get_final_message()
    except anthropic.APITimeoutError:
        raise ModelServiceError(
            f"the model service did not answer in time (timeout {TIMEOUT:.0f} s, "
            "after the SDK's retries); run the same command again to resume"
        ) from None
    except anthropic.AuthenticationError:
        raise ModelServiceError(
            "the model service rejected ANTHROPIC_API_KEY (401); check the key"
        ) from None
    except anthropic.APIStatusError as exc:
        if exc.status_code == 200:
            # An error event inside an answer that had started: the SDK does not retry it.
            raise ModelAnswerError(
                f"the model service failed while answering ({_error_type(exc)}); "
                "run the same command again to resume",
                partial=snapshot,
            ) from None
        raise ModelServiceError(
            f"the model service failed with HTTP {exc.status_code} ({_error_type(exc)}) after "
            "the SDK's retries; run the same command again to resume"
        ) from None
    except anthropic.APIConnectionError:
        raise ModelServiceError(
            "could not reach the model service (connection failed after the SDK's retries); "
            "run the same command again to resume"
        ) from None
    except httpx2.TimeoutException:
        # A read that stalls in the middle of the streamed body: the SDK has already
        # returned the response, so neither its retries nor its error types apply.
        raise ModelAnswerError(
            f"the model service stopped answering midway (timeout {TIMEOUT:.0f} s); "
            "run the same command again to resume",
            partial=snapshot,
        ) from None
    except httpx2.HTTPError as exc:
        # The connection dropped midway through the streamed body (same: the SDK's own
        # wrapping only covers the request, not reading the stream).
        raise ModelAnswerError(
            f"the connection to the model service broke midway ({type(exc).__name__}); "
            "run the same command again to resume",
            partial=snapshot,
        ) from None
    except anthropic.AnthropicError as exc:
        # Anything else the SDK raises (a response it cannot validate, credentials): one
        # line with its kind, never a traceback and never the request (it carries the key).
        raise ModelServiceError(f"the model service failed: {type(exc).__name__}") from None
    except KeyboardInterrupt:
        # Ctrl-C while the answer streams in: keep what arrived, like any other failure.
        raise ModelAnswerError(
            "interrupted while the model was answering; run the same command again to resume",
            partial=snapshot,
        ) from None
    except ValueError as exc:
        # The SDK raises ValueError when the streamed tool input is not JSON.
        raise ModelAnswerError(
            f"the model's answer was not valid JSON: {str(exc)[:160]}", partial=snapshot
        ) from None

    usage = Usage(
        input_tokens=message.usage.input_tokens or 0,
        output_tokens=message.usage.output_tokens or 0,
        cache_creation_input_tokens=message.usage.cache_creation_input_tokens or 0,
        cache_read_input_tokens=message.usage.cache_read_input_tokens or 0,
    )
    tool_uses = [b for b in message.content if b.type == "tool_use"]
    if message.stop_reason != "max_tokens" and (
        not tool_uses or not isinstance(tool_uses[0].input, dict)
    ):
        raise ModelAnswerError(
            f"the model answered without the draft tool (stop_reason {message.stop_reason})",
            partial=[b.to_dict() for b in message.content],
        )
    progress(f"model: done in {time.monotonic() - started:.1f} s")
    # A cut-off answer (stop_reason max_tokens) is returned too, with what did arrive: the
    # caller records its tokens (they were paid for) before refusing it.
    answer = tool_uses[0].input if tool_uses and isinstance(tool_uses[0].input, dict) else {}
    return Reply(
        answer=answer,
        tool_use_id=str(tool_uses[0].id) if tool_uses else "",
        usage=usage,
        model=message.model or str(request.get("model")),
        stop_reason=str(message.stop_reason),
        request_id=str(getattr(stream, "request_id", None) or ""),
    )


def _error_type(exc: Any) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        err = body.get("error")
        if isinstance(err, dict) and err.get("type"):
            return str(err["type"])
    return type(exc).__name__
