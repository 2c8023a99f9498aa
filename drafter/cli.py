"""The command line. The only module that imports click; each command parses its options,
calls one function of the pipeline and writes what it returns. Errors are caught in one
place (``_Group.invoke``) and become one line on stderr and their exit code."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from drafter import __version__
from drafter.errors import (
    EXIT_BAD_INPUT,
    EXIT_CHECK_FAILED,
    EXIT_INTERRUPTED,
    DrafterError,
    UsageError,
)

if TYPE_CHECKING:
    from drafter.profile import Profile
    from drafter.sources.library import Entry, Library


class _UsablePath(click.Path):
    """A path; one with a NUL byte or a name over 255 bytes is one line, exit 2 (it is
    converted inside ``_Group.invoke``, which prints drafter's errors)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from drafter.fsutil import usable_path

        usable_path(Path(os.fsdecode(value)))
        return super().convert(value, param, ctx)


_PATH = _UsablePath(path_type=Path)


# `drafter --help` lists the commands in the order a post travels through them.
_WORKFLOW = (
    "init", "sources", "draft", "revise", "check", "render", "chunk", "models", "logs", "costs",
)  # fmt: skip


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DrafterError as exc:
            click.echo(f"drafter: error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            # Not click's "Aborted!" and exit 1, which would read as "a quote failed".
            click.echo("\ndrafter: interrupted; files are written whole or not at all", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except (OSError, UnicodeError) as exc:
            # A last net: every adapter translates its own errors, but no file-system
            # surprise may end in a traceback (DESIGN.md § Trust).
            from drafter.errors import one_line

            click.echo(f"drafter: error: {one_line(exc)}", err=True)
            ctx.exit(EXIT_BAD_INPUT)
        finally:
            from drafter import resources

            resources.use_overrides()  # --templates/--prompts hold for this command only

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = super().list_commands(ctx)
        order = {name: i for i, name in enumerate(_WORKFLOW)}
        return sorted(names, key=lambda n: (order.get(n, len(order)), n))


@click.group(
    "drafter",
    cls=_Group,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, prog_name="drafter")
@click.option(
    "--templates",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="Use the templates in DIR over the packaged ones [env DRAFTER_TEMPLATES]. "
    "A templates/ folder in the working directory is never used unless named here.",
)
@click.option(
    "--prompts",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="Use the prompts in DIR over the packaged ones [env DRAFTER_PROMPTS].",
)
@click.pass_context
def main(ctx: click.Context, templates: Path | None, prompts: Path | None) -> None:
    """Draft newsletter posts in the house style, with every quote proven against its source.

    Shell completion: eval "$(_DRAFTER_COMPLETE=bash_source drafter)" (zsh_source and
    fish_source for zsh and fish).
    """
    from drafter import resources

    resources.use_overrides(templates=templates, prompts=prompts)
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())  # `drafter` alone: the help, and exit 0


def _deprecated(old: str, new: str) -> None:
    click.echo(f"warning: {old} is deprecated; use {new}", err=True)


def _output_options(f: Any, what: str = "Write to FILE instead of stdout.") -> Any:
    """``-o/--output FILE`` and ``--replace`` (plus the hidden old spelling ``--out``)."""
    f = click.option(
        "--replace",
        is_flag=True,
        help="Replace an existing output file; the old one is kept as NAME.v1.EXT, NAME.v2.EXT, ….",
    )(f)
    f = click.option("--out", "old_out", type=_PATH, hidden=True)(f)
    return click.option("--output", "-o", type=_PATH, metavar="FILE", help=what)(f)


def _output(output: Path | None, old_out: Path | None) -> Path | None:
    """The output file; None for stdout (no -o, or ``-o -`` as Unix tools take it)."""
    if old_out is not None:
        _deprecated("--out FILE", "-o/--output FILE")
        if output is not None and output != old_out:
            from drafter.errors import UsageError

            raise UsageError(f"give one output: -o/--output {output} or --out {old_out}")
    chosen = output or old_out
    return None if chosen == Path("-") else chosen


def _guard(output: Path | None, inputs: Sequence[Path | str]) -> None:
    """The output is none of the inputs: checked before the work with the inputs named on the
    command line, and again with the sources the check read (front matter, library)."""
    if output is not None:
        from drafter.fsutil import refuse_input

        refuse_input(output, inputs)


def _emit(text: str, output: Path | None, replace: bool = False) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    from drafter.fsutil import write_version_kept

    kept = write_version_kept(output, text, replace=replace)
    click.echo(f"wrote {output}" + (f" (the old one is kept as {kept})" if kept else ""), err=True)


def _library_options(f: Any) -> Any:
    """``--library`` (a flag: it never takes the next word, so it cannot swallow DRAFT) and
    ``--library-path PATH`` for a library elsewhere (implies ``--library``)."""
    f = click.option(
        "--library-path",
        type=_PATH,
        metavar="PATH",
        help="The source library file to check against; implies --library.",
    )(f)
    return click.option(
        "--library",
        "use_library",
        is_flag=True,
        help="Also check against the source library (.drafter/library.sqlite, "
        "or $DRAFTER_LIBRARY).",
    )(f)


def _library_path(use_library: bool, library_path: Path | None) -> Path | None:
    if not use_library and library_path is None:
        return None
    from drafter.sources.library import default_path

    return default_path(library_path)


# Sources are strings, not click.Path: a Path would turn "https://x" into "https:/x".
_SOURCES = click.option(
    "--source",
    "sources",
    multiple=True,
    metavar="FILE|URL",
    help="A source article (.txt, .md, .html or an http(s) URL); repeat for several.",
)

_FETCH = click.option(
    "--fetch",
    is_flag=True,
    help="Fetch the URLs the draft's front matter lists (off: a draft "
    "may come from anyone, and fetching tells its author when it is read).",
)
_ALLOW_PRIVATE = click.option(
    "--allow-private",
    is_flag=True,
    help="Allow fetching from loopback, private and link-local addresses (refused by default).",
)

_QUOTE_STYLE = click.option(
    "--quote-style",
    type=click.Choice(["auto", "us", "british"]),
    help="How single quotes are read: us = scare quotes and terms; british = quotation "
    "marks (single outside, double inside); auto = british when a single-quoted span reads "
    "as a quotation (six words or more, or after a colon or 'she said') "
    "[default: auto; british when the newsletter profile says so].",
)


@main.command(short_help="Check every quote of a draft against its sources.")
@click.argument("drafts", nargs=-1, required=True, type=_PATH, metavar="DRAFT…")
@_SOURCES
@_library_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "md", "html"]),
    default="text",
    show_default=True,
    help="Report format.",
)
@_output_options
@click.option("--strict", is_flag=True, help="Fail unchecked scare quotes and short terms too.")
@click.option(
    "--follow-links",
    is_flag=True,
    help="Fetch the pages the draft's lead-ins link, store them in the library and check "
    "each quote against the page its lead-in links.",
)
@_ALLOW_PRIVATE
@_QUOTE_STYLE
@_FETCH
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="With many drafts: processes at a time (default: one per core).",
)
def check(
    drafts: tuple[Path, ...],
    sources: tuple[str, ...],
    use_library: bool,
    library_path: Path | None,
    fmt: str,
    output: Path | None,
    old_out: Path | None,
    replace: bool,
    strict: bool,
    follow_links: bool,
    allow_private: bool,
    quote_style: str | None,
    fetch: bool,
    jobs: int | None,
) -> None:
    """Prove where every quote of DRAFTS is in their sources, or say why it is not.

    DRAFT… are Markdown files or folders of them (`drafter check posts/*.md`, `drafter check
    posts/`); with more than one, every core checks them and one summary table (per post:
    quotes, passed, failed, warnings) is printed (with --format html, -o names a folder: an
    index.html and one report per post). Exit 0 when every quote passes, 1 when any fails
    (the report is written in full first), 2 when a draft cannot be read. [TK: …] slots and
    other placeholders are reported (they block `drafter render`, not the check).
    """
    from drafter.checker import report
    from drafter.checker.check import check_draft

    output = _output(output, old_out)
    library = _library_path(use_library, library_path)
    style = quote_style or _profile().checking_style
    if len(drafts) > 1 or drafts[0].is_dir():
        _check_many(drafts, sources, library, fmt, output, replace, strict, jobs, style)
        return
    (draft,) = drafts
    _guard(output, [draft, *sources, *([library] if library else [])])
    result = check_draft(
        draft,
        sources,
        strict=strict,
        library=library,
        links=follow_links,
        allow_private=allow_private,
        fetch=fetch,
        quote_style=style,
    )
    _guard(output, [s.path for s in result.sources if s.path])
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
    _emit(text, output, replace)
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
    replace: bool,
    strict: bool,
    jobs: int | None,
    quote_style: str,
) -> None:
    """`drafter check` with many drafts: one run on every core, one summary."""
    from drafter.checker import archive

    drafts = archive.expand(list(paths))
    _guard(output, [*drafts, *sources, *([library] if library else [])])
    if fmt == "html" and output is None:
        raise UsageError("--format html with many drafts needs --output DIR (a folder)")
    render = None
    if fmt == "html":
        from drafter.publishing import report_html

        render = report_html.to_html
    posts = archive.check_drafts(
        drafts,
        sources,
        strict=strict,
        library=library,
        render=render,
        jobs=jobs,
        quote_style=quote_style,
    )
    if fmt == "html":
        assert output is not None
        from drafter.publishing.archive_html import write_reports

        write_reports(output, posts, drafts)
        click.echo(f"wrote {output / 'index.html'}", err=True)
    else:
        text = {"json": archive.to_json, "md": archive.to_markdown}.get(fmt, archive.to_text)
        _emit(text(posts), output, replace)
    if output is not None or fmt != "text":
        click.echo(archive.summary_line(posts), err=True)
    code = archive.exit_code(posts)
    if code:
        sys.exit(code)


@main.command(short_help="Render a checked draft for publication, only when it passes.")
@click.argument("draft", type=_PATH)
@_SOURCES
@_library_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "html", "fragment"]),
    default="html",
    show_default=True,
    help="md: the post's Markdown; html: a standalone preview page (email-ready); "
    "fragment: clean HTML to paste into a newsletter editor.",
)
@_output_options
@click.option(
    "--force",
    is_flag=True,
    help="Render even with failing quotes or placeholders (they are marked; exit 1).",
)
@click.option(
    "--copy", is_flag=True, help="Also put the fragment on the clipboard (rich and plain text)."
)
@click.option(
    "--no-title", is_flag=True, help="Leave the title (<h1>) out of the fragment and the copy."
)
@click.option("--strict", is_flag=True, help="Fail unchecked scare quotes and short terms too.")
@_QUOTE_STYLE
@_FETCH
@_ALLOW_PRIVATE
def render(
    draft: Path,
    sources: tuple[str, ...],
    use_library: bool,
    library_path: Path | None,
    fmt: str,
    output: Path | None,
    old_out: Path | None,
    replace: bool,
    force: bool,
    copy: bool,
    no_title: bool,
    strict: bool,
    quote_style: str | None,
    fetch: bool,
    allow_private: bool,
) -> None:
    """Render DRAFT for publication, only when every quote passes the check and no [TK: …]
    slot or other placeholder is left.

    Otherwise exit 1 with the check's report and write nothing; with --force, write the
    output with every failing quote and placeholder marked, and still exit 1.
    """
    from drafter.checker import report
    from drafter.checker.check import check_draft, read_draft_text
    from drafter.errors import InputError
    from drafter.publishing.render import render as render_post

    output = _output(output, old_out)
    library = _library_path(use_library, library_path)
    _guard(output, [draft, *sources, *([library] if library else [])])
    text = read_draft_text(draft)
    result = check_draft(
        draft,
        sources,
        strict=strict,
        library=library,
        fetch=fetch,
        allow_private=allow_private,
        quote_style=quote_style or _profile().checking_style,
    )
    if read_draft_text(draft) != text:
        # What is rendered must be what was checked (a lead-in edited meanwhile could make
        # a quote misattributed while its text, all the read-back compares, stays the same).
        raise InputError(str(draft), "changed while it was being checked; render it again")
    _guard(output, [s.path for s in result.sources if s.path])
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    problems = report.blocking(result)
    if problems and not force:
        click.echo(report.to_text(result, color=sys.stderr.isatty()), err=True, nl=False)
        click.echo(
            f"drafter: not rendered: {problems}; fix them or pass --force to render with them "
            "marked",
            err=True,
        )
        sys.exit(EXIT_CHECK_FAILED)
    rendered = render_post(
        text, result, force=force, fallback_title=draft.stem, fragment_title=not no_title
    )
    _emit(rendered.get(fmt), output, replace)
    if copy:
        from drafter.publishing.clipboard import copy_fragment

        click.echo(copy_fragment(rendered.fragment), err=True)
    if problems:
        click.echo(
            f"warning: forced: {problems}, marked in the output; do not publish it as it is",
            err=True,
        )
        sys.exit(EXIT_CHECK_FAILED)


@main.command(short_help="Show the quotable passages of a source with their ids.")
@click.argument("source", metavar="SOURCE")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@_ALLOW_PRIVATE
def chunk(source: str, fmt: str, allow_private: bool) -> None:
    """Show the passages of SOURCE (a file or an http(s) URL) with their ids and offsets."""
    from drafter.sources.chunk import chunk as cut
    from drafter.sources.ingest import load_ref

    src, warning = load_ref(source, allow_private=allow_private)
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


# --- drafting: `init`, `draft` and `revise` (drafter/draft.py does the work) -------------


def _profile() -> Profile:
    """The newsletter profile: drafter.toml here, else in drafter's user folder, else RTZ."""
    from drafter.profile import load

    return load(Path.cwd(), Path(click.get_app_dir("drafter")))


def _init_output(f: Any) -> Any:
    return _output_options(f, "Write the profile to FILE [default: ./drafter.toml].")


@main.command(short_help="Write your newsletter's profile, drafter.toml, from a post of yours.")
@click.option(
    "--from",
    "exemplar",
    type=_PATH,
    metavar="POST",
    help="A published post (Markdown) to take the title pattern, name, sign-off, disclaimer "
    "and quote style from.",
)
@click.option(
    "--user",
    is_flag=True,
    help="Write it to drafter's user folder (used in every folder without its own).",
)
@_init_output
def init(
    exemplar: Path | None,
    user: bool,
    output: Path | None,
    old_out: Path | None,
    replace: bool,
) -> None:
    """Write drafter.toml, your newsletter's profile: its name, title pattern ({headline},
    {number}), sign-off, disclaimer, quote style (us, british or auto) and default model.

    drafter reads it from the working folder, else from its user folder; without one it drafts
    RTZ. With --from POST the values are taken from a post of yours, as far as they can be;
    without it the file starts as RTZ's. Edit it after: it is plain TOML, and data only.
    """
    from drafter.profile import FILE_NAME, RTZ, parse, to_toml
    from drafter.profile import infer as infer_profile

    to_stdout = (output or old_out) == Path("-")
    output = _output(output, old_out)
    if output is None and not to_stdout:
        output = Path(click.get_app_dir("drafter")) / FILE_NAME if user else Path(FILE_NAME)
    _guard(output, [exemplar] if exemplar is not None else [])
    if exemplar is not None:
        from drafter.sources.ingest import read_text

        text, _ = read_text(exemplar)
        made, notes = infer_profile(text)
        notes = (f"made by `drafter init --from {exemplar.name}`:", *notes)
    else:
        made, notes = RTZ, ("RTZ's profile, as bundled with drafter: edit it for yours.",)
    toml = to_toml(made, notes)
    parse(toml, str(output))  # what is written can be read back
    _emit(toml, output, replace)
    for note in notes[1:] if exemplar is not None else ():
        click.echo(f"  {note}", err=True)
    click.echo(f"profile: {made.name}; titles like “{made.make_title('…', 'N')}”", err=True)


_MODEL = click.option(
    "--model",
    "-m",
    envvar="DRAFTER_MODEL",
    help="Claude model [env DRAFTER_MODEL; default: the tested one, see `drafter models`].",
)
_EFFORT = click.option(
    "--effort",
    type=click.Choice(["low", "medium", "high"]),
    help="How much the model thinks and writes [default: the model's own].",
)


def _run_log() -> Path:
    """The run log: $DRAFTER_RUN_LOG, else runs.sqlite in drafter's user folder."""
    import os

    env = os.environ.get("DRAFTER_RUN_LOG")
    return Path(env) if env else Path(click.get_app_dir("drafter")) / "runs.sqlite"


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
        click.echo("html:    not rendered while a quote fails or a [TK: …] slot is left")
    click.echo(f"run:     {outcome.run_json}")
    slots = outcome.result.placeholders
    if slots:
        lines = ", ".join(str(p.line) for p in slots)
        click.echo(
            f"todo:    {len(slots)} [TK: …] slots to fill in before it is publishable "
            f"(lines {lines})"
        )
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


@main.command(short_help="Draft a post from source articles, checked, with its report.")
@click.argument("sources", nargs=-1, required=True, metavar="SOURCES…")
@click.option("--angle", required=True, help="What the post is about, in a sentence.")
@click.option("--notes", type=_PATH, metavar="FILE", help="The writer's notes for the model.")
@click.option(
    "--number", type=int, help="The post's number (#N in the title); names the output folder."
)
@click.option(
    "--out-dir",
    "-d",
    "out",
    type=_PATH,
    metavar="DIR",
    help="Output folder [default: drafts/N or drafts/<angle>].",
)
@click.option("--out", "old_out", type=_PATH, hidden=True)
@_MODEL
@_EFFORT
@click.option("--offline", is_flag=True, help="Use the offline drafter (no model, no key).")
@click.option(
    "--force", is_flag=True, help="Replace an existing draft.md (the old one is kept as a version)."
)
@_ALLOW_PRIVATE
def draft(
    sources: tuple[str, ...],
    angle: str,
    notes: Path | None,
    number: int | None,
    out: Path | None,
    old_out: Path | None,
    model: str | None,
    offline: bool,
    force: bool,
    effort: str | None,
    allow_private: bool,
) -> None:
    """Draft a post in the house style from SOURCES (files or http(s) URLs), check it, and
    write the report.

    Uses Claude with ANTHROPIC_API_KEY; without a key (or with --offline) the offline drafter
    picks the quotes and leaves [TK: …] slots for the commentary. Exit 0 when every quote
    passes, 1 when any fails, 3 when the model service fails (the message says what to do).
    """
    import os

    from drafter.drafting.draft import DraftJob, run_draft
    from drafter.sources.ingest import is_url

    if old_out is not None:
        _deprecated("--out DIR", "-d/--out-dir DIR")
    out = out or old_out
    refs = tuple(ref if is_url(ref) else Path(ref) for ref in sources)
    newsletter = _profile()
    job = DraftJob(
        refs,
        angle,
        notes=notes,
        number=number,
        out=out,
        model=model,
        offline=offline,
        force=force,
        profile=newsletter,
        effort=effort,
        log=_run_log(),
        allow_private=allow_private,
    )
    progress = _Progress()
    try:
        outcome = run_draft(job, api_key=os.environ.get("ANTHROPIC_API_KEY"), progress=progress)
    finally:
        progress.close()
    if newsletter.origin != "bundled":
        click.echo(f"profile: {newsletter.name} ({newsletter.origin})")
    _print_outcome(outcome)
    if not outcome.result.ok:
        sys.exit(EXIT_CHECK_FAILED)


@main.command(short_help="Revise a draft with the model, keeping the old version.")
@click.argument("draft_path", metavar="DRAFT", type=_PATH)
@click.option("--note", required=True, help="What the revision should change.")
@_MODEL
@_EFFORT
def revise(draft_path: Path, note: str, model: str | None, effort: str | None) -> None:
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
            effort=effort,
            log=_run_log(),
            progress=progress,
            profile=_profile(),
        )
    finally:
        progress.close()
    _print_outcome(outcome)
    if not outcome.result.ok:
        sys.exit(EXIT_CHECK_FAILED)


@main.command(short_help="List the models drafter knows, with prices; --check tests a key.")
@click.option("--check", is_flag=True, help="Send one minimal request with ANTHROPIC_API_KEY.")
@_MODEL
def models(check: bool, model: str | None) -> None:
    """The models drafter knows: request contracts and prices (with their sources). With
    --check, one minimal real request (a few tokens) says whether the key, the model and the
    structured answer work; exit 3 with what to do when they do not."""
    import os

    from drafter.drafting import catalog, llm
    from drafter.errors import UsageError

    if not check:
        click.echo(catalog.table(llm.sdk_models()), nl=False)
        return
    key = os.environ.get("ANTHROPIC_API_KEY")
    if not key:
        raise UsageError("models --check needs ANTHROPIC_API_KEY set (the key to check)")
    progress = _Progress()
    try:
        lines = catalog.check(key, model, progress)
    finally:
        progress.close()
    click.echo("\n".join(lines))


@main.command(short_help="List the most recent model calls of draft and revise.")
@click.option("--limit", "-n", type=click.IntRange(1, 10_000), default=20, show_default=True)
def logs(limit: int) -> None:
    """The most recent model calls of `draft` and `revise` (the run log), oldest first."""
    from drafter.drafting.runlog import RunLog

    path = _run_log()
    entries = RunLog(path).recent(limit)
    if not entries:
        click.echo(f"no model calls in {path} yet")
        return
    for e in entries:
        dollars = "no price" if e.cost_usd is None else f"${e.cost_usd:.4f}"
        click.echo(
            f"{e.time}  {e.command:<6} {e.purpose:<6} {e.model:<18} in {e.input_tokens:,} "
            f"out {e.output_tokens:,} (thinking {e.thinking_tokens:,}) "
            f"cache w {e.cache_write_tokens:,} r {e.cache_read_tokens:,}  {dollars:>9}  "
            f"{e.seconds:.1f} s  {e.outcome[:60]}  "
            f"{e.folder} {e.request_hash[:12]}"
        )


@main.command(short_help="Sum what the model calls cost, by model and by draft.")
@click.option("--since", metavar="DATE", default="", help="Only calls from DATE (YYYY-MM-DD) on.")
def costs(since: str) -> None:
    """What the model calls cost, summed by model and by draft folder (from the run log)."""
    import datetime as dt

    from drafter.drafting.runlog import RunLog
    from drafter.errors import UsageError

    if since:
        try:
            dt.date.fromisoformat(since)
        except ValueError:
            raise UsageError(f"--since {since}: not a date (YYYY-MM-DD)") from None
    by_model, by_folder = RunLog(_run_log()).costs(since)
    if not by_model:
        click.echo("no model calls" + (f" since {since}" if since else "") + " in the run log")
        return
    for title, totals in (("by model", by_model), ("by draft", by_folder)):
        click.echo(title + ":")
        for t in totals:
            note = (
                f" (+{t.unpriced} call(s) of unknown cost: failed or unpriced)"
                if t.unpriced
                else ""
            )
            click.echo(
                f"  {t.key}: {t.calls} call(s), input {t.input_tokens:,}, output "
                f"{t.output_tokens:,}, cache write {t.cache_write_tokens:,}, cache read "
                f"{t.cache_read_tokens:,} tokens; ${t.cost_usd:.4f}{note}"
            )
    total = sum(t.cost_usd for t in by_model)
    click.echo(f"total: ${total:.4f}" + (f" since {since}" if since else ""))


# --- the source library ---------------------------------------------------------------------


def _library_option(f: Any) -> Any:
    """``--library-path PATH`` (``--library PATH``, the old spelling, still works)."""
    f = click.option("--library", "old_library", type=_PATH, hidden=True)(f)
    return click.option(
        "--library-path",
        "library",
        type=_PATH,
        default=None,
        metavar="PATH",
        help="The library file (default .drafter/library.sqlite, or $DRAFTER_LIBRARY).",
    )(f)


def _old_library(library: Path | None, old_library: Path | None) -> Path | None:
    if old_library is not None:
        _deprecated("--library PATH", "--library-path PATH")
    return library or old_library


class _InOrder(click.Group):
    """Lists its commands in the order they are defined (add, list, show, search, remove)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)


@main.group(
    cls=_InOrder,
    short_help="Keep source articles in a library: add, list, show, search, remove.",
)
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
@click.argument("refs", nargs=-1, metavar="FILE|URL…")
@click.option(
    "--from",
    "from_draft",
    type=_PATH,
    metavar="DRAFT",
    help="Also add every page the lead-ins of DRAFT link.",
)
@_ALLOW_PRIVATE
@_library_option
def sources_add(
    refs: tuple[str, ...],
    from_draft: Path | None,
    allow_private: bool,
    library: Path | None,
    old_library: Path | None,
) -> None:
    """Add files (.txt, .md, .html) and web pages to the library.

    Each source is fetched and extracted completely before it is stored, in one transaction:
    a source that fails adds nothing. The others are still added; the exit code is 2 if any
    failed.
    """
    library = _old_library(library, old_library)
    from contextlib import ExitStack

    from drafter.errors import UsageError
    from drafter.sources.ingest import load_snapshot
    from drafter.sources.library import default_path

    links: list[str] = []
    if from_draft is not None:
        from drafter.checker.check import read_draft
        from drafter.checker.web import lead_in_links

        links = lead_in_links(read_draft(from_draft)[0].body)
        if not links:
            click.echo(f"{from_draft}: its lead-ins link no web page", err=True)
    if not refs and from_draft is None:
        raise UsageError("give FILE|URL… to add, or --from DRAFT")
    failed = 0
    lib: Library | None = None
    with ExitStack() as stack:
        if default_path(library).exists():  # a library that cannot be used stops us early
            lib = stack.enter_context(_open(library, create=True))
        linked = [link for link in links if link not in refs]
        for ref in [*refs, *linked]:
            try:
                snap = load_snapshot(ref, allow_private=allow_private)
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


@sources.command("refresh")
@click.argument("ids", nargs=-1, metavar="[ID…]")
@click.option("--all", "every", is_flag=True, help="Refresh every source added from a URL.")
@_ALLOW_PRIVATE
@_library_option
def sources_refresh(
    ids: tuple[str, ...],
    every: bool,
    allow_private: bool,
    library: Path | None,
    old_library: Path | None,
) -> None:
    """Fetch URL sources again; store a new version of each whose text changed.

    Drafts that pin an older version are then told, by `drafter check --library`, which of
    their quotes are no longer in the newest one. A fetch that fails is one line; the others
    are still refreshed; the exit code is 2 if any failed.
    """
    from drafter.errors import UsageError
    from drafter.sources.ingest import load_snapshot

    library = _old_library(library, old_library)
    if bool(ids) == every:
        raise UsageError("give the IDs of the sources to refresh, or --all (not both)")
    failed = 0
    with _open(library) as lib:
        for entry in lib.web_sources(ids):
            try:
                snap = load_snapshot(entry.origin, allow_private=allow_private)
                added = lib.add(snap)
            except DrafterError as exc:
                click.echo(f"drafter: error: {exc}", err=True)
                failed += 1
                continue
            if snap.warning:
                click.echo(f"warning: {snap.warning}", err=True)
            e = added.entry
            if added.status == "unchanged":
                click.echo(f"unchanged {e.id}: {_describe(e)}")
            else:
                click.echo(f"changed {entry.id}: stored {e.id} (version {e.version})")
    if failed:
        sys.exit(EXIT_BAD_INPUT)


@sources.command("list")
@_library_option
def sources_list(library: Path | None, old_library: Path | None) -> None:
    """List every snapshot in the library, oldest first."""
    library = _old_library(library, old_library)
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
def sources_show(source_id: str, library: Path | None, old_library: Path | None) -> None:
    """Show a snapshot's metadata and its passages."""
    library = _old_library(library, old_library)
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


@sources.command("search", short_help="Find the passages that contain every one of WORDS.")
@click.argument("words")
@click.option(
    "--limit",
    type=click.IntRange(min=1, max=10_000, clamp=True),  # SQLite's LIMIT is 64-bit
    default=20,
    show_default=True,
    help="At most this many passages.",
)
@_library_option
def sources_search(words: str, limit: int, library: Path | None, old_library: Path | None) -> None:
    """Find the passages containing every one of WORDS (full-text search), best first."""
    library = _old_library(library, old_library)
    with _open(library) as lib:
        hits = lib.search(words, limit=limit)
    if not hits:
        click.echo(f"no passage contains all of: {words}", err=True)
    for h in hits:
        click.echo(f"{h.passage_id}  {_describe(h.source)}\n    {h.snippet}")


@sources.command("remove")
@click.argument("source_id", metavar="ID")
@_library_option
def sources_remove(source_id: str, library: Path | None, old_library: Path | None) -> None:
    """Remove one snapshot (and its passages) from the library."""
    library = _old_library(library, old_library)
    with _open(library) as lib:
        e = lib.remove(source_id)
    click.echo(f"removed {e.id}: {_describe(e)}")
