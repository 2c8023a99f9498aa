"""``drafter models``: the contract table and the price table as a user reads them, and
``drafter models --check``: one minimal real request that tells whether the key, the model
and the structured answer work.

``table(sdk_models)`` returns the text; ``check(...)`` sends one request through ``llm`` (a
few tokens) and returns the lines to print, or raises ``ModelServiceError`` (exit 3) with
what to do.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from drafter.drafting import contracts
from drafter.drafting.pricing import PRICES, Price, cost, describe
from drafter.drafting.session import ClientFactory, Progress
from drafter.errors import ModelAnswerError

CHECK_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"ok": {"type": "boolean"}},
    "required": ["ok"],
    "additionalProperties": False,
}


def _money(x: float) -> str:
    return f"${x:,.2f}"


def _price_line(model: str, p: Price) -> str:
    since = f"from {p.effective}" if p.effective else "since release"
    return (
        f"  {model:<20} {_money(p.input):>7} {_money(p.output):>7} {_money(p.cache_write):>8} "
        f"{_money(p.cache_read):>8}  {since:<15} {p.source}"
    )


def table(sdk_models: Sequence[str]) -> str:
    """The models drafter knows: each family's contract, each price row, each refusal, and
    any model in the SDK's list that has none of these (there should be none)."""
    lines = [f"Default model: {contracts.DEFAULT_MODEL} (the one drafter's tests run against)", ""]
    lines.append(
        "Request contracts (every family answers through output_config.format; the repair "
        "round replays the model's turn unchanged, thinking blocks included):"
    )
    for c in (*contracts.CONTRACTS, contracts.CONSERVATIVE):
        effort = f"effort default {c.effort_default}" if c.effort_default else "no effort setting"
        lines.append(f"  {c.family}")
        lines.append(
            f"      thinking {c.thinking_note}; {effort}; max_tokens {c.max_tokens:,}; "
            f"cache from {c.cache_min_tokens:,} tokens"
        )
        if c.notes:
            lines.append(f"      {c.notes}")
    lines += [
        "",
        "Prices, US$ per million tokens (cache write: 5-minute cache):",
        f"  {'model':<20} {'input':>7} {'output':>7} {'c.write':>8} {'c.read':>8}  "
        f"{'effective':<15} source",
    ]
    for model, rows in PRICES.items():
        lines += [_price_line(model, p) for p in rows]
    lines += ["", "Not drafted with (no price drafter could check):"]
    lines += [f"  {m}: {why}" for m, why in contracts.REFUSED.items()]
    known = set(PRICES) | set(contracts.REFUSED)
    missing = [m for m in sdk_models if re.sub(r"-\d{8}$", "", m) not in known]
    if missing:
        lines += ["", "In the SDK's list but not in drafter's tables: " + ", ".join(missing)]
    return "\n".join(lines) + "\n"


def check(
    api_key: str,
    model: str | None,
    progress: Progress,
    client_factory: ClientFactory | None = None,
) -> list[str]:
    """One minimal request in the model's contract; the lines that say what worked."""
    from drafter.drafting import draft, llm

    choice = draft.choose_model(model, None, progress)
    request = {
        "model": choice.model,
        "max_tokens": 2048,  # room for a little adaptive thinking before a four-token answer
        "output_config": {"format": {"type": "json_schema", "schema": CHECK_SCHEMA}},
        "messages": [{"role": "user", "content": 'Answer with the JSON object {"ok": true}.'}],
    }
    client = (client_factory or llm.make_client)(api_key)
    reply = llm.call(client, request, progress)
    if reply.answer.get("ok") is not True:
        raise ModelAnswerError(
            f"{choice.model} answered, but not with the requested JSON object: {reply.answer}"
        )
    dollars = cost(reply.model, reply.usage)
    return [
        "key:     accepted",
        f"model:   {reply.model} ({choice.contract.family})"
        + (f"; {choice.note}" if choice.note else ""),
        'answer:  structured output works ({"ok": true})',
        "tokens:  " + describe(reply.model, reply.usage, dollars),
        "OK: the key, the model and the structured answer work",
    ]
