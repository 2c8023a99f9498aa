"""Extraction is linear in the draft: doubling an adversarial draft at most doubles the work.

Stated as complexity, not wall time (issue 14): each test times the same input at n and 2n in
one run, best of five, and allows ×2.5 for noise. A quadratic pattern (the title-intro regex
backtracking on a run of spaces, or the lead-in patterns re-run over the paragraph's prefix for
every quote) makes the ratio about 4 or far more.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

from drafter.checker.extract import extract
from drafter.models import Source

SOURCES = [
    Source(
        f"s{i}",
        "text",
        "0" * 64,
        title=f"Title number {i} of the library",
        publication=f"Gazette {i}",
        short_name=f"G{i}",
        url=f"https://gazette{i}.example.com/a",
    )
    for i in range(50)
]


def _ratio(make: Callable[[int], str], n: int) -> float:
    """CPU time of extracting ``make(2 * n)`` over ``make(n)``: best of five, interleaved
    (the machine is shared; process time and the garbage collector held off keep the noise
    of other processes out)."""
    small, large = make(n), make(2 * n)
    extract(make(n // 4), SOURCES)  # warm up: compile patterns, build the parser
    best = {small: float("inf"), large: float("inf")}
    gc.collect()
    gc.disable()
    try:
        for _ in range(5):
            for text in (small, large):
                t0 = time.process_time()
                extract(text, SOURCES)
                best[text] = min(best[text], time.process_time() - t0)
    finally:
        gc.enable()
    return best[large] / best[small]


def test_title_intro_on_a_run_of_spaces_is_linear() -> None:
    # 'in' + spaces before one quote: the old pattern backtracked over every split of the run.
    assert _ratio(lambda n: "in" + " " * n + "x “a b c d e”\n", 400_000) <= 2.5


def test_many_quotes_after_a_run_of_spaces_is_linear() -> None:
    # Many quotes in one paragraph: nothing may be re-run over the whole prefix per quote.
    def make(n: int) -> str:
        return "in" + " " * n + "x" + " “a b c d e”" * (n // 100) + "\n"

    assert _ratio(make, 200_000) <= 2.5


def test_many_quotes_naming_sources_is_linear() -> None:
    # Lead-ins naming sources, titles and links before each of many quotes in one paragraph.
    def make(n: int) -> str:
        unit = "As Gazette 7 (G7) reports in [this](https://gazette3.example.com/a) “a b c d e”, "
        return unit * (n // len(unit)) + "\n"

    assert _ratio(make, 200_000) <= 2.5


def test_a_long_lead_in_naming_unlisted_papers_is_linear() -> None:
    # A lead-in (verb and colon) is searched for papers not among the sources: capitalised
    # runs after "the" must not make that pattern backtrack.
    def make(n: int) -> str:
        return "As the " + "The " * (n // 4) + "Aa Bb noted:\n\n“a b c d e”\n"

    assert _ratio(make, 200_000) <= 2.5
