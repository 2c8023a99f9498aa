"""Token usage and what it costs: the one per-model price table. Pure: no I/O.

Takes token counts (``Usage``) and a model name; returns US dollars, or ``None`` when the
model has no price on file (shown as "no price on file", never as $0, so a total is never
quietly too low).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


@dataclass(frozen=True)
class Usage:
    """Tokens of one call (or a sum of calls), as the Messages API reports them.

    ``input_tokens`` counts only the uncached input; cache writes and reads are separate.
    ``thinking_tokens`` (where the API reports them) are part of ``output_tokens``.
    """

    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0
    thinking_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.cache_creation_input_tokens + other.cache_creation_input_tokens,
            self.cache_read_input_tokens + other.cache_read_input_tokens,
            self.thinking_tokens + other.thinking_tokens,
        )

    def to_dict(self) -> dict[str, int]:
        return {
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "cache_creation_input_tokens": self.cache_creation_input_tokens,
            "cache_read_input_tokens": self.cache_read_input_tokens,
            "thinking_tokens": self.thinking_tokens,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Usage:
        return cls(**{k: int(data.get(k) or 0) for k in cls().to_dict()})


@dataclass(frozen=True)
class Price:
    """US dollars per million tokens. ``cache_write`` is the 5-minute cache (what we ask for).

    ``effective``: the first day the row applies (ISO date); ``source``: the page it was read
    from and when."""

    input: float
    output: float
    cache_write: float
    cache_read: float
    effective: str = ""
    source: str = ""


PRICING_PAGE = "platform.claude.com/docs/en/about-claude/pricing, read 2026-11-29"
_SONNET_55_GUIDE = (
    "platform.claude.com/docs/en/models/sonnet-5-5/migration-guide (cache reads $0.10, half "
    "Sonnet 5's), read 2026-11-29; the 2026-10-07 date from price trackers"
)
_OPUS_5_PAGE = (
    "platform.claude.com/docs/about-claude/models/whats-new-opus-5 (English), read 2026-11-29"
)

# The price table: model id (without a date suffix) -> its rows, oldest first. A dated
# snapshot (claude-sonnet-4-5-20250929) is priced as its family; a call is priced with the
# row in effect on its day. Models missing here cost "unknown", never $0.
PRICES: dict[str, tuple[Price, ...]] = {
    "claude-fable-5-1": (Price(10.0, 50.0, 12.5, 0.25, "", PRICING_PAGE),),
    "claude-mythos-5-1": (Price(10.0, 50.0, 12.5, 0.25, "", PRICING_PAGE),),
    "claude-fable-5": (Price(10.0, 50.0, 12.5, 1.0, "2026-06-09", PRICING_PAGE),),
    "claude-mythos-5": (Price(10.0, 50.0, 12.5, 1.0, "2026-06-09", PRICING_PAGE),),
    "claude-opus-5-5": (
        Price(
            4.0,
            20.0,
            5.0,
            0.2,
            "2026-09-22",
            _OPUS_5_PAGE + " ($4/$20); its cache rates only on the translated Opus 5.5 model "
            "pages (zh-CN, es), not yet on an English one",
        ),
    ),
    "claude-opus-5": (Price(5.0, 25.0, 6.25, 0.5, "2026-07-24", PRICING_PAGE),),
    "claude-opus-4-8": (Price(5.0, 25.0, 6.25, 0.5, "", PRICING_PAGE),),
    "claude-opus-4-7": (Price(5.0, 25.0, 6.25, 0.5, "", PRICING_PAGE),),
    "claude-opus-4-6": (Price(5.0, 25.0, 6.25, 0.5, "", PRICING_PAGE),),
    "claude-opus-4-5": (Price(5.0, 25.0, 6.25, 0.5, "2025-11-24", PRICING_PAGE),),
    "claude-sonnet-5-5": (
        Price(
            2.0,
            10.0,
            2.5,
            0.2,
            "2026-09-28",
            _OPUS_5_PAGE + " ($2/$10); Sonnet 5's cache rates, which it had at release",
        ),
        Price(2.0, 10.0, 2.5, 0.1, "2026-10-07", _SONNET_55_GUIDE),
    ),
    "claude-sonnet-5": (Price(2.0, 10.0, 2.5, 0.2, "2026-06-30", _SONNET_55_GUIDE.split(";")[0]),),
    "claude-sonnet-4-6": (Price(3.0, 15.0, 3.75, 0.3, "", PRICING_PAGE),),
    "claude-sonnet-4-5": (Price(3.0, 15.0, 3.75, 0.3, "2025-09-29", PRICING_PAGE),),
    "claude-sonnet-4": (Price(3.0, 15.0, 3.75, 0.3, "2025-05-22", PRICING_PAGE),),
    "claude-haiku-4-5": (Price(1.0, 5.0, 1.25, 0.1, "2025-10-01", PRICING_PAGE),),
}

_DATE_SUFFIX = re.compile(r"-\d{8}$")


def price_for(model: str, day: str | None = None) -> Price | None:
    """The row in effect for ``model`` on ``day`` (ISO date; default: today, UTC)."""
    rows = PRICES.get(_DATE_SUFFIX.sub("", model))
    if not rows:
        return None
    day = day or datetime.now(UTC).date().isoformat()
    current = [r for r in rows if r.effective <= day]
    return current[-1] if current else rows[0]


def cost(model: str, usage: Usage, day: str | None = None) -> float | None:
    """The cost of ``usage`` on ``model`` in US dollars, or None without a price on file."""
    price = price_for(model, day)
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
        f"{model}: input {usage.input_tokens:,}, output {usage.output_tokens:,}"
        + (f" (thinking {usage.thinking_tokens:,})" if usage.thinking_tokens else "")
        + ", "
        f"cache write {usage.cache_creation_input_tokens:,}, "
        f"cache read {usage.cache_read_input_tokens:,} tokens; cost {shown}"
    )
