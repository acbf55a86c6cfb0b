"""Reading the store: events in time order, snapshots, inventory, gaps, pins, cursors.

Every long read uses its own read-only connection: with WAL, readers never block the writer
and see a consistent snapshot of the file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from unifi_scanner.controller.models import Event


@dataclass(frozen=True, slots=True)
class GapRecord:
    """A stretch without a socket, and what back-filling it from REST achieved.

    ``backfill``: ``pending`` (not tried yet), ``filled`` (the REST source covered the window),
    ``unavailable`` (this controller keeps no history to ask), ``failed`` (asking failed).
    """

    site: str
    start_ms: int
    end_ms: int
    backfill: str = "pending"
    recovered: int = 0


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One device's or client's health fields at one moment."""

    site: str
    mac: str
    time_ms: int
    record: dict[str, Any]


class StoreReads:
    """The read side of :class:`~unifi_scanner.store.sqlite.SQLiteStore`."""

    path: Path
    _main: sqlite3.Connection

    def pins(self) -> dict[str, str]:
        """Every stored pin: controller URL → fingerprint."""
        rows = self._main.execute("SELECT controller, fingerprint FROM tls_pins")
        return {str(c): str(f) for c, f in rows}

    def pin(self, controller: str) -> str | None:
        """The pinned fingerprint for ``controller``, if ``check --trust`` stored one."""
        return self.pins().get(controller)

    def cursor(self, controller: str, site: str) -> int | None:
        """Where the site's last delivered report ended (the next one starts there)."""
        row = self.cursor_row(controller, site)
        return None if row is None else row[0]

    def cursor_row(self, controller: str, site: str) -> tuple[int, int] | None:
        """``(end_ms, updated_ms)``: the last report's end, and when it was made."""
        row = self._main.execute(
            "SELECT end_ms, updated_ms FROM report_cursors WHERE controller = ? AND site = ?",
            (controller, site),
        ).fetchone()
        return None if row is None else (int(row[0]), int(row[1]))

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
        clause, params = where(site, since_ms, until_ms, controller, key)
        reader = self._reader()
        try:
            cursor = reader.execute(
                "SELECT identity, key, subsystem, site, time_ms, received_ms, sources, payload "
                f"FROM events {clause} ORDER BY time_ms, identity",
                params,
            )
            loads = orjson.loads
            while rows := cursor.fetchmany(chunk):
                for identity, k, subsystem, row_site, time_ms, received, sources, payload in rows:
                    # Positional: keyword arguments make building an event twice as slow, and
                    # every event analysed is built here.
                    yield Event(
                        identity, k, subsystem, row_site, time_ms, received, sources, loads(payload)
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
        clause, params = where(site, since_ms, until_ms, controller)
        reader = self._reader()
        try:
            cursor = reader.execute(
                f"SELECT site, mac, time_ms, payload FROM {table} {clause} ORDER BY time_ms, mac",
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
        clause, params = where(site, since_ms, until_ms, controller)
        (count,) = self._main.execute(f"SELECT count(*) FROM events {clause}", params).fetchone()
        return int(count)

    def count_by_source(
        self,
        *,
        site: str | None = None,
        since_ms: int | None = None,
        until_ms: int | None = None,
        controller: str | None = None,
    ) -> dict[str, int]:
        """How many events each source delivered (an event seen on two counts for both)."""
        clause, params = where(site, since_ms, until_ms, controller)
        counts: dict[str, int] = {}
        for sources, count in self._main.execute(
            f"SELECT sources, count(*) FROM events {clause} GROUP BY sources", params
        ):
            for source in str(sources).split(","):
                counts[source] = counts.get(source, 0) + int(count)
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    def identities(self) -> list[str]:
        """Every stored identity (with repeats, if the store ever held any)."""
        return [row[0] for row in self._main.execute("SELECT identity FROM events")]

    def time_range(self, *, site: str | None = None) -> tuple[int, int] | None:
        clause, params = where(site, None, None)
        first, last = self._main.execute(
            f"SELECT min(time_ms), max(time_ms) FROM events {clause}", params
        ).fetchone()
        return None if first is None else (int(first), int(last))

    def newest_event(
        self, *, controller: str, site: str, before_ms: int | None = None
    ) -> tuple[int, int] | None:
        """``(time_ms, received_ms)`` of the newest stored event of a site (before a time)."""
        row = self._main.execute(
            "SELECT time_ms, received_ms FROM events WHERE controller = ? AND site = ? "
            "AND time_ms < ? ORDER BY time_ms DESC LIMIT 1",
            (controller, site, before_ms if before_ms is not None else 2**62),
        ).fetchone()
        return None if row is None else (int(row[0]), int(row[1]))

    def gap_totals(self) -> dict[str, tuple[int, int]]:
        """Per back-fill state (``filled``, ``pending``…): how many gaps, events recovered."""
        return {
            str(state): (int(count), int(recovered or 0))
            for state, count, recovered in self._main.execute(
                "SELECT backfill, count(*), sum(recovered) FROM gaps GROUP BY backfill"
            )
        }

    def site_description(self, controller: str, site: str) -> str:
        """The site's description as the controller showed it ("" when unknown)."""
        row = self._main.execute(
            "SELECT description FROM sites WHERE controller = ? AND site = ?", (controller, site)
        ).fetchone()
        return str(row[0]) if row is not None and row[0] else ""

    def sites(self) -> list[tuple[str, str, str, str]]:
        """``(controller, site, flavour, version)`` of every site seen, latest first."""
        return [
            (c, s, f, v)
            for c, s, f, v in self._main.execute(
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

    def gaps(
        self,
        *,
        site: str | None = None,
        controller: str | None = None,
        since_ms: int | None = None,
        until_ms: int | None = None,
    ) -> list[GapRecord]:
        """Gaps overlapping ``[since_ms, until_ms)``, oldest first."""
        clause, params = where(site, None, None, controller)
        clauses = [clause] if clause else []
        if since_ms is not None:
            clauses.append(("AND" if clauses else "WHERE") + " end_ms >= ?")
            params.append(since_ms)
        if until_ms is not None:
            clauses.append(("AND" if clauses else "WHERE") + " start_ms < ?")
            params.append(until_ms)
        return [
            GapRecord(*row)
            for row in self._main.execute(
                f"SELECT site, start_ms, end_ms, backfill, recovered FROM gaps {' '.join(clauses)} "
                "ORDER BY start_ms",
                params,
            )
        ]

    def _records(
        self, table: str, site: str | None, controller: str | None
    ) -> list[dict[str, Any]]:
        clause, params = where(site, None, None, controller)
        return [
            orjson.loads(payload)
            for (payload,) in self._main.execute(
                f"SELECT payload FROM {table} {clause} ORDER BY mac", params
            )
        ]

    def _reader(self) -> sqlite3.Connection:
        reader = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
        reader.execute("PRAGMA busy_timeout=5000")
        return reader


def where(
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


class StoreReader(StoreReads):
    """The read side on a connection of its own, for one worker thread (a report's analysis).

    Opened and closed in the thread that uses it: sqlite3 connections belong to the thread
    that created them, and the store's own reading connection belongs to the event loop's.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._main = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
        self._main.execute("PRAGMA busy_timeout=5000")

    def close(self) -> None:
        self._main.close()

    def __enter__(self) -> StoreReader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
