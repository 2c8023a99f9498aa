"""``drafter check``: read a draft and its sources, run the pure stages, return the result.

This module does the I/O around the checker stages (extract → verify); the report is
rendered by ``report`` and written by the CLI.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from drafter import frontmatter, ingest
from drafter.errors import InputError, UsageError
from drafter.extract import extract
from drafter.index import build
from drafter.models import CheckResult, Source
from drafter.verify import verify


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


def check_draft(draft: Path, source_paths: Sequence[Path], strict: bool = False) -> CheckResult:
    doc, warnings = read_draft(draft)
    paths = [*source_paths, *ingest.draft_source_paths(draft, doc.meta)]
    unique = list(dict.fromkeys(p.resolve() for p in paths))
    if not unique:
        raise UsageError(
            f"{draft}: no sources to check against; pass --source FILE "
            "(or list them in the draft's front matter)"
        )
    sources, source_warnings = ingest.load_sources([Path(p) for p in unique])
    warnings += source_warnings + pinned_warnings(draft, doc.meta, sources)
    quotes = extract(doc.body, sources, first_line=doc.body_line + 1)
    checks = verify(quotes, build(sources))
    return CheckResult(str(draft), sources, checks, strict, tuple(warnings))
