"""Gaps in the WebSocket stream are back-filled from the controller's REST history."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from tests.collect.ledger import assert_every_event_stored_once
from tests.sessions import session_for
from unifi_scanner.collect.backfill import FILLED, Backfiller, Window
from unifi_scanner.controller.rest import NetworkApi
from unifi_scanner.controller.versions import EventSources
from unifi_scanner.controller.websocket import Gap
from unifi_scanner.emulator import Emulator
from unifi_scanner.emulator.variants import Variants
from unifi_scanner.service import SiteFollower
from unifi_scanner.store import BatchWriter, SQLiteStore

MakeEmulator = Callable[..., Awaitable[Emulator]]


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SQLiteStore]:
    s = SQLiteStore(tmp_path / "events.db")
    yield s
    s.close()


async def wait_until(condition: Callable[[], bool], seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.02)


async def follow_with_a_drop(emulator: Emulator, store: SQLiteStore) -> None:
    async with (
        session_for(emulator) as session,
        BatchWriter(store, max_delay=0.02) as writer,
    ):
        follower = SiteFollower(session, "default", writer, store)
        await follower.start()
        assert follower.collector is not None
        stats = follower.collector.stats
        await wait_until(lambda: stats.events >= 20)
        await emulator.drop_websockets()
        # Keep the socket away for a while so that events happen with nobody listening.
        await asyncio.sleep(0.6)
        await wait_until(
            lambda: follower.collector is not None and follower.collector.stream.connections >= 2
        )
        await wait_until(lambda: bool(store.gaps()) and store.gaps()[0].backfill != "pending")
        seen = stats.events
        await wait_until(lambda: stats.events >= seen + 10)
        await follower.stop()
        assert follower.failure() is None


@pytest.mark.parametrize("same_ids", [False, True], ids=["own-ids", "legacy-ids"])
async def test_gap_is_back_filled_from_the_system_log(
    make_emulator: MakeEmulator, store: SQLiteStore, same_ids: bool
) -> None:
    emulator = await make_emulator(
        scenario="steady",
        speed=600.0,
        password="pw",
        variants=Variants(system_log_event_ids=same_ids),
    )
    await follow_with_a_drop(emulator, store)
    (gap,) = store.gaps()
    assert gap.backfill == "filled"
    assert gap.recovered > 0
    sources = {s for e in store.iter_events() for s in e.source.split(",")}
    assert sources == {"websocket", "system-log"}
    assert_every_event_stored_once(emulator, store)


async def test_gap_is_back_filled_from_stat_event_on_network_9(
    make_emulator: MakeEmulator, store: SQLiteStore
) -> None:
    emulator = await make_emulator(
        scenario="steady", speed=600.0, password="pw", network_version="9.3.45"
    )
    await follow_with_a_drop(emulator, store)
    (gap,) = store.gaps()
    assert gap.backfill == "filled"
    assert gap.recovered > 0
    assert any("stat/event" in e.source for e in store.iter_events())
    assert_every_event_stored_once(emulator, store)


async def test_a_window_of_many_thousand_entries_is_back_filled_whole(
    make_emulator: MakeEmulator, store: SQLiteStore
) -> None:
    """A busy site's gap holds far more than a few pages: every page is read, and handed
    to the store page by page (it used to stop at 50 pages, 5,000 entries)."""
    emulator = await make_emulator(scenario="large-site", speed=2000.0, duration=150, password="pw")
    await emulator.wait_finished()
    start, end = emulator.scenario_start_ms, emulator.scenario_end_ms
    assert start is not None and end is not None
    sources = EventSources(websocket=True, stat_event=False, system_log=True, reason="10.x")
    async with (
        session_for(emulator) as session,
        BatchWriter(store) as writer,
    ):
        backfiller = Backfiller(
            NetworkApi(session), "default", writer, controller=emulator.url, sources=sources
        )
        state, count = await backfiller.fill(Gap("default", start, end), Window(start, end))
    served = {r["id"] for r in emulator.served if r["source"] == "system-log"}
    assert state == FILLED
    assert count == len(served) > 5000
    assert store.count_events() == count
