"""``drafter draft`` and ``drafter revise``: the files around the drafting stages.

Reads the sources, writes their snapshots and passages into the output folder *before* any
model call, gets a structured answer from the model (``session``, ``repair``: the response
cache and the one bounded repair round) or from the offline drafter, keeps the draft it is
about to replace as ``draft.vN.md``, assembles and writes ``draft.md``, checks it, and writes
the provenance report (``report.md``, ``report.json``, ``report.html``) and ``run.json``
(model, prompt hashes, token usage, cost, timings). Every file is written atomically.
The clock, the progress callback and the client factory are passed in.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from drafter.checker import report
from drafter.drafting import compose, contracts, prompting, repair
from drafter.drafting.pricing import Usage
from drafter.drafting.runlog import RunLog
from drafter.drafting.session import Call, ClientFactory, Progress, Session
from drafter.errors import (
    InputError,
    ModelAnswerError,
    ModelServiceError,
    OutputExistsError,
    UsageError,
)
from drafter.fsutil import keep_version, refuse_input, write_atomic
from drafter.models import CheckResult, Passage, Source
from drafter.profile import RTZ, Profile
from drafter.publishing import render
from drafter.publishing import report_html as report_html_module
from drafter.sources import frontmatter, ids, ingest
from drafter.sources.chunk import chunk


@dataclass(frozen=True)
class DraftJob:
    """What ``drafter draft`` was asked to do."""

    sources: tuple[Path | str, ...]  # files, or http(s) URLs
    angle: str
    notes: Path | None = None
    number: int | None = None
    out: Path | None = None
    model: str | None = None
    offline: bool = False
    force: bool = False
    profile: Profile = RTZ  # the newsletter: title pattern, sign-off, disclaimer, quote marks
    effort: str | None = None  # low | medium | high: output_config.effort, when given
    log: Path | None = None  # the run log (SQLite) every model call is appended to
    allow_private: bool = False  # fetch URL sources on loopback/private addresses too


@dataclass(frozen=True)
class Outcome:
    """Where everything went and how the check came out."""

    folder: Path
    draft: Path
    report_md: Path
    report_json: Path
    run_json: Path
    report_html: Path
    draft_html: Path | None  # None while a quote fails or a TK slot is left: the gate
    result: CheckResult
    drafted_by: str
    calls: tuple[Call, ...]
    removed: tuple[compose.Problem, ...]
    previous: Path | None = None

    @property
    def usage(self) -> Usage:
        total = Usage()
        for c in self.calls:
            total += c.usage
        return total

    @property
    def cost_usd(self) -> float | None:
        costs = [c.cost_usd for c in self.calls]
        return None if any(c is None for c in costs) else sum(c for c in costs if c is not None)


# The files a draft run writes into its folder (besides sources/ and earlier versions).
OUTPUTS = (
    "draft.md",
    "draft.html",
    "report.md",
    "report.json",
    "report.html",
    "run.json",
    "passages.json",
    "partial-answer.json",
)


# --- shared steps -----------------------------------------------------------------------


def _slug(text: str) -> str:
    words = ids.slug(text).split("-")[:6]
    return "-".join(words) or "draft"


def _snapshot(folder: Path, sources: Sequence[Source]) -> list[dict[str, Any]]:
    """Copy each source into ``folder/sources/`` and return the front-matter entries."""
    entries = []
    for s in sources:
        original = Path(s.path) if s.path and not ingest.is_url(s.path) else None
        if original is not None and original.suffix.lower() in (".txt", ".md", ".markdown"):
            # ids.slug again: the id becomes a file name, which must stay in the folder.
            target = folder / "sources" / f"{ids.slug(s.id)}{original.suffix}"
            if original.resolve() != target.resolve():
                text, _ = ingest.read_text(original)
                write_atomic(target, text)
        else:
            # A web page or an HTML file: keep the extracted text and its metadata, which
            # is exactly what was quoted (and has the same sha256), as a Markdown snapshot.
            target = folder / "sources" / f"{ids.slug(s.id)}.md"
            meta = {k: getattr(s, k) for k in ingest.META_FIELDS if getattr(s, k)}
            write_atomic(target, frontmatter.dump({"id": s.id, **meta}, s.text))
        entry: dict[str, Any] = {"id": s.id, "path": target.relative_to(folder).as_posix()}
        if s.url:
            entry["url"] = s.url
        if s.title:
            entry["title"] = s.title
        entry["sha256"] = s.sha256
        entries.append(entry)
    return entries


def _refuse_snapshots_on_inputs(
    folder: Path, sources: Sequence[Source], inputs: Sequence[Path | str]
) -> None:
    """Refuse (exit 2, before anything is written) a snapshot ``_snapshot`` would write over
    one of ``inputs``: the notes, or another source, kept in ``folder/sources/``."""
    for s in sources:
        original = Path(s.path) if s.path and not ingest.is_url(s.path) else None
        copied = original is not None and original.suffix.lower() in (".txt", ".md", ".markdown")
        suffix = original.suffix if copied and original is not None else ".md"
        for name in dict.fromkeys((s.id, ids.slug(s.id))):  # as given, and as a file name
            target = folder / "sources" / f"{name}{suffix}"
            if copied and original is not None and original.resolve() == target.resolve():
                continue  # the source is its own snapshot: it is not written
            refuse_input(target, inputs, "choose another -d/--out-dir")


def _write_passages(folder: Path, passages: Sequence[Passage]) -> None:
    write_atomic(
        folder / "passages.json",
        json.dumps(
            [
                {"id": p.id, "source": p.source_id, "start": p.start, "end": p.end, "text": p.text}
                for p in passages
            ],
            ensure_ascii=False,
            indent=1,
        )
        + "\n",
    )


def _finish(
    *,
    folder: Path,
    draft_path: Path,
    meta: dict[str, Any],
    answer: compose.Answer,
    removed: Sequence[compose.Problem],
    passages: Mapping[str, Passage],
    sources: Sequence[Source],
    overwrite: bool,
    note: str,
    run: dict[str, Any],
    calls: Sequence[Call],
    drafted_by: str,
    clock: Callable[[], float],
    started: float,
    previous: Path | None = None,
    profile: Profile = RTZ,
    settled: bool = True,
) -> Outcome:
    """Write ``draft.md``, check it as written, and write the report and ``run.json``.

    ``settled``: whether ``answer`` has been through ``repair`` (a model's answer has).
    The offline drafter's has not: its draft is written and checked first, and only when
    that check finds something failing is the answer settled (``repair.settle``, exactly as
    before a write) and, if that removed a block, written and checked again. The draft that
    passes, the common case, is checked once (issue 13)."""
    from drafter.checker.check import check_draft

    def write(answer: compose.Answer, overwrite: bool) -> None:
        resolved = compose.resolve(answer, passages, sources, profile)
        assembled = compose.assemble(resolved, note=note, profile=profile)
        text = frontmatter.dump({"title": assembled.title, **meta}, assembled.markdown)
        write_atomic(draft_path, text, overwrite=overwrite)

    write(answer, overwrite)
    checked_at = clock()
    result = check_draft(draft_path, [], quote_style=profile.checking_style)
    if not settled and not repair.written_draft_passes(answer, passages, result.checks):
        answer, removed = repair.settle(answer, passages, sources, profile)
        if removed:
            write(answer, overwrite=True)  # over the draft this run has just written
            result = check_draft(draft_path, [], quote_style=profile.checking_style)
    check_seconds = clock() - checked_at

    report_md = folder / "report.md"
    report_json = folder / "report.json"
    write_atomic(report_md, report.to_markdown(result) + repair.report_section(removed))
    data = json.loads(report.to_json(result))
    data["removed"] = [p.to_dict() for p in removed]
    write_atomic(report_json, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    draft_text = draft_path.read_text(encoding="utf-8")
    report_html = folder / "report.html"
    write_atomic(report_html, report_html_module.to_html(result, draft_text))
    draft_html = _render_html(folder, draft_path, draft_text, result)

    outcome = Outcome(
        folder=folder,
        draft=draft_path,
        report_md=report_md,
        report_json=report_json,
        run_json=folder / "run.json",
        report_html=report_html,
        draft_html=draft_html,
        result=result,
        drafted_by=drafted_by,
        calls=tuple(calls),
        removed=tuple(removed),
        previous=previous,
    )
    run.update(
        {
            "status": "ok" if result.ok else "check_failed",
            "draft": draft_path.name,
            "previous": previous.name if previous else None,
            "calls": [c.to_dict() for c in calls],
            "usage": outcome.usage.to_dict(),
            "cost_usd": outcome.cost_usd,
            "removed": [p.to_dict() for p in removed],
            "check": report.summary(result),
            "timings": {
                "model_seconds": round(sum(c.seconds for c in calls), 3),
                "check_seconds": round(check_seconds, 3),
                "total_seconds": round(clock() - started, 3),
            },
        }
    )
    _write_run(folder, run)
    return outcome


def _write_run(folder: Path, run: dict[str, Any]) -> None:
    """Write ``run.json``, keeping the runs before it (an earlier draft, each revision) in
    its ``history``, oldest first: a revision never loses the record of the draft."""
    path = folder / "run.json"
    try:
        before = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        before = None
    if isinstance(before, dict):
        history = before.pop("history", [])
        run["history"] = [*(history if isinstance(history, list) else []), before]
    write_atomic(path, json.dumps(run, ensure_ascii=False, indent=2) + "\n")


def _failed(folder: Path, run: dict[str, Any], session: Session, exc: ModelServiceError) -> None:
    """Keep what the failed run did: the partial answer and the calls that completed."""
    if isinstance(exc, ModelAnswerError) and exc.partial is not None:
        write_atomic(
            folder / "partial-answer.json",
            json.dumps({"error": str(exc), "partial": exc.partial}, ensure_ascii=False, indent=1),
        )
    run.update(
        {
            "status": "model_failed",
            "error": str(exc),
            "calls": [c.to_dict() for c in session.calls],
        }
    )
    _write_run(folder, run)


def _render_html(folder: Path, draft_path: Path, text: str, result: CheckResult) -> Path | None:
    """``draft.html`` through the render gate: only when every quote passes and no
    placeholder (``[TK: …]``) is left.

    A ``draft.html`` left from an earlier version of the draft would no longer match it, so a
    failing draft takes it away rather than leaving a publishable-looking stale page.
    """
    target = folder / f"{draft_path.stem}.html"
    if not result.publishable:
        target.unlink(missing_ok=True)
        return None
    write_atomic(target, render.render(text, result, fallback_title=draft_path.stem).html)
    return target


def _load_sources(
    paths: Sequence[Path | str], progress: Progress, allow_private: bool = False
) -> tuple[Source, ...]:
    sources, warnings = ingest.load_sources(paths, allow_private=allow_private)
    for w in warnings:
        progress(f"warning: {w}")
    return sources


def _passages(sources: Sequence[Source]) -> dict[str, Passage]:
    return {p.id: p for s in sources for p in chunk(s)}


def _ask_model(
    folder: Path,
    run: dict[str, Any],
    first: dict[str, Any],
    passages: Mapping[str, Passage],
    sources: Sequence[Source],
    session: Session,
    profile: Profile = RTZ,
) -> tuple[compose.Answer, tuple[compose.Problem, ...]]:
    """The model's checked answer; on a model failure, what the run did is kept first."""
    try:
        return repair.model_answer(session, first, passages, sources, profile)
    except ModelServiceError as exc:
        _failed(folder, run, session, exc)
        raise


# --- the commands -----------------------------------------------------------------------


def run_draft(
    job: DraftJob,
    *,
    api_key: str | None,
    progress: Progress,
    client_factory: ClientFactory | None = None,
    clock: Callable[[], float] = time.monotonic,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Outcome:
    started = clock()
    if not job.sources:
        raise UsageError("draft needs at least one SOURCE file")
    if not job.angle.strip():
        raise UsageError("--angle is empty: say in a sentence what the post is about")
    if job.number is not None and job.number < 1:
        raise UsageError("--number must be a whole number from 1 (the post's #N)")
    notes = ""
    if job.notes is not None:
        notes, _ = ingest.read_text(job.notes)
    folder = job.out or Path("drafts") / (
        str(job.number) if job.number is not None else _slug(job.angle)
    )
    draft_path = folder / "draft.md"
    inputs = [*job.sources, *([job.notes] if job.notes is not None else [])]
    for name in OUTPUTS:  # a source or the notes in the output folder under an output's name
        refuse_input(folder / name, inputs, "choose another -d/--out-dir")
    if draft_path.exists() and not job.force:
        raise OutputExistsError(str(draft_path))
    # The model is settled before anything is written: a model drafter will not use is exit 2.
    choice = (
        None
        if job.offline or not api_key
        else choose_model(
            job.model or contracts.default_model(job.profile.model), job.effort, progress
        )
    )
    sources = _load_sources(job.sources, progress, job.allow_private)
    passages = _passages(sources)

    # The sources and passages go to disk before any model call: a failure keeps them.
    _refuse_snapshots_on_inputs(folder, sources, inputs)
    entries = _snapshot(folder, sources)
    _write_passages(folder, list(passages.values()))

    run: dict[str, Any] = {
        "command": "draft",
        "started_at": now().isoformat(timespec="seconds"),
        "angle": job.angle,
        "number": job.number,
        "sources": entries,
        "passages": len(passages),
    }
    meta: dict[str, Any] = {"sources": entries}
    calls: Sequence[Call] = ()
    if choice is None:
        why = "--offline" if job.offline else "no ANTHROPIC_API_KEY in the environment"
        progress(f"offline drafter ({why}): no model; commentary is left as [TK: …] slots")
        from drafter.drafting import offline as offline_drafter

        answer = offline_drafter.draft(
            sources, list(passages.values()), job.angle, job.number, job.profile
        )
        # Not settled here: ``_finish`` checks the written draft first (``settled=False``).
        removed: tuple[compose.Problem, ...] = ()
        settled = False
        run.update({"drafted_by": "offline", "model": None, "prompts": {}})
        drafted_by = "offline"
        note = "drafter offline draft: replace every [TK: …] slot with your own words."
    else:
        model = choice.model
        first, prompts = _request(
            choice,
            job.effort,
            sources,
            passages,
            "draft_task.j2",
            number=job.number,
            progress=progress,
            angle=job.angle,
            notes=notes.strip(),
        )
        run.update(
            {
                "drafted_by": "model",
                "prompts": dict(prompts.hashes),
                **_settings(choice, job.effort),
            }
        )
        session = Session(
            folder,
            str(api_key),
            progress,
            clock,
            client_factory,
            command="draft",
            log=_log(job.log),
            now=now,
        )
        answer, removed = _ask_model(folder, run, first, passages, sources, session, job.profile)
        answer = compose.house_title(answer, job.number, job.profile)
        drafted_by, note, calls = model, "", session.calls
        settled = True
    meta["drafter"] = {"drafted_by": drafted_by, "number": job.number, "angle": job.angle}
    return _finish(
        profile=job.profile,
        previous=_keep_previous(draft_path) if job.force else None,
        folder=folder,
        draft_path=draft_path,
        meta=meta,
        answer=answer,
        removed=removed,
        passages=passages,
        sources=sources,
        overwrite=job.force,
        note=note,
        run=run,
        calls=calls,
        drafted_by=drafted_by,
        clock=clock,
        started=started,
        settled=settled,
    )


def choose_model(model: str | None, effort: str | None, progress: Progress) -> contracts.Choice:
    """The model (``model``, else the pinned default) and its contract; a model drafter will
    not draft with, a blank id or one with spaces inside, or an ``effort`` its contract does
    not take, is a usage error (exit 2): caught here, before any request is paid for."""
    name = (model or contracts.default_model()).strip()
    if not name or any(c.isspace() for c in name):
        raise UsageError(
            f"model {model!r} (--model/-m or DRAFTER_MODEL): not a model id (blank, or with "
            "spaces); `drafter models` lists the known ones"
        )
    choice = contracts.contract_for(name)
    why = contracts.refusal(choice.model)
    if why:
        raise UsageError(
            f"model {choice.model} (--model/-m or DRAFTER_MODEL): drafter does not draft with "
            f"it: {why}"
        )
    if effort is not None and choice.contract.effort_default is None:
        raise UsageError(
            f"--effort {effort}: {choice.model} takes no effort setting "
            f"({choice.contract.family}); leave --effort out"
        )
    if choice.note:
        progress(f"note: {choice.note}")
    return choice


def _settings(choice: contracts.Choice, effort: str | None) -> dict[str, Any]:
    """What run.json records of the model's contract."""
    c = choice.contract
    return {
        "model": choice.model,
        "contract": c.family,
        "effort": effort or c.effort_default,
        "max_tokens": c.max_tokens,
    }


def _log(path: Path | None) -> RunLog | None:
    return RunLog(path) if path is not None else None


def _request(
    choice: contracts.Choice,
    effort: str | None,
    sources: Sequence[Source],
    passages: Mapping[str, Passage],
    task_template: str,
    *,
    number: int | None,
    progress: Progress,
    **values: str,
) -> tuple[dict[str, Any], prompting.Prompts]:
    """The first Messages API request of a draft or a revision, and the prompts it used."""
    prompts = prompting.load_prompts()
    task = prompting.render(
        task_template, number=str(number) if number is not None else "<number>", **values
    )
    passages_text = prompting.passages_text(sources, list(passages.values()))
    req = prompting.request(choice.contract, choice.model, prompts, passages_text, task, effort)
    # The prompt cache only takes a prefix of the model's minimum size; say so rather than let
    # the revise and repair rounds quietly pay full price for it.
    prefix = prompting.estimated_tokens(prompts.system, prompts.exemplar, passages_text)
    if prefix < choice.contract.cache_min_tokens:
        progress(
            f"note: the cached prefix (about {prefix:,} tokens) is under {choice.model}'s prompt-"
            f"cache minimum ({choice.contract.cache_min_tokens:,}); it will be sent uncached"
        )
    return req, prompts


def _keep_previous(draft_path: Path) -> Path | None:
    """Keep the draft about to be replaced as ``draft.vN.md`` (the next free N): the
    writer's hand edits are never lost to ``--force`` or ``revise``."""
    return keep_version(draft_path)


def run_revise(
    draft_path: Path,
    note: str,
    *,
    api_key: str | None,
    model: str | None = None,
    effort: str | None = None,
    log: Path | None = None,
    progress: Progress,
    client_factory: ClientFactory | None = None,
    clock: Callable[[], float] = time.monotonic,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    profile: Profile = RTZ,
) -> Outcome:
    from drafter.checker.check import read_draft

    started = clock()
    if not note.strip():
        raise UsageError("--note is empty: say what the revision should change")
    doc, warnings = read_draft(draft_path)
    for w in warnings:
        progress(f"warning: {w}")
    paths = ingest.draft_source_paths(draft_path, doc.meta)
    if not paths:
        raise InputError(str(draft_path), "lists no sources in its front matter; revise needs them")
    outputs = [draft_path, draft_path.with_suffix(".html")]
    outputs += [draft_path.parent / name for name in OUTPUTS]
    for out in outputs:  # a source under an output's name (the draft itself, a report)
        refuse_input(out, paths, "rename the source")
    if not api_key:
        raise UsageError(
            "revise needs the model: set ANTHROPIC_API_KEY (the offline drafter only drafts)"
        )
    choice = choose_model(model or contracts.default_model(profile.model), effort, progress)
    folder = draft_path.parent
    sources = _load_sources(paths, progress)
    passages = _passages(sources)
    _write_passages(folder, list(passages.values()))
    raw_settings = doc.meta.get("drafter")
    settings: dict[str, Any] = raw_settings if isinstance(raw_settings, dict) else {}
    number = settings.get("number")
    if not isinstance(number, int):  # a draft drafter did not make: the number is in its title
        heading = re.search(r"^#\s+(.+)$", doc.body, re.M)
        title = str(doc.meta.get("title") or (heading.group(1) if heading else ""))
        found = profile.split_title(title)[1]
        number = int(found) if found else None
    first, prompts = _request(
        choice,
        effort,
        sources,
        passages,
        "revise_task.j2",
        number=number,
        progress=progress,
        draft=doc.body.strip(),
        note=note.strip(),
    )
    entries = [e for e in doc.meta.get("sources", []) if isinstance(e, dict)]
    run: dict[str, Any] = {
        "command": "revise",
        "started_at": now().isoformat(timespec="seconds"),
        "note": note,
        "number": number,
        "sources": entries,
        "passages": len(passages),
        "drafted_by": "model",
        "prompts": dict(prompts.hashes),
        **_settings(choice, effort),
    }
    session = Session(
        folder, api_key, progress, clock, client_factory, command="revise", log=_log(log), now=now
    )
    answer, removed = _ask_model(folder, run, first, passages, sources, session, profile)
    answer = compose.house_title(answer, number, profile)
    # Keep the writer's current version beside the new one before replacing it.
    previous = _keep_previous(draft_path)
    if previous is None:
        raise InputError(str(draft_path), "no such file")
    meta = {k: v for k, v in doc.meta.items() if k != "title"}
    meta["drafter"] = {**settings, "drafted_by": choice.model, "revised_from": previous.name}
    return _finish(
        folder=folder,
        draft_path=draft_path,
        meta=meta,
        answer=answer,
        removed=removed,
        passages=passages,
        sources=sources,
        overwrite=True,
        note="",
        run=run,
        calls=session.calls,
        drafted_by=choice.model,
        clock=clock,
        started=started,
        previous=previous,
        profile=profile,
    )
