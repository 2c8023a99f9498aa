"""Put a rendered fragment on the system clipboard: as rich text (HTML) and as plain text,
so that a newsletter editor pastes the formatted post and a plain-text field the words.

Takes the fragment; returns one line for the user saying which tool was used and what it
offered, or why nothing was copied. Does I/O: it runs the platform's clipboard tool. It never
raises: a missing tool or display is reported, not a crash, because the render itself has
already succeeded.

Tools, in the order they are tried (each where its display is):

- ``wl-copy`` (Wayland): HTML only; wl-copy offers one type per copy.
- ``xclip`` (X11): HTML, with the plain text as its ``-alt-text`` (in xclip's repository
  since April 2023, after its latest release, 0.13; an xclip without it takes the option
  for a file name, fails, and is run again for HTML only).
- ``xsel`` (X11): plain text only.
- ``osascript`` (macOS): HTML and plain text together on the general pasteboard.
- ``pbcopy`` (macOS): plain text only.

X11 tools fork a child that serves the selection and keeps the pipes it inherited open, so
waiting for their output never ends (the old 10 s timeout). The data goes in through a
temporary file and their output goes to ``/dev/null`` or a file: drafter waits only for the
tool's own process to exit, or, while it runs, until it has read the whole file (the offset
of the file it shares with drafter), and returns. A tool stuck before reading (a display that
does not answer) is stopped and has not copied.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from drafter.publishing.readback import read

# How long the tool's own process may take to take the data and exit. One that is still
# running then, and has read all the data, is serving the clipboard itself.
WAIT_SECONDS = 0.5
# How long a tool that is still running may take to read the data (osascript can be slow to
# start); one that has not read it by then is stuck, is stopped, and has copied nothing.
TAKE_SECONDS = 5.0
STUCK = "did not take the data; stopped"
# xclip takes the plain text as an argument; past this a command line may be too long.
MAX_ALT_TEXT = 100_000

# JavaScript for Automation: read {"html", "text"} from stdin, put both on the pasteboard.
_JXA = (
    "ObjC.import('AppKit');"
    "var d=$.NSFileHandle.fileHandleWithStandardInput.readDataToEndOfFile;"
    "var o=JSON.parse($.NSString.alloc.initWithDataEncoding(d,$.NSUTF8StringEncoding).js);"
    "var p=$.NSPasteboard.generalPasteboard;p.clearContents;"
    "p.setStringForType($(o.html),$.NSPasteboardTypeHTML);"
    "p.setStringForType($(o.text),$.NSPasteboardTypeString);"
)


@dataclass(frozen=True)
class _Tool:
    name: str
    display: str  # the environment variable that must name a display ("" for none)
    offers: str  # what one copy carries: "html", "text" or "both"


_TOOLS = (
    _Tool("wl-copy", "WAYLAND_DISPLAY", "html"),
    _Tool("xclip", "DISPLAY", "both"),
    _Tool("xsel", "DISPLAY", "text"),
    _Tool("osascript", "", "both"),
    _Tool("pbcopy", "", "text"),
)
_WHAT = {
    "both": "as rich text (HTML) and plain text",
    "html": "as rich text (HTML) only",
    "text": "as plain text only",
}


def plain_text(fragment: str) -> str:
    """The fragment as a reader sees it: its paragraphs' text, a blank line between them."""
    paras, _ = read(fragment)
    return "\n\n".join(p.text.strip() for p in paras if p.text.strip()) + "\n"


def _commands(tool: _Tool, exe: str, html: str, text: str) -> list[tuple[list[str], bytes, str]]:
    """The command lines to try for ``tool`` in turn: (argv, stdin, what the copy carries)."""
    if tool.name == "wl-copy":
        return [([exe, "--type", "text/html"], html.encode(), "html")]
    if tool.name == "xclip":
        html_only = [exe, "-selection", "clipboard", "-t", "text/html", "-i"]
        both = [exe, "-selection", "clipboard", "-alt-text", text, "-t", "text/html", "-i"]
        tries = [(html_only, html.encode(), "html")]
        if len(text) <= MAX_ALT_TEXT:
            tries.insert(0, (both, html.encode(), "both"))
        return tries
    if tool.name == "xsel":
        return [([exe, "--clipboard", "--input"], text.encode(), "text")]
    if tool.name == "osascript":
        data = json.dumps({"html": html, "text": text}).encode()
        return [([exe, "-l", "JavaScript", "-e", _JXA], data, "both")]
    return [([exe], text.encode(), "text")]


def _run(argv: Sequence[str], data: bytes, env: Mapping[str, str]) -> str:
    """Run one clipboard command; "" when it took the data, else why not in a few words."""
    with tempfile.TemporaryFile() as stdin, tempfile.TemporaryFile() as errors:
        stdin.write(data)
        stdin.seek(0)
        try:
            proc = subprocess.Popen(
                list(argv),
                stdin=stdin,
                stdout=subprocess.DEVNULL,
                stderr=errors,
                env=dict(env),
                start_new_session=True,  # a Ctrl-C of drafter leaves the clipboard alone
            )
        except OSError as exc:
            return exc.strerror or exc.__class__.__name__
        code = _wait_for_data(proc, stdin.fileno(), len(data))
        if isinstance(code, str):
            return code
        if code == 0:
            return ""
        errors.seek(0)
        lines = errors.read(2000).decode(errors="replace").strip().splitlines()
        return lines[0] if lines else f"exit status {code}"


def _wait_for_data(proc: subprocess.Popen[bytes], stdin: int, size: int) -> int | str:
    """The tool's exit code; or "" when it is still running and has read all ``size`` bytes
    of its stdin (the file offset it shares with us says so): it is serving the clipboard; or
    why not, when it is stuck without them (it is stopped). Returns as soon as one is known."""
    started = time.monotonic()
    while True:
        try:
            return proc.wait(timeout=0.02)
        except subprocess.TimeoutExpired:
            pass
        waited = time.monotonic() - started
        if os.lseek(stdin, 0, os.SEEK_CUR) >= size:
            if waited >= WAIT_SECONDS:  # it had time to fail after reading: it serves
                return ""
        elif waited >= TAKE_SECONDS:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # its own session (start_new_session)
            proc.wait()
            return STUCK


def copy_fragment(fragment: str, env: Mapping[str, str] | None = None) -> str:
    """Copy ``fragment`` as HTML and as plain text with the first tool that works; the
    message says which tool did it and what it offered, or why nothing did."""
    env = os.environ if env is None else env
    text = plain_text(fragment)
    tried = []
    for tool in _TOOLS:
        exe = shutil.which(tool.name, path=env.get("PATH"))
        if exe is None:
            continue
        if tool.display and not env.get(tool.display):
            tried.append(f"{tool.name} (no ${tool.display})")
            continue
        why = ""
        for argv, data, offers in _commands(tool, exe, fragment, text):
            why = _run(argv, data, env)
            if not why:
                return f"copied the fragment to the clipboard {_WHAT[offers]} (via {tool.name})"
            if why == STUCK:
                break  # not run again with other options: the next tool is tried
        tried.append(f"{tool.name} ({why})")
    reason = (
        ", ".join(tried) if tried else "no clipboard tool found (wl-copy, xclip, xsel or pbcopy)"
    )
    return (
        f"could not copy to the clipboard: {reason}; write the fragment with "
        "--format fragment -o FILE and paste it from there"
    )
