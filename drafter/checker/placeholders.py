"""The slots a draft still leaves for the writer: ``[TK: …]`` and the other marks drafter's
drafters and templates leave (``TK headline``, ``#TK``). They are reported by every check and
block the render like a failing quote (DESIGN.md § Invariant 3), so a draft cannot be
published half-written.

Takes the draft's body (and its front-matter title); returns ``Placeholder``s with file
lines. Pure. HTML comments are not read: drafter's own note there names the ``[TK: …]`` form
without being a slot.
"""

from __future__ import annotations

import re

from drafter.models import Placeholder

# `[TK: …]`/`[TK]` slots; a bare `TK` word (the journalists' "to come": `TK headline`,
# `RTZ #TK`), but not one that starts a name (`TK Elevator`, `TK Maxx`). A `TK` after a
# number label (`#`, `No.`, `n°`, `Issue`: where a profile's title puts an unknown
# {number}) is a slot even before a capitalised word (`Dispatch #TK From The Harbour`).
_NUMBER_LABEL = r"(?:(?<=#)|(?<=\bNo\.)|(?<=\bNo\. )|(?<=n°)|(?<=n° )|(?<=\bIssue ))"
PATTERN = re.compile(rf"\[TK\b[^\]\n]*\]|{_NUMBER_LABEL}TK\b|\bTK\b(?![ \t]+[A-Z])")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def _blank(match: re.Match[str]) -> str:
    return "\n" * match.group(0).count("\n")  # keep the line count


def find(
    body: str, first_line: int, title: str = "", title_line: int = 0
) -> tuple[Placeholder, ...]:
    """Every placeholder in ``body`` (whose first line is file line ``first_line``), after
    those in ``title`` (the front matter's, on ``title_line``), in order."""
    found = [Placeholder(title_line, m.group(0)) for m in PATTERN.finditer(title)]
    for n, line in enumerate(_COMMENT.sub(_blank, body).split("\n")):
        found += [Placeholder(first_line + n, m.group(0)) for m in PATTERN.finditer(line)]
    return tuple(found)


def lines(placeholders: tuple[Placeholder, ...]) -> str:
    """``5, 9, 14`` — the lines holding placeholders, each once."""
    return ", ".join(str(n) for n in dict.fromkeys(p.line for p in placeholders))
