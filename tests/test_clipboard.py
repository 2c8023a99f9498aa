"""`render --copy`: both flavours (HTML and plain text), no waiting on the tool's pipes, the
tools of Wayland, X11 and macOS, and `--no-title`. The clipboard tools are fakes on PATH that
write down what they were given."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from drafter.publishing import clipboard
from drafter.publishing.clipboard import copy_fragment, plain_text

from .conftest import ROOT, run

PASSING = ROOT / "tests" / "golden" / "render" / "draft.md"
FRAGMENT = (
    "<h1>Title</h1>\n<p>He said “it works”.</p>\n<blockquote>\n<p>A quote.</p>\n</blockquote>\n"
)


def _tool(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


@pytest.fixture
def bin_dir(tmp_path: Path) -> Iterator[Path]:
    """A folder for fake tools; any process a fake leaves running is stopped afterwards."""
    folder = tmp_path / "bin"
    folder.mkdir()
    yield folder
    for pid_file in folder.glob("*.pid"):
        with contextlib.suppress(ProcessLookupError, ValueError):
            os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)


# Like xclip: take the data, then leave a child behind that keeps stdout and stderr open.
XCLIP = """\
for a in "$@"; do printf '%s\\n' "$a"; done > "$0.args"
/bin/cat > "$0.stdin"
/bin/sleep 30 &
echo $! > "$0.pid"
exit 0
"""


def test_xclip_keeping_its_pipes_open_returns_at_once_with_both_flavours(bin_dir: Path) -> None:
    xclip = _tool(bin_dir, "xclip", XCLIP)
    env = {"PATH": str(bin_dir), "DISPLAY": ":0"}
    started = time.monotonic()
    message = copy_fragment(FRAGMENT, env=env)
    took = time.monotonic() - started
    # The old code read xclip's pipes until its 10 s timeout, then reported a failure.
    assert took < 1.0, took
    assert message == (
        "copied the fragment to the clipboard as rich text (HTML) and plain text (via xclip)"
    )
    args = Path(f"{xclip}.args").read_text(encoding="utf-8").split("\n")
    assert args[args.index("-t") + 1] == "text/html"
    alt = args.index("-alt-text")
    assert "\n".join(args[alt + 1 : alt + 6]).startswith("Title\n\nHe said “it works”.\n\nA quote.")
    assert Path(f"{xclip}.stdin").read_text(encoding="utf-8") == FRAGMENT


def test_an_old_xclip_without_alt_text_still_copies_the_html(bin_dir: Path) -> None:
    _tool(
        bin_dir,
        "xclip",
        'case "$*" in *-alt-text*) echo "xclip: -alt-text: No such file or directory" >&2; '
        'exit 1;; esac\n/bin/cat > "$0.stdin"\n',
    )
    message = copy_fragment(FRAGMENT, env={"PATH": str(bin_dir), "DISPLAY": ":0"})
    assert message == "copied the fragment to the clipboard as rich text (HTML) only (via xclip)"


def test_xsel_and_pbcopy_carry_the_plain_text(bin_dir: Path) -> None:
    xsel = _tool(bin_dir, "xsel", '/bin/cat > "$0.stdin"\n')
    message = copy_fragment(FRAGMENT, env={"PATH": str(bin_dir), "DISPLAY": ":0"})
    assert message == "copied the fragment to the clipboard as plain text only (via xsel)"
    assert Path(f"{xsel}.stdin").read_text(encoding="utf-8") == plain_text(FRAGMENT)
    xsel.unlink()
    pbcopy = _tool(bin_dir, "pbcopy", '/bin/cat > "$0.stdin"\n')
    message = copy_fragment(FRAGMENT, env={"PATH": str(bin_dir)})
    assert message.endswith("as plain text only (via pbcopy)")
    assert "<p>" not in Path(f"{pbcopy}.stdin").read_text(encoding="utf-8")


def test_macos_osascript_puts_both_flavours_on_the_pasteboard(bin_dir: Path) -> None:
    osascript = _tool(bin_dir, "osascript", '/bin/cat > "$0.stdin"\n')
    message = copy_fragment(FRAGMENT, env={"PATH": str(bin_dir)})
    assert message.endswith("as rich text (HTML) and plain text (via osascript)")
    data = json.loads(Path(f"{osascript}.stdin").read_text(encoding="utf-8"))
    assert data == {"html": FRAGMENT, "text": plain_text(FRAGMENT)}


def test_a_failing_tool_is_named_with_its_reason_and_the_next_one_is_tried(bin_dir: Path) -> None:
    _tool(
        bin_dir,
        "wl-copy",
        'echo "wl-copy: compositor does not support wlr-data-control" >&2\nexit 1\n',
    )
    _tool(bin_dir, "xsel", "/bin/cat > /dev/null\n")
    env = {"PATH": str(bin_dir), "WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}
    assert copy_fragment(FRAGMENT, env=env).endswith("(via xsel)")
    (bin_dir / "xsel").unlink()
    message = copy_fragment(FRAGMENT, env=env)
    assert message.startswith("could not copy to the clipboard: wl-copy (wl-copy: compositor")
    assert "no $WAYLAND_DISPLAY" in copy_fragment(FRAGMENT, env={"PATH": str(bin_dir)})


def test_copy_says_clearly_when_there_is_no_tool(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    result = run("render", PASSING, "--format", "md", "--copy")
    assert result.exit_code == 0
    assert "could not copy to the clipboard: no clipboard tool found" in result.stderr


def test_no_title_leaves_the_h1_out_of_the_fragment_and_the_copy(
    bin_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_title = run("render", PASSING, "--format", "fragment")
    assert with_title.stdout.startswith("<h1>AI: US AI Talent hunt includes China. RTZ #767</h1>")
    xclip = _tool(bin_dir, "xclip", XCLIP)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("DISPLAY", ":0")
    result = run("render", PASSING, "--format", "fragment", "--no-title", "--copy")
    assert result.exit_code == 0, result.output
    assert "<h1" not in result.stdout and result.stdout.startswith("<p>")
    assert "(via xclip)" in result.stderr
    assert "<h1" not in Path(f"{xclip}.stdin").read_text(encoding="utf-8")
    assert "RTZ #767" not in Path(f"{xclip}.args").read_text(encoding="utf-8")
    # The preview page keeps its title: --no-title is for the fragment.
    page = run("render", PASSING, "--no-title")
    assert "<h1" in page.stdout


def test_a_stuck_tool_is_not_said_to_have_copied_and_the_next_one_is_tried(
    bin_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Like an xclip that hangs on its display before reading a byte: still running after a
    # while, but it has not taken the data. The old code called that a copy.
    _tool(bin_dir, "xclip", 'echo $$ > "$0.pid"\nexec /bin/sleep 30\n')
    xsel = _tool(bin_dir, "xsel", '/bin/cat > "$0.stdin"\n')
    monkeypatch.setattr(clipboard, "TAKE_SECONDS", 2.0, raising=False)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("DISPLAY", ":0")
    result = run("render", PASSING, "--format", "fragment", "--copy")
    assert result.exit_code == 0, result.output
    assert "copied the fragment to the clipboard as plain text only (via xsel)" in result.stderr
    assert Path(f"{xsel}.stdin").read_text(encoding="utf-8").startswith("AI: US AI Talent")
    xsel.unlink()
    result = run("render", PASSING, "--format", "fragment", "--copy")
    assert "could not copy to the clipboard: xclip (did not take the data; stopped)" in (
        result.stderr
    )


def test_a_slow_tool_that_takes_the_data_and_keeps_serving_has_copied(bin_dir: Path) -> None:
    # Like osascript starting slowly: it reads the data late, then keeps running.
    osascript = _tool(
        bin_dir,
        "osascript",
        '/bin/sleep 0.8\n/bin/cat > "$0.stdin"\necho $$ > "$0.pid"\nexec /bin/sleep 30\n',
    )
    message = copy_fragment(FRAGMENT, env={"PATH": str(bin_dir)})
    assert message.endswith("as rich text (HTML) and plain text (via osascript)")
    assert json.loads(Path(f"{osascript}.stdin").read_text(encoding="utf-8"))["html"] == FRAGMENT
