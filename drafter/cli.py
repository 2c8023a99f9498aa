"""The command line. The only module that imports click; each command parses its options,
calls one function of the pipeline and writes what it returns. Errors are caught in one
place (``_Group.invoke``) and become one line on stderr and their exit code."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from drafter import __version__
from drafter.errors import EXIT_BAD_INPUT, EXIT_CHECK_FAILED, DrafterError, UsageError

if TYPE_CHECKING:
    from drafter.sources.library import Entry, Library

_PATH = click.Path(path_type=Path)


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DrafterError as exc:
            click.echo(f"drafter: error: {exc}", err=True)
            ctx.exit(exc.exit_code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="drafter")
def main() -> None:
    """Draft newsletter posts in the house style, with every quote proven against its source."""


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    from drafter.fsutil import write_atomic

    write_atomic(output, text)
    click.echo(f"wrote {output}", err=True)


# Sources are strings, not click.Path: a Path would turn "https://x" into "https:/x".
_LIBRARY_FLAG = "\0default"  # `--library` given without a path
_LIBRARY = click.option(
    "--library",
    "library",
    is_flag=False,
    flag_value=_LIBRARY_FLAG,
    default=None,
    metavar="[PATH]",
    help="Also check against the source library (default .drafter/library.sqlite, "
    "or $DRAFTER_LIBRARY). Put it after DRAFT.",
)
_SOURCES = click.option(
    "--source",
    "sources",
    multiple=True,
    metavar="FILE|URL",
    help="A source article (.txt, .md, .html or an http(s) URL); repeat for several.",
)


@main.command()
@click.argument("drafts", nargs=-1, required=True, type=_PATH)
@_SOURCES
@_LIBRARY
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "md", "html"]),
    default="text",
    show_default=True,
    help="Report format.",
)
@click.option(
    "--output",
    "-o",
    type=_PATH,
    help="Write the report to FILE instead of stdout (with many drafts and --format html: "
    "a folder, with index.html and one report per post).",
)
@click.option("--strict", is_flag=True, help="Fail unchecked scare quotes and short terms too.")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="With many drafts: processes at a time (default: one per core).",
)
def check(
    drafts: tuple[Path, ...],
    sources: tuple[str, ...],
    library: str | None,
    fmt: str,
    output: Path | None,
    strict: bool,
    jobs: int | None,
) -> None:
    """Prove where every quote of DRAFTS is in their sources, or say why it is not.

    DRAFTS are Markdown files or folders of them (`drafter check posts/*.md`, `drafter check
    posts/`); with more than one, every core checks them and one summary table (per post:
    quotes, passed, failed, warnings) is printed. Exit 0 when every quote passes, 1 when any
    fails (the report is written in full first), 2 when a draft cannot be read.
    """
    from drafter.checker import report
    from drafter.checker.check import check_draft

    if len(drafts) > 1 or drafts[0].is_dir():
        _check_many(drafts, sources, _library_path(library), fmt, output, strict, jobs)
        return
    (draft,) = drafts
    result = check_draft(draft, sources, strict=strict, library=_library_path(library))
    if fmt == "json":
        text = report.to_json(result)
    elif fmt == "md":
        text = report.to_markdown(result)
    elif fmt == "html":
        from drafter.checker.check import read_draft_text
        from drafter.publishing import report_html

        text = report_html.to_html(result, read_draft_text(draft))
    else:
        text = report.to_text(result, color=output is None and sys.stdout.isatty())
    _emit(text, output)
    if output is not None or fmt != "text":
        click.echo(report.summary_line(result), err=True)
    if not result.ok:
        sys.exit(EXIT_CHECK_FAILED)


def _check_many(
    paths: tuple[Path, ...],
    sources: tuple[str, ...],
    library: Path | None,
    fmt: str,
    output: Path | None,
    strict: bool,
    jobs: int | None,
) -> None:
    """`drafter check` with many drafts: one run on every core, one summary."""
    from drafter.checker import archive

    drafts = archive.expand(list(paths))
    if fmt == "html" and output is None:
        raise UsageError("--format html with many drafts needs --output DIR (a folder)")
    render = None
    if fmt == "html":
        from drafter.publishing import report_html

        render = report_html.to_html
    posts = archive.check_drafts(
        drafts, sources, strict=strict, library=library, render=render, jobs=jobs
    )
    if fmt == "html":
        assert output is not None
        from drafter.publishing.archive_html import write_reports

        write_reports(output, posts, drafts)
        click.echo(f"wrote {output / 'index.html'}", err=True)
    else:
        text = {"json": archive.to_json, "md": archive.to_markdown}.get(fmt, archive.to_text)
        _emit(text(posts), output)
    if output is not None or fmt != "text":
        click.echo(archive.summary_line(posts), err=True)
    code = archive.exit_code(posts)
    if code:
        sys.exit(code)


def _library_path(library: str | None) -> Path | None:
    if library is None:
        return None
    from drafter.sources.library import default_path

    return default_path(None if library == _LIBRARY_FLAG else Path(library))


@main.command()
@click.argument("draft", type=_PATH)
@_SOURCES
@_LIBRARY
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "html", "fragment"]),
    default="html",
    show_default=True,
    help="md: the post's Markdown; html: a standalone preview page (email-ready); "
    "fragment: clean HTML to paste into a newsletter editor.",
)
@click.option("--out", "-o", type=_PATH, help="Write to FILE instead of stdout.")
@click.option("--force", is_flag=True, help="Render even with failing quotes (they are marked).")
@click.option("--copy", is_flag=True, help="Also put the fragment on the clipboard as rich text.")
@click.option("--strict", is_flag=True, help="Fail unchecked scare quotes and short terms too.")
def render(
    draft: Path,
    sources: tuple[str, ...],
    library: str | None,
    fmt: str,
    out: Path | None,
    force: bool,
    copy: bool,
    strict: bool,
) -> None:
    """Render DRAFT for publication, only when every quote passes the check.

    Exit 1 with the check's report (and no output) while a quote fails, unless --force.
    """
    from drafter.checker import report
    from drafter.checker.check import check_draft, read_draft_text
    from drafter.errors import InputError
    from drafter.publishing.render import render as render_post

    text = read_draft_text(draft)
    result = check_draft(draft, sources, strict=strict, library=_library_path(library))
    if read_draft_text(draft) != text:
        # What is rendered must be what was checked (a lead-in edited meanwhile could make
        # a quote misattributed while its text, all the read-back compares, stays the same).
        raise InputError(str(draft), "changed while it was being checked; render it again")
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    if not result.ok and not force:
        click.echo(report.to_text(result, color=sys.stderr.isatty()), err=True, nl=False)
        click.echo(
            f"drafter: not rendered: {len(result.failed)} quote(s) fail the check; fix them or "
            "pass --force to render with them marked",
            err=True,
        )
        sys.exit(EXIT_CHECK_FAILED)
    rendered = render_post(text, result, force=force, fallback_title=draft.stem)
    if not result.ok:
        click.echo(
            f"warning: forced: {len(result.failed)} failing quote(s) are marked in the output; "
            "do not publish it as it is",
            err=True,
        )
    _emit(rendered.get(fmt), out)
    if copy:
        from drafter.publishing.clipboard import copy_html

        click.echo(copy_html(rendered.fragment), err=True)


@main.command()
@click.argument("source", metavar="SOURCE")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def chunk(source: str, fmt: str) -> None:
    """Show the passages of SOURCE (a file or an http(s) URL) with their ids and offsets."""
    from drafter.sources.chunk import chunk as cut
    from drafter.sources.ingest import load_ref

    src, warning = load_ref(source)
    if warning:
        click.echo(f"warning: {warning}", err=True)
    passages = cut(src)
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "source": {
                        "id": src.id,
                        "title": src.title,
                        "sha256": src.sha256,
                        "chars": len(src.text),
                    },
                    "passages": [
                        {"id": p.id, "start": p.start, "end": p.end, "text": p.text}
                        for p in passages
                    ],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    click.echo(
        f"{src.id}: {src.title or src.path} ({len(passages)} passages, sha256 {src.sha256[:12]})"
    )
    for p in passages:
        click.echo(f"{p.id:>12} [{p.start}:{p.end}] {p.text[:70]}{'…' if len(p.text) > 70 else ''}")


# --- drafting: `draft` and `revise` (drafter/draft.py does the work) ---------------------


class _Progress:
    """Progress on stderr. On a terminal the model's running counts ("model: …") overwrite
    one line instead of scrolling; in a log every message is its own line."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.open_line = False

    def __call__(self, message: str) -> None:
        if self.tty and message.startswith("model: "):
            click.echo(f"\r\x1b[K{message}", err=True, nl=False)
            self.open_line = True
            return
        if self.open_line:
            click.echo("", err=True)
            self.open_line = False
        click.echo(message, err=True)

    def close(self) -> None:
        if self.open_line:
            click.echo("", err=True)
            self.open_line = False


def _print_outcome(outcome: Any) -> None:
    from drafter.checker import report
    from drafter.drafting.pricing import cache_savings, describe

    click.echo(f"draft:   {outcome.draft}")
    if outcome.previous is not None:
        click.echo(f"previous version kept as {outcome.previous}")
    click.echo(
        f"report:  {outcome.report_md} (and {outcome.report_json.name}, "
        f"{outcome.report_html.name} for the browser)"
    )
    if outcome.draft_html is not None:
        click.echo(f"html:    {outcome.draft_html}")
    else:
        click.echo("html:    not rendered while a quote fails (see the report)")
    click.echo(f"run:     {outcome.run_json}")
    slots = outcome.draft.read_text(encoding="utf-8").count("[TK:")
    if slots:
        click.echo(f"todo:    {slots} [TK: …] slots to fill in before it is publishable")
    if outcome.calls:
        usage = outcome.usage
        click.echo("tokens:  " + describe(outcome.drafted_by, usage, outcome.cost_usd))
        saved = cache_savings(outcome.drafted_by, usage)
        if usage.cache_read_input_tokens and saved is not None:
            click.echo(
                f"cache:   {usage.cache_read_input_tokens:,} prompt tokens read from the prompt "
                f"cache, ${saved:.4f} less than sending them fresh"
            )
    if outcome.removed:
        click.echo(
            f"removed: {len(outcome.removed)} block(s) that failed the check (listed in the report)"
        )
    click.echo(report.summary_line(outcome.result))


@main.command()
@click.argument("sources", nargs=-1, required=True, metavar="SOURCES…")
@click.option("--angle", required=True, help="What the post is about, in a sentence.")
@click.option("--notes", type=_PATH, metavar="FILE", help="The writer's notes for the model.")
@click.option("--number", type=int, help="The post's number (RTZ #N); names the output folder.")
@click.option(
    "--out", type=_PATH, metavar="DIR", help="Output folder [default: drafts/N or drafts/<angle>]."
)
@click.option(
    "--model",
    envvar="DRAFTER_MODEL",
    help="Claude model [env DRAFTER_MODEL; default: the newest Sonnet the SDK lists].",
)
@click.option("--offline", is_flag=True, help="Use the offline drafter (no model, no key).")
@click.option("--force", is_flag=True, help="Replace an existing draft.md.")
def draft(
    sources: tuple[str, ...],
    angle: str,
    notes: Path | None,
    number: int | None,
    out: Path | None,
    model: str | None,
    offline: bool,
    force: bool,
) -> None:
    """Draft a post in the house style from SOURCES (files or http(s) URLs), check it, and
    write the report.

    Uses Claude with ANTHROPIC_API_KEY; without a key (or with --offline) the offline drafter
    picks the quotes and leaves [TK: …] slots for the commentary. Exit 0 when every quote
    passes, 1 when any fails, 3 when the model service fails (rerun to resume).
    """
    import os

    from drafter.drafting.draft import DraftJob, run_draft
    from drafter.sources.ingest import is_url

    refs = tuple(ref if is_url(ref) else Path(ref) for ref in sources)
    job = DraftJob(refs, angle, notes, number, out, model, offline, force)
    progress = _Progress()
    try:
        outcome = run_draft(job, api_key=os.environ.get("ANTHROPIC_API_KEY"), progress=progress)
    finally:
        progress.close()
    _print_outcome(outcome)
    if not outcome.result.ok:
        sys.exit(EXIT_CHECK_FAILED)


@main.command()
@click.argument("draft_path", metavar="DRAFT", type=_PATH)
@click.option("--note", required=True, help="What the revision should change.")
@click.option(
    "--model",
    envvar="DRAFTER_MODEL",
    help="Claude model [env DRAFTER_MODEL; default: the newest Sonnet the SDK lists].",
)
def revise(draft_path: Path, note: str, model: str | None) -> None:
    """Revise DRAFT (possibly hand-edited) with the model, keeping the old version beside it
    as draft.v1.md, draft.v2.md, …; then check the new one."""
    import os

    from drafter.drafting.draft import run_revise

    progress = _Progress()
    try:
        outcome = run_revise(
            draft_path,
            note,
            api_key=os.environ.get("ANTHROPIC_API_KEY"),
            model=model,
            progress=progress,
        )
    finally:
        progress.close()
    _print_outcome(outcome)
    if not outcome.result.ok:
        sys.exit(EXIT_CHECK_FAILED)


# --- the source library ---------------------------------------------------------------------

_library_option = click.option(
    "--library",
    "library",
    type=_PATH,
    default=None,
    metavar="PATH",
    help="The library file (default .drafter/library.sqlite, or $DRAFTER_LIBRARY).",
)


@main.group()
def sources() -> None:
    """The source library: add files and URLs once, search them, check drafts against them."""


def _open(library: Path | None, *, create: bool = False) -> Library:
    from drafter.sources.library import Library, default_path

    return Library(default_path(library), create=create)


def _describe(entry: Entry) -> str:
    pub = f"{entry.publication} " if entry.publication else ""
    title = f"“{entry.title}”" if entry.title else entry.origin
    return f"{pub}{title}"


@sources.command("add")
@click.argument("refs", nargs=-1, required=True, metavar="FILE|URL…")
@_library_option
def sources_add(refs: tuple[str, ...], library: Path | None) -> None:
    """Add files (.txt, .md, .html) and web pages to the library.

    Each source is fetched and extracted completely before it is stored, in one transaction:
    a source that fails adds nothing. The others are still added; the exit code is 2 if any
    failed.
    """
    from contextlib import ExitStack

    from drafter.sources.ingest import load_snapshot
    from drafter.sources.library import default_path

    failed = 0
    lib: Library | None = None
    with ExitStack() as stack:
        if default_path(library).exists():  # a library that cannot be used stops us early
            lib = stack.enter_context(_open(library, create=True))
        for ref in refs:
            try:
                snap = load_snapshot(ref)
            except DrafterError as exc:
                click.echo(f"drafter: error: {exc}", err=True)
                failed += 1
                continue
            if snap.warning:
                click.echo(f"warning: {snap.warning}", err=True)
            # Opened (and made, the first time) once there is something to store, so an add
            # that fails leaves no empty library behind; one that cannot be opened stops here.
            lib = lib or stack.enter_context(_open(library, create=True))
            try:
                added = lib.add(snap)
            except DrafterError as exc:
                click.echo(f"drafter: error: {exc}", err=True)
                failed += 1
                continue
            e = added.entry
            if added.status == "unchanged":
                click.echo(f"unchanged {e.id}: already in the library ({_describe(e)})")
            else:
                what = (
                    f"added {e.id}"
                    if added.status == "added"
                    else (f"added {e.id} (version {e.version}: the content changed)")
                )
                click.echo(f"{what}: {_describe(e)}, {e.passage_count} passages")
    if failed:
        sys.exit(EXIT_BAD_INPUT)


@sources.command("list")
@_library_option
def sources_list(library: Path | None) -> None:
    """Every snapshot in the library, oldest first."""
    with _open(library) as lib:
        entries = lib.entries()
    if not entries:
        click.echo("the library is empty; add sources with `drafter sources add FILE|URL`")
    for e in entries:
        version = f" v{e.version}" if e.version > 1 else ""
        click.echo(
            f"{e.id:<20} {e.retrieved_at[:10]}{version:<4} {_describe(e)} "
            f"({e.passage_count} passages) {e.url or e.retrieved_from}"
        )


@sources.command("show")
@click.argument("source_id", metavar="ID")
@_library_option
def sources_show(source_id: str, library: Path | None) -> None:
    """A snapshot's metadata and its passages."""
    from drafter.errors import InputError

    with _open(library) as lib:
        e = lib.entry(source_id)
        if e is None:
            raise InputError(source_id, f"no such source in the library {lib.path}")
        passages = lib.passages(source_id)
        newest = lib.latest(e)
    for label, value in (
        ("id", e.id),
        ("title", e.title),
        ("publication", e.publication),
        ("author", e.author),
        ("date", e.date),
        ("url", e.url),
        ("retrieved", f"{e.retrieved_at} from {e.retrieved_from}"),
        ("version", f"{e.version}" + ("" if newest.id == e.id else f" (newest: {newest.id})")),
        ("sha256", e.sha256),
        ("content", e.content_type),
    ):
        if value:
            click.echo(f"{label + ':':<13}{value}")
    click.echo(f"passages:    {len(passages)}")
    for p in passages:
        click.echo(f"\n{p.id} [{p.start}:{p.end}]\n{p.text}")


@sources.command("search")
@click.argument("words")
@click.option("--limit", default=20, show_default=True, help="At most this many passages.")
@_library_option
def sources_search(words: str, limit: int, library: Path | None) -> None:
    """Passages containing every one of WORDS (full-text search), best first."""
    with _open(library) as lib:
        hits = lib.search(words, limit=limit)
    if not hits:
        click.echo(f"no passage contains all of: {words}", err=True)
    for h in hits:
        click.echo(f"{h.passage_id}  {_describe(h.source)}\n    {h.snippet}")


@sources.command("remove")
@click.argument("source_id", metavar="ID")
@_library_option
def sources_remove(source_id: str, library: Path | None) -> None:
    """Remove one snapshot (and its passages) from the library."""
    with _open(library) as lib:
        e = lib.remove(source_id)
    click.echo(f"removed {e.id}: {_describe(e)}")
