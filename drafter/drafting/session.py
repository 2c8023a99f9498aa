"""The model side of one run: the client, the response cache and the record of every call.

``Session.ask`` takes a request (a dict built by ``prompting``) and returns ``llm.Reply``.
A completed, well-formed answer is stored under ``<folder>/.drafter-cache/`` keyed by the
hash of its request, so running the same command again after a failure (a timeout, the
retries running out on the repair round) resumes without paying for what already arrived.
Nothing here imports ``anthropic``: ``llm`` is the only module that does, and it is loaded
on the first request.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drafter.drafting import compose, prompting
from drafter.drafting.pricing import Usage, cost, describe
from drafter.errors import ModelAnswerError
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
        }


@dataclass
class Session:
    """Asks the model (the client is made on first use) and remembers every call."""

    folder: Path
    api_key: str
    progress: Progress
    clock: Callable[[], float]
    client_factory: ClientFactory | None = None
    calls: list[Call] = field(default_factory=list)
    _client: Any = None

    def ask(self, purpose: str, request: dict[str, Any]) -> Reply:
        from drafter.drafting import llm

        key = prompting.request_hash(request)
        cached = self.folder / CACHE_DIR / f"{key}.json"
        reply = self._cached(cached)
        if reply is not None:
            self.progress(f"{purpose}: answer found in {CACHE_DIR}/ (no new request)")
            model = str(request["model"])
            self.calls.append(Call(purpose, key, True, model, Usage(), 0.0, reply.stop_reason, 0.0))
            return reply
        if self._client is None:
            self._client = (self.client_factory or llm.make_client)(self.api_key)
        self.progress(f"{purpose}: asking {request['model']}…")
        started = self.clock()
        reply = llm.call(self._client, request, self.progress)
        seconds = self.clock() - started
        dollars = cost(reply.model, reply.usage)
        self.calls.append(
            Call(purpose, key, False, reply.model, reply.usage, dollars, reply.stop_reason, seconds)
        )
        self.progress(f"{purpose}: " + describe(reply.model, reply.usage, dollars))
        if reply.stop_reason == "max_tokens":
            raise ModelAnswerError(
                f"the model's answer was cut off at max_tokens ({request.get('max_tokens')}) "
                "before it was complete",
                partial=reply.answer,
            )
        # Only a complete, well-formed answer is cached: anything else is asked for again.
        compose.parse_answer(reply.answer)
        _store(cached, key, purpose, reply)
        return reply

    def _cached(self, path: Path) -> Reply | None:
        from drafter.drafting.llm import Reply

        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return Reply(
                answer=data["answer"],
                tool_use_id=data["tool_use_id"],
                usage=Usage.from_dict(data["usage"]),
                model=data["model"],
                stop_reason=data["stop_reason"],
                request_id=data.get("request_id", ""),
            )
        except (OSError, ValueError, KeyError, TypeError):
            self.progress(f"{path}: unreadable cache entry; asking the model again")
            return None


def _store(path: Path, key: str, purpose: str, reply: Reply) -> None:
    record = {
        "request_hash": key,
        "purpose": purpose,
        "model": reply.model,
        "answer": reply.answer,
        "tool_use_id": reply.tool_use_id,
        "usage": reply.usage.to_dict(),
        "stop_reason": reply.stop_reason,
        "request_id": reply.request_id,
    }
    write_atomic(path, json.dumps(record, ensure_ascii=False, indent=1))
