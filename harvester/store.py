"""The store: raw records, normalised records, harvest runs and state, in SQLite.

One SQLite file (``OER_HOME/store.sqlite``, WAL mode) holds:

- ``raw_records``: every distinct version of every record, byte-exact as it was in
  the response, with its datestamp, deleted flag and the harvest run that fetched it
  (history: a withdrawn record's versions stay);
- ``records``: the current normalised record per record id, with a change sequence
  number ``seq`` that the index follows (:meth:`Store.changes_since`);
- ``runs``: one row per harvest run with its counts and status;
- ``quarantine``: records that could not be read or mapped, with the reason and
  their bytes (case C26), so nothing is silently dropped;
- ``state``: per-source harvest state (watermark, current resumption token…).
- ``meta``: the index's change sequence and each source's URL (``source_url:<name>``).

A page's records and the source's state are written in one transaction
(:meth:`Store.save_page`), so a harvest killed at any point resumes from the last
stored page with no record lost or duplicated. Re-storing a record whose raw bytes
are unchanged writes nothing. The values handed in and out (:class:`StoredItem`,
:class:`SourceState`, :class:`RunCounts` …) are defined in :mod:`harvester.store_items`.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import asdict, replace
from pathlib import Path

from harvester.errors import StoreError
from harvester.record import Resource
from harvester.store_items import (STATUSES, QuarantineItem, RunCounts, SourceState,
                                   StoredItem, utc_now)

__all__ = ["SCHEMA", "STATUSES", "QuarantineItem", "RunCounts", "SourceState", "Store",
           "StoredItem", "utc_now"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY, source TEXT NOT NULL, started_at TEXT NOT NULL,
    finished_at TEXT, status TEXT NOT NULL, request_from TEXT, request_until TEXT,
    response_date TEXT, pages INTEGER NOT NULL DEFAULT 0,
    added INTEGER NOT NULL DEFAULT 0, updated INTEGER NOT NULL DEFAULT 0,
    deleted INTEGER NOT NULL DEFAULT 0, unchanged INTEGER NOT NULL DEFAULT 0,
    quarantined INTEGER NOT NULL DEFAULT 0, message TEXT);
CREATE TABLE IF NOT EXISTS raw_records (
    id INTEGER PRIMARY KEY, record_id TEXT NOT NULL, datestamp TEXT, deleted INTEGER NOT NULL,
    raw BLOB NOT NULL, encoding TEXT, namespaces TEXT, sha256 TEXT NOT NULL,
    run_id INTEGER, fetched_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS raw_records_record ON raw_records(record_id);
CREATE TABLE IF NOT EXISTS records (
    id TEXT PRIMARY KEY, source TEXT NOT NULL, oai_identifier TEXT NOT NULL, datestamp TEXT,
    deleted INTEGER NOT NULL, sha256 TEXT NOT NULL, resource TEXT, raw_id INTEGER,
    run_id INTEGER, seq INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS records_seq ON records(seq);
CREATE INDEX IF NOT EXISTS records_source ON records(source);
CREATE TABLE IF NOT EXISTS state (
    source TEXT PRIMARY KEY, status TEXT, watermark TEXT, token TEXT, list_from TEXT,
    list_until TEXT, list_response_date TEXT, run_id INTEGER, pages INTEGER, seen INTEGER,
    not_before TEXT, updated_at TEXT);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS quarantine (
    id INTEGER PRIMARY KEY, source TEXT NOT NULL, run_id INTEGER, oai_identifier TEXT,
    reason TEXT NOT NULL, raw BLOB, created_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS quarantine_source ON quarantine(source);
"""

class Store:
    """The SQLite store. One instance per process; not shared between threads.

    Args:
        path: The database file; created with its schema when missing.

    Raises:
        StoreError: the file is not a SQLite database of ours (corrupt or foreign).
        OSError: its folder cannot be created.
    """

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, timeout=30.0, isolation_level=None)
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(SCHEMA)
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise StoreError(f"{path} is not a readable oer store ({exc}); move it aside "
                             "to start a new one") from exc

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    # -- state and runs -------------------------------------------------------------

    def load_state(self, source: str) -> SourceState:
        """The saved state of ``source`` (a fresh one when never harvested)."""
        row = self._db.execute(
            "SELECT source, status, watermark, token, list_from, list_until, "
            "list_response_date, run_id, pages, seen, not_before FROM state WHERE source=?",
            (source,)).fetchone()
        return SourceState(*row) if row else SourceState(source)

    def save_state(self, state: SourceState) -> None:
        """Write ``state`` (outside a page transaction)."""
        with self._transaction():
            self._write_state(state)

    def source_url(self, source: str) -> str | None:
        """The URL ``source`` was last harvested from, or ``None`` when not recorded.

        Kept in ``meta`` as ``source_url:<name>``; read by
        :func:`harvester.source_names.name_conflict`.
        """
        row = self._db.execute("SELECT value FROM meta WHERE key=?",
                               (f"source_url:{source}",)).fetchone()
        return row[0] if row else None

    def set_source_url(self, source: str, url: str) -> None:
        """Record that ``source`` is harvested from ``url`` (replacing what was recorded)."""
        with self._transaction():
            self._set_meta(f"source_url:{source}", url)

    def start_run(self, source: str, request_from: str | None, request_until: str | None,
                  response_date: str | None) -> int:
        """Record the start of a run; returns its id."""
        cur = self._db.execute(
            "INSERT INTO runs (source, started_at, status, request_from, request_until, "
            "response_date) VALUES (?, ?, 'incomplete', ?, ?, ?)",
            (source, utc_now(), request_from, request_until, response_date))
        return int(cur.lastrowid)

    def finish_run(self, run_id: int, status: str, message: str | None,
                   state: SourceState) -> None:
        """Close run ``run_id`` with ``status`` and save the source ``state`` with it."""
        assert status in STATUSES, status
        with self._transaction():
            self._db.execute("UPDATE runs SET finished_at=?, status=?, message=? WHERE id=?",
                             (utc_now(), status, message, run_id))
            self._write_state(state)

    def last_runs(self) -> list[dict]:
        """The latest run of every source that has one, by source name."""
        cur = self._db.execute(
            "SELECT r.* FROM runs r JOIN (SELECT source, MAX(id) AS id FROM runs GROUP BY source)"
            " last ON last.id = r.id ORDER BY r.source")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    def run(self, run_id: int) -> dict:
        """One run's row as a dict."""
        cur = self._db.execute("SELECT * FROM runs WHERE id=?", (run_id,))
        return dict(zip([d[0] for d in cur.description], cur.fetchone()))

    def runs_of(self, source: str, *, statuses: tuple[str, ...] = (),
                message_prefix: str | None = None, exclude_prefix: str | None = None,
                limit: int = 100) -> list[dict]:
        """Runs of ``source``, newest first (for health and schedules).

        Args:
            source: Source name.
            statuses: Only runs with one of these statuses (all when empty).
            message_prefix: Only runs whose message starts with this (e.g. ``"reconcile:"``).
            exclude_prefix: Leave out runs whose message starts with this.
            limit: At most this many rows.
        """
        sql, args = "SELECT * FROM runs WHERE source=?", [source]
        if statuses:
            sql += f" AND status IN ({','.join('?' * len(statuses))})"
            args += list(statuses)
        if message_prefix is not None:
            sql += " AND substr(message, 1, ?) = ?"
            args += [len(message_prefix), message_prefix]
        if exclude_prefix is not None:
            sql += " AND (message IS NULL OR substr(message, 1, ?) != ?)"
            args += [len(exclude_prefix), exclude_prefix]
        cur = self._db.execute(sql + " ORDER BY id DESC LIMIT ?", (*args, limit))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    # -- records --------------------------------------------------------------------

    def save_page(self, run_id: int, items: Iterable[StoredItem], state: SourceState,
                  quarantined: Iterable[QuarantineItem] = ()) -> RunCounts:
        """Store one page's records, set-aside records and the source state in one transaction.

        A record whose raw bytes equal its current version changes nothing. A new
        version gets a ``raw_records`` row and a new change ``seq``; a deleted header
        marks the record deleted (its history stays).

        Args:
            run_id: The harvest run fetching the page.
            items: The page's records.
            state: The source state to save with them (next token, counts).
            quarantined: The page's records that could not be read or mapped.

        Returns:
            The page's counts; the run's row is updated with them too.
        """
        items = list(items)
        added = updated = deleted = unchanged = 0
        now = utc_now()
        with self._transaction():
            seq = self._max_seq()
            # One SELECT for the page, not one per record; rows written with executemany.
            # raw_records ids are assigned as SQLite would (max(id) + 1, no AUTOINCREMENT),
            # so the rows are the same as inserting them one by one.
            current = self._current_versions(list({item.record_id for item in items}))
            raw_id = self._db.execute("SELECT COALESCE(MAX(id), 0) FROM raw_records").fetchone()[0]
            raw_rows, record_rows = [], []
            namespaces_json: dict[tuple, str] = {}  # a page's records share their namespaces
            for item in items:
                sha = hashlib.sha256(item.raw).hexdigest()
                known = item.record_id in current
                if known and current[item.record_id] == sha:
                    unchanged += 1
                    continue
                raw_id += 1
                seq += 1
                key = tuple(item.namespaces.items())  # same pairs, same order: same JSON
                namespaces = namespaces_json.get(key)
                if namespaces is None:
                    namespaces = namespaces_json[key] = json.dumps(item.namespaces)
                raw_rows.append((raw_id, item.record_id, item.datestamp, int(item.deleted),
                                 item.raw, item.encoding, namespaces, sha, run_id, now))
                resource = item.resource.to_json() if item.resource else None
                record_rows.append((item.record_id, state.source, item.oai_identifier,
                                    item.datestamp, int(item.deleted), sha, resource, raw_id,
                                    run_id, seq))
                current[item.record_id] = sha
                if item.deleted:
                    deleted += 1
                elif known:
                    updated += 1
                else:
                    added += 1
            self._db.executemany(
                "INSERT INTO raw_records (id, record_id, datestamp, deleted, raw, encoding, "
                "namespaces, sha256, run_id, fetched_at) VALUES (?,?,?,?,?,?,?,?,?,?)", raw_rows)
            self._db.executemany(
                "INSERT INTO records (id, source, oai_identifier, datestamp, deleted, sha256,"
                " resource, raw_id, run_id, seq) VALUES (?,?,?,?,?,?,?,?,?,?) "
                "ON CONFLICT(id) DO UPDATE SET datestamp=excluded.datestamp, "
                "deleted=excluded.deleted, sha256=excluded.sha256, raw_id=excluded.raw_id, "
                "run_id=excluded.run_id, seq=excluded.seq, "
                "resource=COALESCE(excluded.resource, records.resource)", record_rows)
            counts = RunCounts(added=added, updated=updated, deleted=deleted,
                               unchanged=unchanged)
            for item in quarantined:
                self._db.execute(
                    "INSERT INTO quarantine (source, run_id, oai_identifier, reason, raw, "
                    "created_at) VALUES (?,?,?,?,?,?)",
                    (state.source, run_id, item.oai_identifier, item.reason, item.raw, now))
                counts += RunCounts(quarantined=1)
            self._set_meta("seq", str(seq))
            self._db.execute(
                "UPDATE runs SET pages=pages+1, added=added+?, updated=updated+?, "
                "deleted=deleted+?, unchanged=unchanged+?, quarantined=quarantined+? WHERE id=?",
                (counts.added, counts.updated, counts.deleted, counts.unchanged,
                 counts.quarantined, run_id))
            self._write_state(state)
        return counts

    def get(self, record_id: str) -> Resource | None:
        """The current normalised record, or ``None`` if unknown or deleted."""
        row = self._db.execute("SELECT resource, deleted FROM records WHERE id=?",
                               (record_id,)).fetchone()
        if not row or row[1] or row[0] is None:
            return None
        return Resource.from_dict(json.loads(row[0]))

    def datestamp_of(self, record_id: str) -> str | None:
        """The stored datestamp of a record's current version, or ``None`` if unknown."""
        row = self._db.execute("SELECT datestamp FROM records WHERE id=?", (record_id,)).fetchone()
        return row[0] if row else None

    def raw_versions(self, record_id: str) -> list[tuple[str, bool, bytes]]:
        """Every stored version of a record, oldest first: (datestamp, deleted, raw bytes)."""
        return [(d, bool(x), bytes(r)) for d, x, r in self._db.execute(
            "SELECT datestamp, deleted, raw FROM raw_records WHERE record_id=? ORDER BY id",
            (record_id,))]

    def count(self, source: str | None = None, *, include_deleted: bool = False) -> int:
        """Number of records (live only unless ``include_deleted``), optionally of one source."""
        sql = "SELECT COUNT(*) FROM records WHERE 1=1"
        args: list = []
        if source:
            sql += " AND source=?"
            args.append(source)
        if not include_deleted:
            sql += " AND deleted=0"
        return int(self._db.execute(sql, args).fetchone()[0])

    def record_ids(self, source: str | None = None) -> set[str]:
        """Ids of live records, optionally of one source."""
        if source:
            rows = self._db.execute("SELECT id FROM records WHERE deleted=0 AND source=?", (source,))
        else:
            rows = self._db.execute("SELECT id FROM records WHERE deleted=0")
        return {r[0] for r in rows}

    def quarantined(self, source: str | None = None) -> list[QuarantineItem]:
        """Records set aside, oldest first, optionally of one source."""
        sql = "SELECT oai_identifier, reason, raw FROM quarantine"
        rows = (self._db.execute(sql + " WHERE source=? ORDER BY id", (source,)) if source
                else self._db.execute(sql + " ORDER BY id"))
        return [QuarantineItem(i, r, bytes(raw or b"")) for i, r, raw in rows]

    def quarantine_count(self, source: str | None = None) -> int:
        """Number of records set aside, optionally of one source."""
        if source:
            row = self._db.execute("SELECT COUNT(*) FROM quarantine WHERE source=?", (source,))
        else:
            row = self._db.execute("SELECT COUNT(*) FROM quarantine")
        return int(row.fetchone()[0])

    # -- the index's change feed ----------------------------------------------------

    def max_seq(self) -> int:
        """The latest change sequence number (0 for an empty store)."""
        return self._max_seq()

    def changes_since(self, seq: int) -> Iterator[tuple[int, str, Resource | None]]:
        """Records changed after ``seq``, in ``seq`` order.

        Yields:
            ``(seq, record_id, resource)``; ``resource`` is ``None`` when the record is
            deleted (the index must drop it).
        """
        cur = self._db.execute(
            "SELECT seq, id, deleted, resource FROM records WHERE seq > ? ORDER BY seq", (seq,))
        for row_seq, record_id, deleted, resource in cur:
            yield row_seq, record_id, (None if deleted or resource is None
                                       else Resource.from_dict(json.loads(resource)))

    # -- internals ------------------------------------------------------------------

    def _migrate(self) -> None:
        """Add columns that stores written by older versions lack."""
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(runs)")}
        if "quarantined" not in columns:
            self._db.execute("ALTER TABLE runs ADD COLUMN quarantined INTEGER NOT NULL DEFAULT 0")

    def _current_versions(self, record_ids: list[str]) -> dict[str, str]:
        """``record id -> sha256`` of the current version of each known id in ``record_ids``."""
        found: dict[str, str] = {}
        for start in range(0, len(record_ids), 500):  # under SQLite's bound-variable limit
            chunk = record_ids[start:start + 500]
            found.update(self._db.execute(
                f"SELECT id, sha256 FROM records WHERE id IN ({','.join('?' * len(chunk))})",
                chunk).fetchall())
        return found

    def _max_seq(self) -> int:
        row = self._db.execute("SELECT value FROM meta WHERE key='seq'").fetchone()
        return int(row[0]) if row else 0

    def _set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT INTO meta (key, value) VALUES (?, ?) "
                         "ON CONFLICT(key) DO UPDATE SET value=excluded.value", (key, value))

    def _write_state(self, state: SourceState) -> None:
        values = asdict(replace(state))
        values["updated_at"] = utc_now()
        cols = ", ".join(values)
        marks = ", ".join("?" * len(values))
        self._db.execute(f"INSERT OR REPLACE INTO state ({cols}) VALUES ({marks})",
                         tuple(values.values()))

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)


class _Transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back on any exception."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type, exc, tb) -> None:
        self._db.execute("ROLLBACK" if exc_type else "COMMIT")
