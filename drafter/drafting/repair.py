"""Checking a structured answer before it becomes a draft, and the one bounded repair round.

``problems`` assembles an answer in memory and runs the checker on it; ``model_answer`` asks
the model once and, if anything fails, once more with exactly what failed and the checker's
evidence; ``settle`` removes whatever still fails, and the removed blocks are listed in the
report (``report_section``). The offline drafter's answer is checked as the written draft
first, and settled only when that check fails (``written_draft_passes``). Invariant 1 is
kept here: quotations the model types in its own commentary, lead-ins or title are checked
like any other quote.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from drafter.drafting import compose, prompting
from drafter.drafting.session import Session
from drafter.models import Passage, QuoteCheck, Source
from drafter.profile import RTZ, Profile


def problems(
    answer: compose.Answer,
    passages: Mapping[str, Passage],
    sources: Sequence[Source],
    profile: Profile = RTZ,
) -> tuple[compose.Problem, ...]:
    """Everything that fails in ``answer``: bad blocks, then quotes that fail the check."""
    from drafter.checker.extract import extract
    from drafter.checker.index import build
    from drafter.checker.verify import verify

    structural = compose.block_problems(answer, passages)
    resolved = compose.resolve(answer, passages, sources, profile)
    assembled = compose.assemble(resolved, profile=profile)
    checks = verify(
        extract(assembled.markdown, sources, first_line=1, style=profile.checking_style),
        build(sources),
    )
    seen = {p.block for p in structural}
    found = [p for p in compose.check_problems(resolved, assembled, checks) if p.block not in seen]
    return tuple(sorted([*structural, *found], key=lambda p: p.block))


def settle(
    answer: compose.Answer,
    passages: Mapping[str, Passage],
    sources: Sequence[Source],
    profile: Profile = RTZ,
) -> tuple[compose.Answer, tuple[compose.Problem, ...]]:
    """Remove what still fails (no model: removing a block can change what a later quote is
    attributed to, so look again, a bounded number of times)."""
    removed: list[compose.Problem] = []
    # numbers[i]: the answer's own number for block i of the shortened answer (0: the title).
    numbers = list(range(len(answer.blocks) + 1))
    for _ in range(3):
        failed = problems(answer, passages, sources, profile)
        if not failed:
            break
        removed += [replace(p, block=numbers[p.block]) for p in failed]
        gone = {p.block for p in failed} - {0}
        numbers = [n for i, n in enumerate(numbers) if i not in gone]
        answer = compose.drop(answer, failed, profile)
    return answer, tuple(sorted(removed, key=lambda p: p.block))


def written_draft_passes(
    answer: compose.Answer, passages: Mapping[str, Passage], checks: Sequence[QuoteCheck]
) -> bool:
    """Whether an answer not yet through ``problems`` needs no settling, judged from the
    check of the draft as written (``checks``, from ``check_draft``): no block is bad before
    any check, and every quote in the file passes.

    The file's body is this answer's assembly, checked against the snapshots of the same
    sources, so a quote that fails ``problems`` fails there too; this asks more (every quote
    in the file, not just those in the blocks and title), so when it says yes ``settle``
    would remove nothing, and the one check of the file does for both."""
    return not compose.block_problems(answer, passages) and all(c.passed() for c in checks)


def model_answer(
    session: Session,
    first: dict[str, Any],
    passages: Mapping[str, Passage],
    sources: Sequence[Source],
    profile: Profile = RTZ,
) -> tuple[compose.Answer, tuple[compose.Problem, ...]]:
    """Ask, check, and (once) repair. Returns the answer to assemble and what was removed."""
    reply = session.ask("draft", first)
    answer = compose.parse_answer(reply.answer)
    failed = problems(answer, passages, sources, profile)
    if not failed:
        return answer, ()
    session.progress(f"repair round: {len(failed)} block(s) failed; asking once more")
    second = prompting.repair_request(first, reply.content, failed)
    reply = session.ask("repair", second)
    return settle(compose.parse_answer(reply.answer), passages, sources, profile)


def report_section(removed: Sequence[compose.Problem]) -> str:
    if not removed:
        return ""
    lines = [
        "",
        "## Removed by drafter",
        "",
        "These blocks failed the check (a model draft: after its one repair round) and were "
        "taken out of the draft:",
        "",
    ]
    for p in removed:
        text = p.text.replace("\n", " ")
        lines.append(f"- block {p.block} ({p.kind}): {p.detail}. Text: {text[:300]}")
    return "\n".join(lines) + "\n"
