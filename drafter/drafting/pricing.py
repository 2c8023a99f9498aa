"""Token usage and what it costs: the one per-model price table. Pure: no I/O.

Takes token counts (``Usage``) and a model name; returns US dollars, or ``None`` when the
model has no price on file (shown as "no price on file", never as $0, so a total is never
quietly too low).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Usage:
    """Tokens of one call (or a sum of calls), as the Messages API reports them.

    ``input_tokens`` counts only the uncached input; cache writes and reads are separate.
    """

    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.cache_creation_input_tokens + other.cache_creation_input_tokens,
            self.cache_read_input_tokens + other.cache_read_input_tokens,
        )

    def to_dict(self) -> dict[str, int]:
        return {
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "cache_creation_input_tokens": self.cache_creation_input_tokens,
            "cache_read_input_tokens": self.cache_read_input_tokens,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Usage:
        return cls(**{k: int(data.get(k) or 0) for k in cls().to_dict()})


@dataclass(frozen=True)
class Price:
    """US dollars per million tokens. ``cache_write`` is the 5-minute cache (what we ask for)."""

    input: float
    output: float
    cache_write: float
    cache_read: float


# The one price table. Keys are model names without a date suffix; a dated snapshot
# (claude-sonnet-4-5-20250929) is priced as its family. Rates from Anthropic's published
# pricing page (platform.claude.com/docs/en/about-claude/pricing); Sonnet 5 / 5.5 as
# published at their release. Models missing here cost "unknown", never $0.
PRICES: dict[str, Price] = {
    "claude-fable-5-1": Price(10.0, 50.0, 12.5, 0.25),
    "claude-mythos-5-1": Price(10.0, 50.0, 12.5, 0.25),
    "claude-fable-5": Price(10.0, 50.0, 12.5, 1.0),
    "claude-mythos-5": Price(10.0, 50.0, 12.5, 1.0),
    "claude-opus-5": Price(5.0, 25.0, 6.25, 0.5),
    "claude-opus-4-8": Price(5.0, 25.0, 6.25, 0.5),
    "claude-opus-4-7": Price(5.0, 25.0, 6.25, 0.5),
    "claude-opus-4-6": Price(5.0, 25.0, 6.25, 0.5),
    "claude-opus-4-5": Price(5.0, 25.0, 6.25, 0.5),
    "claude-sonnet-5-5": Price(2.0, 10.0, 2.5, 0.2),
    "claude-sonnet-5": Price(2.0, 10.0, 2.5, 0.2),
    "claude-sonnet-4-6": Price(3.0, 15.0, 3.75, 0.3),
    "claude-sonnet-4-5": Price(3.0, 15.0, 3.75, 0.3),
    "claude-sonnet-4": Price(3.0, 15.0, 3.75, 0.3),
    "claude-haiku-4-5": Price(1.0, 5.0, 1.25, 0.1),
}

_DATE_SUFFIX = re.compile(r"-\d{8}$")


def price_for(model: str) -> Price | None:
    return PRICES.get(_DATE_SUFFIX.sub("", model))


def cost(model: str, usage: Usage) -> float | None:
    """The cost of ``usage`` on ``model`` in US dollars, or None without a price on file."""
    price = price_for(model)
    if price is None:
        return None
    return (
        usage.input_tokens * price.input
        + usage.output_tokens * price.output
        + usage.cache_creation_input_tokens * price.cache_write
        + usage.cache_read_input_tokens * price.cache_read
    ) / 1_000_000


def cache_savings(model: str, usage: Usage) -> float | None:
    """What the cache reads saved against paying for those tokens as fresh input."""
    price = price_for(model)
    if price is None:
        return None
    return usage.cache_read_input_tokens * (price.input - price.cache_read) / 1_000_000


def describe(model: str, usage: Usage, dollars: float | None) -> str:
    """One line for the terminal: every kind of token and the cost."""
    shown = "no price on file" if dollars is None else f"${dollars:.4f}"
    return (
        f"{model}: input {usage.input_tokens:,}, output {usage.output_tokens:,}, "
        f"cache write {usage.cache_creation_input_tokens:,}, "
        f"cache read {usage.cache_read_input_tokens:,} tokens; cost {shown}"
    )
