"""The model side of one run: the client, the response cache and the record of every call.

``Session.ask`` takes a request (a dict built by ``prompting``) and returns ``llm.Reply``.
A completed, well-formed answer is stored under ``<folder>/.drafter-cache/`` keyed by the
hash of its request, so running the same command again after a failure (a timeout, the
retries running out on the repair round) resumes without paying for what already arrived.
Every call, answered, cached or failed, is also appended to the run log (``runlog``) when
one is given. Nothing here imports ``anthropic``: ``llm`` is the only module that does, and
it is loaded on the first request.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drafter.drafting import compose, prompting
from drafter.drafting.pricing import Usage, cost, describe
from drafter.drafting.runlog import Entry, RunLog
from drafter.errors import ModelAnswerError, ModelServiceError
from drafter.fsutil import write_atomic

if TYPE_CHECKING:
    from drafter.drafting.llm import Reply

Progress = Callable[[str], None]
ClientFactory = Callable[[str], Any]
CACHE_DIR = ".drafter-cache"


@dataclass(frozen=True)
class Call:
    """One model call of this run (or its answer found in the response cache)."""

    purpose: str
    request_hash: str
    from_cache: bool
    model: str
    usage: Usage
    cost_usd: float | None
    stop_reason: str
    seconds: float
    outcome: str = "ok"

    def to_dict(self) -> dict[str, Any]:
        return {
            "purpose": self.purpose,
            "request_hash": self.request_hash,
            "from_cache": self.from_cache,
            "model": self.model,
            "usage": self.usage.to_dict(),
            "cost_usd": self.cost_usd,
            "stop_reason": self.stop_reason,
            "seconds": round(self.seconds, 3),
            "outcome": self.outcome,
        }


@dataclass
class Session:
    """Asks the model (the client is made on first use) and remembers every call."""

    folder: Path
    api_key: str
    progress: Progress
    clock: Callable[[], float]
    client_factory: ClientFactory | None = None
    command: str = "draft"
    log: RunLog | None = None
    now: Callable[[], datetime] = lambda: datetime.now(UTC)
    calls: list[Call] = field(default_factory=list)
    _client: Any = None

    def ask(self, purpose: str, request: dict[str, Any]) -> Reply:
        from drafter.drafting import llm

        key = prompting.request_hash(request)
        cached = self.folder / CACHE_DIR / f"{key}.json"
        reply = self._cached(cached)
        model = str(request["model"])
        if reply is not None:
            self.progress(f"{purpose}: answer found in {CACHE_DIR}/ (no new request)")
            self._record(
                Call(purpose, key, True, model, Usage(), 0.0, reply.stop_reason, 0.0, "cached")
            )
            return reply
        if self._client is None:
            self._client = (self.client_factory or llm.make_client)(self.api_key)
        self.progress(f"{purpose}: asking {model}…")
        started = self.clock()
        try:
            reply = llm.call(self._client, request, self.progress)
        except ModelServiceError as exc:
            self._record(
                Call(
                    purpose, key, False, model, Usage(), None, "", self.clock() - started, str(exc)
                )
            )
            raise
        seconds = self.clock() - started
        dollars = cost(reply.model, reply.usage, self.now().date().isoformat())
        call = Call(
            purpose, key, False, reply.model, reply.usage, dollars, reply.stop_reason, seconds
        )
        self.progress(f"{purpose}: " + describe(reply.model, reply.usage, dollars))
        if reply.stop_reason in ("max_tokens", "model_context_window_exceeded"):
            error = ModelAnswerError(
                _cut_off(reply, request), partial=reply.answer or [dict(b) for b in reply.content]
            )
            self._record(replace(call, outcome=str(error)))
            raise error
        # Only a complete, well-formed answer is cached: anything else is asked for again.
        try:
            compose.parse_answer(reply.answer)
        except ModelServiceError as exc:
            self._record(replace(call, outcome=str(exc)))
            raise
        self._record(call)
        _store(cached, key, purpose, reply)
        return reply

    def _record(self, call: Call) -> None:
        """Keep the call for run.json and append it to the run log (a log that cannot be
        written is reported, never fatal: the draft matters more than its bookkeeping)."""
        self.calls.append(call)
        if self.log is None:
            return
        u = call.usage
        entry = Entry(
            time=self.now().isoformat(timespec="seconds"),
            command=self.command,
            folder=str(self.folder.resolve()),
            model=call.model,
            purpose=call.purpose,
            request_hash=call.request_hash,
            from_cache=call.from_cache,
            input_tokens=u.input_tokens,
            output_tokens=u.output_tokens,
            cache_write_tokens=u.cache_creation_input_tokens,
            cache_read_tokens=u.cache_read_input_tokens,
            thinking_tokens=u.thinking_tokens,
            cost_usd=call.cost_usd,
            seconds=round(call.seconds, 3),
            outcome=call.outcome,
        )
        try:
            self.log.add(entry)
        except (OSError, sqlite3.Error) as exc:
            self.progress(f"warning: run log {self.log.path}: not written ({exc})")

    def _cached(self, path: Path) -> Reply | None:
        from drafter.drafting.llm import Reply

        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return Reply(
                answer=data["answer"],
                content=tuple(data["content"]),
                usage=Usage.from_dict(data["usage"]),
                model=data["model"],
                stop_reason=data["stop_reason"],
                request_id=data.get("request_id", ""),
            )
        except (OSError, ValueError, KeyError, TypeError):
            self.progress(f"{path}: unreadable cache entry; asking the model again")
            return None


def _cut_off(reply: Reply, request: dict[str, Any]) -> str:
    """Why a paid-for answer stopped short, and what to change."""
    if reply.stop_reason == "model_context_window_exceeded":
        return (
            "the model's answer was cut off at the end of its context window; draft from "
            "fewer or shorter sources"
        )
    thinking = reply.usage.thinking_tokens
    return (
        f"the model's answer was cut off at max_tokens ({request.get('max_tokens')}"
        + (f", {thinking:,} of them thinking" if thinking else "")
        + ") before it was complete; try --effort low (where the model takes it) or fewer sources"
    )


def _store(path: Path, key: str, purpose: str, reply: Reply) -> None:
    record = {
        "request_hash": key,
        "purpose": purpose,
        "model": reply.model,
        "answer": reply.answer,
        "content": list(reply.content),
        "usage": reply.usage.to_dict(),
        "stop_reason": reply.stop_reason,
        "request_id": reply.request_id,
    }
    write_atomic(path, json.dumps(record, ensure_ascii=False, indent=1))
