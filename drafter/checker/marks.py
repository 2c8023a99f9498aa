"""Editorial marks inside a quotation: omissions, ``[sic]``, ``[T]he`` and ``[words]``.

Takes a quote's text; returns the literal segments that must be found in a source and what
may stand between them; says whether the words an omission leaves out change the meaning
(``dropped_meaning``). Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

# An omission: "…", "...", "....", the Chicago spaced ". . ." and ". . . ." (a period and an
# ellipsis), with or without brackets.
_ELLIPSIS = r"(?:\.[ \u00a0]){2,3}\.|\.{3,4}|…\.?"
_MARK = re.compile(rf"\[(?:{_ELLIPSIS})\]|{_ELLIPSIS}|\[sic\]|\[[^\[\]\n]{{1,80}}\]", re.IGNORECASE)
_ELLIPSIS_RE = re.compile(rf"\[?(?:{_ELLIPSIS})\]?")


class Gap(Enum):
    NONE = "none"  # the segment follows directly (first segment, or after [sic])
    ELISION = "elision"  # an omission: anything up to the end of the next passage
    BRACKET = "bracket"  # an editorial insertion or substitution of a few words


@dataclass(frozen=True)
class Segment:
    text: str
    gap: Gap  # what stands between the previous segment and this one
    bracket: str = ""  # the editor's words, for Gap.BRACKET
    # Offsets in ``text`` whose letter case is the editor's ([T]he): either case matches.
    flexible: tuple[int, ...] = ()

    def variants(self) -> list[str]:
        """The segment with each flexible letter in both cases (at most 8 variants)."""
        out = [self.text]
        for i in self.flexible[:3]:
            out = [v[:i] + c + v[i + 1 :] for v in out for c in {v[i].lower(), v[i].upper()}]
        return out


@dataclass(frozen=True)
class Marked:
    segments: tuple[Segment, ...]
    sic: bool = False
    leading_bracket: str = ""  # "[Nvidia] has hired …": replaces words before the quote
    trailing_bracket: str = ""
    edge_elision: bool = False  # "…and then": an omission before or after the quote

    @property
    def has_elision(self) -> bool:
        return self.edge_elision or any(s.gap is Gap.ELISION for s in self.segments)

    @property
    def has_brackets(self) -> bool:
        return bool(self.leading_bracket or self.trailing_bracket) or any(
            s.gap is Gap.BRACKET for s in self.segments
        )

    @property
    def case_changed(self) -> bool:
        return any(s.flexible for s in self.segments)

    @property
    def plain(self) -> bool:
        """Only [sic] and [T]he: checked as one piece of text."""
        return len(self.segments) == 1 and not self.has_brackets


def has_marks(text: str) -> bool:
    return _MARK.search(text) is not None


def parse(text: str) -> Marked:
    """Split ``text`` at its editorial marks."""
    segments: list[Segment] = []
    buf: list[str] = []
    flexible: list[int] = []
    gap, bracket = Gap.NONE, ""
    sic = edge = False
    leading = trailing = ""

    def flush(next_gap: Gap, next_bracket: str) -> None:
        nonlocal gap, bracket, buf, flexible, leading, edge
        joined = "".join(buf)
        stripped = joined.strip()
        shift = len(joined) - len(joined.lstrip())
        flex = tuple(i - shift for i in flexible if 0 <= i - shift < len(stripped))
        if stripped:
            segments.append(Segment(stripped, gap, bracket, flex))
            gap, bracket = next_gap, next_bracket
        elif not segments and next_gap is Gap.BRACKET:
            leading = next_bracket
        elif not segments:
            edge = True
        elif segments and next_gap is Gap.ELISION:
            gap, bracket = Gap.ELISION, ""
        elif segments and next_gap is Gap.BRACKET:
            gap, bracket = Gap.BRACKET, (bracket + " " + next_bracket).strip()
        buf, flexible = [], []

    pos = 0
    for m in _MARK.finditer(text):
        buf.append(text[pos : m.start()])
        token = m.group()
        inner = token[1:-1] if token.startswith("[") else token
        after = text[m.end() : m.end() + 1]
        if token.lower() == "[sic]":
            sic = True
            # Drop the mark and the space before it: "thest [sic] times", "definately [sic]."
            if buf and buf[-1].endswith(" ") and not after.isalnum():
                buf[-1] = buf[-1][:-1]
        elif _ELLIPSIS_RE.fullmatch(token):
            flush(Gap.ELISION, "")
        elif len(inner) == 1 and inner.isalpha() and after.isalpha():
            flexible.append(sum(len(b) for b in buf))
            buf.append(inner)
        else:
            flush(Gap.BRACKET, inner)
        pos = m.end()
    buf.append(text[pos:])
    rest = "".join(buf)
    if rest.strip():
        flush(Gap.NONE, "")
    elif gap is Gap.BRACKET and bracket:
        trailing = bracket
    elif gap is Gap.ELISION:
        edge = True
    return Marked(tuple(segments), sic, leading, trailing, edge)


# Words whose omission can reverse or change what a quotation says.
_NEGATIONS = frozenset(
    {"not", "no", "never", "none", "nobody", "nothing", "nowhere", "neither", "nor"}
    | {"cannot", "without", "hardly", "barely"}
)
_NUMBER_WORDS = frozenset(
    {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven"}
    | {"twelve", "twenty", "thirty", "forty", "fifty", "hundred", "thousand", "million"}
    | {"billion", "trillion", "half", "dozen", "percent"}
    | {"zero", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen"}
    | {"nineteen", "sixty", "seventy", "eighty", "ninety", "once", "twice", "thrice"}
    | {"double", "triple", "quarter"}
)


def dropped_meaning(omitted: str) -> list[str]:
    """The negations and numbers among the words an omission leaves out, in order."""
    out = []
    for raw in omitted.split():
        word = raw.strip(".,;:!?\"'“”‘’()[]").lower().replace("’", "'")
        if (
            word in _NEGATIONS
            or word.endswith("n't")
            or word in _NUMBER_WORDS
            or any(c.isdigit() for c in word)
        ):
            out.append(raw.strip('.,;:!?"“”‘’()[]'))
    return out
