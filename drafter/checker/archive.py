"""``drafter check`` on many drafts at once: a year of posts in one command.

Takes draft paths (files, or folders: their ``*.md`` files and each subfolder's
``draft.md``); checks each as ``check.check_draft`` would, in worker processes on every
core; returns one ``Post`` per draft, in the order given. Reads the drafts and their sources.

Sources shared by several posts are read and put in normal form once per run: the parent
reads every source file that more than one draft names before the workers start, and the
workers, forked from it, inherit those (``check.Shared``) instead of reading them again.
(Where processes cannot fork, each worker reads what its drafts need: the same verdicts.)
"""

from __future__ import annotations

import multiprocessing
import os
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from drafter.checker.check import Shared, check_draft, read_draft, read_draft_text, source_key
from drafter.checker.index import rules_for, shared_key
from drafter.checker.normalize import normal_text
from drafter.errors import DrafterError, InputError
from drafter.models import CheckResult
from drafter.sources import ingest
from drafter.sources.frontmatter import FrontMatterError

# A function of (result, the draft's text) run in the worker for each post, e.g. the HTML
# report: rendering there uses every core too. It must be a module-level function.
Render = Callable[[CheckResult, str], str]


@dataclass(frozen=True)
class Post:
    """One draft's outcome: its result (and rendered report), or the one-line error."""

    draft: Path
    result: CheckResult | None = None
    rendered: str = ""
    error: str = ""
    exit_code: int = 0


def expand(paths: Sequence[Path]) -> list[Path]:
    """Draft files named by ``paths``: files as given; from a folder, its ``*.md`` files and
    the ``draft.md`` of each folder in it (drafter's own draft folders), in name order,
    leaving out what is not a post: files a draft names as its sources, and drafter's own
    ``report.md`` and kept versions (``draft.v1.md``)."""
    out: list[Path] = []
    for p in paths:
        if not p.is_dir():
            out.append(p)
            continue
        found = [f for f in p.glob("*.md") if f.is_file() and not _drafters_own(f)]
        found += [d / "draft.md" for d in p.iterdir() if (d / "draft.md").is_file()]
        named: set[Path] = set()
        for f in found:
            named.update(q.resolve() for q in _named_sources(f))
        found = [f for f in found if f.resolve() not in named]
        if not found:
            raise InputError(str(p), "is a folder with no .md drafts in it")
        out += sorted(found)
    return list(dict.fromkeys(out))


def _drafters_own(path: Path) -> bool:
    return path.name == "report.md" or re.fullmatch(r"draft\.v\d+\.md", path.name) is not None


def _named_sources(draft: Path) -> list[Path]:
    """The source files a draft's front matter names ([] when it cannot be read: the check
    of that draft reports why)."""
    try:
        doc, _ = read_draft(draft)
        return ingest.draft_source_paths(draft, doc.meta)
    except (DrafterError, FrontMatterError, OSError):
        return []


# Filled in the parent before the pool forks, inherited by every worker.
_SHARED = Shared()
# What every draft is checked with: --source files, --strict, the library, the renderer,
# the quote style.
_Job = tuple[tuple[str, ...], bool, Path | None, Render | None, str]


def _check_one(job: _Job, draft: Path) -> Post:
    sources, strict, library, render, quote_style = job
    try:
        result = check_draft(
            draft,
            sources,
            strict=strict,
            library=library,
            quote_style=quote_style,
            shared=_SHARED,
        )
        rendered = render(result, read_draft_text(draft)) if render is not None else ""
    except DrafterError as exc:
        return Post(draft, error=str(exc), exit_code=exc.exit_code)
    return Post(draft, result, rendered)


def _preload(drafts: Sequence[Path], sources: Sequence[str]) -> None:
    """Read, once, every source file that more than one draft names (``--source`` files
    count for every draft) and put it in normal form, before the workers fork."""
    counts: dict[Path, int] = {}
    given = [source_key(s) for s in sources if not ingest.is_url(s)]
    for draft in drafts:
        for p in {*given, *(source_key(q) for q in _named_sources(draft))}:
            counts[p] = counts.get(p, 0) + 1
    _SHARED.keep = True
    for path, n in counts.items():
        if n < 2:
            continue  # read by the one worker that checks its draft
        try:
            (source,), _ = _SHARED.load([path])
        except (DrafterError, OSError):
            continue  # the worker reports it for its draft, as a single run would
        _SHARED.normal[shared_key(source)] = normal_text(source.text, rules_for(source))
    _SHARED.keep = False


def check_drafts(
    drafts: Sequence[Path],
    sources: Sequence[str] = (),
    *,
    strict: bool = False,
    library: Path | None = None,
    render: Render | None = None,
    jobs: int | None = None,
    quote_style: str = "auto",
) -> list[Post]:
    """Check every draft (as ``check_draft`` with the same options would), ``jobs``
    processes at a time (default: one per core). A draft that cannot be read is a ``Post``
    with its error line, and the others are still checked."""
    jobs = max(1, jobs or os.cpu_count() or 1)
    job: _Job = (tuple(sources), strict, library, render, quote_style)
    _SHARED.files.clear()
    _SHARED.normal.clear()
    _preload(drafts, sources)
    try:
        if jobs == 1 or len(drafts) == 1:
            return [_check_one(job, d) for d in drafts]
        # Fork: the workers inherit the sources read above instead of reading them again.
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        # Posts in order, a few at a time per task: neighbours often share sources.
        chunk = max(1, min(8, len(drafts) // (jobs * 4)))
        with ProcessPoolExecutor(jobs, mp_context=context) as pool:
            return list(pool.map(partial(_check_one, job), drafts, chunksize=chunk))
    finally:
        _SHARED.files.clear()
        _SHARED.normal.clear()


def report_name(draft: Path, drafts: Sequence[Path]) -> str:
    """The file name of a post's report in an output folder, unique across ``drafts``:
    its path below the drafts' common folder, with ``/`` as ``-`` (``767-draft.html``)."""
    common = Path(os.path.commonpath([d.resolve().parent for d in drafts]))
    rel = draft.resolve().relative_to(common).with_suffix("")
    return "-".join(rel.parts) + ".html"


def summary_rows(posts: Sequence[Post]) -> list[dict[str, object]]:
    """Per post: draft, quotes, passed, failed, warnings (unchecked quotes and the
    check's warnings), ok, or its error."""
    from drafter.checker.report import summary

    rows: list[dict[str, object]] = []
    for post in posts:
        if post.result is None:
            rows.append({"draft": str(post.draft), "error": post.error})
            continue
        s = summary(post.result)
        rows.append(
            {
                "draft": str(post.draft),
                "quotes": s["quotes"],
                "passed": s["passed"],
                "failed": s["failed"],
                "warnings": s["unchecked"] + len(post.result.warnings),
                "ok": post.result.ok,
            }
        )
    return rows


def to_text(posts: Sequence[Post]) -> str:
    """The summary table an editor reads in a terminal, one line per post and a total."""
    rows = summary_rows(posts)
    width = max([len("post"), *(len(str(r["draft"])) for r in rows)])
    lines = [f"{'post':<{width}}  {'quotes':>6}  {'passed':>6}  {'failed':>6}  {'warnings':>8}"]
    totals = [0, 0, 0, 0]
    for r in rows:
        if "error" in r:
            lines.append(f"{r['draft']:<{width}}  error: {r['error']}")
            continue
        counts = [int(str(r[k])) for k in ("quotes", "passed", "failed", "warnings")]
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        mark = "" if r["ok"] else "  ✗"
        lines.append(
            f"{r['draft']:<{width}}  {counts[0]:>6}  {counts[1]:>6}  {counts[2]:>6}  "
            f"{counts[3]:>8}{mark}"
        )
    lines.append(
        f"{'total':<{width}}  {totals[0]:>6}  {totals[1]:>6}  {totals[2]:>6}  {totals[3]:>8}"
    )
    return "\n".join(lines) + "\n" + summary_line(posts) + "\n"


def summary_line(posts: Sequence[Post]) -> str:
    failing = sum(1 for p in posts if p.result is not None and not p.result.ok)
    errors = sum(1 for p in posts if p.result is None)
    verdict = "FAIL" if failing or errors else "OK"
    line = f"{verdict}: {len(posts)} posts, {failing} with failing quotes"
    return line + (f", {errors} could not be checked" if errors else "")


def exit_code(posts: Sequence[Post]) -> int:
    """2 when a draft could not be checked, else 1 when a quote fails, else 0."""
    if any(p.result is None for p in posts):
        return max(p.exit_code for p in posts)
    return 0 if all(p.result is not None and p.result.ok for p in posts) else 1


def to_json(posts: Sequence[Post]) -> str:
    """``{"summary": {...}, "posts": [row + "report": the single-draft JSON report]}``."""
    import json

    from drafter.checker.report import to_dict

    rows = summary_rows(posts)
    for row, post in zip(rows, posts, strict=True):
        if post.result is not None:
            row["report"] = to_dict(post.result)
    failing = sum(1 for r in rows if r.get("ok") is False)
    summary = {"posts": len(rows), "failing": failing, "errors": sum("error" in r for r in rows)}
    return json.dumps({"summary": summary, "posts": rows}, ensure_ascii=False, indent=2) + "\n"


def to_markdown(posts: Sequence[Post]) -> str:
    """The summary table in Markdown."""
    lines = ["| post | quotes | passed | failed | warnings |", "|---|---:|---:|---:|---:|"]
    for r in summary_rows(posts):
        name = str(r["draft"]).replace("|", "\\|")
        if "error" in r:
            error = str(r["error"]).replace("|", "\\|")
            lines.append(f"| {name} | error: {error} | | | |")
        else:
            lines.append(
                f"| {name} | {r['quotes']} | {r['passed']} | {r['failed']} | {r['warnings']} |"
            )
    return "\n".join(lines) + "\n\n" + summary_line(posts) + "\n"
