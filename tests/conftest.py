from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from drafter.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "rtz-767"


def run(*args: str | Path) -> Result:
    """Run the drafter CLI as a user would (through click), returning its result."""
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def run_json(*args: str | Path) -> tuple[int, dict[str, Any]]:
    result = run(*args, "--format", "json")
    return result.exit_code, json.loads(result.stdout)


@pytest.fixture
def write(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write a text file under tmp_path and return its path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return _write


@pytest.fixture(autouse=True)
def _run_log(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test's model calls go to a run log of its own, never the user's."""
    path = tmp_path_factory.mktemp("runlog") / "runs.sqlite"
    monkeypatch.setenv("DRAFTER_RUN_LOG", str(path))
    return path


@pytest.fixture(scope="module")
def web() -> Iterator[Any]:
    """The local test web server (tests/webserver.py) on 127.0.0.1, for a test module."""
    from .webserver import serve

    with serve() as server:
        yield server


@pytest.fixture
def local_fetch(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fetches fail fast (a server that never answers fails the test in well under a
    second) and go straight to the local server, never through a proxy the environment
    names (httpx honours HTTP_PROXY and friends)."""
    from drafter.sources import fetch

    monkeypatch.setattr(fetch, "TIMEOUT", 0.5)
    monkeypatch.setattr(fetch, "TOTAL_TIME", 10.0)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


@pytest.fixture
def library_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A library file for the test, named by $DRAFTER_LIBRARY: commands then find it with no
    path on the command line (``check --library``, ``sources …``)."""
    lib = tmp_path / "lib.sqlite"
    monkeypatch.setenv("DRAFTER_LIBRARY", str(lib))
    return lib
