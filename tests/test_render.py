"""`drafter render`: the gate, forced renders, safe links and raw HTML, the clipboard."""

from __future__ import annotations

import os
from html.parser import HTMLParser
from pathlib import Path

import pytest

from drafter.checker.check import check_draft
from drafter.publishing import render, report_html

from .conftest import EXAMPLE, ROOT, run

PASSING = ROOT / "tests" / "golden" / "render" / "draft.md"
SOURCE = """---
title: Harbour plan approved
publication: The Example Gazette
---
The council approved the harbour plan on Monday after a long debate.
Critics said the cost -- "at least $40m" -- was too high.
"""


@pytest.fixture(autouse=True)
def _packaged_templates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DRAFTER_TEMPLATES", raising=False)


def _render(write, body: str, force: bool = False) -> render.Rendered:  # type: ignore[no-untyped-def]
    src = write("gazette.md", SOURCE)
    draft = write("draft.md", body)
    result = check_draft(draft, [src])
    return render.render(draft.read_text(encoding="utf-8"), result, force=force)


# --- the gate ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["md", "html", "fragment"])
def test_failing_draft_exits_1_with_the_report_and_writes_nothing(fmt: str, tmp_path: Path) -> None:
    out = tmp_path / "post.out"
    result = run("render", EXAMPLE / "draft.md", "--format", fmt, "-o", out)
    assert result.exit_code == 1
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # not even a temporary file
    assert result.stdout == ""
    assert "q6 line 20   ✗ altered" in result.stderr
    assert "FAIL: 28 quotes, 15 passed, 7 failed" in result.stderr
    assert "not rendered: 7 quote(s) fail" in result.stderr


def test_forced_html_marks_every_failing_quote(tmp_path: Path) -> None:
    for fmt in ("html", "fragment"):
        out = tmp_path / f"post.{fmt}.html"
        result = run("render", EXAMPLE / "draft.md", "--format", fmt, "-o", out, "--force")
        # Written, marked, and still exit 1: `render --force … && publish` publishes nothing.
        assert result.exit_code == 1, result.output
        assert "forced: 7 quote(s) fail the check, marked in the output" in result.stderr
        html = out.read_text(encoding="utf-8")
        assert html.count('<mark class="quote-failed" data-status="altered"') == 1
        assert html.count('<mark class="quote-failed" data-status="not_found"') == 6
        assert html.count("[unverified quote: not found]") == 6
        assert html.count("<mark") == 7  # passing quotes are not marked
    page = (tmp_path / "post.html.html").read_text(encoding="utf-8")
    assert "Not for publication: 7 quotes failed" in page


def test_forced_markdown_puts_a_warning_before_each_failing_quote(tmp_path: Path) -> None:
    out = tmp_path / "post.md"
    result = run("render", EXAMPLE / "draft.md", "--format", "md", "-o", out, "--force")
    assert result.exit_code == 1
    md = out.read_text(encoding="utf-8")
    assert md.count("**⚠ UNVERIFIED QUOTE (") == 7
    assert "**⚠ UNVERIFIED QUOTE (altered), line 20: fix before publishing.**\n\n“Zhu Banghua" in md


def test_passing_draft_renders_to_stdout() -> None:
    result = run("render", PASSING, "--format", "fragment")
    assert result.exit_code == 0
    assert result.stdout.startswith("<h1>AI: US AI Talent hunt includes China. RTZ #767</h1>")
    assert "<blockquote>\n<p>“US chip giant Nvidia" in result.stdout


def test_the_library_call_enforces_the_gate_too() -> None:
    draft = EXAMPLE / "draft.md"
    result = check_draft(draft, [])
    with pytest.raises(render.UnverifiedQuotesError) as info:
        render.render(draft.read_text(encoding="utf-8"), result)
    assert info.value.exit_code == 1


def test_bad_input_is_one_line_exit_2(tmp_path: Path) -> None:
    result = run("render", tmp_path / "missing.md")
    assert result.exit_code == 2
    assert result.stderr.strip() == f"drafter: error: {tmp_path / 'missing.md'}: no such file"
    result = run("render", PASSING, "-o", tmp_path)
    assert result.exit_code == 2 and "is a directory" in result.stderr


def test_existing_output_is_replaced_only_with_replace_and_kept_as_a_version(
    tmp_path: Path,
) -> None:
    out = tmp_path / "post.html"
    out.write_text("old", encoding="utf-8")
    refused = run("render", PASSING, "-o", out)
    assert refused.exit_code == 2 and "already exists; pass --replace" in refused.stderr
    assert out.read_text(encoding="utf-8") == "old"
    assert run("render", PASSING, "-o", out, "--replace").exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert (tmp_path / "post.v1.html").read_text(encoding="utf-8") == "old"
    again = run("render", PASSING, "-o", out, "--replace")
    assert again.exit_code == 0 and "kept as" in again.stderr
    assert (tmp_path / "post.v2.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert (tmp_path / "post.v1.html").read_text(encoding="utf-8") == "old"


# --- what rendering may and may not do -----------------------------------------------------


def test_no_typographer_and_quotes_unchanged(write) -> None:  # type: ignore[no-untyped-def]
    out = _render(
        write,
        'The Gazette reports:\n\n"Critics said the cost -- "at least $40m" -- was too high."\n',
    )
    assert '"Critics said the cost -- "at least $40m" -- was too high."' in out.md
    assert "&quot;Critics said the cost -- &quot;at least $40m&quot; -- was too high.&quot;" in (
        out.fragment
    )
    assert "“" not in out.fragment and "—" not in out.fragment


def test_links_keep_only_http_https_and_mailto(write) -> None:  # type: ignore[no-untyped-def]
    out = _render(
        write,
        "See [the plan](https://example.org/plan), [mail](mailto:ed@example.org), "
        "[plain](http://example.org), [evil](javascript:alert(1)), [data](data:text/html,x), "
        "[rel](/local) and [vb](VBScript:msgbox).\n",
    )
    frag = out.fragment
    assert '<a href="https://example.org/plan">the plan</a>' in frag
    assert '<a href="mailto:ed@example.org">mail</a>' in frag
    assert '<a href="http://example.org">plain</a>' in frag
    assert frag.count("<a ") == 3
    assert 'href="javascript' not in frag.lower() and 'href="data' not in frag
    assert " rel and " in frag  # the link's text stays, its target goes


def test_raw_html_in_a_draft_is_shown_as_text(write) -> None:  # type: ignore[no-untyped-def]
    out = _render(
        write,
        "The Gazette reports that <img src=x onerror=alert(1)> the plan <b>passed</b>.\n\n"
        "<!-- note to self: check the figure -->\n\n"
        "“The council approved the harbour plan on Monday after a long debate.”\n",
    )
    for html in (out.fragment, out.html):
        assert "<img" not in html and "<b>" not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
        assert "note to self" not in html
    assert "note to self" not in out.md


def test_raw_html_cannot_smuggle_an_unchecked_quote_into_the_output(write) -> None:  # type: ignore[no-untyped-def]
    # The checker reads raw HTML as the renderers show it, as text: the quotation inside an
    # HTML block is checked (and fails), so the gate stops it; forced, it is marked.
    with pytest.raises(render.UnverifiedQuotesError, match="1 quote"):
        _render(write, "<div>\n“The plan was a disaster.”\n</div>\n")
    forced = _render(write, "<div>\n“The plan was a disaster.”\n</div>\n", force=True)
    assert '<mark class="quote-failed"' in forced.html and "&lt;div&gt;" in forced.html


def test_report_html_from_the_cli(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = run("check", EXAMPLE / "draft.md", "--format", "html", "--output", out)
    assert result.exit_code == 1
    html = out.read_text(encoding="utf-8")
    assert all(f'id="q-q{n}"' in html for n in range(1, 29))
    assert "<script>" in html and 'http-equiv="Content-Security-Policy"' in html


# --- the clipboard ---------------------------------------------------------------------------


def test_copy_says_clearly_when_it_cannot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no wl-copy, no xclip
    result = run("render", PASSING, "--format", "md", "--copy")
    assert result.exit_code == 0
    assert result.stdout.startswith("# AI: US AI Talent hunt")
    assert "could not copy to the clipboard: no clipboard tool found" in result.stderr


EDGE_SOURCE = """---
title: Harbour plan approved
publication: The Example Gazette
---
The council approved the harbour plan on Monday after a long debate.
Critics said the cost was too high, and the mayor disagreed strongly with them.
The mayor said the plan would bring jobs to the town for decades to come.
"""
EDGE_DRAFT = """---
title: Edge cases
---
The Example Gazette reports that “the council *approved* the
[harbour plan](https://example.org) on Monday” and more.

> The mayor said the plan would bring jobs to the town for decades to come.

“Critics said the cost was too high,
and the mayor disagreed strongly with them.

“The mayor said the plan would bring jobs to the town for decades to come.”

- “The council approved the harbour plan on Monday after a long debate.”
- a `“code quote”` item

He said “the plan is a total disaster for everyone here” and left.
Then “Critics said the cost was too high” again.
"""


class _Nesting(HTMLParser):
    """Fails on any end tag that does not close the innermost open element."""

    VOID = frozenset({"br", "img", "hr", "meta", "link"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (tag, self.stack)
        self.stack.pop()


def test_marks_stay_nested_across_emphasis_links_lists_and_paragraphs(write) -> None:  # type: ignore[no-untyped-def]
    src = write("gazette.md", EDGE_SOURCE)
    draft = write("draft.md", EDGE_DRAFT)
    result = check_draft(draft, [src])
    statuses = [c.status.value for c in result.checks]
    assert statuses == ["altered", "exact", "normalized", "exact", "not_found", "exact"]
    out = render.render(EDGE_DRAFT, result, force=True)  # the read-back accepts every output
    for html in (out.fragment, out.html):
        checker = _Nesting()
        checker.feed(html)
        checker.close()
        assert checker.stack == []
    # The altered quote spans <em> and <a>: marked in pieces, each inside the inline element.
    assert "<em><mark" in out.fragment and '<a href="https://example.org"><mark' in out.fragment
    assert out.fragment.count("[unverified quote: altered]") == 1
    assert "<li>“The council approved" in out.fragment  # list items are not set off
    assert out.md.count("UNVERIFIED QUOTE") == 2
    page = report_html.to_html(result, EDGE_DRAFT)
    assert [f'id="q-q{n}"' in page for n in range(1, 7)] == [True] * 6
    assert "Quotes not shown in place" not in page


def test_strict_render_fails_and_marks_unchecked_scare_quotes(tmp_path: Path) -> None:
    out = tmp_path / "post.html"
    assert run("render", PASSING, "--strict", "-o", out).exit_code == 1
    assert not out.exists()
    result = run("render", PASSING, "--strict", "--force", "--format", "fragment", "-o", out)
    assert result.exit_code == 1
    html = out.read_text(encoding="utf-8")
    assert html.count('<mark class="quote-failed" data-status="unchecked"') == 6


# --- review fixes: where marks go, text the checker never reads ---------------------------


def test_the_mark_goes_on_the_quotation_not_on_the_same_words_before_it(write) -> None:  # type: ignore[no-untyped-def]
    out = _render(
        write,
        "The mayor called the plan a total disaster for the town, and he said "
        "“the plan a total disaster for the town” again.\n\n"
        "The plan was a disaster for us all. Then: “The plan was a disaster for us all.”\n",
        force=True,
    )
    for html in (out.fragment, out.html):
        assert html.count("said “<mark") == 1 and html.count("Then: “<mark") == 1
        assert "called the plan a total" in html  # the unquoted words stay unmarked
        assert "<p>The plan was" in html or '<p style="margin:0 0 16px;">The plan was' in html


@pytest.mark.parametrize(
    "body",
    [
        "Look: ![“The plan was a disaster for us all.”](https://example.org/a.png)\n",
        'See [this](https://example.org "“The plan was a disaster for us all.”") now.\n',
    ],
    ids=["image-alt", "link-title"],
)
def test_a_quotation_where_the_checker_does_not_read_stops_the_render(write, body: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(render.RenderMismatchError, match="never saw: “The plan was a disaster"):
        _render(write, body)


def test_a_quoted_front_matter_title_stops_the_render(write) -> None:  # type: ignore[no-untyped-def]
    fm = '---\ntitle: "“The plan was a disaster for us all,” says mayor"\n---\n'
    with pytest.raises(render.RenderMismatchError, match="title quotes “The plan was a disaster"):
        _render(write, fm + "The council approved it.\n")
    # The same title as the draft's # heading is checked like any line, so it may render.
    heading = "# “The council approved the harbour plan on Monday after a long debate.”\n"
    out = _render(write, '---\ntitle: "' + heading[2:-1].replace('"', '\\"') + '"\n---\n' + heading)
    assert "<h1>“The council approved" in out.fragment


def test_report_source_spans_overlap_and_lone_line_breaks() -> None:
    from drafter.models import Source

    src = Source("s", "one two three\nfour five six\n\nseven", "0" * 64)
    marks = [
        report_html._Mark(4, 18, "q2", "match", "pass"),
        report_html._Mark(0, 8, "q1", "near", "fail"),
        report_html._Mark(8, 13, "q3", "match", "pass"),
    ]
    html = str(report_html.source_html(src, marks))
    assert html == (
        '<span class="m near-fail" data-q="q1" tabindex="0" role="button" '
        'aria-label="q1: back to the draft">one </span>'
        '<span class="m match-pass near-fail" data-q="q2 q1" tabindex="0" role="button" '
        'aria-label="q2: back to the draft">two </span>'
        '<span class="m match-pass" data-q="q2 q3" tabindex="0" role="button" '
        'aria-label="q3: back to the draft">three</span>'
        '<span class="m match-pass" data-q="q2">\n\nfour</span> five six\n\nseven'
    )


def test_a_failing_quote_across_a_hard_break_reads_back_as_marked(write) -> None:  # type: ignore[no-untyped-def]
    out = _render(write, "He said “the council approved the\\\nharbour plan on Monday” x.\n", True)
    assert out.fragment.count("<mark") == 1 and "the<br />\nharbour plan on Monday</mark>" in (
        out.fragment
    )


_REPORT_DIGEST = """
import hashlib, sys
from pathlib import Path
from drafter.publishing import report_html
from drafter.checker.check import check_draft
draft = Path(sys.argv[1])
html = report_html.to_html(check_draft(draft, []), draft.read_text(encoding="utf-8"))
print(hashlib.sha256(html.encode()).hexdigest())
"""


def test_the_report_is_the_same_whatever_the_hash_seed() -> None:
    import subprocess
    import sys

    digests = {
        subprocess.run(
            [sys.executable, "-c", _REPORT_DIGEST, str(EXAMPLE / "draft.md")],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(digests) == 1


def test_a_draft_edited_while_it_is_checked_is_not_rendered(
    write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    import drafter.checker.check

    src = write("gazette.md", SOURCE)
    draft = write(
        "draft.md", "“The council approved the harbour plan on Monday after a long debate.”\n"
    )
    real = drafter.checker.check.check_draft

    def check_then_edit(*args, **kwargs):  # type: ignore[no-untyped-def]
        result = real(*args, **kwargs)
        draft.write_text(draft.read_text(encoding="utf-8") + "\nAn edit.\n", encoding="utf-8")
        return result

    monkeypatch.setattr(drafter.checker.check, "check_draft", check_then_edit)
    out = tmp_path / "post.html"
    result = run("render", draft, "--source", src, "-o", out)
    assert result.exit_code == 2 and not out.exists()
    assert "changed while it was being checked" in result.stderr
