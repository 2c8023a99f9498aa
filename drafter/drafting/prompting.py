"""The requests drafter sends to the model, as plain Messages API parameters.

Takes the prompts (``prompts/``, read through ``resources`` so a writer can override them),
the sources and passages, and the task; returns dicts that ``llm.call`` sends unchanged and
whose canonical JSON is hashed for the response cache. Nothing else here does I/O.

The answer is asked for through structured outputs (``output_config.format`` with ``SCHEMA``):
current models refuse a forced ``tool_choice``. Thinking, effort and ``max_tokens`` come from
the model's contract (``contracts``); the repair round replays the model's turn unchanged,
thinking blocks included (they are tied to the model and the conversation).

Caching layout: the two system blocks (rules + style guide, exemplar) and the
passages block come first and carry ``cache_control``; only the task text after them changes
between ``draft``, the repair round and ``revise``, so those calls read the prefix from the
prompt cache instead of paying for it again.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from drafter.drafting.compose import Problem
from drafter.drafting.contracts import Contract
from drafter.models import Passage, Source
from drafter.sources.ids import sha256

EPHEMERAL = {"type": "ephemeral"}
PROMPT_FILES = (
    "system.j2",
    "house_style.md",
    "exemplar.j2",
    "exemplar.md",
    "passages.j2",
    "draft_task.j2",
    "revise_task.j2",
    "repair.j2",
)

# The answer: the whole post, its title and its blocks in reading order. Quotes are chosen
# by passage id (optionally narrowed to an exact span of the passage); drafter copies their
# text from the source. Every object closes its properties (structured outputs require it).
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "title": {
            "type": "string",
            "description": "The post's title in the form `AI: <headline>. RTZ #<number>`.",
        },
        "blocks": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "type": {"type": "string", "enum": ["commentary", "lead_in", "quote"]},
                    "text": {
                        "type": "string",
                        "description": "commentary and lead_in: the words of the block.",
                    },
                    "passage_id": {
                        "type": "string",
                        "description": "quote: the id of the passage to quote, e.g. scmp:p05.",
                    },
                    "span": {
                        "type": "string",
                        "description": (
                            "quote, optional: an exact substring of the passage to quote "
                            "instead of the whole passage."
                        ),
                    },
                },
                "required": ["type"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["title", "blocks"],
    "additionalProperties": False,
}


@dataclass(frozen=True)
class Prompts:
    system: str
    exemplar: str
    hashes: tuple[tuple[str, str], ...]


def load_prompts() -> Prompts:
    from drafter import resources

    system = resources.render(
        "prompts",
        "system.j2",
        {"house_style": resources.read("prompts", "house_style.md").strip()},
    )
    exemplar = resources.render(
        "prompts", "exemplar.j2", {"exemplar": resources.read("prompts", "exemplar.md").strip()}
    )
    hashes = tuple((name, sha256(resources.read("prompts", name))) for name in PROMPT_FILES)
    return Prompts(system.strip(), exemplar.strip(), hashes)


def render(name: str, **values: Any) -> str:
    from drafter import resources

    return resources.render("prompts", name, values).strip()


def passages_text(sources: Sequence[Source], passages: Sequence[Passage]) -> str:
    # JSON lines: a passage cannot break out of its string, whatever its text says.
    lines = "\n".join(
        json.dumps({"id": p.id, "text": p.text}, ensure_ascii=False) for p in passages
    )
    return render("passages.j2", sources=sources, passages_json=lines)


def request(
    contract: Contract,
    model: str,
    prompts: Prompts,
    passages_block: str,
    task: str,
    effort: str | None = None,
) -> dict[str, Any]:
    """The first request of a draft or a revision, in ``contract``'s shape.

    Thinking is never sent (each model's documented default applies); ``effort`` goes to
    ``output_config.effort`` only when given (the caller checks the contract accepts it)."""
    output_config: dict[str, Any] = {"format": {"type": "json_schema", "schema": SCHEMA}}
    if effort is not None:
        output_config["effort"] = effort
    return {
        "model": model,
        "max_tokens": contract.max_tokens,
        "system": [
            {"type": "text", "text": prompts.system, "cache_control": EPHEMERAL},
            {"type": "text", "text": prompts.exemplar, "cache_control": EPHEMERAL},
        ],
        "output_config": output_config,
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": passages_block, "cache_control": EPHEMERAL},
                    {"type": "text", "text": task},
                ],
            }
        ],
    }


def repair_request(
    first: dict[str, Any], content: Sequence[dict[str, Any]], problems: Sequence[Problem]
) -> dict[str, Any]:
    """The first request, the model's turn exactly as it came (thinking blocks and their
    signatures untouched), and a user turn listing what failed."""
    feedback = render("repair.j2", problems=problems)
    return {
        **first,
        "messages": [
            *first["messages"],
            {"role": "assistant", "content": [dict(block) for block in content]},
            {"role": "user", "content": [{"type": "text", "text": feedback}]},
        ],
    }


def estimated_tokens(*texts: str) -> int:
    """Roughly how many tokens ``texts`` make (4 characters a token; no tokenizer offline)."""
    return sum(len(t) for t in texts) // 4


def request_hash(req: dict[str, Any]) -> str:
    """The cache key: the request's canonical JSON (it holds no key or credential)."""
    return sha256(json.dumps(req, sort_keys=True, ensure_ascii=False, separators=(",", ":")))
