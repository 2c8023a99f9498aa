"""Put a rendered fragment on the system clipboard as rich text (HTML), where that is possible.

Takes the fragment; returns one line for the user saying what
happened. Does I/O: it runs the platform's clipboard tool. It never raises: a missing tool
or display is reported, not a crash, because the render itself has already succeeded.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence

# (tool, argv, the environment variable that must name a display for it to work)
_TOOLS: tuple[tuple[str, Sequence[str], str], ...] = (
    ("wl-copy", ("wl-copy", "--type", "text/html"), "WAYLAND_DISPLAY"),
    ("xclip", ("xclip", "-selection", "clipboard", "-t", "text/html", "-i"), "DISPLAY"),
)


def copy_html(html: str, env: Mapping[str, str] | None = None) -> str:
    """Copy ``html`` as text/html; the message says which tool did it, or why nothing did."""
    env = os.environ if env is None else env
    tried = []
    for name, argv, display in _TOOLS:
        exe = shutil.which(name, path=env.get("PATH"))
        if exe is None:
            continue
        if not env.get(display):
            tried.append(f"{name} (no ${display})")
            continue
        try:
            subprocess.run(
                [exe, *argv[1:]],
                input=html.encode(),
                env=dict(env),
                check=True,
                timeout=10,
                capture_output=True,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            tried.append(f"{name} ({exc.__class__.__name__})")
            continue
        return f"copied the fragment to the clipboard as rich text (via {name})"
    why = ", ".join(tried) if tried else "no clipboard tool found (wl-copy or xclip)"
    return (
        f"could not copy to the clipboard: {why}; write the fragment with "
        "--format fragment --out FILE and paste it from there"
    )
