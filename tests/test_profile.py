"""Newsletter profiles: the bundled RTZ one is the default, `drafter init` writes one from a
post of yours, and another newsletter (its own title pattern, sign-off, disclaimer and British
quote marks) drafts offline end to end and checks clean, without editing Python."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from drafter.errors import InputError
from drafter.profile import RTZ, Profile, bundled, infer, load, parse, read

from .conftest import EXAMPLE, ROOT, run

LEDGER = ROOT / "tests" / "fixtures" / "checker" / "sources" / "ledger.md"

# A made-up newsletter, as one of its writers would have published an issue of it.
DISPATCH_POST = """\
# Harbour Dispatch No. 11: Cranes that never sleep

Ports are changing faster than the towns around them.

As the Harbour Ledger reports in ‘Port of Halden adds night shifts as cargo volumes climb’:

‘The Port of Halden will run its container cranes through the night from next month, after \
cargo volumes rose 18 per cent in the first five months of the year.’

That is the story of the year. Until next tide.

(The Harbour Dispatch is written for readers, not for traders.)
"""
DISPATCH = Profile(
    name="Harbour Dispatch",
    title="Harbour Dispatch No. {number}: {headline}",
    sign_off="Until next tide.",
    disclaimer="(The Harbour Dispatch is written for readers, not for traders.)",
    quote_style="british",
)


def test_the_bundled_profile_is_rtz_and_the_default(tmp_path: Path) -> None:
    assert bundled() == RTZ
    assert load(tmp_path, tmp_path / "user") == RTZ
    user = tmp_path / "user"
    user.mkdir()
    (user / "drafter.toml").write_text('name = "U"\ntitle = "U {headline}"\n', encoding="utf-8")
    assert load(tmp_path, user).name == "U"  # the user folder, when the working one has none
    (tmp_path / "drafter.toml").write_text('name = "W"\ntitle = "{headline}"\n', encoding="utf-8")
    assert load(tmp_path, user).name == "W"  # the working folder wins


def test_init_takes_what_it_can_from_a_post(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("init", "--from", EXAMPLE / "draft.md")
    assert result.exit_code == 0, result.output
    assert replace(read(tmp_path / "drafter.toml"), origin="bundled") == RTZ
    assert "sign-off “Stay tuned.”" in result.stderr
    (tmp_path / "post.md").write_text(DISPATCH_POST, encoding="utf-8")
    again = run("init", "--from", "post.md")
    assert again.exit_code == 2 and "already exists; pass --replace" in again.stderr
    assert run("init", "--from", "post.md", "--replace").exit_code == 0
    assert replace(read(tmp_path / "drafter.toml"), origin="bundled") == DISPATCH
    assert (tmp_path / "drafter.v1.toml").exists()  # the replaced profile is kept
    refused = run("init", "--from", "post.md", "-o", "post.md")
    assert refused.exit_code == 2 and "is one of this command's inputs" in refused.stderr
    assert (tmp_path / "post.md").read_text(encoding="utf-8") == DISPATCH_POST


def test_infer_and_titles_round_trip() -> None:
    profile, _ = infer(DISPATCH_POST)
    assert profile == DISPATCH
    assert DISPATCH.house_title("Harbour Dispatch No. 3: Tides turn", None) == (
        "Harbour Dispatch No. 3: Tides turn"
    )
    assert DISPATCH.house_title("Tides turn.", 4) == "Harbour Dispatch No. 4: Tides turn"
    assert DISPATCH.house_title("", None) == "Harbour Dispatch No. TK: TK headline"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('name = "X"\n', "needs a 'title'"),
        ('name = "X"\ntitle = "no headline"\n', "must hold {headline} once"),
        ('name = "X"\ntitle = "{headline.__class__} {headline}"\n', "only {headline} and"),
        ('name = "X"\ntitle = "{headline}"\ncolour = "red"\n', "unknown profile key 'colour'"),
        ('name = "X"\ntitle = "{headline}"\nquote_style = "french"\n', "quote_style must be"),
        ('name = "X"\ntitle = "{headline}"\nsign_off = 3\n', "'sign_off' must be a string"),
        ('name = "X\n', "not a valid profile (TOML)"),
    ],
)
def test_a_bad_profile_is_one_line_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, problem: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "drafter.toml").write_text(text, encoding="utf-8")
    result = run("draft", LEDGER, "--angle", "x", "--offline", "-d", "out")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert "drafter.toml" in result.stderr and problem in result.stderr
    assert not (tmp_path / "out").exists()
    with pytest.raises(InputError, match=r"drafter\.toml"):
        parse(text, "drafter.toml")


def test_a_second_newsletter_drafts_offline_end_to_end_and_checks_clean(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    shutil.copy(LEDGER, tmp_path / "ledger.md")
    (tmp_path / "post.md").write_text(DISPATCH_POST, encoding="utf-8")
    assert run("init", "--from", "post.md").exit_code == 0
    made = run("draft", "ledger.md", "--angle", "Night shifts at Halden", "--number", "12",
               "--offline", "-d", "out")  # fmt: skip
    assert made.exit_code == 0, made.output
    assert "profile: Harbour Dispatch" in made.stdout
    draft = (tmp_path / "out" / "draft.md").read_text(encoding="utf-8")
    assert "\n# Harbour Dispatch No. 12: Night shifts at Halden\n" in draft
    assert "As the Harbour Ledger (HL) reports in [‘Port of Halden adds night shifts" in draft
    assert "\n‘The Port of Halden will run its container cranes" in draft  # British marks
    assert "Until next tide.\n\n(The Harbour Dispatch is written for readers" in draft
    assert draft.endswith("not for traders.)\n")
    for rtz in ("RTZ", "Stay tuned", "(NOTE:", "“The Port"):
        assert rtz not in draft, rtz
    # Its draft checks clean: every quote passes (here, where the checker reads ‘…’ as a
    # quotation found in the source; British-style checking proper is issue 10's).
    check = run("check", "out/draft.md", "--format", "json")
    assert check.exit_code == 0, check.output
    report = json.loads(check.stdout)
    assert report["summary"]["failed"] == 0 and report["summary"]["unchecked"] == 0
    assert report["summary"]["quotes"] >= 3
    assert {q["status"] for q in report["quotes"]} <= {"exact", "title"}
    assert report["summary"]["placeholders"] == 2  # the writer's commentary is still to come
    # With the slots filled in, it renders in its own dress.
    text = (tmp_path / "out" / "draft.md").read_text(encoding="utf-8")
    filled = (
        text.replace("[TK: opening context.", "Ports never sleep. (")
        .replace("[TK: the big picture.", "This matters. (")
        .replace("your voice.]", "your voice.)")
        .replace("your take.]", "your take.)")
    )
    (tmp_path / "out" / "draft.md").write_text(filled, encoding="utf-8")
    page = run("render", "out/draft.md", "--format", "fragment")
    assert page.exit_code == 0, page.output
    assert page.stdout.startswith("<h1>Harbour Dispatch No. 12: Night shifts at Halden</h1>")


def test_profile_values_are_data_never_templates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "drafter.toml").write_text(
        'name = "X"\ntitle = "X #{number}: {headline}"\n'
        'sign_off = "{{ 7*7 }} {% if true %}yes{% endif %} {number}"\n'
        'disclaimer = "{{ cycler.__init__.__globals__ }}"\n',
        encoding="utf-8",
    )
    result = run("draft", LEDGER, "--angle", "{{ 6*7 }}", "--number", "1", "--offline", "-d", "o")
    assert result.exit_code == 0, result.output
    draft = (tmp_path / "o" / "draft.md").read_text(encoding="utf-8")
    assert "{{ 7*7 }} {% if true %}yes{% endif %} {number}" in draft
    assert draft.endswith("{{ cycler.__init__.__globals__ }}\n")
    assert "\n# X #1: {{ 6*7 }}\n" in draft and " 49 " not in draft


def test_the_profile_quote_style_is_how_check_reads_single_quotes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No --quote-style: a British profile reads single quotes as quotations; a profile can
    never switch the check off (a received folder's drafter.toml saying "us" still gets
    auto); the editor's own option wins."""

    monkeypatch.chdir(tmp_path)
    (tmp_path / "src.md").write_text("The lab will open in June.\n", encoding="utf-8")
    sentence = "‘The lab will close for good next year, and nobody will be kept on’"
    (tmp_path / "d.md").write_text(f"The memo said: {sentence}.\n", encoding="utf-8")
    args = ["check", "d.md", "--source", "src.md", "--format", "json"]
    assert json.loads(run(*args).stdout)["quote_style"] == "british"  # bundled: auto
    (tmp_path / "drafter.toml").write_text(
        'name = "W"\ntitle = "{headline}"\nquote_style = "us"\n', encoding="utf-8"
    )
    us_profile = json.loads(run(*args).stdout)
    assert us_profile["quote_style"] == "british"  # auto: the 14-word sentence is a quotation
    assert us_profile["summary"]["failed"] == 1  # and it is not in the source
    assert json.loads(run(*args, "--quote-style", "us").stdout)["quote_style"] == "us"
