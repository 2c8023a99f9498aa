"""From a structured answer (the model's or the offline drafter's) to the Markdown of a post.

Takes the answer as data, the passages and the sources; returns frozen ``Answer``,
``Problem`` and ``Assembled`` values. Writes nothing; its only read is the Jinja2 template,
through ``resources`` (a user override wins), unless the caller passes one in.

The invariant this module keeps: **the model never types a block quote**. A ``quote`` block
names a passage (and optionally an exact sub-span of it); the text that lands in the draft is
sliced out of the source passage here, never taken from the model's answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from drafter.errors import ModelAnswerError
from drafter.models import Passage, QuoteCheck, Source
from drafter.profile import RTZ, Profile

KINDS = ("commentary", "lead_in", "quote")


@dataclass(frozen=True)
class Block:
    """One block of a post. ``text`` is the writer's (or model's) words for commentary and
    lead-ins and, after ``assemble``, the passage text for quotes."""

    kind: str
    text: str = ""
    passage_id: str = ""
    span: str = ""
    # After ``resolve``: the 1-based index of the answer block this came from (0: added).
    origin: int = 0


@dataclass(frozen=True)
class Answer:
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Problem:
    """Why a block cannot stand: shown to the model in the repair round, then (if it is
    still there) the reason the block was removed. ``block`` is 1-based; 0 is the title."""

    block: int
    kind: str
    detail: str
    evidence: str = ""
    text: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "block": self.block,
            "kind": self.kind,
            "detail": self.detail,
            "evidence": self.evidence,
            "text": self.text,
        }


@dataclass(frozen=True)
class Assembled:
    """The post's Markdown (no front matter) and, per block, its first and last line."""

    markdown: str
    title: str
    lines: tuple[tuple[int, int], ...]


def parse_answer(data: object) -> Answer:
    """The tool input as an ``Answer``. A wrong overall shape is the model's failure (exit 3);
    a single odd block is kept as kind ``malformed`` so that it is reported, not lost."""
    if not isinstance(data, dict):
        raise ModelAnswerError("the model's answer is not a JSON object", partial=data)
    title, raw_blocks = data.get("title"), data.get("blocks")
    if not isinstance(title, str) or not isinstance(raw_blocks, list):
        raise ModelAnswerError(
            "the model's answer lacks a title string and a list of blocks", partial=data
        )
    blocks = []
    for raw in raw_blocks:
        if not isinstance(raw, dict) or raw.get("type") not in KINDS:
            blocks.append(Block("malformed", text=str(raw)[:300]))
            continue
        kind = str(raw["type"])
        text, pid, span = raw.get("text"), raw.get("passage_id"), raw.get("span")
        if kind == "quote":
            if not isinstance(pid, str):
                blocks.append(Block("malformed", text=str(raw)[:300]))
                continue
            blocks.append(Block(kind, passage_id=pid, span=span if isinstance(span, str) else ""))
        elif isinstance(text, str) and text.strip():
            blocks.append(Block(kind, text=text.strip()))
        else:
            blocks.append(Block("malformed", text=str(raw)[:300]))
    return Answer(title.strip(), tuple(blocks))


def house_title(answer: Answer, number: int | None, profile: Profile = RTZ) -> Answer:
    """The title in the profile's form (RTZ: `AI: <headline>. RTZ #<number>`), whatever the
    model wrote."""
    return replace(answer, title=profile.house_title(answer.title, number))


# Code (spans, fences, indented blocks) and HTML: the checker never reads a quotation there
# (DESIGN.md § Quote extraction), so the model's own words may use neither.
_HIDDEN = re.compile(r"`|~~~|<[A-Za-z/!?]|^(?: {4}|\t)", re.M)


def _markup(block: int, text: str) -> Problem:
    return Problem(
        block,
        "markup",
        "the text uses code or HTML, where the checker cannot see a quotation; write plain "
        "sentences (Markdown emphasis and links are fine)",
        text=text,
    )


def block_problems(answer: Answer, passages: Mapping[str, Passage]) -> tuple[Problem, ...]:
    """What is wrong with the blocks before any check: unknown ids, spans not in passages,
    and the model's own words hiding text from the checker in code or HTML."""
    problems = []
    if not answer.title:
        problems.append(Problem(0, "title", "the title is empty"))
    elif _HIDDEN.search(answer.title):
        problems.append(_markup(0, answer.title))
    for i, b in enumerate(answer.blocks, 1):
        if b.kind == "malformed":
            problems.append(Problem(i, "malformed", "not a valid block", text=b.text))
        elif b.kind in ("commentary", "lead_in") and _HIDDEN.search(b.text):
            problems.append(_markup(i, b.text))
        elif b.kind == "quote":
            passage = passages.get(b.passage_id)
            if passage is None:
                near = _similar_ids(b.passage_id, passages)
                problems.append(
                    Problem(
                        i,
                        "unknown_passage",
                        f"there is no passage {b.passage_id!r}",
                        evidence=f"valid ids include {', '.join(near)}" if near else "",
                        text=b.passage_id,
                    )
                )
            elif b.span and b.span not in passage.text:
                problems.append(
                    Problem(
                        i,
                        "span_not_in_passage",
                        f"the span is not an exact substring of {b.passage_id}",
                        evidence=f"the passage reads: {passage.text}",
                        text=b.span,
                    )
                )
    return tuple(problems)


def _similar_ids(pid: str, passages: Mapping[str, Passage]) -> list[str]:
    prefix = pid.split(":")[0]
    ids = [k for k in passages if k.startswith(prefix + ":")] or list(passages)
    return ids[:3] + (["…", ids[-1]] if len(ids) > 4 else ids[3:])


def drop(answer: Answer, problems: Iterable[Problem], profile: Profile = RTZ) -> Answer:
    """The answer without the blocks that have problems (a bad title becomes a TK title)."""
    bad = {p.block for p in problems}
    title = answer.title
    if 0 in bad:
        title = profile.make_title("TK headline", profile.split_title(title)[1])
    return Answer(title, tuple(b for i, b in enumerate(answer.blocks, 1) if i not in bad))


def _link_titles(
    text: str, sources: Sequence[Source], marks: tuple[str, str] = RTZ.quote_marks
) -> str:
    """Link a source's quoted title in a lead-in to the article, when the URL is known."""
    for s in sources:
        if not s.url or not s.title:
            continue
        for quoted in dict.fromkeys(
            (f"{marks[0]}{s.title}{marks[1]}", f"“{s.title}”", f'"{s.title}"')
        ):
            i = text.find(quoted)
            if i < 0 or text[:i].endswith("[") or text[i + len(quoted) :].startswith("]("):
                continue
            url = s.url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
            text = f"{text[:i]}[{quoted}]({url}){text[i + len(quoted) :]}"
    return text


def _disclaimer_like(text: str, disclaimer: str) -> bool:
    """A disclaimer the model wrote itself: the profile's, or its opening (`(NOTE:`)."""
    head = disclaimer.split(":", 1)[0] + ":" if ":" in disclaimer[:20] else disclaimer
    return bool(disclaimer) and (" ".join(text.split()) == disclaimer or text.startswith(head))


def _finish(blocks: list[Block], profile: Profile) -> list[Block]:
    """The closing ends with the sign-off (RTZ: `Stay tuned.`); a disclaimer the model wrote
    is dropped (the template adds the standing one, word for word)."""
    sign_off = profile.sign_off
    blocks = [
        b
        for b in blocks
        if not (b.kind == "commentary" and _disclaimer_like(b.text, profile.disclaimer))
    ]
    if not sign_off or any(b.kind == "commentary" and sign_off in b.text for b in blocks[-2:]):
        return blocks
    if blocks and blocks[-1].kind == "commentary":
        last = blocks[-1]
        return [*blocks[:-1], replace(last, text=f"{last.text} {sign_off}")]
    return [*blocks, Block("commentary", sign_off)]


def resolve(
    answer: Answer,
    passages: Mapping[str, Passage],
    sources: Sequence[Source],
    profile: Profile = RTZ,
) -> Answer:
    """Quote blocks get their text from the source passage; lead-ins get their links.

    Blocks that do not resolve (unknown id, span not in the passage) are left out: call
    ``block_problems`` first to report them.
    """
    blocks: list[Block] = []
    for i, original in enumerate(answer.blocks, 1):
        b = replace(original, origin=i)
        if b.kind == "quote":
            passage = passages.get(b.passage_id)
            if passage is None:
                continue
            if b.span:
                at = passage.text.find(b.span)
                if at < 0:
                    continue
                text = passage.text[at : at + len(b.span)]
            else:
                text = passage.text
            blocks.append(replace(b, text=text))
        elif b.kind == "lead_in":
            blocks.append(replace(b, text=_link_titles(b.text, sources, profile.quote_marks)))
        elif b.kind == "commentary":
            blocks.append(b)
    return Answer(answer.title, tuple(_finish(blocks, profile)))


def assemble(
    resolved: Answer, *, note: str = "", template: Any = None, profile: Profile = RTZ
) -> Assembled:
    """Render a resolved answer through ``templates/draft.md.j2``; the profile's values go in
    as plain strings (its disclaimer, its quote marks), never as template text."""
    opening, closing = profile.quote_marks
    values: dict[str, object] = {
        "title": resolved.title,
        "blocks": resolved.blocks,
        "disclaimer": profile.disclaimer,
        "open_quote": opening,
        "close_quote": closing,
        "note": note.replace("--", "—"),
    }
    if template is None:
        from drafter import resources

        markdown = resources.render("templates", "draft.md.j2", values)
    else:
        markdown = template.render(**values)
    lines = []
    pos = 0
    for b in resolved.blocks:
        shown = f"{opening}{b.text}{closing}" if b.kind == "quote" else b.text
        at = markdown.find(shown, pos)
        if at < 0:  # a user template that shows blocks differently: no line map for it
            lines.append((0, 0))
            continue
        first = markdown.count("\n", 0, at) + 1
        lines.append((first, first + shown.count("\n")))
        pos = at + len(shown)
    return Assembled(markdown, resolved.title, tuple(lines))


def check_problems(
    resolved: Answer, assembled: Assembled, checks: Sequence[QuoteCheck]
) -> tuple[Problem, ...]:
    """Failing quotes of the check, as problems of the answer blocks (or title) they are in.

    ``checks`` come from checking ``assembled.markdown``; block numbers are those of the
    answer ``resolved`` was made from (``Block.origin``)."""
    problems: dict[int, Problem] = {}
    for c in checks:
        if c.passed():
            continue
        index = 0
        for i, (first, last) in enumerate(assembled.lines, 1):
            if first <= c.quote.line <= last:
                index = i
                break
        if index == 0 and c.quote.line != 1:
            continue  # not in a block nor the title: nothing drafter wrote
        evidence = ""
        if c.nearest is not None:
            evidence = f"nearest source text ({c.nearest.source}): {c.nearest.text}"
            if c.diff:
                evidence += f"; word diff: {c.diff}"
        elif c.matches:
            evidence = "found in " + ", ".join(sorted({m.passage for m in c.matches}))
        block = resolved.blocks[index - 1] if index else None
        text = block.text if block else resolved.title
        kind = "quote_failed" if block and block.kind == "quote" else "quote_in_commentary"
        origin = block.origin if block else 0
        problems.setdefault(
            origin,
            Problem(
                origin,
                kind,
                f"the quotation “{c.quote.text}” is {c.status.value}",
                evidence=evidence,
                text=text,
            ),
        )
    return tuple(problems[k] for k in sorted(problems))
