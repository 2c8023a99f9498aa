"""`drafter --help` and `drafter draft --help` must not load the anthropic SDK."""

from __future__ import annotations

import subprocess
import sys

from .conftest import ROOT

PROBE = """
import sys
from click.testing import CliRunner
from drafter.cli import main
for args in (["--help"], ["draft", "--help"], ["revise", "--help"]):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
print(sorted(m for m in sys.modules if m.split(".")[0] in ("anthropic", "httpx2", "pydantic")))
"""


def test_help_does_not_import_the_sdk() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
