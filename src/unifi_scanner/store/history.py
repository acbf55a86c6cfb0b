"""Pairing v2 system-log entries with the live events they describe.

On Network 10.x the REST history is the system log, whose entries have ids of their own: an
entry about an event the socket delivered must not be stored a second time. An entry and an
event describe the same happening when they share its kind and subject (``happening``) and
lie within a second or two of each other; each live event pairs with one entry at most.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

import orjson

from unifi_scanner.controller.models import Event
from unifi_scanner.controller.systemlog import SOURCE as SYSTEM_LOG
from unifi_scanner.controller.systemlog import happening


class LiveEvents:
    """The unpaired live events of one site around a batch of entries, by happening.

    Read with one range scan per batch: looking each entry up in SQL decoded every event of
    its few seconds, thousands on a busy site, and the cost grew with the square of the
    event rate (6–19 ms an entry at 2,000 events/s).
    """

    def __init__(
        self, db: sqlite3.Connection, controller: str, site: str, entries: Sequence[Event]
    ) -> None:
        self._by_happening: dict[tuple[str, str], list[tuple[int, str]]] = {}
        for first, last in _stretches(sorted({entry.time_ms // 1000 for entry in entries})):
            rows = db.execute(
                "SELECT identity, key, subsystem, time_ms, received_ms, sources, payload "
                "FROM events WHERE controller = ? AND site = ? AND time_ms >= ? "
                "AND time_ms < ? AND instr(sources, ?) = 0 ORDER BY time_ms",
                (controller, site, (first - 1) * 1000, (last + 2) * 1000, SYSTEM_LOG),
            )
            for identity, key, subsystem, time_ms, received, sources, payload in rows:
                stored = Event(
                    identity,
                    key,
                    subsystem,
                    site,
                    time_ms,
                    received,
                    sources,
                    orjson.loads(payload),
                )
                found = happening(stored)
                if found is not None:
                    self._by_happening.setdefault(found[:2], []).append((time_ms, str(identity)))

    def pair(self, entry: Event) -> str | None:
        """The earliest unpaired live event of ``entry``'s happening, now paired; or None."""
        wanted = happening(entry)
        if wanted is None:
            return None
        kind, subject, second = wanted
        candidates = self._by_happening.get((kind, subject), [])
        for n, (time_ms, identity) in enumerate(candidates):
            if (second - 1) * 1000 <= time_ms < (second + 2) * 1000:
                del candidates[n]
                return identity
        return None


def _stretches(seconds: list[int], apart: int = 60) -> list[tuple[int, int]]:
    """(first, last) of the runs of ``seconds`` (sorted) with no gap wider than ``apart``:
    a batch holding a poll's entries and a back-fill's an hour older reads two short
    stretches of the store, not the hour between them."""
    runs: list[tuple[int, int]] = []
    for second in seconds:
        if runs and second - runs[-1][1] <= apart:
            runs[-1] = (runs[-1][0], second)
        else:
            runs.append((second, second))
    return runs
