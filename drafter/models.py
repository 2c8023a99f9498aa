"""The types that travel between the pipeline's stages. Plain frozen data, no behaviour
beyond small derived properties; every stage takes and returns these."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


@dataclass(frozen=True)
class Source:
    """A stored snapshot of one article. All offsets elsewhere point into ``text``."""

    id: str
    text: str
    sha256: str
    title: str = ""
    publication: str = ""
    short_name: str = ""
    url: str = ""
    author: str = ""
    date: str = ""
    path: str = ""
    # "text", "markdown" or "html": whether markup in ``text`` may be normalised away.
    format: str = "text"


@dataclass(frozen=True)
class Passage:
    """A quotable unit of a source: a paragraph, or a run of sentences of a long one."""

    id: str
    source_id: str
    start: int
    end: int
    text: str


class Kind(StrEnum):
    BLOCK = "block"
    INLINE = "inline"


@dataclass(frozen=True)
class Quote:
    """A quoted span exactly as the draft has it (outer quote marks removed)."""

    id: str
    text: str
    line: int
    kind: Kind
    attributed_to: str | None = None
    # Single-quoted: a scare quote or a term, reported but never failing unless strict.
    single: bool = False
    # The draft dropped Markdown/HTML markup (emphasis, link syntax, entities) inside it.
    markup: bool = False
    # Introduced as a title (`reports in “…”`, `titled “…”`).
    title_intro: bool = False
    # Opened in one block and closed in the next (Markdown cut it in two): it fails.
    unbalanced: bool = False
    # What its lead-in names that is not among the sources (a paper, a title, a link), or "".
    unlisted: str = ""


class Status(StrEnum):
    EXACT = "exact"
    NORMALIZED = "normalized"
    ELIDED = "elided"
    BRACKETED = "bracketed"
    TITLE = "title"
    UNCHECKED = "unchecked"
    ALTERED = "altered"
    MISATTRIBUTED = "misattributed"
    NOT_FOUND = "not_found"
    UNBALANCED = "unbalanced"

    @property
    def passes(self) -> bool:
        return self not in FAILING


FAILING = frozenset({Status.ALTERED, Status.MISATTRIBUTED, Status.NOT_FOUND, Status.UNBALANCED})


@dataclass(frozen=True)
class Match:
    """Where a quote (or one segment of an elided quote) is in a source."""

    source: str
    start: int
    end: int
    passage: str


@dataclass(frozen=True)
class Replacement:
    """An editorial bracket and the source words it stands for."""

    bracket: str
    source_text: str


@dataclass(frozen=True)
class Nearest:
    """The closest source span to a quote that was not found."""

    source: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class QuoteCheck:
    """The verdict for one quote."""

    quote: Quote
    status: Status
    matches: tuple[Match, ...] = ()
    normalizations: tuple[str, ...] = ()
    replacements: tuple[Replacement, ...] = ()
    nearest: Nearest | None = None
    score: float | None = None
    diff: str | None = None
    note: str = ""
    # Passes, but the editor must look (an omission that drops a negation or a number);
    # ``--strict`` fails it.
    warning: str = ""

    def passed(self, strict: bool = False) -> bool:
        if strict and (self.status is Status.UNCHECKED or self.warning):
            return False
        return self.status.passes


@dataclass(frozen=True)
class Placeholder:
    """A slot the writer still has to fill (``[TK: …]``, ``TK headline``): it blocks the
    render like a failing quote. ``line`` is the draft file's line."""

    line: int
    text: str


@dataclass(frozen=True)
class CheckResult:
    """Everything a report needs: the draft, its sources and one verdict per quote."""

    draft: str
    sources: tuple[Source, ...]
    checks: tuple[QuoteCheck, ...]
    strict: bool = False
    warnings: tuple[str, ...] = field(default=())
    placeholders: tuple[Placeholder, ...] = field(default=())
    # How single quotation marks were read: "us" (terms) or "british" (quotations).
    quote_style: str = "us"

    @property
    def failed(self) -> tuple[QuoteCheck, ...]:
        return tuple(c for c in self.checks if not c.passed(self.strict))

    @property
    def ok(self) -> bool:
        return not self.failed

    @property
    def publishable(self) -> bool:
        """Every quote passes and no placeholder is left: what the render gate asks."""
        return self.ok and not self.placeholders
