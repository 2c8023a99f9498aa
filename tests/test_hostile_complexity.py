"""Work stays linear in the size of a hostile draft: complexity, not wall time.

Each test builds an adversarial input at two sizes, n and 2n, and counts the work of each
(function calls and the lines the publishing stage runs, through ``sys.settrace``:
deterministic, and blind to how busy the machine is). Doubling the input may at most double
the work, with a margin for constant costs: ×2.5. Before the fix, placing quotes (every
quote scanned every paragraph) and marking them (every piece of a paragraph scanned every
quote in it) measured ×2.6 to ×3.0 here.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType

import pytest

import drafter
from drafter.checker.check import check_draft
from drafter.models import CheckResult
from drafter.publishing import marking, render, report_html
from drafter.sources import frontmatter

LIMIT = 2.5
pytestmark = pytest.mark.slow
# Lines are counted in the publishing stage (render, report): its loops are what these tests
# hold linear; elsewhere (the checker's per-character scans) calls are counted, which keeps
# the tracing affordable.
TRACED = str(Path(drafter.__file__).parent / "publishing")


def work(fn: Callable[[], object]) -> int:
    """The work ``fn()`` does: every function call (Python and C) plus every line run in
    drafter's publishing stage, so a loop there counts per iteration even when its body
    calls nothing."""
    count = 0

    def lines(frame: FrameType, event: str, arg: object) -> object:
        nonlocal count
        count += 1
        return lines

    def calls(frame: FrameType, event: str, arg: object) -> object:
        nonlocal count
        count += 1
        return lines if frame.f_code.co_filename.startswith(TRACED) else None

    def c_calls(frame: FrameType, event: str, arg: object) -> None:
        nonlocal count
        if event == "c_call":
            count += 1

    sys.settrace(calls)
    sys.setprofile(c_calls)
    try:
        fn()
    finally:
        sys.setprofile(None)
        sys.settrace(None)
    return count


def ratio(make: Callable[[int], Callable[[], object]], n: int) -> float:
    small, large = make(n), make(2 * n)
    for fn in (small, large):  # warm the caches (templates, patterns per source) first
        fn()
    got = work(large) / work(small)
    print(f"work ×{got:.2f} for twice the input (n={n})")
    return got


SENTENCE = "The council discussed item number {i} of the harbour plan on Tuesday morning."


def _checked(
    tmp_path: Path, n: int, body: Callable[[int], str], fail: bool = False
) -> tuple[str, CheckResult]:
    folder = tmp_path / str(n)
    folder.mkdir()
    source = "\n\n".join(SENTENCE.format(i=i) for i in range(n))
    (folder / "src.md").write_text(f"---\ntitle: Ledger\n---\n{source}\n", encoding="utf-8")
    text = f"---\ntitle: T\nsources:\n  - path: src.md\n---\n\n{body(n)}"
    if fail:
        text = text.replace("Tuesday", "Monday")
    (folder / "draft.md").write_text(text, encoding="utf-8")
    return text, check_draft(folder / "draft.md", [])


def _one_quote_per_paragraph(n: int) -> str:
    return "\n\n".join(f"Comment {i}, and they said “{SENTENCE.format(i=i)}”" for i in range(n))


def _quotes_among_many_short_paragraphs(n: int) -> str:
    """The shape that made placement quadratic: every quote looked at every paragraph."""
    return "\n\n".join(
        f"“{SENTENCE.format(i=i // 10)}”" if i % 10 == 0 else f"Note {i}." for i in range(10 * n)
    )


def _many_quotes_in_one_paragraph(n: int) -> str:
    return " ".join(f"“{SENTENCE.format(i=i)}”" for i in range(n)) + "\n"


def _blockquotes_in_lists(n: int) -> str:
    return "\n\n".join(f"- item {i}\n\n  > {SENTENCE.format(i=i)}" for i in range(n))


# Each shape with its smaller size n: large enough that quadratic work shows, small enough
# to count quickly (a long paragraph is slow to check: that is the checker's own issue).
SHAPES = {
    "a quote in each of n paragraphs": (_one_quote_per_paragraph, 200),
    "n quotes among 10n short paragraphs": (_quotes_among_many_short_paragraphs, 120),
    "n quotes in one paragraph": (_many_quotes_in_one_paragraph, 150),
    "n block quotes in list items": (_blockquotes_in_lists, 150),
}


@pytest.mark.parametrize("shape", list(SHAPES))
def test_render_is_linear(tmp_path: Path, shape: str) -> None:
    def make(n: int) -> Callable[[], object]:
        text, result = _checked(tmp_path, n, SHAPES[shape][0])
        assert result.ok, [c.status for c in result.checks if not c.passed()][:3]
        return lambda: render.render(text, result)

    assert ratio(make, SHAPES[shape][1]) <= LIMIT


def test_forced_render_of_failing_quotes_is_linear(tmp_path: Path) -> None:
    def make(n: int) -> Callable[[], object]:
        text, result = _checked(tmp_path, n, _one_quote_per_paragraph, fail=True)
        assert len(result.failed) == n
        return lambda: render.render(text, result, force=True)

    assert ratio(make, 200) <= LIMIT


@pytest.mark.parametrize("shape", list(SHAPES))
def test_html_report_is_linear(tmp_path: Path, shape: str) -> None:
    def make(n: int) -> Callable[[], object]:
        text, result = _checked(tmp_path, n, SHAPES[shape][0])
        return lambda: report_html.to_html(result, text)

    assert ratio(make, SHAPES[shape][1]) <= LIMIT


@pytest.mark.parametrize(
    "meta",
    [
        lambda n: "".join(f"k{i}: value {i}\n" for i in range(n)),
        lambda n: (
            "sources:\n" + "".join(f"  - {{path: s{i}.md, sha256: {i:064d}}}\n" for i in range(n))
        ),
    ],
    ids=["keys", "sources"],
)
def test_front_matter_is_linear(meta: Callable[[int], str]) -> None:
    def make(n: int) -> Callable[[], object]:
        text = f"---\n{meta(n)}---\nBody.\n"
        return lambda: frontmatter.split(text)

    assert ratio(make, 150) <= LIMIT


@pytest.mark.parametrize("unit", ["[a](", "a](", "[a](b", "[a](javascript:x", "[x](javascript:a)"])
def test_markdown_output_defusing_is_linear(unit: str) -> None:
    """``render --format md`` defuses links line by line; a line of n ``](`` with no space
    scanned to its end for each one (×4 here; 55 s for a 32 KB line before the fix)."""

    def make(n: int) -> Callable[[], object]:
        line = unit * n
        return lambda: marking.safe_markdown_line(line)

    assert ratio(make, 300) <= LIMIT
