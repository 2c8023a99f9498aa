"""The pure drafting stages: compose, offline, pricing."""

from __future__ import annotations

import pytest

from drafter.drafting import compose, offline
from drafter.drafting.pricing import PRICES, Usage, cache_savings, cost, describe, price_for
from drafter.errors import ModelAnswerError
from drafter.profile import RTZ
from drafter.sources.chunk import chunk
from drafter.sources.ingest import load_source

from .conftest import EXAMPLE

SCMP = load_source(EXAMPLE / "scmp.md")[0]
PASSAGES = {p.id: p for p in chunk(SCMP)}


def test_quote_text_comes_from_the_passage_not_the_model() -> None:
    answer = compose.parse_answer(
        {
            "title": "AI: x. RTZ #1",
            "blocks": [
                {"type": "quote", "passage_id": "scmp:p01", "text": "the model typed this"},
                {"type": "quote", "passage_id": "scmp:p18", "span": "26 per cent"},
            ],
        }
    )
    resolved = compose.resolve(answer, PASSAGES, [SCMP])
    assert resolved.blocks[0].text == PASSAGES["scmp:p01"].text
    assert resolved.blocks[1].text == "26 per cent"
    assert resolved.blocks[-1] == compose.Block("commentary", RTZ.sign_off)


def test_block_problems_name_unknown_ids_and_bad_spans() -> None:
    answer = compose.parse_answer(
        {
            "title": "AI: x. RTZ #1",
            "blocks": [
                {"type": "quote", "passage_id": "scmp:p42"},
                {"type": "quote", "passage_id": "scmp:p02", "span": "not in there"},
                {"type": "poem", "text": "?"},
                {"type": "commentary", "text": "fine"},
            ],
        }
    )
    problems = compose.block_problems(answer, PASSAGES)
    assert [(p.block, p.kind) for p in problems] == [
        (1, "unknown_passage"),
        (2, "span_not_in_passage"),
        (3, "malformed"),
    ]
    assert "scmp:p01" in problems[0].evidence
    assert PASSAGES["scmp:p02"].text in problems[1].evidence
    kept = compose.drop(answer, problems)
    assert [b.text for b in kept.blocks] == ["fine"]


@pytest.mark.parametrize(
    "text",
    [
        "Nvidia `“has hired two famous AI experts from China”`, says SCMP.",
        "Fine.\n\n```\n“US chip giant Nvidia has hired two famous AI experts”\n```",
        "Fine.\n\n    “US chip giant Nvidia has hired two famous AI experts”",
        "<blockquote>US chip giant Nvidia has hired two famous AI experts</blockquote>",
        "As SCMP reports <span>“Nvidia has hired two famous AI experts”</span>:",
    ],
)
def test_the_models_words_may_not_hide_a_quotation_from_the_checker(text: str) -> None:
    """The checker never reads code or HTML as quotations, so the model's own text may use
    neither: otherwise it could type a quotation (or a block quote) that is never checked."""
    from drafter.drafting import repair

    answer = compose.parse_answer(
        {
            "title": "AI: x. RTZ #1",
            "blocks": [{"type": "commentary", "text": text}, {"type": "lead_in", "text": text}],
        }
    )
    found = repair.problems(answer, PASSAGES, [SCMP])
    assert [(p.block, p.kind) for p in found] == [(1, "markup"), (2, "markup")]
    titled = compose.parse_answer({"title": f"AI: {text}. RTZ #1", "blocks": []})
    assert [p.kind for p in compose.block_problems(titled, PASSAGES)] == ["markup"]
    # Prose with a less-than sign or a lone apostrophe is fine.
    plain = compose.parse_answer(
        {"title": "AI: x. RTZ #1", "blocks": [{"type": "commentary", "text": "It’s < 5% now."}]}
    )
    assert compose.block_problems(plain, PASSAGES) == ()


@pytest.mark.parametrize("bad", [None, [], {"title": 3, "blocks": []}, {"title": "x"}])
def test_a_wrong_shape_is_a_model_answer_error(bad: object) -> None:
    with pytest.raises(ModelAnswerError):
        compose.parse_answer(bad)


def test_lead_in_links_the_article_once() -> None:
    text = f"As the SCMP reports in “{SCMP.title}”:"
    linked = compose._link_titles(text, [SCMP])
    assert linked == f"As the SCMP reports in [“{SCMP.title}”](http://scmp.com):"
    assert compose._link_titles(linked, [SCMP]) == linked


def test_offline_choice_is_deterministic_and_skips_boilerplate() -> None:
    chosen = offline.choose(list(PASSAGES.values()))
    assert chosen == offline.choose(list(PASSAGES.values()))
    ids = [p.id for p in chosen]
    assert ids[0] == "scmp:p01"  # the lede
    assert ids == sorted(ids)  # the article's order
    assert not any("did not immediately respond" in p.text for p in chosen)
    assert not any(p.text.startswith("Source:") for p in chosen)
    # Direct speech is what a writer quotes first.
    assert "scmp:p05" in ids and "scmp:p09" in ids


def test_offline_lead_in_and_title() -> None:
    assert offline.lead_in(SCMP, first=True) == (
        "As the South China Morning Post (SCMP) reports in "
        "“Nvidia taps 2 young Chinese AI experts to strengthen research”:"
    )
    assert offline.title("US AI Talent hunt includes China.", 767) == (
        "AI: US AI Talent hunt includes China. RTZ #767"
    )
    assert offline.title("a “quoted” angle", None) == "AI: TK headline. RTZ #TK"


def test_cost_uses_the_one_price_table() -> None:
    usage = Usage(1_000_000, 1_000_000, 1_000_000, 1_000_000)
    p = PRICES["claude-sonnet-5-5"][-1]  # the row in effect today
    assert cost("claude-sonnet-5-5", usage) == pytest.approx(
        p.input + p.output + p.cache_write + p.cache_read
    )
    assert price_for("claude-sonnet-4-5-20250929") == PRICES["claude-sonnet-4-5"][-1]
    assert cost("claude-unknown-9", usage) is None
    assert "no price on file" in describe("claude-unknown-9", usage, None)
    assert Usage(1, 2, 3, 4) + Usage(1, 1, 1, 1) == Usage(2, 3, 4, 5)
    assert cache_savings("claude-sonnet-5-5", Usage(cache_read_input_tokens=1_000_000)) == (
        pytest.approx(p.input - p.cache_read)
    )


def test_default_model_is_pinned_priced_and_in_the_sdk() -> None:
    from drafter.drafting import contracts, llm

    model = contracts.default_model()
    assert model == contracts.DEFAULT_MODEL and model in llm.sdk_models()
    assert price_for(model) is not None and contracts.refusal(model) is None


@pytest.mark.parametrize(
    ("title", "number", "expected"),
    [
        ("AI: Nvidia hires in China. RTZ #768", 768, "AI: Nvidia hires in China. RTZ #768"),
        ("Nvidia hires in China", 768, "AI: Nvidia hires in China. RTZ #768"),
        ("AI: Nvidia hires in China. RTZ #12", 768, "AI: Nvidia hires in China. RTZ #768"),
        ("AI: Nvidia hires in China. RTZ #<number>", None, "AI: Nvidia hires in China. RTZ #TK"),
        ("AI: Nvidia hires. RTZ #767", None, "AI: Nvidia hires. RTZ #767"),
        ("", 5, "AI: TK headline. RTZ #5"),
    ],
)
def test_house_title(title: str, number: int | None, expected: str) -> None:
    assert compose.house_title(compose.Answer(title, ()), number).title == expected


def test_settle_reports_removed_blocks_by_their_number_in_the_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Removing a block can make a later one fail on the next look; the report must still
    name the blocks as the answer numbered them, not as the shortened answer does."""
    from drafter.drafting import repair

    answer = compose.Answer(
        "AI: x. RTZ #1", tuple(compose.Block("commentary", f"c{i}") for i in range(1, 6))
    )

    def fake(a: compose.Answer, *_: object) -> tuple[compose.Problem, ...]:
        texts = [b.text for b in a.blocks]
        # First c2 fails; once it is gone, c4 does (now the third block of four).
        bad = "c2" if "c2" in texts else "c4" if "c4" in texts else None
        if bad is None:
            return ()
        return (compose.Problem(texts.index(bad) + 1, "quote_in_commentary", "x", text=bad),)

    monkeypatch.setattr(repair, "problems", fake)
    kept, removed = repair.settle(answer, {}, [])
    assert [b.text for b in kept.blocks] == ["c1", "c3", "c5"]
    assert [(p.block, p.text) for p in removed] == [(2, "c2"), (4, "c4")]


@pytest.mark.parametrize("note", ["", "a note for the writer"])
def test_assembled_post_has_single_blank_lines_between_paragraphs(note: str) -> None:
    answer = compose.parse_answer(
        {
            "title": "AI: x. RTZ #1",
            "blocks": [
                {"type": "commentary", "text": "Opening."},
                {"type": "quote", "passage_id": "scmp:p01"},
            ],
        }
    )
    markdown = compose.assemble(compose.resolve(answer, PASSAGES, [SCMP]), note=note).markdown
    assert "\n\n\n" not in markdown
    assert markdown.startswith("# AI: x. RTZ #1\n\n")


def test_offline_keeps_a_paragraph_that_points_back_with_the_one_before() -> None:
    from drafter.sources.ingest import source_from_text

    text = "\n".join(
        [
            "The council said on Monday it would spend $40 million, Mayor Ann Lee said.",
            "Officials from the port said the plan had been discussed for years before the vote.",
            "Meta also reportedly poached at least five researchers from OpenAI, reports said.",
            "Those included Zhai Xiaohua from the Zurich office and Yu Jiahui, key contributors.",
            "He Kaiming, an associate professor at MIT, was recently tapped by Google in 2025.",
        ]
    )
    src = source_from_text(text, fallback_id="wire")
    passages = chunk(src)
    answer = offline.draft([src], passages, "Harbour money", 9)
    quoted = [b.passage_id for b in answer.blocks if b.kind == "quote"]
    assert "wire:p04" in quoted and "wire:p03" in quoted
    i = [b.passage_id for b in answer.blocks].index("wire:p04")
    assert answer.blocks[i - 1].passage_id == "wire:p03"  # no commentary slot between them
