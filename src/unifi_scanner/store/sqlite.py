"""The embedded store: one SQLite file in WAL mode.

The only place state lives. Events are keyed by (controller, identity), so an event that
arrives twice — after a reconnect, or from a second source — is stored once and the sources
it was seen on are kept. Writes come in batches from a single writer (:mod:`.writer`);
readers use their own connections and, thanks to WAL, never block it. A failed batch is
rolled back whole, so the file is never left half-written (disk full, database locked).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from unifi_scanner.controller.logtail import FileCursor
from unifi_scanner.controller.models import Event
from unifi_scanner.controller.records import client_health, device_health
from unifi_scanner.controller.systemlog import SOURCE as SYSTEM_LOG
from unifi_scanner.controller.websocket import Gap
from unifi_scanner.log import get_logger
from unifi_scanner.store.history import LiveEvents
from unifi_scanner.store.reads import StoreReads
from unifi_scanner.store.retention import PruneResult, Retention, prune
from unifi_scanner.store.schema import SCHEMA_VERSION, SchemaError, migrate

log = get_logger(__name__)


#: A device or client snapshot is kept at most this often (ms) per MAC address.
SNAPSHOT_INTERVAL_MS = 300_000


class StoreError(Exception):
    """The store file cannot be used; the message names the path and what to do."""


Records = Sequence[Mapping[str, Any]]


@dataclass(slots=True)
class Batch:
    """Everything one commit writes."""

    events: list[tuple[str, Event]] = field(default_factory=list)
    devices: list[tuple[str, str, Records, int]] = field(default_factory=list)
    device_updates: list[tuple[str, str, Records, int]] = field(default_factory=list)
    clients: list[tuple[str, str, Records, int]] = field(default_factory=list)
    gaps: list[tuple[str, Gap]] = field(default_factory=list)
    gap_results: list[tuple[str, Gap, str, int]] = field(default_factory=list)

    def __len__(self) -> int:
        return (
            len(self.events)
            + len(self.devices)
            + len(self.device_updates)
            + len(self.clients)
            + len(self.gaps)
            + len(self.gap_results)
        )


@dataclass(frozen=True, slots=True)
class WriteResult:
    inserted: int
    duplicates: int


class SQLiteStore(StoreReads):
    """Events, inventory, snapshots, gaps, report cursors and pins in one SQLite file."""

    def __init__(self, path: Path, *, snapshot_interval_ms: int = SNAPSHOT_INTERVAL_MS) -> None:
        self.path = Path(path)
        self.snapshot_interval_ms = snapshot_interval_ms
        self._last_snapshot: dict[tuple[str, str, str, str], int] = {}
        try:
            if not self.path.parent.exists():
                self.path.parent.mkdir(parents=True, exist_ok=True)
            # The writer runs in a worker thread (asyncio.to_thread); one writer at a time.
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA busy_timeout=5000")
            # Takes effect only in a new, empty file (before WAL writes its first page):
            # lets retention give freed space back to the file system.
            self._db.execute("PRAGMA auto_vacuum=INCREMENTAL")
            # Also new files only: rows carry ~500-byte payloads; 16 KiB pages cut the b-tree
            # work per insert by about a fifth (bench/ingest.py).
            self._db.execute("PRAGMA page_size=16384")
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            # Checkpoints copy the WAL into the file and fsync: a third of a commit's time when
            # done inline. checkpoint() runs them on a connection of their own instead, beside
            # the writer (the BatchWriter schedules them).
            self._db.execute("PRAGMA wal_autocheckpoint=0")
            (version,) = self._db.execute("PRAGMA user_version").fetchone()
            if 0 < version < SCHEMA_VERSION:
                # Said before, not after: rebuilding a large events table takes a while.
                log.info(
                    "upgrading the event store, a minute or so for millions of events",
                    path=str(self.path),
                    schema=SCHEMA_VERSION,
                    was=version,
                )
            migrate(self._db)
            self._row_chunks = _row_chunks(self._db)
            # Everything but batches and pruning (which run in the writer's worker thread)
            # uses this second connection on the caller's thread: an sqlite3 connection must
            # never be used from two threads at once, and SQLite itself orders the two.
            self._main = sqlite3.connect(self.path, isolation_level=None)
            self._main.execute("PRAGMA busy_timeout=5000")
            self._main.execute("PRAGMA wal_autocheckpoint=0")
            self._checkpointer: sqlite3.Connection | None = None
            self._checkpoint_lock = threading.Lock()
            self._write_lock = threading.Lock()
        except SchemaError as exc:
            raise StoreError(
                f"the event store {self.path} was written by a newer unifi-scanner ({exc})"
            ) from None
        except (sqlite3.DatabaseError, OSError) as exc:
            raise StoreError(
                f"cannot open the event store {self.path}: {exc}; check the path and that no "
                "other program holds it (or point UNIFI_STORE elsewhere)"
            ) from None

    def close(self) -> None:
        # Worker threads may still be inside a commit or a checkpoint (a writer task that was
        # cancelled does not stop its thread): closing a connection under them crashes the
        # process, so wait for them.
        with self._checkpoint_lock:
            if self._checkpointer is not None:
                self._checkpointer.close()
                self._checkpointer = None
        with self._write_lock:
            self._main.close()
            self._db.close()  # the last connection to close checkpoints what is left

    def checkpoint(self, *, restart: bool = False) -> tuple[int, int]:
        """Copy committed WAL pages into the database file: ``(pages in WAL, copied)``.

        Runs on its own connection, so a worker thread can do it while the writer commits
        (PASSIVE never blocks the writer). ``restart`` then also tries, without waiting, to
        let the WAL start over — for when passive checkpoints cannot keep up.
        """
        with self._checkpoint_lock:
            if self._checkpointer is None:
                # No busy timeout: a RESTART that waits (for a reader to finish, for the
                # writer's lock) holds back the writer all the while — seconds of stalled
                # ingest behind a long report query. Not now means: next time.
                self._checkpointer = sqlite3.connect(
                    self.path, check_same_thread=False, isolation_level=None, timeout=0
                )
            db = self._checkpointer
            _busy, wal_pages, copied = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            if restart:
                # What PASSIVE left is small, so the writer waits only for that much copying.
                _busy, wal_pages, copied = db.execute("PRAGMA wal_checkpoint(RESTART)").fetchone()
        return int(wal_pages), int(copied)

    @property
    def connection(self) -> sqlite3.Connection:
        """The writer's connection: only ever use it from the writer (batches, retention)."""
        return self._db

    # -- writing (single writer) --------------------------------------------------------------

    def prune(self, now_ms: int, retention: Retention) -> PruneResult:
        """Apply ``retention`` on the writer's connection, like a batch: under the write lock,
        so that :meth:`close` waits for a prune running in a worker thread (closing the
        connection under it crashed the process)."""
        with self._write_lock:
            return prune(self._db, now_ms, retention)

    def write_batch(self, batch: Batch) -> WriteResult:
        """Commit a batch atomically: all of it or, on error, none of it."""
        with self._write_lock:
            return self._write_batch(batch)

    def _write_batch(self, batch: Batch) -> WriteResult:
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            # History from the v2 system log may describe events already stored from the
            # socket under another identity: those are matched, not inserted again.
            history = [(c, e) for c, e in batch.events if e.source == SYSTEM_LOG]
            live = (
                [(c, e) for c, e in batch.events if e.source != SYSTEM_LOG]
                if history
                else batch.events
            )
            before = db.total_changes
            # Multi-row INSERT … VALUES statements, not executemany: that takes the GIL back
            # for every row, and a busy event loop then starves the writer (a convoy: 70k
            # rows/s alone, 12k beside a busy loop). Nor JSON through json_each: SQLite
            # parses a row's JSON once per extracted column (bench/ingest.py).
            rows: list[Any] = []
            for controller, e in live:
                rows += (
                    controller,
                    e.identity,
                    e.site,
                    e.key,
                    e.subsystem,
                    e.time_ms,
                    e.received_ms,
                    e.source,
                    orjson.dumps(e.payload),
                )
            _insert_events(db, self._row_chunks, rows)
            inserted = db.total_changes - before
            if inserted < len(live):
                # Seen before: remember the additional source, keep the first copy.
                db.executemany(_ADD_SOURCE, [(c, e.identity, e.source) for c, e in live])
            live_events: dict[tuple[str, str], LiveEvents] = {}
            for controller, e in history:
                inserted += self._write_history(controller, e, history, live_events)
            rows_total = len(batch.events)
            snapshots: dict[str, list[tuple[Any, ...]]] = {"devices": [], "clients": []}
            for controller, site, records, seen in batch.devices:
                self._write_inventory("devices", controller, site, records, seen, snapshots)
            for controller, site, records, seen in batch.device_updates:
                merged = [self._merged_device(controller, site, r) for r in records]
                self._write_inventory("devices", controller, site, merged, seen, snapshots)
            for controller, site, records, seen in batch.clients:
                self._write_inventory("clients", controller, site, records, seen, snapshots)
            # Each statement hands the GIL back and has to win it again from the event loop:
            # only the ones with work to do are run.
            statements = (
                (
                    "INSERT OR REPLACE INTO device_snapshots VALUES (?,?,?,?,?)",
                    snapshots["devices"],
                ),
                (
                    "INSERT OR REPLACE INTO client_snapshots VALUES (?,?,?,?,?)",
                    snapshots["clients"],
                ),
                (
                    "INSERT INTO gaps (controller, site, start_ms, end_ms) VALUES (?,?,?,?)",
                    [(c, g.site, g.start_ms, g.end_ms) for c, g in batch.gaps],
                ),
                (
                    "UPDATE gaps SET backfill = ?, recovered = ? "
                    "WHERE controller = ? AND site = ? AND start_ms = ? AND end_ms = ?",
                    [
                        (state, n, c, g.site, g.start_ms, g.end_ms)
                        for c, g, state, n in batch.gap_results
                    ],
                ),
            )
            for statement, rows in statements:
                if rows:
                    db.executemany(statement, rows)
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:  # SQLITE_FULL has rolled it back already
                db.execute("ROLLBACK")
            raise
        return WriteResult(inserted=inserted, duplicates=rows_total - inserted)

    def _write_history(
        self,
        controller: str,
        event: Event,
        batch: list[tuple[str, Event]],
        live_events: dict[tuple[str, str], LiveEvents],
    ) -> int:
        """Store one system-log event of ``batch`` unless it is already known; 1 if new.

        ``live_events`` holds what was read for pairing, by (controller, site): read once,
        for all of the batch's entries of that site, when the first one needs it.
        """
        db = self._db
        known = db.execute(
            "SELECT identity FROM aliases WHERE controller = ? AND alias = ?",
            (controller, event.identity),
        ).fetchone()
        target = known[0] if known is not None else None
        if (
            target is None
            and db.execute(
                "SELECT 1 FROM events WHERE controller = ? AND identity = ?",
                (controller, event.identity),
            ).fetchone()
        ):
            target = event.identity
        if target is None:
            live = live_events.get((controller, event.site))
            if live is None:
                entries = [e for c, e in batch if c == controller and e.site == event.site]
                live = live_events[controller, event.site] = LiveEvents(
                    db, controller, event.site, entries
                )
            target = live.pair(event)
            if target is not None:
                db.execute(
                    "INSERT INTO aliases VALUES (?,?,?)", (controller, event.identity, target)
                )
        if target is not None:
            db.execute(_ADD_SOURCE, (controller, target, event.source))
            return 0
        db.execute(
            f"INSERT INTO events ({_EVENT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?)",
            (
                controller,
                event.identity,
                event.site,
                event.key,
                event.subsystem,
                event.time_ms,
                event.received_ms,
                event.source,
                orjson.dumps(event.payload),
            ),
        )
        return 1

    def _merged_device(
        self, controller: str, site: str, partial: Mapping[str, Any]
    ) -> Mapping[str, Any]:
        """The stored record of ``partial``'s device with the changed fields applied."""
        row = self._db.execute(
            "SELECT payload FROM devices WHERE controller = ? AND site = ? AND mac = ?",
            (controller, site, str(partial.get("mac", "")).lower()),
        ).fetchone()
        return {**orjson.loads(row[0]), **partial} if row is not None else partial

    def _write_inventory(
        self,
        table: str,
        controller: str,
        site: str,
        records: Records,
        seen: int,
        snapshots: dict[str, list[tuple[Any, ...]]],
    ) -> None:
        latest: list[tuple[Any, ...]] = []
        health = device_health if table == "devices" else client_health
        for record in records:
            mac = record.get("mac")
            if not isinstance(mac, str):
                continue
            mac = mac.lower()
            name = _text(record.get("name"))
            other = _text(record.get("model" if table == "devices" else "hostname"))
            if table == "devices":
                latest.append(
                    (
                        controller,
                        site,
                        mac,
                        name,
                        other,
                        _text(record.get("type")),
                        seen,
                        orjson.dumps(record),
                    )
                )
            else:
                latest.append((controller, site, mac, name, other, seen, orjson.dumps(record)))
            key = (controller, site, table, mac)
            if seen - self._last_snapshot.get(key, -self.snapshot_interval_ms) >= (
                self.snapshot_interval_ms
            ):
                self._last_snapshot[key] = seen
                snapshots[table].append((controller, site, mac, seen, orjson.dumps(health(record))))
        placeholders = ",".join("?" * (8 if table == "devices" else 7))
        self._db.executemany(f"INSERT OR REPLACE INTO {table} VALUES ({placeholders})", latest)

    def record_site(
        self,
        controller: str,
        site: str,
        *,
        flavour: str,
        version: str,
        seen_ms: int,
        description: str = "",
    ) -> None:
        """Remember which controller (kind, Network version) a site's events come from, and
        what people call the site ("Home network": the description, not the short name)."""
        self._main.execute(
            "INSERT OR REPLACE INTO sites (controller, site, flavour, version, seen_ms, "
            "description) VALUES (?,?,?,?,?,?)",
            (controller, site, flavour, version, seen_ms, description),
        )

    def save_pin(self, controller: str, fingerprint: str, *, pinned_ms: int) -> None:
        """Trust this certificate fingerprint for ``controller`` from now on."""
        self._main.execute(
            "INSERT OR REPLACE INTO tls_pins VALUES (?,?,?)", (controller, fingerprint, pinned_ms)
        )

    def save_ssh_cursors(
        self, controller: str, site: str, cursors: Mapping[str, FileCursor]
    ) -> None:
        """Where the SSH source stopped reading each file (after its events were committed)."""
        self._main.executemany(
            "INSERT OR REPLACE INTO ssh_cursors VALUES (?,?,?,?)",
            [
                (controller, site, path, orjson.dumps(cursor.to_dict()))
                for path, cursor in cursors.items()
            ],
        )

    def ssh_cursors(self, controller: str, site: str) -> dict[str, FileCursor]:
        """The saved SSH read positions of a site, by file path."""
        rows = self._main.execute(
            "SELECT path, cursor FROM ssh_cursors WHERE controller = ? AND site = ?",
            (controller, site),
        )
        return {str(path): FileCursor.from_dict(orjson.loads(raw)) for path, raw in rows}

    def save_cursor(self, controller: str, site: str, end_ms: int, *, updated_ms: int) -> None:
        """The end of the last delivered report for a site (the next one starts there)."""
        self._main.execute(
            "INSERT OR REPLACE INTO report_cursors VALUES (?,?,?,?)",
            (controller, site, end_ms, updated_ms),
        )


_EVENT_COLUMNS = (
    "controller, identity, site, key, subsystem, time_ms, received_ms, sources, payload"
)
_ROW_WIDTH = 9
#: Rows per INSERT statement: powers of two, so a batch of any size needs at most nine
#: distinct statements, all kept prepared in the connection's statement cache. SQLite
#: builds before 3.32 allow only 999 parameters per statement: there, 64 rows at most.
_CHUNKS = (256, 128, 64, 32, 16, 8, 4, 2, 1)
_INSERT_ROWS = {
    n: f"INSERT OR IGNORE INTO events ({_EVENT_COLUMNS}) VALUES "
    + ",".join(["(" + ",".join("?" * _ROW_WIDTH) + ")"] * n)
    for n in _CHUNKS
}


def _row_chunks(db: sqlite3.Connection) -> tuple[int, ...]:
    most = db.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // _ROW_WIDTH
    return tuple(n for n in _CHUNKS if n <= most)


def _insert_events(db: sqlite3.Connection, chunks: tuple[int, ...], values: list[Any]) -> None:
    """Insert rows given as one flat list of :data:`_ROW_WIDTH` values per row."""
    rows, start = len(values) // _ROW_WIDTH, 0
    for size in chunks:
        while rows >= size:
            end = start + size * _ROW_WIDTH
            db.execute(_INSERT_ROWS[size], values[start:end])
            start, rows = end, rows - size


_ADD_SOURCE = (
    "UPDATE events SET sources = sources || ',' || ?3 "
    "WHERE controller = ?1 AND identity = ?2 "
    "AND instr(',' || sources || ',', ',' || ?3 || ',') = 0"
)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
