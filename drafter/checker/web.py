"""The checker's look back at the web pages behind a draft's sources. Does I/O: it reads
saved pages and the source library, and fetches the pages a draft links.

- ``follow_links``: the pages a post's lead-ins link, fetched and stored in the library, as
  sources whose url is the link (so each quote is checked against the page its lead-in
  links); a link that cannot be fetched is a line for the report, not an abort.
- ``outside_article``: a failing quote that the saved page shows outside the article
  trafilatura extracted gets a note saying so (extraction, not the writer, is at fault).
- ``drifted``: quotes proven against a snapshot the library has a newer version of, that are
  no longer in the newest one, with the word diff between the versions around each (and a
  headline quoted as the title that the newest version changed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from drafter.checker.index import build
from drafter.checker.verify import verify
from drafter.errors import InputError
from drafter.models import QuoteCheck, Source, Status
from drafter.sources import ingest

# --- the saved page behind a failing quote (a quote extraction, not the writer, lost) ------

OUTSIDE_ARTICLE = (
    "found in the saved page outside the extracted article text: re-extract or pass the page's text"
)


def saved_pages(sources: Sequence[Source], library: Path | None) -> dict[str, bytes]:
    """The original HTML bytes behind sources that were extracted from a page, by the
    sha256 of the extracted text: a saved ``.html`` file, or the library's stored page."""
    pages: dict[str, bytes] = {}
    for src in sources:
        if src.path.lower().endswith(tuple(ingest.HTML_SUFFIXES)):
            try:
                pages[src.sha256] = Path(src.path).read_bytes()
            except OSError:
                continue
    missing = [s for s in sources if s.sha256 not in pages]
    if library is not None and missing and library.exists():
        from drafter.sources.library import Library  # sqlite3: only when there is one

        with Library(library) as lib:
            for src in missing:
                for entry in lib.by_sha256(src.sha256):
                    if entry.content_type in ("text/html", "application/xhtml+xml"):
                        pages[src.sha256] = lib.raw(entry.id)
                        break
    return pages


def outside_article(
    checks: Sequence[QuoteCheck], sources: Sequence[Source], pages: dict[str, bytes]
) -> tuple[QuoteCheck, ...]:
    """Failing quotes that the saved page has outside the article trafilatura extracted
    (a caption it dropped, a box, a list) get a note saying so: the checker's own rules,
    run again over the whole text the page shows."""
    failing = [i for i, c in enumerate(checks) if c.status in (Status.ALTERED, Status.NOT_FOUND)]
    if not failing or not pages:
        return tuple(checks)
    from drafter.sources.html import decode_html, visible_text
    from drafter.sources.ids import sha256

    shown = []
    for src in sources:
        if src.sha256 in pages:
            text = visible_text(decode_html(pages[src.sha256]))
            shown.append(replace(src, text=text, sha256=sha256(text), path="", format="text"))
    again = verify([checks[i].quote for i in failing], build(shown))
    out = list(checks)
    for i, found in zip(failing, again, strict=True):
        if found.matches and found.status is not Status.TITLE:
            where = found.matches[0].source
            out[i] = replace(out[i], note=f"{OUTSIDE_ARTICLE} ({where})")
    return tuple(out)


# --- `--follow-links` / `sources add --from`: the pages a post's lead-ins link -------------


def lead_in_links(body: str) -> list[str]:
    """The http(s) links in a draft's own text (its lead-ins and commentary, not its block
    quotes), each once, in order."""
    from drafter.checker.extract import paragraphs

    links: list[str] = []
    for para in paragraphs(body):
        if para.in_blockquote:
            continue
        for href in para.hrefs:
            if ingest.is_url(href) and href not in links:
                links.append(href)
    return links


def follow_links(
    body: str, shown: str, library: Path, *, allow_private: bool = False
) -> tuple[list[Source], list[str], list[str]]:
    """Fetch every page the lead-ins of a draft's ``body`` link (the limits of ``sources
    add``) and store each in the library at ``library``; ``shown`` names the draft.

    Returns the sources (each with the link the draft gives as its url, so that the quotes
    after a lead-in are checked against the page it links), a line for each link that could
    not be fetched, and warnings. ``allow_private`` is passed to the fetch: links to loopback
    or private addresses are refused unless it is set (the address guard is the fetch's)."""
    from drafter.sources.library import Library

    fetched: list[tuple[str, ingest.Snapshot]] = []
    failed: list[str] = []
    links = lead_in_links(body)
    warnings = [] if links else [f"{shown}: --follow-links: its lead-ins link no web page"]
    for link in links:
        try:
            snap = ingest.load_snapshot(link, allow_private=allow_private)
        except InputError as exc:
            failed.append(f"link not checked: {exc}")
            continue
        fetched.append((link, snap))
        if snap.warning:
            warnings.append(snap.warning)
    sources: list[Source] = []
    if fetched:
        with Library(library, create=True) as lib:
            for link, snap in fetched:
                stored = lib.source(lib.add(snap).entry.id)
                sources.append(replace(stored, url=link))
    return sources, failed, warnings


# --- drift: quotes no longer in the newest version of a source the draft pins ------------

DRIFT_CONTEXT = 80  # characters of the old version shown around a quote, each side


def drifted(checks: Sequence[QuoteCheck], sources: Sequence[Source], library: Path) -> list[str]:
    """For each passing quote proven against a library snapshot that has a newer version
    (``sources refresh`` stored one), a line when the quote is no longer in the newest
    version, with the word diff between the two versions around it."""
    from rapidfuzz.fuzz import partial_ratio_alignment

    from drafter.checker.verify import word_diff
    from drafter.sources.library import Library

    by_id = {s.id: s for s in sources}
    out: list[str] = []
    with Library(library) as lib:
        newer: dict[str, tuple[Source, str]] = {}
        for src in sources:
            for entry in lib.by_sha256(src.sha256)[:1]:
                newest = lib.latest(entry)
                if newest.version > entry.version:
                    text = lib.source(newest.id)
                    newer[src.id] = (replace(text, id=src.id), newest.id)
        for check in checks:
            if not check.passed() or not check.matches:
                continue
            first = check.matches[0]
            if first.source not in newer:
                continue
            new_src, new_id = newer[first.source]
            if check.status is Status.TITLE:
                # A headline is edited as often as the text: the lead-in cites the old one.
                old_title = by_id[first.source].title
                if new_src.title != old_title:
                    out.append(
                        f"{check.quote.id} line {check.quote.line}: the title of "
                        f"{first.source} is different in the newest version ({new_id}): "
                        f"{word_diff(old_title, new_src.title)}"
                    )
                continue
            (again,) = verify([replace(check.quote, attributed_to=None)], build([new_src]))
            if again.passed() and again.matches:
                continue
            old = by_id[first.source].text
            a, b = _word_bounds(old, first.start - DRIFT_CONTEXT, first.end + DRIFT_CONTEXT)
            window, new = old[a:b], new_src.text
            # The same stretch of the new version: between the context either side of the
            # quote when both are still there, else the best fuzzy alignment.
            # (Without the whitespace at their inner ends: a paragraph that went whole takes
            # one of the two paragraph breaks around it with it.)
            before, after = old[a : first.start].rstrip(), old[first.end : b].lstrip()
            lo = new.find(before) if before else -1
            hi = new.find(after, lo + len(before)) if lo >= 0 and after else -1
            if lo >= 0 and hi >= 0:
                now = new[lo : hi + len(after)]
            else:
                found = partial_ratio_alignment(window, new)
                now = new[found.dest_start : found.dest_end] if found else ""
            out.append(
                f"{check.quote.id} line {check.quote.line}: no longer in the newest version of "
                f"{first.source} ({new_id}); the source changed: {word_diff(window, now)}"
            )
    return out


def _word_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """``start``/``end`` clamped to ``text`` and widened to whole words."""
    start, end = max(start, 0), min(end, len(text))
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return start, end
