"""The adapter to the Claude Messages API: the only module that imports ``anthropic``.

It takes a request (a plain dict of Messages API parameters, built by ``prompting``), streams
the answer, reports progress through a callback (it never prints), and returns the answer's
JSON, the model's turn as it came (for the repair round) and the token usage. An answer counts
only when its stream reached ``message_stop`` with a ``stop_reason``; anything less is a
``ModelAnswerError`` carrying what did arrive. Every SDK failure is translated here into a
``ModelServiceError`` (exit 3) that says what to do: change the request (400/404/422), fix
the key (401/403), or run again to resume (429/529/5xx, timeouts). Retries are the SDK's own
(``MAX_RETRIES``), bounded here in time: each try waits at most ``READ_TIMEOUT`` seconds for
a byte, and a server asking to wait longer than ``MAX_RETRY_WAIT`` is not waited out.

The SDK is imported inside the functions so that ``drafter --help`` and every command that
makes no model call start without loading it.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from drafter.drafting.pricing import Usage
from drafter.errors import AnswerInterruptedError, ModelAnswerError, ModelServiceError, UsageError

Progress = Callable[[str], None]

# Retries the SDK makes on 408/409/429/5xx and on connection errors, with its own backoff.
MAX_RETRIES = 2
# Seconds without a byte before a try gives up. The API sends its headers at once and pings
# while it works, so a minute of silence is a broken connection, not a slow model.
READ_TIMEOUT = 60.0
CONNECT_TIMEOUT = 10.0
# The longest ``retry-after`` drafter sleeps through; a longer one ends the run with the time
# to come back (the SDK alone would sleep through an hour in silence).
MAX_RETRY_WAIT = 30.0
# What a server that never answers costs at most: every try times out, plus the waits.
WORST_CASE_SECONDS = (MAX_RETRIES + 1) * (READ_TIMEOUT + CONNECT_TIMEOUT) + MAX_RETRIES * 8
# The longest one streamed answer may take, pings or not: 32k tokens at effort high take a
# few minutes; a stream still open after this is closed and the run ends (resumable).
MAX_ANSWER_SECONDS = 20 * 60.0
RESUME = "run the same command again to resume"


@dataclass(frozen=True)
class Reply:
    """A completed model answer: its JSON, the model's turn exactly as sent (thinking blocks
    and signatures included, for the repair round), and what it cost in tokens."""

    answer: dict[str, Any]
    content: tuple[dict[str, Any], ...]
    usage: Usage
    model: str
    stop_reason: str
    request_id: str = ""


class _WaitTooLong(Exception):
    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds


def make_client(api_key: str, *, http_client: Any = None, max_retries: int = MAX_RETRIES) -> Any:
    """An ``anthropic.Anthropic`` client with bounded timeouts and retry waits that are
    reported (``client.notify``) and capped. Tests pass an ``httpx2.Client``. A blank
    ``ANTHROPIC_BASE_URL`` is a ``UsageError``: the SDK would take "" as the address and every
    try would fail to connect."""
    import os

    import anthropic
    import httpx2

    base_url = os.environ.get("ANTHROPIC_BASE_URL")
    if base_url is not None and not base_url.strip():
        raise UsageError(
            "ANTHROPIC_BASE_URL is set but empty: unset it to use the API's own address, or "
            "set it to the service's URL"
        )

    class Client(anthropic.Anthropic):
        # Where retry waits are reported; ``call`` points it at the run's progress.
        notify: Progress | None = None

        def _calculate_retry_timeout(
            self, remaining_retries: int, options: Any, response_headers: Any = None
        ) -> float:
            asked = self._parse_retry_after_header(response_headers)
            if asked is not None and asked > MAX_RETRY_WAIT:
                raise _WaitTooLong(asked)
            wait = float(
                super()._calculate_retry_timeout(remaining_retries, options, response_headers)
            )
            tries = options.get_max_retries(self.max_retries) + 1
            if self.notify is not None:
                self.notify(
                    f"model service: busy or not answering; trying again in {wait:.0f} s "
                    f"(try {tries - remaining_retries + 1} of {tries})"
                )
            return wait

    return Client(
        api_key=api_key,
        max_retries=max_retries,
        timeout=httpx2.Timeout(READ_TIMEOUT, connect=CONNECT_TIMEOUT),
        http_client=http_client,
    )


def call(client: Any, request: dict[str, Any], progress: Progress) -> Reply:
    """Stream one Messages API request and return its complete structured answer."""
    import anthropic
    import httpx2  # the SDK's HTTP library

    started = time.monotonic()
    client.notify = progress
    seen = _Seen()
    watchdog: threading.Timer | None = None
    expired = threading.Event()
    try:
        with client.messages.stream(**request) as stream:
            # A server that keeps the stream open with pings never trips the read timeout:
            # close it from a timer, and say so whatever the closed stream raises.
            def expire() -> None:
                expired.set()
                stream.close()

            watchdog = threading.Timer(MAX_ANSWER_SECONDS, expire)
            watchdog.daemon = True
            watchdog.start()
            kind = stream.response.headers.get("content-type", "")
            if not kind.startswith("text/event-stream"):
                raise ModelAnswerError(
                    f"the model service answered HTTP {stream.response.status_code} with "
                    f"{kind.split(';')[0] or 'no content type'}, not an event stream (is "
                    f"ANTHROPIC_BASE_URL a proxy or a web page?); {RESUME}"
                )
            for event in stream:
                seen.take(event, progress)
            if expired.is_set():
                raise ModelAnswerError(_too_long(), partial=seen.partial())
            if not seen.stopped or not seen.stop_reason:
                raise ModelAnswerError(seen.incomplete(), partial=seen.partial())
            message = stream.get_final_message()
    except ModelServiceError:
        raise
    except _WaitTooLong as exc:
        back = datetime.now(UTC) + timedelta(seconds=exc.seconds)
        raise ModelServiceError(
            f"the model service is busy and asks drafter to wait {exc.seconds:,.0f} s "
            f"(retry-after); drafter waits at most {MAX_RETRY_WAIT:.0f} s: run the same "
            f"command again after {back:%H:%M} UTC to resume"
        ) from None
    except anthropic.APITimeoutError:
        raise ModelServiceError(
            f"the model service did not answer ({MAX_RETRIES + 1} tries of "
            f"{READ_TIMEOUT:.0f} s each); {RESUME}"
        ) from None
    except anthropic.AuthenticationError as exc:
        raise ModelServiceError(
            f"the model service rejected ANTHROPIC_API_KEY (HTTP 401, {_detail(exc)}); set a "
            "valid key (`drafter models --check` tests it)"
        ) from None
    except anthropic.PermissionDeniedError as exc:
        raise ModelServiceError(
            f"ANTHROPIC_API_KEY may not use {request.get('model')} (HTTP 403, {_detail(exc)}); "
            "use a key with access to it, or another model (--model)"
        ) from None
    except anthropic.APIStatusError as exc:
        raise _status_error(exc, request, seen) from None
    except anthropic.APIConnectionError:
        raise ModelServiceError(
            f"could not reach the model service at {client.base_url} (connection failed, "
            f"{MAX_RETRIES + 1} tries); {RESUME}"
        ) from None
    except httpx2.TimeoutException:
        # A read that stalls in the middle of the streamed body: the SDK has already
        # returned the response, so neither its retries nor its error types apply.
        raise ModelAnswerError(
            f"the model service stopped answering midway (nothing for {READ_TIMEOUT:.0f} s); "
            + RESUME,
            partial=seen.partial(),
        ) from None
    except httpx2.HTTPError as exc:
        if expired.is_set():
            raise ModelAnswerError(_too_long(), partial=seen.partial()) from None
        raise ModelAnswerError(
            f"the connection to the model service broke midway ({type(exc).__name__}); {RESUME}",
            partial=seen.partial(),
        ) from None
    except anthropic.AnthropicError as exc:
        # Anything else the SDK raises: one line with its kind, never the request (the key).
        raise ModelServiceError(f"the model service failed: {type(exc).__name__}") from None
    except KeyboardInterrupt:
        raise AnswerInterruptedError(
            f"interrupted while the model was answering; {RESUME}", partial=seen.partial()
        ) from None
    except (ValueError, RuntimeError, AssertionError) as exc:
        if expired.is_set():  # reading a stream the watchdog closed
            raise ModelAnswerError(_too_long(), partial=seen.partial()) from None
        # The SDK's stream accumulator refuses events out of order or JSON it cannot read.
        raise ModelAnswerError(
            f"the model service sent a malformed answer stream ({type(exc).__name__}: "
            f"{str(exc)[:120]}); {RESUME}",
            partial=seen.partial(),
        ) from None

    finally:
        if watchdog is not None:
            watchdog.cancel()

    usage = _usage(message.usage)
    content = tuple(_replayable(b.to_dict()) for b in message.content)
    stop = str(message.stop_reason)
    model = message.model or str(request.get("model"))
    request_id = str(getattr(stream, "request_id", None) or "")
    if stop == "refusal":
        details = getattr(message, "stop_details", None)
        why = getattr(details, "explanation", None) or getattr(details, "category", None)
        raise ModelAnswerError(
            "the model declined to write this draft (stop_reason refusal"
            + (f": {why}" if why else "")
            + "); change the sources, angle or notes, or use another model (--model)",
            partial=seen.partial(),
        )
    progress(f"model: done in {time.monotonic() - started:.1f} s")
    # A cut-off answer (max_tokens) is returned with as much of it as parses: the caller
    # records its tokens (they were paid for) before refusing it.
    if stop in ("max_tokens", "model_context_window_exceeded"):
        partial = seen.partial()
        answer = partial if isinstance(partial, dict) else {}
    else:
        answer = _answer(content)
        if not answer:
            raise ModelAnswerError(
                f"the model answered without the structured post (stop_reason {stop})",
                partial=[dict(b) for b in content],
            )
    return Reply(answer, content, usage, model, stop, request_id)


def _too_long() -> str:
    return (
        f"the model's answer was still not complete after {MAX_ANSWER_SECONDS / 60:.0f} min "
        f"(the stream stayed open); {RESUME}"
    )


@dataclass
class _Seen:
    """What the stream delivered so far, for progress and for the partial answer."""

    text: str = ""
    tool_input: Any = None
    stopped: bool = False
    started: bool = False
    stop_reason: str | None = None
    blocks: int = -1

    def take(self, event: Any, progress: Progress) -> None:
        kind = event.type
        if kind == "message_start":
            self.started = True
            progress("model: writing…")
        elif kind == "content_block_start" and event.content_block.type == "thinking":
            progress("model: thinking…")
        elif kind in ("text", "input_json"):
            if kind == "text":
                self.text = event.snapshot
            else:
                self.tool_input = event.snapshot
            n = (self.text or json.dumps(self.tool_input or {})).count('"type"')
            if n != self.blocks:
                self.blocks = n
                progress(f"model: {n} blocks written")
        elif kind == "message_delta":
            self.stop_reason = event.delta.stop_reason
            progress(f"model: {event.usage.output_tokens:,} output tokens")
        elif kind == "message_stop":
            self.stopped = True

    def incomplete(self) -> str:
        if not self.started:
            return f"the model service sent an empty answer stream (no events); {RESUME}"
        end = "before message_stop" if not self.stopped else "without a stop_reason"
        return (
            f"the answer stream ended {end} (an incomplete answer, "
            f"{max(self.blocks, 0)} block(s) arrived); {RESUME}"
        )

    def partial(self) -> Any:
        if self.tool_input is not None:
            return self.tool_input
        return _partial_json(self.text) if self.text else None


def _partial_json(text: str) -> Any:
    """As much of a cut JSON text as parses (the SDK's own partial parser), else the text."""
    import jiter

    try:
        return jiter.from_json(text.encode("utf-8"), partial_mode="trailing-strings")
    except ValueError:
        return text


def _answer(content: tuple[dict[str, Any], ...]) -> dict[str, Any]:
    """The structured post: the JSON text of the answer, or a tool call's input when a
    model (or a stand-in) answered through a tool."""
    for block in content:
        if block.get("type") == "tool_use" and isinstance(block.get("input"), dict):
            return dict(block["input"])
    text = "".join(str(b.get("text", "")) for b in content if b.get("type") == "text")
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ModelAnswerError(
            f"the model's answer was not valid JSON: {str(exc)[:160]}", partial=_partial_json(text)
        ) from None
    if not isinstance(data, dict):
        raise ModelAnswerError("the model's answer was JSON but not an object", partial=data)
    return data


def _replayable(block: dict[str, Any]) -> dict[str, Any]:
    """A content block as it goes back in a replayed assistant turn: thinking blocks exactly
    as they came (their signatures bind them), text and tool calls without empty fields."""
    if block.get("type") in ("thinking", "redacted_thinking"):
        return block
    return {k: v for k, v in block.items() if v is not None and k != "parsed_output"}


def _usage(u: Any) -> Usage:
    details = getattr(u, "output_tokens_details", None)
    return Usage(
        input_tokens=u.input_tokens or 0,
        output_tokens=u.output_tokens or 0,
        cache_creation_input_tokens=u.cache_creation_input_tokens or 0,
        cache_read_input_tokens=u.cache_read_input_tokens or 0,
        thinking_tokens=int(getattr(details, "thinking_tokens", 0) or 0),
    )


def _detail(exc: Any) -> str:
    """The API's own error type and message, one line."""
    body = getattr(exc, "body", None)
    err = body.get("error") if isinstance(body, dict) else None
    if isinstance(err, dict):
        kind = str(err.get("type") or type(exc).__name__)
        message = " ".join(str(err.get("message") or "").split())
        return f"{kind}: {message[:300]}" if message else kind
    return type(exc).__name__


def _status_error(exc: Any, request: dict[str, Any], seen: _Seen) -> ModelServiceError:
    code = exc.status_code
    if code == 200:
        # An error event inside an answer that had started: the SDK does not retry it.
        return ModelAnswerError(
            f"the model service failed while answering ({_detail(exc)}); {RESUME}",
            partial=seen.partial(),
        )
    if code in (400, 404, 413, 422):
        change = (
            f"check the model id {request.get('model')!r} (--model/-m, DRAFTER_MODEL; "
            "`drafter models` lists the known ones)"
            if code == 404
            else "change the request: another model (--model), another --effort, or fewer "
            "sources; the same request fails the same way"
        )
        return ModelServiceError(
            f"the model service refused the request (HTTP {code}, {_detail(exc)}); {change}"
        )
    return ModelServiceError(
        f"the model service failed with HTTP {code} ({_detail(exc)}) after {MAX_RETRIES} "
        f"retries; {RESUME}"
    )


def sdk_models() -> list[str]:
    """The model ids the installed SDK lists (its ``Model`` type), in its order."""
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
    return names
