"""The source library: every source snapshot a writer has added, in one SQLite file.

Does I/O (the database file); takes ``ingest.Snapshot`` objects to add and returns
``Source`` objects and plain records. Nothing else in drafter imports sqlite3.

What it keeps per snapshot: the original bytes, the extracted text and its sha256, the
metadata, where and when it was retrieved, and its passages (as ``chunk`` cut them) with an
FTS5 full-text index over them, so ``drafter check --library`` can find the few sources a
draft's quotes come from without reading every article.

Why these choices:
- WAL journal and one ``BEGIN IMMEDIATE`` transaction per snapshot: a process killed
  mid-``add`` leaves the library as it was before that snapshot (SQLite rolls the
  unfinished transaction back), and readers never wait for a writer.
- A busy timeout: two drafter processes adding at once queue for the write lock instead of
  failing with "database is locked".
- ``PRAGMA user_version`` numbers the schema; ``MIGRATIONS[n]`` takes a version-n library
  to version n+1, so a library made by an older drafter opens (and is upgraded) in a newer
  one. A library from a newer drafter is refused rather than damaged.
- The same origin (URL or file) added again with different content becomes a new version
  with its own id; the old snapshot stays, because drafts pin the sha256 they were checked
  against.
"""

from __future__ import annotations

import functools
import itertools
import os
import re
import sqlite3
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from drafter.errors import InputError
from drafter.fsutil import usable_path
from drafter.models import Passage, Source
from drafter.sources.chunk import chunk
from drafter.sources.ingest import Snapshot
from drafter.sources.library_schema import MIGRATIONS, SCHEMA_VERSION

DEFAULT_PATH = Path(".drafter") / "library.sqlite"
ENV = "DRAFTER_LIBRARY"
BUSY_TIMEOUT_MS = 30_000
NEAR = 3  # words between a run's two rarest words at most (a run is a few words long)


_META = (
    "id, origin, version, sha256, title, publication, short_name, url, author, date, "
    "format, retrieved_from, retrieved_at, content_type, passage_count"
)


@dataclass(frozen=True)
class Entry:
    """A snapshot's record, without its text and bytes."""

    id: str
    origin: str
    version: int
    sha256: str
    title: str
    publication: str
    short_name: str
    url: str
    author: str
    date: str
    format: str
    retrieved_from: str
    retrieved_at: str
    content_type: str
    passage_count: int

    @property
    def label(self) -> str:
        """How a writer would name it: "the Financial Times piece"."""
        if not self.publication:
            return "the piece"
        pub = self.publication
        return f"{pub} piece" if pub.lower().startswith("the ") else f"the {pub} piece"


@dataclass(frozen=True)
class Added:
    entry: Entry
    status: str  # "added", "new version" or "unchanged"


@dataclass(frozen=True)
class Hit:
    """A passage that matched a full-text search."""

    source: Entry
    passage_id: str
    snippet: str


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _translated(
    method: Callable[Concatenate[Library, _P], _R],
) -> Callable[Concatenate[Library, _P], _R]:
    """SQLite's errors (a lock held past the busy timeout, a full disk, a damaged file)
    become one-line ``InputError``s naming the library."""

    @functools.wraps(method)
    def wrapper(self: Library, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise InputError(str(self.path), f"source library error: {exc}") from None

    return wrapper


def default_path(option: Path | None) -> Path:
    """``--library PATH``, else ``$DRAFTER_LIBRARY``, else ``.drafter/library.sqlite``."""
    if option is not None and str(option):
        return option
    env = os.environ.get(ENV, "")
    return Path(env) if env else DEFAULT_PATH


def fts_words(text: str) -> list[str]:
    """The words of ``text`` as FTS5 tokens (letters and digits), safe to put in a query."""
    return re.findall(r"[^\W_]+", text)


def fold(word: str) -> str:
    """A word as FTS5's unicode61 tokenizer stores it: lower case, diacritics removed."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _terms(passages: Sequence[Passage]) -> dict[str, int]:
    """For each word, the number of these passages it is in."""
    counts: dict[str, int] = {}
    for p in passages:
        for term in {fold(w) for w in fts_words(p.text)}:
            counts[term] = counts.get(term, 0) + 1
    return counts


def _phrase(words: Sequence[str]) -> str:
    return '"' + " ".join(words) + '"'


def _spread(groups: Sequence[tuple[str, ...]], most: int) -> list[tuple[str, ...]]:
    """At most ``most`` of ``groups`` (rarest first), no word in more than two of them: one
    changed word then spoils at most two of the lookups, and common words (slow to look up)
    are left out while rarer pairs are to be had."""
    uses: dict[str, int] = {}
    out: list[tuple[str, ...]] = []
    for group in groups:
        if len(out) == most:
            break
        if all(uses.get(t, 0) < 2 for t in group):
            out.append(group)
            for t in group:
                uses[t] = uses.get(t, 0) + 1
    return out


def _writable(path: Path) -> bool:
    """Whether this process may write the library and the folder its journal files go in."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _connect(path: Path, read_only: bool) -> sqlite3.Connection:
    if not read_only:
        return sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    uri = path.resolve().as_uri()
    db = sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None)
    try:
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError:
        # A WAL library in a read-only folder has no -shm file to share: read it as a
        # file that nobody is writing (the folder being read-only, nobody can be).
        db.close()
        db = sqlite3.connect(f"{uri}?immutable=1", uri=True, isolation_level=None)
    return db


def _retry_locked(db: sqlite3.Connection, step: Callable[[], None]) -> None:
    """Run ``step``, again while SQLite says "database is locked", for up to the busy timeout.

    Two drafter processes opening a new library at once can get SQLITE_BUSY without the busy
    handler being consulted (switching the journal to WAL, a read lock that cannot be
    upgraded), and then the open failed as "not a usable drafter library" (seen under load in
    tests/test_library.py::test_two_processes_adding_at_once). Each step is idempotent.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            step()
            return
        except sqlite3.OperationalError as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


class Library:
    """An open source library. Use as a context manager, or call ``close``."""

    def __init__(self, path: Path, *, create: bool = False) -> None:
        self.path = path
        shown = usable_path(path)
        if path.is_dir():
            raise InputError(shown, "is a directory; give the library's file name")
        if not path.exists():
            if not create:
                raise InputError(
                    shown, "no source library here yet; add sources with `drafter sources add`"
                )
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise InputError(shown, f"cannot create: {exc.strerror or exc}") from None
        # A library the user may read but not write (a shared, read-only copy) is opened
        # read-only for reading, not refused: only adding and removing need to write.
        read_only = not create and not _writable(path)
        try:
            # isolation_level=None: transactions are begun and ended here, explicitly.
            self.db = _connect(path, read_only)
        except sqlite3.Error as exc:
            raise InputError(shown, f"cannot open the source library ({exc})") from None
        try:
            self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            _retry_locked(self.db, lambda: self._set_up(read_only, create))
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise InputError(shown, f"is not a usable drafter library ({exc})") from None
        except BaseException:
            self.db.close()
            raise

    def _set_up(self, read_only: bool, create: bool) -> None:
        self._refuse_unusable(create)  # before anything is written to the file
        if read_only and self._version() != SCHEMA_VERSION:
            raise InputError(
                str(self.path), "is read-only and made by an older drafter; it cannot be upgraded"
            )
        if not read_only:
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA foreign_keys = ON")
            self._migrate()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken with the write lock up front (BEGIN IMMEDIATE) so two
        writers queue on the busy timeout instead of deadlocking on a lock upgrade."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _refuse_unusable(self, create: bool) -> None:
        """A library from a newer drafter, another program's SQLite database, or an empty
        file where a library was expected is refused, not turned into a library."""
        # One read transaction: another drafter making this library at the same moment is
        # seen either before it started (no tables, version 0) or after it finished.
        self.db.execute("BEGIN")
        try:
            version = self._version()
            tables = self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        finally:
            self.db.execute("COMMIT")
        if version > SCHEMA_VERSION:
            raise InputError(
                str(self.path),
                f"was made by a newer drafter (library schema {version}, this drafter "
                f"knows up to {SCHEMA_VERSION}); upgrade drafter to use it",
            )
        if version:
            return
        if tables:
            raise InputError(
                str(self.path), "is an SQLite database of another program, not a drafter library"
            )
        if not create:
            raise InputError(
                str(self.path),
                "is an empty file, not a source library; add sources with `drafter sources add`",
            )

    def _version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        if self._version() == SCHEMA_VERSION:
            return
        with self._write() as db:
            # Re-read under the lock: another process may have migrated meanwhile.
            for n in range(self._version(), SCHEMA_VERSION):
                for statement in MIGRATIONS[n]:
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {n + 1}")

    # --- writing -------------------------------------------------------------------------

    def _new_id(self, base: str) -> str:
        sid, n = base, 1
        while self.db.execute("SELECT 1 FROM sources WHERE id = ?", (sid,)).fetchone():
            n += 1
            sid = f"{base}-{n}"
        return sid

    @_translated
    def add(self, snap: Snapshot) -> Added:
        """Store one snapshot (and its passages) in one transaction."""
        src = snap.source
        with self._write() as db:
            same = db.execute(
                f"SELECT {_META} FROM sources WHERE origin = ? AND sha256 = ?",
                (snap.origin, src.sha256),
            ).fetchone()
            if same:
                return Added(Entry(*same), "unchanged")
            first = db.execute(
                "SELECT id, version FROM sources WHERE origin = ? ORDER BY version",
                (snap.origin,),
            ).fetchall()
            version = first[-1][1] + 1 if first else 1
            sid = self._new_id(f"{first[0][0]}-v{version}" if first else src.id)
            stored = replace(src, id=sid)
            passages = chunk(stored)
            db.execute(
                "INSERT INTO sources (id, origin, version, sha256, title, publication, "
                "short_name, url, author, date, format, text, raw, content_type, "
                "retrieved_from, retrieved_at, passage_count) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    sid,
                    snap.origin,
                    version,
                    src.sha256,
                    src.title,
                    src.publication,
                    src.short_name,
                    src.url,
                    src.author,
                    src.date,
                    src.format,
                    src.text,
                    snap.raw,
                    snap.content_type,
                    snap.retrieved_from,
                    snap.retrieved_at,
                    len(passages),
                ),
            )
            db.executemany(
                "INSERT INTO passages (source_id, id, ord, start_offset, end_offset, text) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(sid, p.id, i, p.start, p.end, p.text) for i, p in enumerate(passages)],
            )
            db.executemany(
                "INSERT INTO terms (term, docs) VALUES (?, ?) "
                "ON CONFLICT (term) DO UPDATE SET docs = docs + excluded.docs",
                _terms(passages).items(),
            )
        entry = self.entry(sid)
        assert entry is not None
        return Added(entry, "new version" if first else "added")

    @_translated
    def remove(self, source_id: str) -> Entry:
        with self._write() as db:
            entry = self.entry(source_id)
            if entry is None:
                raise InputError(source_id, f"no such source in the library {self.path}")
            db.executemany(
                "UPDATE terms SET docs = max(docs - ?, 0) WHERE term = ?",
                [(n, t) for t, n in _terms(self.passages(source_id)).items()],
            )
            db.execute("DELETE FROM passages WHERE source_id = ?", (source_id,))
            db.execute("DELETE FROM sources WHERE id = ?", (source_id,))
        return entry

    # --- reading -------------------------------------------------------------------------

    @_translated
    def entries(self) -> list[Entry]:
        rows = self.db.execute(f"SELECT {_META} FROM sources ORDER BY retrieved_at, rowid")
        return [Entry(*r) for r in rows]

    @_translated
    def entry(self, source_id: str) -> Entry | None:
        row = self.db.execute(f"SELECT {_META} FROM sources WHERE id = ?", (source_id,))
        found = row.fetchone()
        return Entry(*found) if found else None

    @_translated
    def by_sha256(self, sha: str) -> list[Entry]:
        rows = self.db.execute(f"SELECT {_META} FROM sources WHERE sha256 = ?", (sha,))
        return [Entry(*r) for r in rows]

    @_translated
    def by_url(self, url: str) -> list[Entry]:
        rows = self.db.execute(
            f"SELECT {_META} FROM sources WHERE origin = ? OR url = ? OR retrieved_from = ? "
            "ORDER BY version",
            (url, url, url),
        )
        return [Entry(*r) for r in rows]

    @_translated
    def latest(self, entry: Entry) -> Entry:
        """The newest version of the same origin (``entry`` itself when it is the newest)."""
        row = self.db.execute(
            f"SELECT {_META} FROM sources WHERE origin = ? ORDER BY version DESC LIMIT 1",
            (entry.origin,),
        ).fetchone()
        return Entry(*row) if row else entry

    @_translated
    def web_sources(self, ids: Sequence[str] = ()) -> list[Entry]:
        """The newest version of each source fetched from a URL (``sources refresh``), or of
        the sources ``ids`` name (any version of one names it); an unknown id, or one added
        from a file, is an ``InputError``."""
        if not ids:
            origins = {e.origin: e for e in self.entries()}  # each origin once, in order
            web = [e for e in origins.values() if e.origin.startswith(("http://", "https://"))]
            return [self.latest(e) for e in web]
        out: list[Entry] = []
        for sid in ids:
            entry = self.entry(sid)
            if entry is None:
                raise InputError(sid, f"no such source in the library {self.path}")
            if not entry.origin.lower().startswith(("http://", "https://")):
                raise InputError(sid, f"was added from a file ({entry.origin}), not a URL")
            newest = self.latest(entry)
            if newest not in out:
                out.append(newest)
        return out

    @_translated
    def source(self, source_id: str) -> Source:
        row = self.db.execute(
            "SELECT id, text, sha256, title, publication, short_name, url, author, date, "
            "retrieved_from, format FROM sources WHERE id = ?",
            (source_id,),
        ).fetchone()
        if row is None:
            raise InputError(source_id, f"no such source in the library {self.path}")
        sid, text, sha, title, pub, short, url, author, date, frm, fmt = row
        # Where it came from: a file's path, or (for a page) its URL when it names no other.
        web = frm.lower().startswith(("http://", "https://"))
        path = "" if web else frm
        url = url or (frm if web else "")
        return Source(sid, text, sha, title, pub, short, url, author, date, path, fmt)

    @_translated
    def raw(self, source_id: str) -> bytes:
        row = self.db.execute("SELECT raw FROM sources WHERE id = ?", (source_id,)).fetchone()
        if row is None:
            raise InputError(source_id, f"no such source in the library {self.path}")
        return bytes(row[0])

    @_translated
    def passages(self, source_id: str) -> list[Passage]:
        rows = self.db.execute(
            "SELECT id, source_id, start_offset, end_offset, text FROM passages "
            "WHERE source_id = ? ORDER BY ord",
            (source_id,),
        )
        return [Passage(*r) for r in rows]

    @_translated
    def search(self, words: str, limit: int = 20) -> list[Hit]:
        """Passages containing every word of ``words`` (FTS5), best match first."""
        tokens = fts_words(words)
        if not tokens:
            return []
        query = " ".join(_phrase([t]) for t in tokens)
        rows = self.db.execute(
            "SELECT p.source_id, p.id, snippet(passage_fts, 0, '[', ']', '…', 16) "
            "FROM passage_fts JOIN passages p ON p.rowid = passage_fts.rowid "
            "WHERE passage_fts MATCH ? ORDER BY bm25(passage_fts) LIMIT ?",
            (query, limit),
        ).fetchall()
        out = []
        for source_id, passage_id, snippet in rows:
            entry = self.entry(source_id)
            if entry is not None:
                out.append(Hit(entry, passage_id, snippet))
        return out

    def _doc_freqs(self, terms: set[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        ordered = sorted(terms)
        for i in range(0, len(ordered), 500):  # SQLite caps the number of parameters
            batch = ordered[i : i + 500]
            marks = ",".join("?" * len(batch))
            out.update(
                self.db.execute(f"SELECT term, docs FROM terms WHERE term IN ({marks})", batch)
            )
        return out

    @_translated
    def candidates(
        self,
        quotes: Sequence[Sequence[Sequence[str]]],
        per_quote: int = 3,
        groups_per_quote: int = 3,
        *,
        thorough: bool = False,
    ) -> list[str]:
        """Ids of the sources where quotes can be, best first.

        ``quotes`` holds, for each quote, runs of a few consecutive words. From each run the
        two words rarest in the library are taken; a passage that has both, close together
        (FTS5 ``NEAR``), makes its source a candidate. The runs with the rarest such pairs
        are looked up (words no passage has are skipped, which is how a quote with a changed
        word is still found through its other runs), and each quote keeps its ``per_quote``
        best sources.

        ``thorough`` is for quotes the quick lookup did not prove: the pairs are taken from
        every pair of each run's three rarest words, and up to twice as many are looked
        up, no word in more than two (so a changed word that some other article happens to
        have cannot hide the quote); a quote of one run is also looked up as an exact phrase
        (a short quote of common words).

        Why pairs of rare words rather than the runs as phrases: FTS5 answers a phrase by
        walking the position list of every word in it, and "the" is in most passages; two
        rare words cost two short lists (on 10,000 articles, about 8 times faster).
        Verification later proves the quote against the text, so a looser candidate costs
        only a little more verifying.
        """
        distinct = {w for phrases in quotes for p in phrases for w in p}
        folded = {w: fold(w) for w in distinct}
        df = self._doc_freqs(set(folded.values()))
        ranked: dict[str, float] = {}
        for phrases in quotes:
            groups: dict[tuple[str, ...], int] = {}
            for p in phrases:
                present = sorted({(df[folded[w]], folded[w]) for w in p if df.get(folded[w], 0)})
                rarest = present[: 3 if thorough else 2]
                pairs = itertools.combinations(rarest, 2) if len(rarest) > 2 else [rarest]
                for pair in pairs:
                    if pair:
                        groups[tuple(t for _, t in pair)] = max(n for n, _ in pair)
            chosen = sorted(groups, key=lambda g: groups[g])
            chosen = (
                _spread(chosen, 2 * groups_per_quote) if thorough else chosen[:groups_per_quote]
            )
            clauses = [f"NEAR({' '.join(_phrase([t]) for t in g)}, {NEAR})" for g in chosen]
            if thorough and len(phrases) == 1 and phrases[0]:
                clauses.append(_phrase([folded[w] for w in phrases[0]]))
            if not clauses:
                continue
            # The best passages first (FTS5's rank order), then their sources.
            rows = self.db.execute(
                "SELECT p.source_id, f.rank FROM (SELECT rowid, rank FROM passage_fts "
                "WHERE passage_fts MATCH ? ORDER BY rank LIMIT ?) AS f "
                "JOIN passages p ON p.rowid = f.rowid",
                (" OR ".join(clauses), per_quote * 10),
            ).fetchall()
            best: dict[str, float] = {}
            for source_id, score in rows:
                best[source_id] = min(best.get(source_id, 0.0), float(score))
            for source_id, score in sorted(best.items(), key=lambda kv: kv[1])[:per_quote]:
                ranked[source_id] = min(ranked.get(source_id, 0.0), score)
        return sorted(ranked, key=lambda s: ranked[s])

    @_translated
    def integrity(self) -> str:
        return str(self.db.execute("PRAGMA integrity_check").fetchone()[0])
