"""What a model draft of the bundled example costs, computed from the size of its requests.

Run: .venv/bin/python benchmarks/draft_cost.py [MODEL]
Builds the exact first request `drafter draft examples/rtz-767/scmp.md` sends (drafter's own
code) and estimates each part's tokens at 4 characters a token (``prompting.estimated_tokens``;
no tokenizer offline: an estimate, good to about ±20% for English prose and JSON). Then prices
a draft (cache write of the prefix), one repair round and one revise (cache reads) with the
row in effect today. Output tokens are assumed: a post's JSON answer plus thinking at the
model's default effort (both printed; the run's real counts are in run.json and the log).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from drafter.drafting import contracts, pricing, prompting
from drafter.drafting.pricing import Usage
from drafter.sources.chunk import chunk
from drafter.sources.ingest import load_source

ROOT = Path(__file__).resolve().parent.parent
ANSWER_TOKENS = 1_500  # a post's JSON: titles, commentary, lead-ins, passage ids
THINKING_TOKENS = 3_000  # adaptive thinking at effort high, a guess stated as such


def main() -> None:
    model = sys.argv[1] if len(sys.argv) > 1 else contracts.DEFAULT_MODEL
    source = load_source(ROOT / "examples" / "rtz-767" / "scmp.md")[0]
    prompts = prompting.load_prompts()
    passages = prompting.passages_text([source], chunk(source))
    task = prompting.render(
        "draft_task.j2", number="767", angle="US AI Talent hunt includes China", notes=""
    )
    choice = contracts.contract_for(model)
    request = prompting.request(choice.contract, model, prompts, passages, task)
    fresh = (task, json.dumps(request["output_config"]))
    prefix = prompting.estimated_tokens(prompts.system, prompts.exemplar, passages)
    rest = prompting.estimated_tokens(*fresh)
    out = ANSWER_TOKENS + THINKING_TOKENS
    answer = ANSWER_TOKENS  # the repair and revise replay or read back one post
    calls = {
        "draft": Usage(rest, out, prefix, 0, THINKING_TOKENS),
        "repair": Usage(rest + answer + 300, out, 0, prefix, THINKING_TOKENS),
        "revise": Usage(rest + answer, out, 0, prefix, THINKING_TOKENS),
    }
    print(f"model {model}; request: about {prefix:,} cached and {rest:,} fresh tokens")
    print(f"{'call':<8} {'input':>7} {'output':>7} {'c.write':>8} {'c.read':>8} {'US$':>8}")
    total = 0.0
    for name, usage in calls.items():
        dollars = pricing.cost(model, usage) or 0.0
        total += dollars
        print(
            f"{name:<8} {usage.input_tokens:>7,} {usage.output_tokens:>7,} "
            f"{usage.cache_creation_input_tokens:>8,} {usage.cache_read_input_tokens:>8,} "
            f"{dollars:>8.4f}"
        )
    print(f"{'total':<8} {'':>7} {'':>7} {'':>8} {'':>8} {total:>8.4f}")


if __name__ == "__main__":
    main()
