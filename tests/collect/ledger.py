"""Checking a store against the emulator's own timeline: nothing lost, nothing twice."""

from __future__ import annotations

from typing import Any

from unifi_scanner.controller.frames import parse_event
from unifi_scanner.controller.systemlog import happening
from unifi_scanner.emulator import Emulator
from unifi_scanner.store import SQLiteStore


def assert_every_event_stored_once(emulator: Emulator, store: SQLiteStore) -> None:
    """Each timeline event in the stored span is in the store exactly once, by id or kind.

    The scanner's own logins show up in the controller's audit log (``ADMIN_LOGIN``): real
    events, but not part of the scenario's timeline; they are set aside, and only when the
    emulator really served them.
    """
    own_logins = {r["id"] for r in emulator.served if r["key"] in ("ADMIN_LOGIN", "EVT_AD_Login")}
    stored = [e for e in store.iter_events() if e.identity not in own_logins]
    first, last = stored[0].time_ms, stored[-1].time_ms
    expected = [d for d in emulator.events if first <= d["time"] <= last]
    by_id = {e.identity: e for e in stored}
    by_happening: dict[tuple[str, str, int], list[Any]] = {}
    for event in stored:
        described = happening(event)
        if described is not None:
            by_happening.setdefault(described, []).append(event)
    claimed: set[str] = set()
    missing = []
    for doc in expected:
        if doc["_id"] in by_id:
            claimed.add(doc["_id"])
            continue
        legacy = parse_event(doc, site="default", received_ms=0, source="check")
        candidates = [
            e
            for e in by_happening.get(happening(legacy) or ("", "", 0), [])
            if e.identity not in claimed
        ]
        if candidates:
            claimed.add(candidates[0].identity)
        else:
            missing.append(doc["_id"])
    assert missing == [], f"missing from the store: {missing[:10]}"
    extra = [
        (e.key, e.source, e.time_ms, happening(e)) for e in stored if e.identity not in claimed
    ]
    assert extra == [], f"stored but not in the timeline, or twice: {extra[:10]}"
    assert len(stored) == len(expected)  # nothing stored twice, nothing invented
    assert claimed == set(by_id)
