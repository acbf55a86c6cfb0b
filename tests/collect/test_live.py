"""Following the emulator's event WebSocket into a real SQLite store."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
import pytest
import websockets
from websockets.asyncio.client import connect

from tests.sessions import session_for
from unifi_scanner.controller.tls import make_ssl_context
from unifi_scanner.emulator import Emulator
from unifi_scanner.service import SiteFollower
from unifi_scanner.store import BatchWriter, SQLiteStore

MakeEmulator = Callable[..., Awaitable[Emulator]]


@pytest.fixture
async def controller(make_emulator: MakeEmulator) -> Emulator:
    # One event every 30 scenario seconds at 600x: about 20 events a second.
    return await make_emulator(scenario="steady", speed=600.0, password="pw", username="admin")


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SQLiteStore]:
    s = SQLiteStore(tmp_path / "events.db")
    yield s
    s.close()


async def wait_until(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.02)


async def test_websocket_is_refused_without_the_session_cookie(controller: Emulator) -> None:
    url = controller.url.replace("https://", "wss://") + "/proxy/network/wss/s/default/events"
    with pytest.raises(websockets.exceptions.InvalidStatus) as caught:
        async with connect(url, ssl=make_ssl_context(ca_file=controller.ca_file)):
            pass
    assert caught.value.response.status_code == 401


async def test_events_survive_a_dropped_socket_and_land_once(
    controller: Emulator, store: SQLiteStore
) -> None:
    async with (
        session_for(controller) as session,
        BatchWriter(store, max_delay=0.05) as writer,
    ):
        follower = SiteFollower(session, "default", writer, store)
        await follower.start()
        await follower.wait_connected(10)
        assert follower.collector is not None
        stream = follower.collector.stream
        await wait_until(lambda: follower.collector.stats.events >= 20)  # type: ignore[union-attr]

        await controller.drop_websockets()
        await wait_until(lambda: stream.connections == 2)
        before = follower.collector.stats.events
        await wait_until(lambda: follower.collector.stats.events >= before + 20)  # type: ignore[union-attr]
        await follower.stop()
        assert follower.failure() is None

    async with httpx.AsyncClient(verify=make_ssl_context(ca_file=controller.ca_file)) as client:
        sent = (await client.get(f"{controller.url}/__emulator__/sent")).json()["sent"]
    sent_ids = [record["_id"] for record in sent]
    stored = store.identities()
    assert len(stored) == len(set(stored))  # exactly once
    over_socket = {e.identity for e in store.iter_events() if "websocket" in e.source}
    assert over_socket == set(sent_ids)  # nothing sent is missing, nothing invented
    # The rest came from back-filling the gap out of the controller's system log.
    assert {e.source for e in store.iter_events() if e.identity not in over_socket} <= {
        "system-log"
    }
    assert len(store.gaps()) == 1
    gap = store.gaps()[0]
    assert gap.end_ms >= gap.start_ms


async def test_event_times_are_the_controllers_not_receipt_times(
    make_emulator: MakeEmulator, store: SQLiteStore
) -> None:
    # At 3600x an hour of scenario passes every second: event times run far ahead of receipt.
    controller = await make_emulator(
        scenario="steady", speed=3600.0, password="pw", username="admin"
    )
    async with (
        session_for(controller) as session,
        BatchWriter(store, max_delay=0.05) as writer,
    ):
        follower = SiteFollower(session, "default", writer, store)
        await follower.start()
        await wait_until(
            lambda: follower.collector is not None and follower.collector.stats.events >= 200
        )
        await follower.stop()
    events = list(store.iter_events())
    event_span = events[-1].time_ms - events[0].time_ms
    receipt_span = max(e.received_ms for e in events) - min(e.received_ms for e in events)
    assert event_span > 20 * max(receipt_span, 1)
    assert all(e.time_ms == e.payload["time"] for e in events)
