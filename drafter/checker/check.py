"""``drafter check``: read a draft and its sources, run the pure stages, return the result.

This module does the I/O around the checker stages (extract → verify); the report is
rendered by ``report`` and written by the CLI. Sources are files, URLs, and (with a source
library) the library's snapshots that the draft's quotes can come from: those few are found
through the library's full-text index, so a check does not read every article.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from drafter.checker import placeholders
from drafter.checker.extract import (
    NestingError,
    extract,
    extract_paragraphs,
    paragraphs,
    resolve_style,
)
from drafter.checker.index import build
from drafter.checker.verify import verify
from drafter.errors import InputError, UsageError
from drafter.fsutil import usable_path
from drafter.models import CheckResult, Quote, QuoteCheck, Source, Status
from drafter.sources import frontmatter, ingest

if TYPE_CHECKING:
    from drafter.sources.library import Entry, Library

PHRASE_WORDS = 4  # words per run a quote is looked up by in the library (its rarest pair)
MAX_PHRASES = 40  # runs per quote; a very long block quote is looked up by a sample
# Verdicts that a source the quick library lookup missed could still change.
_UNPROVEN = {Status.NOT_FOUND, Status.ALTERED, Status.UNCHECKED, Status.MISATTRIBUTED}


def read_draft(path: Path) -> tuple[frontmatter.Document, list[str]]:
    text, warning = ingest.read_text(path)
    if not text.strip():
        raise InputError(str(path), "is empty: there is no draft to check")
    try:
        doc = frontmatter.split(text)
    except frontmatter.FrontMatterError as exc:
        raise InputError(str(path), str(exc)) from None
    return doc, [warning] if warning else []


def read_draft_text(path: Path) -> str:
    """The draft's whole text (front matter included), as the checker read it."""
    text, _ = ingest.read_text(path)
    return text


def pinned_warnings(draft: Path, meta: dict[str, object], sources: Sequence[Source]) -> list[str]:
    """Warn when a source file no longer has the sha256 the draft was checked against."""
    entries = meta.get("sources")
    if not isinstance(entries, list):
        return []
    by_path = {Path(s.path).resolve(): s for s in sources if s.path}
    out = []
    for entry in entries:
        if not isinstance(entry, dict) or not entry.get("path") or not entry.get("sha256"):
            continue
        p = Path(str(entry["path"]))
        src = by_path.get((p if p.is_absolute() else draft.parent / p).resolve())
        if src is not None and src.sha256 != entry["sha256"]:
            out.append(
                f"{src.path}: changed since the draft was made (sha256 differs from the "
                "draft's front matter)"
            )
    return out


def _phrases(text: str) -> list[list[str]]:
    """Runs of a quote's words to look up in the library; editorial marks (omissions,
    brackets) split it, so no phrase spans words the source does not have together."""
    from drafter.sources.library import fts_words

    out: list[list[str]] = []
    # "[T]he": the bracketed letter is the source word's own first letter, in another case.
    text = re.sub(r"\[(\w)\](?=\w)", r"\1", text)
    for piece in re.split(r"…|\.\.\.|\[[^\]]*\]", text):
        words = fts_words(piece)
        if len(words) <= PHRASE_WORDS:
            if words:
                out.append(words)
            continue
        starts = list(range(0, len(words) - PHRASE_WORDS + 1, PHRASE_WORDS))
        if starts[-1] != len(words) - PHRASE_WORDS:
            starts.append(len(words) - PHRASE_WORDS)
        out += [words[i : i + PHRASE_WORDS] for i in starts]
    if len(out) > MAX_PHRASES:
        step = len(out) / MAX_PHRASES
        out = [out[int(i * step)] for i in range(MAX_PHRASES)]
    return out


def _human_date(iso: str) -> str:
    try:
        when = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{when.day} {when:%B %Y}"


def _pinned(lib: Library, meta: dict[str, object]) -> tuple[list[Source], list[str]]:
    """Snapshots the draft's front matter pins by sha256 (loaded from the library when the
    entry names no file), and a warning for each that the library has a newer version of."""
    entries = meta.get("sources")
    if not isinstance(entries, list):
        return [], []
    sources: list[Source] = []
    warnings: list[str] = []
    for item in entries:
        if not isinstance(item, dict) or not item.get("sha256"):
            continue
        sha = str(item["sha256"])
        name = str(item.get("url") or item.get("path") or item.get("id") or sha[:12])
        found = lib.by_sha256(sha)
        if found:
            pinned = found[0]
            newest = lib.latest(pinned)
            if newest.version > pinned.version:
                warnings.append(
                    f"{name}: the library has a newer version of this source ({newest.id}, "
                    f"retrieved {_human_date(newest.retrieved_at)}) than the one the draft "
                    f"was checked against ({pinned.id}, sha256 {sha[:12]}…)"
                )
            if not item.get("path"):
                sources.append(lib.source(pinned.id))
        elif item.get("url"):
            versions = lib.by_url(str(item["url"]))
            if versions:
                newest = versions[-1]
                warnings.append(
                    f"{name}: the library has no snapshot with the sha256 the draft pins "
                    f"({sha[:12]}…); its newest is {newest.id}, retrieved "
                    f"{_human_date(newest.retrieved_at)}"
                )
    return sources, warnings


def _library_note(check: QuoteCheck, entries: dict[str, Entry]) -> QuoteCheck:
    """For a quote the draft attributes to no source, say which library piece it is from."""
    if check.quote.attributed_to is not None or not check.matches or check.note:
        return check
    first = check.matches[0]
    entry = entries.get(first.source)
    if entry is None:
        return check
    title = f" “{entry.title}”" if entry.title else ""
    note = (
        f"this quote is from {entry.label}{title} you added on "
        f"{_human_date(entry.retrieved_at)} ({first.passage})"
    )
    return replace(check, note=note)


def _looked_up(lib: Library, quotes: Sequence[Quote], *, thorough: bool = False) -> list[Source]:
    ids = lib.candidates([_phrases(q.text) for q in quotes], thorough=thorough)
    return [lib.source(i) for i in ids]


def _check_with_library(
    path: Path,
    meta: dict[str, object],
    body: str,
    first_line: int,
    given: Sequence[Source],
    style: str,
) -> tuple[tuple[Source, ...], tuple[QuoteCheck, ...], dict[str, Entry], list[str]]:
    """Check the draft's body against ``given`` and the library snapshots its quotes can
    come from. Quotes the quick lookup leaves unproven are looked up again, more
    broadly, before they are failed: the quick lookup can miss a short quote's source when
    a changed word is rarer than its own. Returns the sources, the checks, the library
    records by sha256 and warnings about pins."""
    from drafter.sources.library import Library

    with Library(path) as lib:
        pinned, warnings = _pinned(lib, meta)
        # Other versions of a page the draft pins, or of a page given (a link just followed,
        # as it is now), are not checked against: its quotes are proven against the version
        # pinned or given (drift to the newest is reported on its own), and a lead-in's name
        # and link fit every version alike.
        current = [*pinned, *given]
        origins = {e.origin for s in current for e in lib.by_sha256(s.sha256)}
        pins = {s.sha256 for s in current}

        def unpinned(found: list[Source]) -> list[Source]:
            entries = [lib.entry(s.id) for s in found]
            return [
                s
                for s, e in zip(found, entries, strict=True)
                if s.sha256 in pins or e is None or e.origin not in origins
            ]

        first = extract(body, given, first_line=first_line, style=style)
        found = [*pinned, *unpinned(_looked_up(lib, first))]
        sources = ingest.unique_ids([*given, *found])
        checks = verify(extract(body, sources, first_line=first_line, style=style), build(sources))
        unproven = [c.quote for c in checks if c.status in _UNPROVEN]
        known = {s.sha256 for s in sources}
        more = [
            s for s in unpinned(_looked_up(lib, unproven, thorough=True)) if s.sha256 not in known
        ]
        if more:
            found += more
            sources = ingest.unique_ids([*sources, *more])
            checks = verify(
                extract(body, sources, first_line=first_line, style=style), build(sources)
            )
        by_sha: dict[str, Entry] = {}
        for src in found:
            entry = lib.entry(src.id)
            if entry is not None:
                by_sha[src.sha256] = entry
    return sources, checks, by_sha, warnings


def _front_matter_urls(meta: dict[str, object]) -> dict[str, str]:
    """Front-matter sources given by URL alone (no path): URL → the sha256 it pins, or ""."""
    entries = meta.get("sources")
    out: dict[str, str] = {}
    if isinstance(entries, list):
        for item in entries:
            if (
                isinstance(item, dict)
                and not item.get("path")
                and ingest.is_url(str(item.get("url") or ""))
            ):
                out[str(item["url"])] = str(item.get("sha256") or "")
    return out


def _library_holds(path: Path, shas: Sequence[str]) -> set[str]:
    from drafter.sources.library import Library

    with Library(path) as lib:
        return {sha for sha in shas if lib.by_sha256(sha)}


def _urls_to_fetch(
    meta: dict[str, object], library: Path | None, fetch: bool
) -> tuple[dict[str, str], list[str]]:
    """The trust check for URLs a draft's front matter names (DESIGN.md § Trust): they are
    fetched only when the editor asks (``fetch``); a pinned snapshot the library holds is
    read from it instead. Returns URL → pinned sha256 to fetch, and a warning per URL left."""
    urls = _front_matter_urls(meta)
    if library is not None and urls:
        # Pinned snapshots the library holds are read from it, not fetched again.
        held = _library_holds(library, [sha for sha in urls.values() if sha])
        urls = {u: sha for u, sha in urls.items() if sha not in held}
    if fetch:
        return urls, []
    return {}, [
        f"{url}: the draft's front matter lists this URL; not fetched (pass --fetch to fetch it)"
        for url in urls
    ]


def source_key(path: Path | str) -> Path:
    """A source file named twice is read once: its absolute path. Not ``resolve()``, which
    asks the file system about every folder on the way (a quarter of a millisecond a file,
    half a second for 2,000 sources); a file reached through two links is still read once
    per check, as identical snapshots are dropped by their sha256."""
    return Path(os.path.abspath(path))  # noqa: PTH100 (not resolve: see above)


@dataclass
class Shared:
    """What the drafts of one run share (``drafter check`` on many drafts): source files
    read once (by resolved path: the source and its decoding warning) and their normal
    forms (see ``index.Library.shared``)."""

    files: dict[Path, tuple[Source, str | None]] = field(default_factory=dict)
    normal: dict[tuple[str, str], str] = field(default_factory=dict)
    keep: bool = False  # whether ``load`` keeps what it reads (the parent's preload does)

    def load(
        self, paths: Sequence[Path | str], allow_private: bool = False
    ) -> tuple[tuple[Source, ...], list[str]]:
        """``ingest.load_sources``, taking files already read from ``files``."""
        sources, warnings = [], []
        for p in paths:
            if isinstance(p, Path) and p in self.files:
                src, warning = self.files[p]
            else:
                src, warning = ingest.load_ref(p, allow_private=allow_private)
                if self.keep and isinstance(p, Path):
                    self.files[p] = (src, warning)
            sources.append(src)
            if warning:
                warnings.append(warning)
        return ingest.unique_ids(sources), warnings


def check_draft(
    draft: Path,
    source_paths: Sequence[Path | str],
    strict: bool = False,
    library: Path | None = None,
    *,
    links: bool = False,
    allow_private: bool = False,
    quote_style: str = "auto",
    fetch: bool = False,
    shared: Shared | None = None,
) -> CheckResult:
    """Check ``draft`` against files and URLs (``source_paths`` and the draft's front
    matter) and, when ``library`` is given, the source library at that path.

    Front-matter paths must stay inside the draft's folder (``ingest.confined``); its URLs
    are fetched only with ``fetch``; no URL on a private address is fetched unless
    ``allow_private``. ``source_paths`` are the editor's own and are read as given.
    ``links`` (``--follow-links``): also fetch the pages the draft's lead-ins link, store
    them in the library (``library``, or the default one) and check each quote against the
    page its lead-in links; a link that cannot be fetched is a warning in the report.
    ``quote_style``: ``auto``, ``us`` or ``british`` (how single quotes are read).
    ``shared``: sources and normal forms kept across the drafts of one run."""
    from drafter.checker.web import drifted, follow_links, outside_article, saved_pages

    doc, warnings = read_draft(draft)
    try:
        # One parse of the draft serves the quote style and the quotes.
        paras = list(paragraphs(doc.body, doc.body_line + 1))
        style = resolve_style(paras, quote_style)
    except NestingError as exc:
        raise InputError(str(draft), str(exc)) from None
    linked: list[Source] = []
    kept_pages = library  # where the original pages of library snapshots are
    if links:
        from drafter.sources.library import default_path

        kept_pages = default_path(library)
        linked, failed, link_warnings = follow_links(
            doc.body, str(draft), kept_pages, allow_private=allow_private
        )
        warnings += failed + link_warnings
    explicit: set[Path] = set()
    if doc.meta.get("sources"):  # resolving every --source file costs a stat a folder
        local = [Path(p) for p in source_paths if not ingest.is_url(p)]
        explicit = {Path(usable_path(p)).resolve() for p in local}
    paths = [*source_paths, *ingest.draft_source_paths(draft, doc.meta, explicit)]
    unique = list(dict.fromkeys(p if ingest.is_url(p) else source_key(p) for p in paths))
    urls, skipped = _urls_to_fetch(doc.meta, library, fetch)
    warnings += skipped
    if not unique and not urls and library is None and not links:
        unfetched = " (its front-matter URLs are fetched only with --fetch)" if skipped else ""
        raise UsageError(
            f"{draft}: no sources to check against{unfetched}; pass --source FILE|URL, "
            "--library (or list them in the draft's front matter)"
        )
    sources, source_warnings = (shared or Shared()).load(unique, allow_private)
    warnings += source_warnings + pinned_warnings(draft, doc.meta, sources)
    fetched = []
    for url, sha in urls.items():
        src, _ = ingest.load_ref(url, allow_private=allow_private)
        fetched.append(src)
        if sha and src.sha256 != sha:
            warnings.append(
                f"{url}: changed since the draft was made (sha256 differs from the draft's "
                "front matter)"
            )
    sources = ingest.unique_ids([*sources, *fetched, *linked])
    body_line = doc.body_line + 1
    entries: dict[str, Entry] = {}
    if library is None:
        normal = shared.normal if shared is not None else None
        checks = verify(extract_paragraphs(paras, sources, style), build(sources, normal))
    else:
        sources, checks, entries, lib_warnings = _check_with_library(
            library, doc.meta, doc.body, body_line, sources, style
        )
        warnings += lib_warnings
    if entries:
        by_id = {s.id: entries[s.sha256] for s in sources if s.sha256 in entries}
        checks = tuple(_library_note(c, by_id) for c in checks)
    checks = outside_article(checks, sources, saved_pages(sources, kept_pages))
    if library is not None and library.exists():
        warnings += drifted(checks, sources, library)
    title = doc.meta.get("title")
    title = title if isinstance(title, str) and title.strip() not in doc.body else ""
    # The front matter's own title (when the body does not repeat it) counts from line 1.
    slots = placeholders.find(doc.body, body_line, title, 1)
    return CheckResult(
        str(draft), sources, checks, strict, tuple(warnings), placeholders=slots, quote_style=style
    )
