"""The editor's HTML report in a real browser: Debian's headless Chromium driven by Playwright.

Screenshots at desktop and phone widths go to test-output/ (gitignored) for a person to look
at. Skipped, with the reason, only when /usr/bin/chromium is missing (.ci/run installs it).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from drafter.checker.check import check_draft
from drafter.models import Status
from drafter.publishing import render, report_html

from .conftest import EXAMPLE, ROOT

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(
        "browser tests need Debian's chromium at /usr/bin/chromium "
        "(apt-get install chromium; .ci/run does this)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extra")

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
OUT = ROOT / "test-output"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# The status colours of templates/report.css, as the browser reports them.
COLOURS = {
    "pass": "rgb(211, 240, 216)",
    "note": "rgb(212, 234, 247)",
    "warn": "rgb(255, 239, 184)",
    "fail": "rgb(255, 214, 211)",
}
GROUP = {
    "exact": "pass",
    "normalized": "pass",
    "title": "pass",
    "elided": "note",
    "bracketed": "note",
    "unchecked": "warn",
    "altered": "fail",
    "misattributed": "fail",
    "not_found": "fail",
}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    draft = EXAMPLE / "draft.md"
    result = check_draft(draft, [])
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(report_html.to_html(result, draft.read_text(encoding="utf-8")), "utf-8")
    from drafter.checker.report import to_dict

    return path, to_dict(result)["quotes"]


class Watch:
    """A page that records console errors, page errors, dialogs and every request."""

    def __init__(self, browser: Any, viewport: dict[str, int]) -> None:
        self.context = browser.new_context(viewport=viewport, reduced_motion="reduce")
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.context.on("request", lambda r: self.requests.append(r.url))

        def dialog(d: Any) -> None:
            self.dialogs.append(d.message)
            d.dismiss()

        self.page.on("dialog", dialog)

    def open(self, path: Path) -> Any:
        self.page.goto(path.as_uri())
        return self.page

    def assert_clean(self, path: Path) -> None:
        assert self.errors == []
        assert self.dialogs == []
        assert self.requests == [path.as_uri()]  # nothing but the file itself

    def close(self) -> None:
        self.context.close()


def test_every_quote_has_its_status_colour(browser: Any, example: Any) -> None:
    path, quotes = example
    w = Watch(browser, DESKTOP)
    page = w.open(path)
    colours = page.evaluate(
        """() => Array.from(document.querySelectorAll('#draft .q[id]')).map(el =>
            [el.dataset.q, el.dataset.status, getComputedStyle(el).backgroundColor])"""
    )
    assert [c[0] for c in colours] == [q["id"] for q in quotes]  # every quote, in order
    for (qid, status, colour), q in zip(colours, quotes, strict=True):
        assert status == q["status"], qid
        assert colour == COLOURS[GROUP[status]], (qid, status, colour)
    OUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUT / "report-desktop.png"))
    w.assert_clean(path)
    w.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_clicking_a_failing_quote_shows_its_nearest_span_and_back(
    browser: Any, example: Any, viewport: dict[str, int]
) -> None:
    path, quotes = example
    first_failing = next(q for q in quotes if not q["passed"])
    qid = first_failing["id"]
    w = Watch(browser, viewport)
    page = w.open(path)
    quote = page.locator(f"#q-{qid}")
    target = page.locator(f'.src-text [data-q~="{qid}"]').first
    # Start far from the span: the sources column scrolled to its end (desktop), or the page
    # at its top with the sources below the draft (phone).
    page.evaluate("document.getElementById('sources').scrollTop = 1e6")
    quote.scroll_into_view_if_needed()
    sync_api.expect(target).not_to_be_in_viewport()

    quote.click()
    sync_api.expect(target).to_be_in_viewport()
    nearest = first_failing["nearest"]
    assert target.get_attribute("class").split().count("near-fail") == 1
    shown = page.evaluate(
        f"""() => Array.from(document.querySelectorAll('.src-text [data-q~="{qid}"]'))
            .map(el => el.textContent).join('')"""
    )
    assert " ".join(shown.split()) == " ".join(nearest["text"].split())
    # Its evidence is under the quote: the nearest span and the word diff.
    detail = page.locator(f"#d-{qid}")
    assert "similarity" in detail.inner_text()
    assert detail.locator("del").count() >= 1 and detail.locator("ins").count() >= 1

    name = "desktop" if viewport is DESKTOP else "phone"
    OUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUT / f"report-{name}-jumped.png"))

    target.click()  # and back to the quote
    sync_api.expect(quote).to_be_in_viewport()
    assert page.evaluate("document.activeElement.id") == f"q-{qid}"
    if viewport is PHONE:
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(OUT / "report-phone.png"))
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    w.assert_clean(path)
    w.close()


def test_keyboard_enter_on_a_focused_quote_jumps(browser: Any, example: Any) -> None:
    path, quotes = example
    qid = next(q for q in quotes if not q["passed"])["id"]
    w = Watch(browser, PHONE)
    page = w.open(path)
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # past the filter: quotes are in the tab order
    assert page.evaluate("document.activeElement.dataset.q") == quotes[0]["id"]
    page.focus(f"#q-{qid}")
    page.keyboard.press("Enter")
    target = page.locator(f'.src-text [data-q~="{qid}"]').first
    sync_api.expect(target).to_be_in_viewport()
    assert page.evaluate("document.activeElement.dataset.q").split()[0] == qid
    page.keyboard.press("Enter")
    sync_api.expect(page.locator(f"#q-{qid}")).to_be_in_viewport()
    w.assert_clean(path)
    w.close()


def test_failures_filter_hides_passing_quotes(browser: Any, example: Any) -> None:
    path, quotes = example
    w = Watch(browser, DESKTOP)
    page = w.open(path)
    passing = [q["id"] for q in quotes if q["passed"]]
    failing = [q["id"] for q in quotes if not q["passed"]]
    assert all(page.locator(f"#q-{q}").is_visible() for q in quotes_ids(quotes))
    page.get_by_label("Show only failures").check()
    assert not any(page.locator(f"#q-{q}").is_visible() for q in passing)
    assert all(page.locator(f"#q-{q}").is_visible() for q in failing)
    page.screenshot(path=str(OUT / "report-desktop-failures.png"))
    page.get_by_label("Show only failures").uncheck()
    assert all(page.locator(f"#q-{q}").is_visible() for q in passing)
    w.assert_clean(path)
    w.close()


def quotes_ids(quotes: list[dict[str, Any]]) -> list[str]:
    return [q["id"] for q in quotes]


# --- hostile text ------------------------------------------------------------------------

PWN = "window.__pwned = (window.__pwned || 0) + 1"
HOSTILE_SOURCE = f"""---
title: Harbour <script>{PWN}</script> plan approved
publication: The Example Gazette
url: javascript:{PWN}
---
The council approved the harbour plan on Monday after a long debate.
<script>{PWN}</script><img src=x onerror="{PWN}"><!-- a comment --></div></p><b><i>
Critics said the <b onmouseover="{PWN}">cost</b> was too high.
"""
HOSTILE_DRAFT = f"""---
title: "Hostile </title><script>{PWN}</script>"
---

# A <script>{PWN}</script> headline

<!-- drafter: a comment that must not be shown -->

The Example Gazette reports, see [this](javascript:{PWN}) and
<img src=x onerror="{PWN}"> and <a href="javascript:{PWN}">that</a> </div></blockquote><b>:

“The council approved the harbour plan on Monday after a long debate.”

“The council said the plan was perfect.”

<script>
{PWN}
</script>

<iframe src="javascript:{PWN}"></iframe> <svg onload="{PWN}"></svg> <!-- inline comment -->
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("hostile")
    src = folder / "gazette.md"
    src.write_text(HOSTILE_SOURCE, encoding="utf-8")
    draft = folder / "draft.md"
    draft.write_text(HOSTILE_DRAFT, encoding="utf-8")
    result = check_draft(draft, [src])
    report = folder / "report.html"
    report.write_text(report_html.to_html(result, HOSTILE_DRAFT), encoding="utf-8")
    post = folder / "post.html"
    post.write_text(render.render(HOSTILE_DRAFT, result, force=True).html, encoding="utf-8")
    return {"result": result, "report": report, "post": post}


def test_hostile_text_keeps_the_checks(hostile: dict[str, Any]) -> None:
    checks = {c.quote.text: c for c in hostile["result"].checks}
    assert (
        checks["The council approved the harbour plan on Monday after a long debate."].status
        is Status.EXACT
    )
    # Invented: it fails (how near the nearest sentence is does not matter here).
    invented = checks["The council said the plan was perfect."]
    assert invented.status in (Status.ALTERED, Status.NOT_FOUND) and not invented.passed()
    assert len(checks) == 2


@pytest.mark.parametrize("page_name", ["report", "post"])
def test_nothing_hostile_runs_in_the_browser(
    browser: Any, hostile: dict[str, Any], page_name: str
) -> None:
    path = hostile[page_name]
    w = Watch(browser, DESKTOP)
    page = w.open(path)
    # Click and hover everything a reader might, then look for any sign of execution.
    for el in page.locator("a, .q, .m, b, img, svg").all():
        if el.is_visible():
            el.hover()
    for el in page.locator(".q[id], .m[tabindex]").all():
        el.click()
    page.wait_for_timeout(100)
    assert page.evaluate("window.__pwned") is None
    assert page.evaluate("document.scripts.length") == (1 if page_name == "report" else 0)
    assert (
        page.evaluate(
            """() => document.querySelectorAll(
            '[onerror], [onload], [onmouseover], iframe, svg, img, object, embed').length"""
        )
        == 0
    )
    hrefs = page.evaluate("Array.from(document.links).map(a => a.getAttribute('href'))")
    assert all(h.startswith(("http:", "https:", "mailto:")) for h in hrefs)
    text = page.inner_text("body")
    assert "<script>" in text  # shown as text, not run
    assert "must not be shown" not in text  # drafter's comment marks are dropped
    if page_name == "report":
        assert json.dumps(page.title()).count("<script>") == 1  # the title, escaped text
        assert page.locator(".q.pass").count() == 1 and page.locator(".q.fail").count() == 1
    w.assert_clean(path)
    w.close()


# --- the preview page --------------------------------------------------------------------


def test_preview_page_of_the_passing_example(
    browser: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DRAFTER_TEMPLATES", raising=False)
    draft = ROOT / "tests" / "golden" / "render" / "draft.md"
    result = check_draft(draft, [])
    path = tmp_path / "post.html"
    path.write_text(render.render(draft.read_text("utf-8"), result).html, encoding="utf-8")
    OUT.mkdir(exist_ok=True)
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        w = Watch(browser, viewport)
        page = w.open(path)
        assert page.locator("blockquote").count() == 14  # the long quotes are set off
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        page.screenshot(path=str(OUT / f"post-{name}.png"))
        w.assert_clean(path)
        w.close()


# --- review fixes ------------------------------------------------------------------------

INLINE_SOURCE = """---
title: Harbour plan approved
publication: The Example Gazette
---
The council approved the harbour plan on Monday after a long debate.
"""
INLINE_DRAFT = """# Harbour

The Example Gazette reports that the council approved
“the harbour plan on Monday after a long debate” at last.

The mayor said “the plan is a total disaster for everyone here” and left.

Nothing else happened.
"""


def test_failures_filter_keeps_the_evidence_of_an_inline_failing_quote(
    browser: Any, tmp_path: Path
) -> None:
    (tmp_path / "gazette.md").write_text(INLINE_SOURCE, encoding="utf-8")
    draft = tmp_path / "draft.md"
    draft.write_text(INLINE_DRAFT, encoding="utf-8")
    result = check_draft(draft, [tmp_path / "gazette.md"])
    assert [c.passed() for c in result.checks] == [True, False]
    path = tmp_path / "report.html"
    path.write_text(report_html.to_html(result, INLINE_DRAFT), encoding="utf-8")
    w = Watch(browser, PHONE)
    page = w.open(path)
    page.get_by_label("Show only failures").check()
    assert page.locator("#q-q2").is_visible() and page.locator("#d-q2").is_visible()
    assert not page.locator("#q-q1").is_visible()
    assert not page.get_by_text("Nothing else happened.").is_visible()
    OUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUT / "report-phone-inline-failures.png"))
    w.assert_clean(path)
    w.close()
