"""How to ask each model family for a draft: the one request-contract table. Pure data.

A model id maps to a ``Contract``: what to send for thinking and effort, the ``max_tokens``
budget (thinking tokens count against it) and the prompt-cache minimum. What every family
shares: the structured answer through ``output_config.format``, and a repair round that replays
the model's turn exactly as it came (thinking blocks are tied to the model and conversation on
the newest models, and harmless to send back on the others). Prices are
in ``pricing`` (with their sources and effective dates). ``prompting`` reads the contract;
``drafter models`` prints it.

Read from Anthropic's English documentation on 2026-11-29 (through the docs search):
"What's new in Claude Sonnet 5.5" and its migration guide (forced ``tool_choice``,
``thinking: {"type": "disabled"}``, thinking budgets, sampling parameters and assistant prefill
are each a 400 on Sonnet 5.5; adaptive thinking is on by default with effort ``high``; thinking
blocks are tied to the model and conversation), "Structured outputs" (``output_config.format``
with a JSON schema, generally available on the 4.5 models and later), "Effort", "Adaptive
thinking", "Prompt caching" and the model pages. Every family here gets its structured answer
through ``output_config.format``: it works on all of them, and the newest refuse forced tools.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The model drafter drafts with when none is named: the one its tests run against.
DEFAULT_MODEL = "claude-sonnet-5-5"
EFFORTS = ("low", "medium", "high")


@dataclass(frozen=True)
class Contract:
    """What one model family accepts. ``pattern`` matches the whole model id."""

    family: str
    pattern: str
    # Thinking is left to the model's default (the field is never sent): adaptive where the
    # model thinks by default, off where it does not. ``thinking_note`` says which.
    thinking_note: str
    effort_default: str | None  # None: the model takes no effort setting
    max_tokens: int
    cache_min_tokens: int
    notes: str = ""

    def matches(self, model: str) -> bool:
        return re.fullmatch(self.pattern, model) is not None


# Budgets: a post is about 3-5k output tokens; families that think by default get 32k so
# that thinking at effort high cannot eat the answer (all of them allow 128k output).
THINKING_BUDGET = 32_000
PLAIN_BUDGET = 16_000
_DATED = r"(-\d{8})?"

CONTRACTS: tuple[Contract, ...] = (
    Contract(
        "Claude Sonnet 5.5",
        rf"claude-sonnet-5-5{_DATED}",
        "adaptive, on by default (disabled is a 400; lowest is between_tools)",
        "high",
        THINKING_BUDGET,
        512,
        "forced tool_choice, thinking budgets, prefill and sampling parameters are a 400",
    ),
    Contract(
        "Claude Opus 5.5",
        rf"claude-opus-5-5{_DATED}",
        "adaptive, always on",
        "medium",
        THINKING_BUDGET,
        512,
        "forced tool_choice is a 400; thinking cannot be disabled",
    ),
    Contract(
        "Claude Fable / Mythos 5.1",
        rf"claude-(fable|mythos)-5-1{_DATED}",
        "adaptive, always on",
        "high",
        THINKING_BUDGET,
        512,
        "forced tool_choice is a 400; Fable may answer stop_reason refusal",
    ),
    Contract(
        "Claude Sonnet 5",
        rf"claude-sonnet-5{_DATED}",
        "adaptive, on by default (manual budgets are a 400)",
        "high",
        THINKING_BUDGET,
        1024,  # 512 on Sonnet 5.5, 1,024 on Sonnet 5 (Sonnet 5 vs 5.5 comparisons)
        "sampling parameters are a 400",
    ),
    Contract(
        "Claude Opus 5 / Fable 5 / Mythos 5",
        rf"claude-(opus|fable|mythos)-5{_DATED}",
        "adaptive, on by default (always on for Fable 5 and Mythos 5; manual budgets are a 400)",
        "high",
        THINKING_BUDGET,
        512,
        "sampling parameters are a 400",
    ),
    Contract(
        "Claude Opus 4.5 to 4.8, Sonnet 4.6",
        rf"claude-(opus-4-[5-8]|sonnet-4-6){_DATED}",
        "off unless asked (drafter does not ask)",
        "high",
        PLAIN_BUDGET,
        4096,
        "cache minimum 1,024 to 4,096 tokens by model (4,096 assumed)",
    ),
    Contract(
        "Claude Sonnet 4.5, Haiku 4.5",
        rf"claude-(sonnet|haiku)-4-5{_DATED}",
        "off unless asked (drafter does not ask)",
        None,
        PLAIN_BUDGET,
        4096,
        "no effort parameter; Sonnet 4.5 retires on 2026-11-30",
    ),
)

# An id the table does not know: send nothing optional (no thinking, no effort), a budget
# every current model accepts, and assume the largest cache minimum.
CONSERVATIVE = Contract(
    "unknown model (conservative contract)",
    r".*",
    "left to the model's default",
    None,
    PLAIN_BUDGET,
    4096,
    "not in drafter's table: structured outputs, no thinking or effort settings",
)

# Models in the SDK's list that drafter will not draft with, and why (each has no price row
# that could be checked against Anthropic's English pricing and model pages).
REFUSED: dict[str, str] = {
    "claude-fable-5-2": "its cache-write and cache-read prices are on no English Anthropic "
    "page yet (the English models overview gives only $8/$40 input/output); pick another model",
    "claude-mythos-5-2": "no price for it on Anthropic's English pricing or model pages; "
    "invitation-only, like Mythos 5",
    "claude-mythos-preview": "invitation-only preview with no public price",
    "claude-haiku-5-5": "priced in two tiers by prompt length, which drafter's price table "
    "does not model yet",
}


@dataclass(frozen=True)
class Choice:
    """The model to use, its contract, and a note when the table did not know it."""

    model: str
    contract: Contract
    note: str | None = None


def default_model(profile_model: str | None = None) -> str:
    """The model when neither ``--model`` nor ``DRAFTER_MODEL`` names one: the newsletter
    profile's, else the pinned ``DEFAULT_MODEL``."""
    return (profile_model or "").strip() or DEFAULT_MODEL


def refusal(model: str) -> str | None:
    """Why drafter will not draft with ``model`` (a one-line reason), or None."""
    base = re.sub(r"-\d{8}$", "", model)
    return REFUSED.get(base)


def contract_for(model: str) -> Choice:
    """The contract for ``model``; an unknown id gets ``CONSERVATIVE`` and a one-line note."""
    for c in CONTRACTS:
        if c.matches(model):
            return Choice(model, c)
    return Choice(
        model,
        CONSERVATIVE,
        f"{model} is not in drafter's model table: sending the most conservative request "
        "(structured output, no thinking or effort settings); see `drafter models`",
    )
