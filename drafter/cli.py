"""The command line. The only module that imports click; each command parses its options,
calls one function of the pipeline and writes what it returns. Errors are caught in one
place (``_Group.invoke``) and become one line on stderr and their exit code."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from drafter import __version__
from drafter.errors import EXIT_CHECK_FAILED, DrafterError

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


@main.command()
@click.argument("draft", type=_PATH)
@click.option(
    "--source",
    "sources",
    multiple=True,
    type=_PATH,
    metavar="FILE",
    help="A source article (.txt or .md); repeat for several.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "md", "html"]),
    default="text",
    show_default=True,
    help="Report format.",
)
@click.option("--output", "-o", type=_PATH, help="Write the report to FILE instead of stdout.")
@click.option("--strict", is_flag=True, help="Fail unchecked scare quotes and short terms too.")
def check(
    draft: Path, sources: tuple[Path, ...], fmt: str, output: Path | None, strict: bool
) -> None:
    """Prove where every quote of DRAFT is in its sources, or say why it is not.

    Exit 0 when every quote passes, 1 when any fails (the report is written in full first).
    """
    from drafter import report
    from drafter.check import check_draft

    result = check_draft(draft, sources, strict=strict)
    if fmt == "json":
        text = report.to_json(result)
    elif fmt == "md":
        text = report.to_markdown(result)
    elif fmt == "html":
        from drafter import report_html
        from drafter.check import read_draft_text

        text = report_html.to_html(result, read_draft_text(draft))
    else:
        text = report.to_text(result, color=output is None and sys.stdout.isatty())
    _emit(text, output)
    if output is not None or fmt != "text":
        click.echo(report.summary_line(result), err=True)
    if not result.ok:
        sys.exit(EXIT_CHECK_FAILED)


@main.command()
@click.argument("draft", type=_PATH)
@click.option(
    "--source",
    "sources",
    multiple=True,
    type=_PATH,
    metavar="FILE",
    help="A source article (.txt or .md); repeat for several.",
)
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
    sources: tuple[Path, ...],
    fmt: str,
    out: Path | None,
    force: bool,
    copy: bool,
    strict: bool,
) -> None:
    """Render DRAFT for publication, only when every quote passes the check.

    Exit 1 with the check's report (and no output) while a quote fails, unless --force.
    """
    from drafter import report
    from drafter.check import check_draft, read_draft_text
    from drafter.render import render as render_post

    result = check_draft(draft, sources, strict=strict)
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
    rendered = render_post(read_draft_text(draft), result, force=force, fallback_title=draft.stem)
    if not result.ok:
        click.echo(
            f"warning: forced: {len(result.failed)} failing quote(s) are marked in the output; "
            "do not publish it as it is",
            err=True,
        )
    _emit(rendered.get(fmt), out)
    if copy:
        from drafter.clipboard import copy_html

        click.echo(copy_html(rendered.fragment), err=True)


@main.command()
@click.argument("source", type=_PATH)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def chunk(source: Path, fmt: str) -> None:
    """Show the passages of SOURCE with their ids and character offsets."""
    from drafter.chunk import chunk as cut
    from drafter.ingest import load_source

    src, warning = load_source(source)
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
    from drafter import report
    from drafter.pricing import cache_savings, describe

    click.echo(f"draft:   {outcome.draft}")
    if outcome.previous is not None:
        click.echo(f"previous version kept as {outcome.previous}")
    click.echo(f"report:  {outcome.report_md} (and {outcome.report_json.name})")
    click.echo(f"run:     {outcome.run_json}")
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
            f"removed: {len(outcome.removed)} block(s) that still failed after the repair round "
            "(listed in the report)"
        )
    click.echo(report.summary_line(outcome.result))


@main.command()
@click.argument("sources", nargs=-1, required=True, type=_PATH)
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
    sources: tuple[Path, ...],
    angle: str,
    notes: Path | None,
    number: int | None,
    out: Path | None,
    model: str | None,
    offline: bool,
    force: bool,
) -> None:
    """Draft a post in the house style from SOURCES, check it, and write the report.

    Uses Claude with ANTHROPIC_API_KEY; without a key (or with --offline) the offline drafter
    picks the quotes and leaves [TK: …] slots for the commentary. Exit 0 when every quote
    passes, 1 when any fails, 3 when the model service fails (rerun to resume).
    """
    import os

    from drafter.draft import DraftJob, run_draft

    job = DraftJob(sources, angle, notes, number, out, model, offline, force)
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

    from drafter.draft import run_revise

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
