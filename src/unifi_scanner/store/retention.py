"""Keeping the store bounded: by age, and by size on disk.

Runs on the writer's connection between batches (never concurrently with a write). Old
events, snapshots and gaps go first; when the file is still over its size budget, the oldest
events go in chunks until it fits. Freed pages are returned to the file system with
``incremental_vacuum`` (the store is created with ``auto_vacuum=INCREMENTAL``).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

DAY_MS = 86_400_000


@dataclass(frozen=True, slots=True)
class Retention:
    """How long and how much the store keeps."""

    events_days: float = 90.0
    snapshots_days: float = 30.0
    max_bytes: int = 2 * 1024**3
    chunk: int = 10_000


@dataclass(frozen=True, slots=True)
class PruneResult:
    events: int
    snapshots: int
    gaps: int
    size_bytes: int

    @property
    def removed(self) -> int:
        return self.events + self.snapshots + self.gaps


def size_bytes(db: sqlite3.Connection) -> int:
    """Pages in use times page size: what the file needs (the WAL aside)."""
    (pages,) = db.execute("PRAGMA page_count").fetchone()
    (free,) = db.execute("PRAGMA freelist_count").fetchone()
    (size,) = db.execute("PRAGMA page_size").fetchone()
    return int((pages - free) * size)


def prune(db: sqlite3.Connection, now_ms: int, retention: Retention) -> PruneResult:
    """Delete what is older than the retention, then the oldest events over the size budget."""
    events_before = now_ms - int(retention.events_days * DAY_MS)
    snapshots_before = now_ms - int(retention.snapshots_days * DAY_MS)
    db.execute("BEGIN IMMEDIATE")
    try:
        events = db.execute("DELETE FROM events WHERE time_ms < ?", (events_before,)).rowcount
        snapshots = db.execute(
            "DELETE FROM device_snapshots WHERE time_ms < ?", (snapshots_before,)
        ).rowcount
        snapshots += db.execute(
            "DELETE FROM client_snapshots WHERE time_ms < ?", (snapshots_before,)
        ).rowcount
        gaps = db.execute("DELETE FROM gaps WHERE end_ms < ?", (events_before,)).rowcount
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:  # SQLITE_FULL has rolled it back already
            db.execute("ROLLBACK")
        raise
    while size_bytes(db) > retention.max_bytes:
        db.execute("BEGIN IMMEDIATE")
        try:
            removed = db.execute(
                "DELETE FROM events WHERE id IN (SELECT id FROM events ORDER BY time_ms LIMIT ?)",
                (retention.chunk,),
            ).rowcount
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:  # SQLITE_FULL has rolled it back already
                db.execute("ROLLBACK")
            raise
        events += max(removed, 0)
        if removed <= 0:
            break
    db.execute("PRAGMA incremental_vacuum")
    return PruneResult(events, snapshots, gaps, size_bytes(db))
