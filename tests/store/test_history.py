"""Pairing system-log entries with the live events they describe, in batches."""

from __future__ import annotations

from pathlib import Path

from unifi_scanner.controller.frames import parse_event
from unifi_scanner.controller.models import Event
from unifi_scanner.controller.systemlog import parse_entry
from unifi_scanner.store import SQLiteStore
from unifi_scanner.store.history import _stretches
from unifi_scanner.store.sqlite import Batch

CONTROLLER = "https://unifi.test"
T0 = 1_764_374_400_000
HOUR = 3_600_000


def live(n: int, time_ms: int, mac: str) -> Event:
    return parse_event(
        {"_id": f"{n:024x}", "key": "EVT_WU_Disconnected", "time": time_ms, "user": mac},
        site="default",
        received_ms=time_ms,
        source="websocket",
    )


def entry(n: int, time_ms: int, mac: str) -> Event:
    return parse_entry(
        {
            "id": f"e{n:023x}",
            "key": "CLIENT_DISCONNECTED_WIRELESS",
            "category": "CLIENT_DEVICES",
            "timestamp": time_ms,
            "message_raw": "{CLIENT} disconnected",
            "parameters": {"CLIENT": {"id": mac}},
        },
        site="default",
        received_ms=time_ms,
    )


def test_stretches_split_where_entries_are_far_apart() -> None:
    assert _stretches([]) == []
    assert _stretches([5, 6, 60, 200, 201, 1000]) == [(5, 60), (200, 201), (1000, 1000)]


def test_entries_hours_apart_in_one_batch_pair_with_their_own_events(tmp_path: Path) -> None:
    """Each entry pairs once, with the earliest unpaired event of its client and second."""
    store = SQLiteStore(tmp_path / "events.db")
    try:
        mac = "aa:bb:cc:00:00:01"
        events = [
            live(1, T0, mac),
            live(2, T0 + 400, mac),  # the same client, the same second: a second pairing
            live(3, T0 + 2 * HOUR, mac.upper()),
            live(4, T0 + 2 * HOUR, "aa:bb:cc:00:00:02"),
        ]
        store.write_batch(Batch(events=[(CONTROLLER, e) for e in events]))
        entries = [
            entry(1, T0 + 2 * HOUR + 300, mac),
            entry(2, T0 + 100, mac),
            entry(3, T0 + 200, mac),
            entry(4, T0 + 200, mac),  # a third entry for two events: stored on its own
        ]
        result = store.write_batch(Batch(events=[(CONTROLLER, e) for e in entries]))
        assert (result.inserted, result.duplicates) == (1, 3)
        sources = {e.identity: e.source for e in store.iter_events()}
        assert sources == {
            f"{1:024x}": "websocket,system-log",
            f"{2:024x}": "websocket,system-log",
            f"{3:024x}": "websocket,system-log",
            f"{4:024x}": "websocket",
            f"e{4:023x}": "system-log",
        }
    finally:
        store.close()
