"""The store's schema and its migrations, applied in order when a store is opened.

``PRAGMA user_version`` holds the schema version. A migration never drops data (v7 rebuilds
the events table, copying every row); a store written by a newer unifi-scanner is refused
rather than guessed at.
"""

from __future__ import annotations

import sqlite3

SCHEMA_VERSION = 7

MIGRATIONS: dict[int, str] = {
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
    3: """
    CREATE TABLE device_snapshots (
        controller TEXT    NOT NULL,
        site       TEXT    NOT NULL,
        mac        TEXT    NOT NULL,
        time_ms    INTEGER NOT NULL,
        payload    BLOB    NOT NULL,
        PRIMARY KEY (controller, site, mac, time_ms)
    ) WITHOUT ROWID;
    CREATE INDEX device_snapshots_by_time ON device_snapshots (site, time_ms);

    CREATE TABLE client_snapshots (
        controller   TEXT    NOT NULL,
        site         TEXT    NOT NULL,
        mac          TEXT    NOT NULL,
        time_ms      INTEGER NOT NULL,
        payload      BLOB    NOT NULL,
        PRIMARY KEY (controller, site, mac, time_ms)
    ) WITHOUT ROWID;
    CREATE INDEX client_snapshots_by_time ON client_snapshots (site, time_ms);

    CREATE TABLE report_cursors (
        controller TEXT    NOT NULL,
        site       TEXT    NOT NULL,
        end_ms     INTEGER NOT NULL,
        updated_ms INTEGER NOT NULL,
        PRIMARY KEY (controller, site)
    );
    CREATE INDEX gaps_by_site ON gaps (site, start_ms);
    """,
    4: """
    CREATE TABLE aliases (
        controller TEXT NOT NULL,
        alias      TEXT NOT NULL,
        identity   TEXT NOT NULL,
        PRIMARY KEY (controller, alias)
    ) WITHOUT ROWID;
    ALTER TABLE gaps ADD COLUMN backfill TEXT NOT NULL DEFAULT 'pending';
    ALTER TABLE gaps ADD COLUMN recovered INTEGER NOT NULL DEFAULT 0;
    """,
    5: """
    CREATE TABLE ssh_cursors (
        controller TEXT NOT NULL,
        site       TEXT NOT NULL,
        path       TEXT NOT NULL,
        cursor     BLOB NOT NULL,
        PRIMARY KEY (controller, site, path)
    ) WITHOUT ROWID;
    """,
    6: """
    ALTER TABLE sites ADD COLUMN description TEXT NOT NULL DEFAULT '';
    """,
    # Events get a rowid. Keyed by (controller, identity) alone, every insert landed at a
    # random place in a b-tree holding the ~500-byte payloads; with a rowid, rows append at
    # the end and only a small unique index is random: +20% rows/s (bench/ingest.py).
    7: """
    CREATE TABLE events_v7 (
        id          INTEGER PRIMARY KEY,
        controller  TEXT    NOT NULL,
        identity    TEXT    NOT NULL,
        site        TEXT    NOT NULL,
        key         TEXT    NOT NULL,
        subsystem   TEXT    NOT NULL,
        time_ms     INTEGER NOT NULL,
        received_ms INTEGER NOT NULL,
        sources     TEXT    NOT NULL,
        payload     BLOB    NOT NULL
    );
    INSERT INTO events_v7 (controller, identity, site, key, subsystem, time_ms, received_ms,
                           sources, payload)
        SELECT controller, identity, site, key, subsystem, time_ms, received_ms, sources, payload
        FROM events ORDER BY time_ms, identity;
    DROP TABLE events;
    ALTER TABLE events_v7 RENAME TO events;
    CREATE UNIQUE INDEX events_by_identity ON events (controller, identity);
    CREATE INDEX events_by_site_time ON events (site, time_ms);
    CREATE INDEX events_by_time ON events (time_ms);
    """,
}


class SchemaError(Exception):
    """The file's schema is newer than this program knows."""


def migrate(db: sqlite3.Connection) -> int:
    """Bring ``db`` to :data:`SCHEMA_VERSION`; returns the version it had before."""
    (version,) = db.execute("PRAGMA user_version").fetchone()
    if version > SCHEMA_VERSION:
        raise SchemaError(
            f"schema {version}, this unifi-scanner knows {SCHEMA_VERSION}; upgrade unifi-scanner"
        )
    for target in range(version + 1, SCHEMA_VERSION + 1):
        db.executescript(f"BEGIN; {MIGRATIONS[target]} PRAGMA user_version = {target}; COMMIT;")
    return int(version)
