"""Time the first normalisation pass (``_deletions``: markup, citation markers, line-end
hyphens) over a news-like library with the characters that make its patterns run.

    .venv/bin/python benchmarks/deletions.py [megabytes]

Sources are 50 KB of synthetic articles (curly quotes, so UCS-2 strings) interleaved with the
seed posts of /work/shared/seeds when present, with hyphenated compounds, a few words broken
across a line end, URLs with underscores, bracketed citation markers and a superscript or an
asterisk here and there: what real news text has, and what makes each deleter run.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import Generator

from drafter.checker.normalize import ALL_RULES, _deletions

SEEDS = Path("/work/shared/seeds")


def corpus(megabytes: float, seed: int = 13) -> list[str]:
    rng = random.Random(seed)
    seeds = [p.read_text() for p in sorted(SEEDS.glob("*.txt"))] if SEEDS.is_dir() else []
    sprinkles = [
        " well-known",
        " start-up",
        " long-term",
        " self-\ndriving",
        " power-\n  ful",
        " (see https://example.com/some_page_name)",
        " the load_snapshot call",
        ",[3]",
        " [12]",
        " [4, 5]",
        "[citation needed]",
        " m²",
        " 5%*",
        " the `--since` option",
    ]
    texts = []
    for text in Generator(seed).library(int(megabytes * 1_000_000)):
        words = text.split(" ")
        for _ in range(len(words) // 60):
            i = rng.randrange(len(words))
            words[i] += rng.choice(sprinkles)
        if seeds:
            words.insert(rng.randrange(len(words)), rng.choice(seeds))
        texts.append(" ".join(words))
    return texts


def main() -> None:
    megabytes = float(sys.argv[1]) if len(sys.argv) > 1 else 20.0
    texts = corpus(megabytes)
    size = sum(map(len, texts)) / 1e6
    best = float("inf")
    cuts = 0
    for _ in range(3):
        t = time.perf_counter()
        cuts = sum(len(_deletions(text, ALL_RULES)) for text in texts)
        best = min(best, time.perf_counter() - t)
    print(f"{len(texts)} sources, {size:.1f} MB: _deletions {best:.3f} s (best of 3), {cuts} cuts")


if __name__ == "__main__":
    main()
