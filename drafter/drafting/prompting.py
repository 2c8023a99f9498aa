"""The requests drafter sends to the model, as plain Messages API parameters.

Takes the prompts (``prompts/``, read through ``resources`` so a writer can override them),
the sources and passages, and the task; returns dicts that ``llm.call`` sends unchanged and
whose canonical JSON is hashed for the response cache. Nothing else here does I/O.

Caching layout: the tool, the two system blocks (rules + style guide, exemplar) and the
passages block come first and carry ``cache_control``; only the task text after them changes
between ``draft``, the repair round and ``revise``, so those calls read the prefix from the
prompt cache instead of paying for it again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from drafter.drafting.compose import Problem
from drafter.models import Passage, Source

TOOL_NAME = "write_draft"
MAX_TOKENS = 8192
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

TOOL: dict[str, Any] = {
    "name": TOOL_NAME,
    "description": (
        "Write the whole post: its title and its blocks in reading order. Quotes are chosen "
        "by passage id (optionally narrowed to an exact span of the passage); drafter copies "
        "their text from the source."
    ),
    "input_schema": {
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
    },
}


@dataclass(frozen=True)
class Prompts:
    system: str
    exemplar: str
    hashes: tuple[tuple[str, str], ...]


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_prompts() -> Prompts:
    from drafter import resources

    system = resources.render(
        "prompts",
        "system.j2",
        {
            "tool_name": TOOL_NAME,
            "house_style": resources.read("prompts", "house_style.md").strip(),
        },
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


def request(model: str, prompts: Prompts, passages_block: str, task: str) -> dict[str, Any]:
    return {
        "model": model,
        "max_tokens": MAX_TOKENS,
        "system": [
            {"type": "text", "text": prompts.system, "cache_control": EPHEMERAL},
            {"type": "text", "text": prompts.exemplar, "cache_control": EPHEMERAL},
        ],
        "tools": [TOOL],
        "tool_choice": {"type": "tool", "name": TOOL_NAME},
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
    first: dict[str, Any], tool_use_id: str, answer: dict[str, Any], problems: Sequence[Problem]
) -> dict[str, Any]:
    """The first request, the model's answer, and a tool result listing what failed."""
    feedback = render("repair.j2", problems=problems, tool_name=TOOL_NAME)
    return {
        **first,
        "messages": [
            *first["messages"],
            {
                "role": "assistant",
                "content": [
                    {
                        "type": "tool_use",
                        "id": tool_use_id,
                        "name": TOOL_NAME,
                        "input": answer,
                    }
                ],
            },
            {
                "role": "user",
                "content": [
                    {
                        "type": "tool_result",
                        "tool_use_id": tool_use_id,
                        "is_error": True,
                        "content": feedback,
                    }
                ],
            },
        ],
    }


def request_hash(req: dict[str, Any]) -> str:
    """The cache key: the request's canonical JSON (it holds no key or credential)."""
    return sha256(json.dumps(req, sort_keys=True, ensure_ascii=False, separators=(",", ":")))
