"""Gaps in the WebSocket stream are back-filled from the controller's REST history."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from pydantic import SecretStr

from tests.collect.ledger import assert_every_event_stored_once
from unifi_scanner.controller import ControllerSession
from unifi_scanner.controller.tls import make_ssl_context
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
        ControllerSession(
            emulator.url,
            username="admin",
            password=SecretStr("pw"),
            ssl_context=make_ssl_context(ca_file=emulator.ca_file),
        ) as session,
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
