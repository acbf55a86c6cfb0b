"""The embedded store: one SQLite file in WAL mode.

The only place state lives. Events are keyed by (controller, identity), so an event that
arrives twice — after a reconnect, or from a second source — is stored once and the sources
it was seen on are kept. Writes come in batches from a single writer (:mod:`.writer`);
readers use their own connections and, thanks to WAL, never block it. A failed batch is
rolled back whole, so the file is never left half-written (disk full, database locked).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from unifi_scanner.controller.models import Event
from unifi_scanner.controller.records import client_health, device_health
from unifi_scanner.controller.websocket import Gap
from unifi_scanner.store.schema import SchemaError, migrate

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
    clients: list[tuple[str, str, Records, int]] = field(default_factory=list)
    gaps: list[tuple[str, Gap]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.events) + len(self.devices) + len(self.clients) + len(self.gaps)


@dataclass(frozen=True, slots=True)
class WriteResult:
    inserted: int
    duplicates: int


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One device's or client's health fields at one moment."""

    site: str
    mac: str
    time_ms: int
    record: dict[str, Any]


class SQLiteStore:
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
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            migrate(self._db)
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
        self._db.close()

    @property
    def connection(self) -> sqlite3.Connection:
        """The writer's connection (for maintenance such as retention)."""
        return self._db

    # -- writing (single writer) --------------------------------------------------------------

    def write_batch(self, batch: Batch) -> WriteResult:
        """Commit a batch atomically: all of it or, on error, none of it."""
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            rows = [
                (
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
                for controller, e in batch.events
            ]
            before = db.total_changes
            db.executemany("INSERT OR IGNORE INTO events VALUES (?,?,?,?,?,?,?,?,?)", rows)
            inserted = db.total_changes - before
            if inserted < len(rows):
                # Seen before: remember the additional source, keep the first copy.
                db.executemany(
                    "UPDATE events SET sources = sources || ',' || ?3 "
                    "WHERE controller = ?1 AND identity = ?2 "
                    "AND instr(',' || sources || ',', ',' || ?3 || ',') = 0",
                    [(c, e.identity, e.source) for c, e in batch.events],
                )
            snapshots: dict[str, list[tuple[Any, ...]]] = {"devices": [], "clients": []}
            for controller, site, records, seen in batch.devices:
                self._write_inventory("devices", controller, site, records, seen, snapshots)
            for controller, site, records, seen in batch.clients:
                self._write_inventory("clients", controller, site, records, seen, snapshots)
            db.executemany(
                "INSERT OR REPLACE INTO device_snapshots VALUES (?,?,?,?,?)", snapshots["devices"]
            )
            db.executemany(
                "INSERT OR REPLACE INTO client_snapshots VALUES (?,?,?,?,?)", snapshots["clients"]
            )
            db.executemany(
                "INSERT INTO gaps (controller, site, start_ms, end_ms) VALUES (?,?,?,?)",
                [(c, g.site, g.start_ms, g.end_ms) for c, g in batch.gaps],
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return WriteResult(inserted=inserted, duplicates=len(rows) - inserted)

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
        self, controller: str, site: str, *, flavour: str, version: str, seen_ms: int
    ) -> None:
        """Remember which controller (kind, Network version) a site's events come from."""
        self._db.execute(
            "INSERT OR REPLACE INTO sites VALUES (?,?,?,?,?)",
            (controller, site, flavour, version, seen_ms),
        )

    def save_pin(self, controller: str, fingerprint: str, *, pinned_ms: int) -> None:
        """Trust this certificate fingerprint for ``controller`` from now on."""
        self._db.execute(
            "INSERT OR REPLACE INTO tls_pins VALUES (?,?,?)", (controller, fingerprint, pinned_ms)
        )

    def save_cursor(self, controller: str, site: str, end_ms: int, *, updated_ms: int) -> None:
        """The end of the last delivered report for a site (the next one starts there)."""
        self._db.execute(
            "INSERT OR REPLACE INTO report_cursors VALUES (?,?,?,?)",
            (controller, site, end_ms, updated_ms),
        )

    # -- reading -----------------------------------------------------------------------------

    def pins(self) -> dict[str, str]:
        """Every stored pin: controller URL → fingerprint."""
        rows = self._db.execute("SELECT controller, fingerprint FROM tls_pins")
        return {str(c): str(f) for c, f in rows}

    def pin(self, controller: str) -> str | None:
        """The pinned fingerprint for ``controller``, if ``check --trust`` stored one."""
        return self.pins().get(controller)

    def cursor(self, controller: str, site: str) -> int | None:
        row = self._db.execute(
            "SELECT end_ms FROM report_cursors WHERE controller = ? AND site = ?",
            (controller, site),
        ).fetchone()
        return None if row is None else int(row[0])

    def iter_events(
        self,
        *,
        site: str | None = None,
        since_ms: int | None = None,
        until_ms: int | None = None,
        controller: str | None = None,
        key: str | None = None,
        chunk: int = 5000,
    ) -> Iterator[Event]:
        """Events in event-time order, ``since_ms <= time < until_ms``, read in chunks."""
        where, params = _where(site, since_ms, until_ms, controller, key)
        reader = self._reader()
        try:
            cursor = reader.execute(
                "SELECT identity, key, subsystem, site, time_ms, received_ms, sources, payload "
                f"FROM events {where} ORDER BY time_ms, identity",
                params,
            )
            while rows := cursor.fetchmany(chunk):
                for identity, k, subsystem, row_site, time_ms, received, sources, payload in rows:
                    yield Event(
                        identity=identity,
                        key=k,
                        subsystem=subsystem,
                        site=row_site,
                        time_ms=time_ms,
                        received_ms=received,
                        source=sources,
                        payload=orjson.loads(payload),
                    )
        finally:
            reader.close()

    def iter_snapshots(
        self,
        kind: str,
        *,
        site: str | None = None,
        controller: str | None = None,
        since_ms: int | None = None,
        until_ms: int | None = None,
    ) -> Iterator[Snapshot]:
        """Device (``kind="devices"``) or client snapshots in time order."""
        table = {"devices": "device_snapshots", "clients": "client_snapshots"}[kind]
        where, params = _where(site, since_ms, until_ms, controller)
        reader = self._reader()
        try:
            cursor = reader.execute(
                f"SELECT site, mac, time_ms, payload FROM {table} {where} ORDER BY time_ms, mac",
                params,
            )
            while rows := cursor.fetchmany(5000):
                for row_site, mac, time_ms, payload in rows:
                    yield Snapshot(row_site, mac, time_ms, orjson.loads(payload))
        finally:
            reader.close()

    def count_events(
        self,
        *,
        site: str | None = None,
        since_ms: int | None = None,
        until_ms: int | None = None,
        controller: str | None = None,
    ) -> int:
        where, params = _where(site, since_ms, until_ms, controller)
        (count,) = self._db.execute(f"SELECT count(*) FROM events {where}", params).fetchone()
        return int(count)

    def identities(self) -> list[str]:
        """Every stored identity (with repeats, if the store ever held any)."""
        return [row[0] for row in self._db.execute("SELECT identity FROM events")]

    def time_range(self, *, site: str | None = None) -> tuple[int, int] | None:
        where, params = _where(site, None, None)
        first, last = self._db.execute(
            f"SELECT min(time_ms), max(time_ms) FROM events {where}", params
        ).fetchone()
        return None if first is None else (int(first), int(last))

    def sites(self) -> list[tuple[str, str, str, str]]:
        """``(controller, site, flavour, version)`` of every site seen, latest first."""
        return [
            (c, s, f, v)
            for c, s, f, v in self._db.execute(
                "SELECT controller, site, flavour, version FROM sites ORDER BY seen_ms DESC"
            )
        ]

    def devices(
        self, *, site: str | None = None, controller: str | None = None
    ) -> list[dict[str, Any]]:
        return self._records("devices", site, controller)

    def clients(
        self, *, site: str | None = None, controller: str | None = None
    ) -> list[dict[str, Any]]:
        return self._records("clients", site, controller)

    def gaps(self, *, site: str | None = None, controller: str | None = None) -> list[Gap]:
        where, params = _where(site, None, None, controller)
        return [
            Gap(site=s, start_ms=a, end_ms=b)
            for s, a, b in self._db.execute(
                f"SELECT site, start_ms, end_ms FROM gaps {where} ORDER BY start_ms", params
            )
        ]

    def _records(
        self, table: str, site: str | None, controller: str | None
    ) -> list[dict[str, Any]]:
        where, params = _where(site, None, None, controller)
        return [
            orjson.loads(payload)
            for (payload,) in self._db.execute(
                f"SELECT payload FROM {table} {where} ORDER BY mac", params
            )
        ]

    def _reader(self) -> sqlite3.Connection:
        reader = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
        reader.execute("PRAGMA busy_timeout=5000")
        return reader


def _where(
    site: str | None,
    since_ms: int | None,
    until_ms: int | None,
    controller: str | None = None,
    key: str | None = None,
) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    for column, value in (("controller", controller), ("site", site), ("key", key)):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    if since_ms is not None:
        clauses.append("time_ms >= ?")
        params.append(since_ms)
    if until_ms is not None:
        clauses.append("time_ms < ?")
        params.append(until_ms)
    return ("WHERE " + " AND ".join(clauses) if clauses else "", params)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
