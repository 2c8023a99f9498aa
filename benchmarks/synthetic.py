"""A seeded generator of news-like articles and of drafts quoting them, for benchmarks.

Text has what real articles have and what the checker must cope with: curly quotes around
direct speech, apostrophes, em dashes, hyphenated compounds, numbers, names, paragraphs of a
few sentences.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

_SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ren",
    "tor",
    "vas",
    "qui",
    "zen",
    "dra",
    "pel",
    "sun",
    "gri",
    "bo",
    "lin",
    "mar",
    "tech",
    "ova",
    "sil",
    "net",
    "cor",
]
_FUNCTION = [
    "the",
    "a",
    "of",
    "to",
    "in",
    "and",
    "for",
    "on",
    "with",
    "as",
    "by",
    "at",
    "that",
    "from",
    "its",
    "was",
    "is",
    "said",
    "has",
    "will",
    "after",
    "over",
    "than",
]


def vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 4))))
    return sorted(words)


@dataclass
class Generator:
    seed: int = 7

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.words = vocabulary(self.rng)
        self.names = [w.capitalize() for w in self.rng.sample(self.words, 400)]

    def _clause(self, n: int) -> str:
        rng = self.rng
        out = []
        for _ in range(n):
            r = rng.random()
            if r < 0.35:
                out.append(rng.choice(_FUNCTION))
            elif r < 0.42:
                out.append(rng.choice(self.names))
            elif r < 0.47:
                out.append(str(rng.randint(2, 2030)))
            elif r < 0.5:
                out.append(rng.choice(self.names) + "’s")
            elif r < 0.515:  # a hyphenated compound, as in "state-owned" or "long-term"
                out.append(f"{rng.choice(self.words)}-{rng.choice(self.words)}")
            else:
                out.append(rng.choice(self.words))
        return " ".join(out)

    def sentence(self) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.15:
            body = (
                f"“{self._clause(rng.randint(8, 18)).capitalize()},” {rng.choice(self.names)} said"
            )
        elif r < 0.25:
            head = self._clause(rng.randint(5, 10)).capitalize()
            body = f"{head} — {self._clause(rng.randint(4, 9))} —"
            body += " " + self._clause(rng.randint(3, 8))
        else:
            body = self._clause(rng.randint(10, 26)).capitalize()
        return body + "."

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(1, 4)))

    def article(self) -> str:
        return "\n".join(self.paragraph() for _ in range(self.rng.randint(6, 14)))

    def library(self, total_chars: int, per_file: int = 50_000) -> Iterator[str]:
        """Source files (several articles each) until ``total_chars`` is reached."""
        made = 0
        while made < total_chars:
            parts = []
            size = 0
            while size < per_file:
                a = self.article()
                parts.append(a)
                size += len(a) + 1
            text = "\n".join(parts)
            made += len(text)
            yield text

    def fabricated(self, words: int) -> str:
        return self._clause(words).capitalize() + "."
