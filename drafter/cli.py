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
