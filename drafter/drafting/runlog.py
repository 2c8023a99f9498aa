"""The run log: every model call of every ``draft`` and ``revise``, in one SQLite file.

``RunLog(path).add(entry)`` appends one call (answered, taken from the response cache, or
failed); ``recent(n)`` lists the last ones; ``costs(since)`` sums tokens and dollars by model
and by draft folder. The CLI picks the file (``$DRAFTER_RUN_LOG``, else ``runs.sqlite`` in
drafter's user folder) and passes it in; a log that cannot be written never stops a draft
(the caller says so in one line). Reading one that is not a run log (not SQLite, a folder)
raises ``InputError`` (exit 2) naming the file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from drafter.errors import InputError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS calls (
    id INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    command TEXT NOT NULL,
    folder TEXT NOT NULL,
    model TEXT NOT NULL,
    purpose TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    from_cache INTEGER NOT NULL,
    input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    cache_write_tokens INTEGER NOT NULL,
    cache_read_tokens INTEGER NOT NULL,
    thinking_tokens INTEGER NOT NULL,
    cost_usd REAL,
    seconds REAL NOT NULL,
    outcome TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS calls_time ON calls(time);
"""


@dataclass(frozen=True)
class Entry:
    """One model call. ``time``: ISO 8601 UTC; ``cost_usd`` None without a price on file;
    ``outcome``: ``ok``, ``cached`` or the one-line error."""

    time: str
    command: str
    folder: str
    model: str
    purpose: str
    request_hash: str
    from_cache: bool
    input_tokens: int
    output_tokens: int
    cache_write_tokens: int
    cache_read_tokens: int
    thinking_tokens: int
    cost_usd: float | None
    seconds: float
    outcome: str


@dataclass(frozen=True)
class Total:
    """Calls, tokens and dollars of one model or one draft folder. ``unpriced``: calls whose
    cost is unknown (then ``cost_usd`` is a lower bound)."""

    key: str
    calls: int
    input_tokens: int
    output_tokens: int
    cache_write_tokens: int
    cache_read_tokens: int
    cost_usd: float
    unpriced: int


_COLUMNS = [f.name for f in fields(Entry)]


class RunLog:
    def __init__(self, path: Path) -> None:
        self.path = path

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """The log opened for ``logs`` and ``costs``: a file that is no run log is bad input."""
        try:
            with self._db() as db:
                yield db
        except (sqlite3.Error, OSError) as exc:
            raise InputError(
                str(self.path),
                f"cannot read the run log ({exc}); set $DRAFTER_RUN_LOG to another file",
            ) from None

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(self.path, timeout=10)) as db:
            db.executescript(_SCHEMA)
            with db:
                yield db

    def add(self, entry: Entry) -> None:
        """Append one call. Raises OSError or sqlite3.Error when the file cannot be written."""
        row = asdict(entry)
        row["from_cache"] = int(entry.from_cache)
        marks = ", ".join(f":{c}" for c in _COLUMNS)
        with self._db() as db:
            db.execute(f"INSERT INTO calls ({', '.join(_COLUMNS)}) VALUES ({marks})", row)

    def recent(self, limit: int = 20) -> list[Entry]:
        """The last ``limit`` calls, oldest first."""
        if not self.path.exists():
            return []
        with self._reading() as db:
            rows = db.execute(
                f"SELECT {', '.join(_COLUMNS)} FROM calls ORDER BY id DESC LIMIT ?", (limit,)
            ).fetchall()
        return [_entry(r) for r in reversed(rows)]

    def costs(self, since: str = "") -> tuple[list[Total], list[Total]]:
        """Sums since ``since`` (an ISO date or time; "" for all): by model, then by folder."""
        if not self.path.exists():
            return [], []
        out = []
        with self._reading() as db:
            for key in ("model", "folder"):
                rows = db.execute(
                    f"SELECT {key}, COUNT(*), SUM(input_tokens), SUM(output_tokens), "
                    "SUM(cache_write_tokens), SUM(cache_read_tokens), "
                    "COALESCE(SUM(cost_usd), 0), SUM(cost_usd IS NULL) "
                    f"FROM calls WHERE time >= ? GROUP BY {key} ORDER BY {key}",
                    (since,),
                ).fetchall()
                out.append([Total(*r) for r in rows])
        return out[0], out[1]


def _entry(row: tuple[object, ...]) -> Entry:
    data = dict(zip(_COLUMNS, row, strict=True))
    data["from_cache"] = bool(data["from_cache"])
    return Entry(**data)  # type: ignore[arg-type]
