"""The offline drafter: a deterministic draft in the house style with no model.

Takes the sources, their passages, the angle and the post number; returns an ``Answer`` (the
same structure the model answers with), which ``compose`` assembles like any other. Pure: no
I/O, no clock, no randomness, so the same sources always give the same draft (the golden
test holds it to that).

It does what a writer does first with a stack of articles: picks the passages worth quoting
(direct speech, named people, numbers, statements; not boilerplate), keeps them in the
article's order, introduces each source with a house-style lead-in, and leaves clearly marked
``[TK: …]`` slots where the writer's own commentary goes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from drafter.drafting.compose import Answer, Block
from drafter.models import Passage, Source
from drafter.profile import RTZ, Profile

# Per source: quote at most this many passages (the example quotes most of its article, but
# a draft with every paragraph leaves the writer nothing to choose).
MAX_PER_SOURCE = 10
# Consecutive quotes before a commentary slot: the example runs two or three.
RUN = 3

_SPEECH = re.compile(r"[“\"][^”\"]{12,}[”\"]")
_STATEMENT = re.compile(
    r"\b(said|says|told|wrote|added|according to|announced|reported|posted|showed)\b", re.I
)
_NUMBER = re.compile(r"\d[\d,.]*|\bper ?cent\b|%|\$")
_NAME = re.compile(r"\b[A-Z][a-z]+(?:[ -][A-Z][a-z]+)+\b")
_BOILERPLATE = re.compile(
    r"did not (immediately )?respond|declined to comment|could not be reached|"
    r"^(source|read more|sign up|subscribe|advertisement|related)\b",
    re.I,
)

# A paragraph that opens by pointing back ("Those included", "It said", "He added"); a name
# such as "He Kaiming" is not a pronoun, so the next word must be lower case.
_POINTS_BACK = re.compile(r"(?:Those|These|They|It|This|That|He|She|His|Her|Their|Its) [a-z]")

OPENING = (
    "[TK: opening context. Start wide with the trend this story belongs to, then narrow to "
    "it: two to four short paragraphs in your voice.]"
)
BRIDGE = "[TK: one or two sentences on what the next quotes show.]"
CLOSING = (
    "[TK: the big picture. Why this matters beyond the story, in two to five short "
    "paragraphs, ending with your take.]"
)


@dataclass(frozen=True)
class Ranked:
    passage: Passage
    score: float
    position: int


def score(passage: Passage, position: int) -> float:
    """How much a writer would want to quote this passage."""
    text = passage.text
    if _BOILERPLATE.search(text) or len(text) < 40:
        return -10.0
    points = 0.0
    points += 3.0 * min(len(_SPEECH.findall(text)), 1)
    points += 1.0 * min(len(_STATEMENT.findall(text)), 2)
    points += 0.75 * min(len(_NUMBER.findall(text)), 3)
    points += 0.75 * min(len(_NAME.findall(text)), 4)
    points += 1.0 if 120 <= len(text) <= 700 else 0.0
    # The lede states the news: the example opens its quotes with it.
    points += 2.0 if position == 0 else 0.0
    return points


def choose(passages: Sequence[Passage]) -> list[Passage]:
    """The passages to quote from one source, in the source's order."""
    ranked = [Ranked(p, score(p, i), i) for i, p in enumerate(passages)]
    usable = [r for r in ranked if r.score > 0]
    keep = min(MAX_PER_SOURCE, max(3, math.ceil(len(usable) * 0.6)))
    # Highest score first; ties go to the earlier passage, so the choice is deterministic.
    best = sorted(usable, key=lambda r: (-r.score, r.position))[:keep]
    chosen = {r.position for r in best}
    # "Those included …" means nothing without the paragraph it points back to: a writer
    # quotes the two together, so the one before comes along.
    for r in best:
        if (
            r.position > 0
            and _POINTS_BACK.match(r.passage.text)
            and ranked[r.position - 1].score > 0
        ):
            chosen.add(r.position - 1)
    return [passages[i] for i in sorted(chosen)]


def lead_in(source: Source, first: bool, marks: tuple[str, str] = RTZ.quote_marks) -> str:
    """`As the South China Morning Post (SCMP) reports in “Title”:` (compose links the title;
    ``marks`` are the profile's quote marks)."""
    pub = source.publication.strip()
    if pub.startswith("The "):
        pub = "the " + pub[4:]  # mid-sentence: "As the Harbour Ledger reports"
    elif pub and not pub.lower().startswith("the ") and len(pub.split()) > 1:
        pub = f"the {pub}"
    short = source.short_name.strip()
    if pub and short and short.lower() not in pub.lower():
        pub = f"{pub} ({short})"
    # Without a publication the writer has to name it: a slot, not the file name.
    who = pub or short or "[TK: publication]"
    if source.title:
        verb = "reports" if first else "also reports"
        return f"As {who} {verb} in {marks[0]}{source.title}{marks[1]}:"
    return f"As {who} {'reports' if first else 'also reports'}:"


def title(angle: str, number: int | None, profile: Profile = RTZ) -> str:
    """The profile's title for the angle (RTZ: `AI: <angle>. RTZ #<number>`)."""
    headline = " ".join(angle.split()).rstrip(".")
    # Apostrophes are fine in a title; double quotes would be checked as a quotation.
    if not headline or len(headline) > 70 or any(c in headline for c in '“”"'):
        headline = "TK headline"
    return profile.make_title(headline, number)


def draft(
    sources: Sequence[Source],
    passages: Sequence[Passage],
    angle: str,
    number: int | None,
    profile: Profile = RTZ,
) -> Answer:
    """An ``Answer`` for the sources: lead-ins, chosen quotes, TK commentary slots; the title
    in the profile's pattern, its sign-off at the end (added by ``compose.resolve``)."""
    blocks: list[Block] = [Block("commentary", OPENING)]
    quoted: set[str] = set()
    for n, source in enumerate(sources):
        # A paragraph two sources share (a syndicated story) is quoted once.
        chosen = [
            p
            for p in choose([p for p in passages if p.source_id == source.id])
            if p.text not in quoted
        ]
        quoted.update(p.text for p in chosen)
        if not chosen:
            continue
        if n > 0:
            blocks.append(Block("commentary", BRIDGE))
        blocks.append(Block("lead_in", lead_in(source, n == 0, profile.quote_marks)))
        in_run = 0
        for p in chosen:
            # A commentary slot after every RUN quotes, but never between a paragraph and
            # the one that points back to it.
            if in_run >= RUN and not _POINTS_BACK.match(p.text):
                blocks.append(Block("commentary", BRIDGE))
                in_run = 0
            blocks.append(Block("quote", passage_id=p.id))
            in_run += 1
    blocks.append(Block("commentary", CLOSING))
    return Answer(title(angle, number, profile), tuple(blocks))
