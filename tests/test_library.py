"""The source library: adding, listing, searching, removing; checking a draft against it;
a schema that migrates forward; surviving a kill mid-write and two writers at once."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from drafter.sources.chunk import chunk
from drafter.sources.library import SCHEMA_VERSION, Library

from .conftest import EXAMPLE, ROOT, run
from .webserver import WEB

ARTICLE = """---
title: {title}
publication: {publication}
---

{body}
"""


def article(i: int) -> str:
    """A small, distinct news-like article."""
    paras = [
        f"Story {i}: the council of town {i} approved budget line {i * 7} on a vote of "
        f"{i % 9 + 3} to {i % 5}, officials said on Thursday.",
        f"“We will review contract {i} again in spring,” said councillor number {i}, who "
        "chairs the finance committee.",
        f"Residents of ward {i % 13} had asked for the money to go to roads instead.",
    ]
    return ARTICLE.format(
        title=f"Town {i} approves budget", publication="The Test Gazette", body="\n\n".join(paras)
    )


def write_articles(folder: Path, n: int, start: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + n):
        p = folder / f"town{i:04d}.md"
        p.write_text(article(i), encoding="utf-8")
        paths.append(p)
    return paths


def assert_consistent(lib_path: Path) -> int:
    """Integrity check passes and every listed source is whole. Returns how many there are."""
    with Library(lib_path) as lib:
        assert lib.integrity() == "ok"
        entries = lib.entries()
        for e in entries:
            src = lib.source(e.id)
            assert hashlib.sha256(src.text.encode()).hexdigest() == e.sha256
            stored = lib.passages(e.id)
            assert len(stored) == e.passage_count == len(chunk(src))
            assert [p.text for p in stored] == [p.text for p in chunk(src)]
            assert lib.raw(e.id)
        return len(entries)


def test_add_list_show_search_remove(tmp_path: Path) -> None:
    lib = tmp_path / "lib.sqlite"
    added = run("sources", "add", EXAMPLE / "scmp.md", WEB / "news.html", "--library-path", lib)
    assert added.exit_code == 0, added.output
    assert "added scmp" in added.stdout
    assert "added harbourledger" in added.stdout

    listed = run("sources", "list", "--library-path", lib)
    assert listed.exit_code == 0
    assert "scmp" in listed.stdout and "The Harbour Ledger" in listed.stdout

    shown = run("sources", "show", "harbourledger", "--library-path", lib)
    assert shown.exit_code == 0
    assert "publication: The Harbour Ledger" in shown.stdout
    assert "harbourledger:p04 [" in shown.stdout
    assert "What changes for the workers" in shown.stdout

    found = run("sources", "search", "grid connections", "--library-path", lib)
    assert found.exit_code == 0
    assert found.stdout.startswith("harbourledger:p10")
    assert "[grid] [connections]" in found.stdout

    removed = run("sources", "remove", "harbourledger", "--library-path", lib)
    assert removed.exit_code == 0
    assert run("sources", "search", "grid connections", "--library-path", lib).stdout == ""
    missing = run("sources", "show", "harbourledger", "--library-path", lib)
    assert missing.exit_code == 2
    assert "harbourledger: no such source" in missing.stderr
    assert assert_consistent(lib) == 1


def test_library_from_the_environment_and_default_location(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("sources", "add", EXAMPLE / "scmp.md").exit_code == 0
    assert (tmp_path / ".drafter" / "library.sqlite").exists()
    monkeypatch.setenv("DRAFTER_LIBRARY", str(tmp_path / "other.sqlite"))
    assert run("sources", "add", WEB / "news.html").exit_code == 0
    with Library(tmp_path / "other.sqlite") as lib:
        assert [e.id for e in lib.entries()] == ["harbourledger"]


def test_reading_a_missing_or_foreign_library_is_exit_2(tmp_path: Path) -> None:
    result = run("sources", "list", "--library-path", tmp_path / "none.sqlite")
    assert result.exit_code == 2
    assert "no source library here yet" in result.stderr
    assert not (tmp_path / "none.sqlite").exists()
    junk = tmp_path / "junk.sqlite"
    junk.write_text("not a database at all " * 100)
    result = run("sources", "list", "--library-path", junk)
    assert result.exit_code == 2
    assert "is not a usable drafter library" in result.stderr


DRAFT = """# Ports and towns

Cranes are going electric. “Every port is going to do this within a decade. The only
question is who pays for the substation,” an analyst said.

“We will review contract 17 again in spring,” said a councillor.

As the South China Morning Post reports:

“US chip giant Nvidia has hired two prominent artificial intelligence (AI) experts who hail
from China, underscoring the rising global recognition of talent from the mainland and their
key contributions to the field’s advancement.”

“This sentence is in no article of the library at all, anywhere,” someone said.
"""


def test_check_against_the_library(tmp_path: Path) -> None:
    lib = tmp_path / "lib.sqlite"
    paths = [EXAMPLE / "scmp.md", WEB / "news.html", *write_articles(tmp_path / "a", 40)]
    assert run("sources", "add", *paths, "--library-path", lib).exit_code == 0
    draft = tmp_path / "draft.md"
    draft.write_text(DRAFT, encoding="utf-8")
    result = run("check", draft, "--library-path", lib, "--format", "json")
    assert result.exit_code == 1  # the last quote is in no source
    import json

    data = json.loads(result.stdout)
    by_text = {q["text"][:20]: q for q in data["quotes"]}
    port = by_text["Every port is going "]
    assert port["status"] == "normalized"  # the draft wraps the line
    assert port["matches"][0]["passage"] == "harbourledger:p11"
    assert port["note"].startswith(
        "this quote is from The Harbour Ledger piece “Harbour cranes go electric"
    )
    assert " you added on " in port["note"]
    assert by_text["We will review contr"]["matches"][0]["source"] == "town0017"
    assert by_text["US chip giant Nvidia"]["status"] == "normalized"
    assert by_text["US chip giant Nvidia"]["attributed_to"] == "scmp"
    assert by_text["This sentence is in "]["status"] == "not_found"
    # Only the candidate sources were read, not the whole library.
    assert len(data["sources"]) < 10

    text = run("check", draft, "--library-path", lib)
    assert "this quote is from The Harbour Ledger piece" in text.stdout

    # render checks against the library too: without the invented quote it renders.
    passing = tmp_path / "passing.md"
    passing.write_text(
        DRAFT.split("This sentence is in")[0].rsplit("\n\n", 1)[0] + "\n", encoding="utf-8"
    )
    page = tmp_path / "post.html"
    rendered = run("render", passing, "--library-path", lib, "-o", page)
    assert rendered.exit_code == 0, rendered.output
    assert "Every port is going to do this within a decade." in page.read_text(encoding="utf-8")
    refused = run("render", draft, "--library-path", lib, "-o", page.with_name("no.html"))
    assert refused.exit_code == 1 and not page.with_name("no.html").exists()


V1_SCHEMA = [
    # The library schema as drafter's first library release wrote it (user_version 1).
    """CREATE TABLE sources (
        id TEXT PRIMARY KEY, origin TEXT NOT NULL, version INTEGER NOT NULL,
        sha256 TEXT NOT NULL, title TEXT NOT NULL DEFAULT '',
        publication TEXT NOT NULL DEFAULT '', short_name TEXT NOT NULL DEFAULT '',
        url TEXT NOT NULL DEFAULT '', author TEXT NOT NULL DEFAULT '',
        date TEXT NOT NULL DEFAULT '', format TEXT NOT NULL DEFAULT 'text',
        text TEXT NOT NULL, raw BLOB NOT NULL, content_type TEXT NOT NULL DEFAULT '',
        retrieved_from TEXT NOT NULL, retrieved_at TEXT NOT NULL,
        UNIQUE (origin, version), UNIQUE (origin, sha256))""",
    """CREATE TABLE passages (
        rowid INTEGER PRIMARY KEY,
        source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        id TEXT NOT NULL, ord INTEGER NOT NULL, start_offset INTEGER NOT NULL,
        end_offset INTEGER NOT NULL, text TEXT NOT NULL, UNIQUE (source_id, ord))""",
    "CREATE INDEX sources_sha256 ON sources (sha256)",
]


def test_an_older_library_opens_and_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    for statement in V1_SCHEMA:
        db.execute(statement)
    text = "The old library's only article mentions a lighthouse keeper.\n\nA second paragraph."
    sha = hashlib.sha256(text.encode()).hexdigest()
    db.execute(
        "INSERT INTO sources (id, origin, version, sha256, title, text, raw, retrieved_from, "
        "retrieved_at) VALUES ('old', '/old.txt', 1, ?, 'Old', ?, ?, '/old.txt', "
        "'2025-11-03T09:00:00+00:00')",
        (sha, text, text.encode()),
    )
    db.executemany(
        "INSERT INTO passages (source_id, id, ord, start_offset, end_offset, text) "
        "VALUES ('old', ?, ?, ?, ?, ?)",
        [
            ("old:p01", 0, 0, text.index("\n"), text[: text.index("\n")]),
            ("old:p02", 1, text.index("A second"), len(text), "A second paragraph."),
        ],
    )
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()

    found = run("sources", "search", "lighthouse", "--library-path", path)
    assert found.exit_code == 0, found.output
    assert found.stdout.startswith("old:p01")
    with Library(path) as lib:
        assert lib.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        (entry,) = lib.entries()
        assert entry.passage_count == 2
        # The word counts a check looks quotes up by were built from the old passages.
        assert lib.candidates([[["lighthouse", "keeper"]]]) == ["old"]
    assert run("sources", "add", EXAMPLE / "scmp.md", "--library-path", path).exit_code == 0
    assert assert_consistent(path) == 2


def test_a_library_from_a_newer_drafter_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 99")
    db.close()
    result = run("sources", "list", "--library-path", path)
    assert result.exit_code == 2
    assert "made by a newer drafter" in result.stderr


def _drafter(*args: str | Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "drafter", *map(str, args)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _count(path: Path) -> int:
    if not path.exists():
        return 0
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            return int(db.execute("SELECT count(*) FROM sources").fetchone()[0])
        finally:
            db.close()
    except sqlite3.OperationalError:
        return 0  # not created yet


def test_killed_mid_add_leaves_a_consistent_usable_library(tmp_path: Path) -> None:
    lib = tmp_path / "lib.sqlite"
    files = write_articles(tmp_path / "a", 1500)
    proc = _drafter("sources", "add", "--library-path", lib, *files)
    deadline = time.monotonic() + 30
    try:
        while _count(lib) < 20 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL, "the add finished before it could be killed"
    done = assert_consistent(lib)
    assert 0 < done < len(files)
    # Still usable: adding everything again completes the library without duplicates.
    again = run("sources", "add", "--library-path", lib, *files)
    assert again.exit_code == 0
    assert assert_consistent(lib) == len(files)


def test_two_processes_adding_at_once(tmp_path: Path) -> None:
    lib = tmp_path / "lib.sqlite"
    files = write_articles(tmp_path / "a", 120)
    # Overlapping halves: the 40 files both add must be stored once.
    first = _drafter("sources", "add", "--library-path", lib, *files[:80])
    second = _drafter("sources", "add", "--library-path", lib, *files[40:])
    for proc in (first, second):
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err.decode()
    assert assert_consistent(lib) == 120
    with Library(lib) as library:
        ids = [e.id for e in library.entries()]
        assert len(set(ids)) == 120
        assert library.candidates([[["contract", "99", "again", "in"]]]) == ["town0099"]


LOOKUP_TARGET = """---
title: Dredging plan rejected
publication: The Probe Times
---

The council rejected the harbour dredging plan after a long night of debate, officials said.

The council said on Thursday that the lease was void.
"""

LOOKUP_DECOY = """---
title: Canal news
publication: Other Paper
---

The canal dredging was approved by the county board last spring, and he said so twice.
"""


def _check_one(tmp_path: Path, lib: Path, quote: str) -> dict[str, object]:
    import json

    draft = tmp_path / "one.md"
    draft.write_text(f"# D\n\nSomeone said “{quote}” today.\n", encoding="utf-8")
    result = run("check", draft, "--library-path", lib, "--format", "json")
    (q,) = json.loads(result.stdout)["quotes"]
    assert isinstance(q, dict)
    return q


def test_library_lookup_does_not_lose_a_near_miss_to_a_rarer_changed_word(
    tmp_path: Path,
) -> None:
    lib = tmp_path / "lib.sqlite"
    (tmp_path / "target.md").write_text(LOOKUP_TARGET, encoding="utf-8")
    (tmp_path / "decoy.md").write_text(LOOKUP_DECOY, encoding="utf-8")
    paths = [tmp_path / "target.md", tmp_path / "decoy.md", *write_articles(tmp_path / "a", 30)]
    assert run("sources", "add", *paths, "--library-path", lib).exit_code == 0
    # "canal" (instead of "harbour") is in both of this short quote's runs, and it is the
    # rarest word of each: the quick lookup finds only the decoy article.
    q = _check_one(tmp_path, lib, "rejected the canal dredging plan")
    assert q["status"] == "altered"
    nearest = q["nearest"]
    assert isinstance(nearest, dict) and nearest["source"] == "target"
    assert _check_one(tmp_path, lib, "[T]he council said on Thursday")["status"] == "exact"


def test_a_bracketed_first_letter_is_looked_up_as_the_source_word() -> None:
    from drafter.checker.check import _phrases

    assert _phrases("[T]he council said") == [["The", "council", "said"]]
    assert _phrases("[H]e left … [the mayor] spoke") == [["He", "left"], ["spoke"]]


def test_check_library_refuses_what_is_not_a_library_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = tmp_path / "draft.md"
    draft.write_text(DRAFT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    # No library yet: `--library` alone (the default place) is one line, and makes nothing.
    result = run("check", draft, "--library")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "no source library here yet" in result.stderr
    assert not (tmp_path / ".drafter").exists()

    other = tmp_path / "other.sqlite"  # another program's database
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE notes (body TEXT)")
    db.commit()
    db.close()
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    newer = tmp_path / "newer.sqlite"
    db = sqlite3.connect(newer)
    db.execute("PRAGMA user_version = 99")
    db.close()
    for path, problem in (
        (other, "SQLite database of another program, not a drafter library"),
        (empty, "is an empty file, not a source library"),
        (newer, "made by a newer drafter"),
    ):
        before = sorted(p.name for p in tmp_path.iterdir()), path.read_bytes()
        for args in (
            ("check", draft, "--library-path", path),
            ("sources", "list", "--library-path", path),
        ):
            result = run(*args)
            assert result.exit_code == 2, result.output
            assert result.stderr.startswith(f"drafter: error: {path}: ")
            assert problem in result.stderr and result.stderr.count("\n") == 1
        assert (sorted(p.name for p in tmp_path.iterdir()), path.read_bytes()) == before
    # Adding to another program's database is refused too, before anything is written.
    before_bytes = other.read_bytes()
    assert run("sources", "add", EXAMPLE / "scmp.md", "--library-path", other).exit_code == 2
    assert other.read_bytes() == before_bytes
    # An empty file given to `sources add` becomes a library.
    assert run("sources", "add", EXAMPLE / "scmp.md", "--library-path", empty).exit_code == 0
    assert assert_consistent(empty) == 1


def test_an_add_that_fails_makes_no_library(tmp_path: Path) -> None:
    lib = tmp_path / "sub" / "lib.sqlite"
    result = run("sources", "add", tmp_path / "missing.md", "--library-path", lib)
    assert result.exit_code == 2
    assert not lib.exists() and not lib.parent.exists()


def test_a_short_quote_of_common_words_is_found_among_near_lookalikes(tmp_path: Path) -> None:
    lib = tmp_path / "lib.sqlite"
    target = tmp_path / "target.md"
    target.write_text(
        "---\ntitle: T\n---\n\nThe minister spoke for an hour about the budget, the harbour "
        "and the schools, and then she said: we will do it, whatever the cost to the treasury "
        "turns out to be in the end.\n",
        encoding="utf-8",
    )
    paths = [target]
    for i in range(60):  # every one has all four words, close together, in a short passage
        paths.append(tmp_path / f"d{i}.md")
        paths[-1].write_text(f"---\ntitle: D{i}\n---\n\nWe will not do it, they said {i}.\n")
    assert run("sources", "add", *paths, "--library-path", lib).exit_code == 0
    q = _check_one(tmp_path, lib, "we will do it")
    assert q["status"] == "exact"
    assert q["matches"] == [{"source": "target", "start": 97, "end": 110, "passage": "target:p01"}]


def test_opening_waits_out_a_lock_the_busy_handler_does_not_cover(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite can answer "database is locked" at once (no busy handler) while another
    drafter is making the same library: the open tries again instead of calling the file
    "not a usable drafter library" (seen under load in test_two_processes_adding_at_once)."""
    from drafter.sources import library as library_module

    real = library_module.Library._set_up
    calls = []

    def locked_twice(self: Library, read_only: bool, create: bool) -> None:
        calls.append(1)
        if len(calls) <= 2:
            raise sqlite3.OperationalError("database is locked")
        real(self, read_only, create)

    monkeypatch.setattr(library_module.Library, "_set_up", locked_twice)
    with Library(tmp_path / "lib.sqlite", create=True) as lib:
        assert lib.entries() == []
    assert len(calls) == 3
