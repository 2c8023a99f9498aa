"""The source library's schema, as the migrations that build it. Pure data, no I/O.

``MIGRATIONS[n]`` takes a version-n library (``PRAGMA user_version``) to version n+1, so a
library made by an older drafter opens, and is upgraded, in a newer one. ``library`` runs
them, each version in one transaction.
"""

from __future__ import annotations

# Each entry takes the schema from version i to i+1. Append only: never edit a shipped one.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: snapshots and their passages.
    (
        """CREATE TABLE sources (
            id TEXT PRIMARY KEY,
            origin TEXT NOT NULL,
            version INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            title TEXT NOT NULL DEFAULT '',
            publication TEXT NOT NULL DEFAULT '',
            short_name TEXT NOT NULL DEFAULT '',
            url TEXT NOT NULL DEFAULT '',
            author TEXT NOT NULL DEFAULT '',
            date TEXT NOT NULL DEFAULT '',
            format TEXT NOT NULL DEFAULT 'text',
            text TEXT NOT NULL,
            raw BLOB NOT NULL,
            content_type TEXT NOT NULL DEFAULT '',
            retrieved_from TEXT NOT NULL,
            retrieved_at TEXT NOT NULL,
            UNIQUE (origin, version),
            UNIQUE (origin, sha256)
        )""",
        """CREATE TABLE passages (
            rowid INTEGER PRIMARY KEY,
            source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
            id TEXT NOT NULL,
            ord INTEGER NOT NULL,
            start_offset INTEGER NOT NULL,
            end_offset INTEGER NOT NULL,
            text TEXT NOT NULL,
            UNIQUE (source_id, ord)
        )""",
        "CREATE INDEX sources_sha256 ON sources (sha256)",
    ),
    # 2: full-text search over passages (external-content FTS5 kept in step by triggers),
    # built from the passages a version-1 library already has.
    (
        """CREATE VIRTUAL TABLE passage_fts USING fts5(
            text, content='passages', content_rowid='rowid',
            tokenize='unicode61 remove_diacritics 2'
        )""",
        """CREATE TRIGGER passages_ai AFTER INSERT ON passages BEGIN
            INSERT INTO passage_fts(rowid, text) VALUES (new.rowid, new.text);
        END""",
        """CREATE TRIGGER passages_ad AFTER DELETE ON passages BEGIN
            INSERT INTO passage_fts(passage_fts, rowid, text)
            VALUES ('delete', old.rowid, old.text);
        END""",
        "INSERT INTO passage_fts(passage_fts) VALUES ('rebuild')",
    ),
    # 3: the number of passages a snapshot has, written in the same transaction as they are,
    # so that "is this snapshot complete?" is one comparison.
    (
        "ALTER TABLE sources ADD COLUMN passage_count INTEGER NOT NULL DEFAULT -1",
        """UPDATE sources SET passage_count =
            (SELECT count(*) FROM passages WHERE passages.source_id = sources.id)""",
    ),
    # 4: how many passages each word is in, so a check looks up a quote by its rarest
    # phrases (a phrase of common words matches thousands of passages and is slow to rank).
    # FTS5's own fts5vocab answers that too, but at about a millisecond a word; this table
    # answers a whole draft's words in one indexed query. Seeded from fts5vocab.
    (
        "CREATE VIRTUAL TABLE passage_vocab USING fts5vocab(passage_fts, 'row')",
        "CREATE TABLE terms (term TEXT PRIMARY KEY, docs INTEGER NOT NULL) WITHOUT ROWID",
        "INSERT INTO terms (term, docs) SELECT term, doc FROM passage_vocab",
        "DROP TABLE passage_vocab",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)
