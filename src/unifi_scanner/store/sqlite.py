"""The embedded store: one SQLite file in WAL mode.

The only place state lives. Events are keyed by (controller, identity), so an event that
arrives twice — after a reconnect, or from a second source — is stored once and the sources
it was seen on are kept. Writes come in batches from a single writer (:mod:`.writer`);
readers use their own connections and, thanks to WAL, never block it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from unifi_scanner.controller.models import Event
from unifi_scanner.controller.websocket import Gap

SCHEMA_VERSION = 2

_MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE events (
        controller  TEXT    NOT NULL,
        identity    TEXT    NOT NULL,
        site        TEXT    NOT NULL,
        key         TEXT    NOT NULL,
        subsystem   TEXT    NOT NULL,
        time_ms     INTEGER NOT NULL,
        received_ms INTEGER NOT NULL,
        sources     TEXT    NOT NULL,
        payload     BLOB    NOT NULL,
        PRIMARY KEY (controller, identity)
    ) WITHOUT ROWID;
    CREATE INDEX events_by_site_time ON events (site, time_ms);
    CREATE INDEX events_by_time ON events (time_ms);

    CREATE TABLE devices (
        controller TEXT    NOT NULL,
        site       TEXT    NOT NULL,
        mac        TEXT    NOT NULL,
        name       TEXT,
        model      TEXT,
        type       TEXT,
        seen_ms    INTEGER NOT NULL,
        payload    BLOB    NOT NULL,
        PRIMARY KEY (controller, site, mac)
    );

    CREATE TABLE clients (
        controller TEXT    NOT NULL,
        site       TEXT    NOT NULL,
        mac        TEXT    NOT NULL,
        name       TEXT,
        hostname   TEXT,
        seen_ms    INTEGER NOT NULL,
        payload    BLOB    NOT NULL,
        PRIMARY KEY (controller, site, mac)
    );

    CREATE TABLE sites (
        controller TEXT    NOT NULL,
        site       TEXT    NOT NULL,
        flavour    TEXT    NOT NULL,
        version    TEXT    NOT NULL,
        seen_ms    INTEGER NOT NULL,
        PRIMARY KEY (controller, site)
    );

    CREATE TABLE gaps (
        id         INTEGER PRIMARY KEY,
        controller TEXT    NOT NULL,
        site       TEXT    NOT NULL,
        start_ms   INTEGER NOT NULL,
        end_ms     INTEGER NOT NULL
    );
    """,
    2: """
    CREATE TABLE tls_pins (
        controller  TEXT    PRIMARY KEY,
        fingerprint TEXT    NOT NULL,
        pinned_ms   INTEGER NOT NULL
    );
    """,
}


class StoreError(Exception):
    """The store file cannot be used; the message names the path and what to do."""


@dataclass(slots=True)
class Batch:
    """Everything one commit writes."""

    events: list[tuple[str, Event]] = field(default_factory=list)
    devices: list[tuple[str, str, Sequence[Mapping[str, Any]], int]] = field(default_factory=list)
    clients: list[tuple[str, str, Sequence[Mapping[str, Any]], int]] = field(default_factory=list)
    gaps: list[tuple[str, Gap]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.events) + len(self.devices) + len(self.clients) + len(self.gaps)


@dataclass(frozen=True, slots=True)
class WriteResult:
    inserted: int
    duplicates: int


class SQLiteStore:
    """Events, inventory snapshots and gaps in one SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            if self.path.parent and not self.path.parent.exists():
                self.path.parent.mkdir(parents=True, exist_ok=True)
            # The writer runs in a worker thread (asyncio.to_thread); one writer at a time.
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA busy_timeout=5000")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"cannot open the event store {self.path}: {exc}; check the path and that no "
                "other program holds it (or point UNIFI_STORE elsewhere)"
            ) from None

    def close(self) -> None:
        self._db.close()

    def _migrate(self) -> None:
        (version,) = self._db.execute("PRAGMA user_version").fetchone()
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"the event store {self.path} was written by a newer unifi-scanner "
                f"(schema {version}, this one knows {SCHEMA_VERSION}); upgrade unifi-scanner"
            )
        for target in range(version + 1, SCHEMA_VERSION + 1):
            self._db.executescript(
                f"BEGIN; {_MIGRATIONS[target]} PRAGMA user_version = {target}; COMMIT;"
            )

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
            for controller, site, records, seen in batch.devices:
                db.executemany(
                    "INSERT OR REPLACE INTO devices VALUES (?,?,?,?,?,?,?,?)",
                    [
                        (
                            controller,
                            site,
                            str(r["mac"]).lower(),
                            _text(r.get("name")),
                            _text(r.get("model")),
                            _text(r.get("type")),
                            seen,
                            orjson.dumps(r),
                        )
                        for r in records
                        if isinstance(r.get("mac"), str)
                    ],
                )
            for controller, site, records, seen in batch.clients:
                db.executemany(
                    "INSERT OR REPLACE INTO clients VALUES (?,?,?,?,?,?,?)",
                    [
                        (
                            controller,
                            site,
                            str(r["mac"]).lower(),
                            _text(r.get("name")),
                            _text(r.get("hostname")),
                            seen,
                            orjson.dumps(r),
                        )
                        for r in records
                        if isinstance(r.get("mac"), str)
                    ],
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

    def pins(self) -> dict[str, str]:
        """Every stored pin: controller URL → fingerprint."""
        return {
            str(c): str(f)
            for c, f in self._db.execute("SELECT controller, fingerprint FROM tls_pins")
        }

    def pin(self, controller: str) -> str | None:
        """The pinned fingerprint for ``controller``, if ``check --trust`` stored one."""
        row = self._db.execute(
            "SELECT fingerprint FROM tls_pins WHERE controller = ?", (controller,)
        ).fetchone()
        return None if row is None else str(row[0])

    # -- reading --------------------------------------------------------------------------------

    def iter_events(
        self,
        *,
        site: str | None = None,
        since_ms: int | None = None,
        until_ms: int | None = None,
        controller: str | None = None,
        chunk: int = 5000,
    ) -> Iterator[Event]:
        """Events in event-time order, ``since_ms <= time < until_ms``, read in chunks."""
        where, params = _where(site, since_ms, until_ms, controller)
        reader = self._reader()
        try:
            cursor = reader.execute(
                "SELECT identity, key, subsystem, site, time_ms, received_ms, sources, payload "
                f"FROM events {where} ORDER BY time_ms, identity",
                params,
            )
            while rows := cursor.fetchmany(chunk):
                for identity, key, subsystem, row_site, time_ms, received, sources, payload in rows:
                    yield Event(
                        identity=identity,
                        key=key,
                        subsystem=subsystem,
                        site=row_site,
                        time_ms=time_ms,
                        received_ms=received,
                        source=sources,
                        payload=orjson.loads(payload),
                    )
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

    def gaps(self, *, site: str | None = None) -> list[Gap]:
        where, params = _where(site, None, None)
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
) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if controller is not None:
        clauses.append("controller = ?")
        params.append(controller)
    if site is not None:
        clauses.append("site = ?")
        params.append(site)
    if since_ms is not None:
        clauses.append("time_ms >= ?")
        params.append(since_ms)
    if until_ms is not None:
        clauses.append("time_ms < ?")
        params.append(until_ms)
    return ("WHERE " + " AND ".join(clauses) if clauses else "", params)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
