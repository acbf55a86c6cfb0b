"""Zero loss: a scanner killed with SIGKILL and restarted, a controller that keeps failing.

Against the emulator's own timeline: every event of the stored span must be in the store
exactly once — what the socket delivered before the kill (committed), and what happened while
the scanner was down (back-filled from the v2 system log on restart).
"""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from tests.collect.ledger import assert_every_event_stored_once
from tests.processes import scanner_env, start_scanner
from tests.sessions import session_for
from unifi_scanner.controller.retry import Backoff
from unifi_scanner.emulator import Emulator
from unifi_scanner.service import SiteFollower
from unifi_scanner.store import BatchWriter, SQLiteStore

MakeEmulator = Callable[..., Awaitable[Emulator]]


def stored_count(path: Path) -> int:
    if not path.exists():
        return 0
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return int(db.execute("SELECT count(*) FROM events").fetchone()[0])
        finally:
            db.close()
    except sqlite3.Error:
        return 0  # created but not yet migrated


async def test_sigkill_and_restart_lose_nothing(
    make_emulator: MakeEmulator, tmp_path: Path
) -> None:
    emulator = await make_emulator(scenario="steady", speed=600.0, password="pw")
    store_path = tmp_path / "events.db"
    env = scanner_env(emulator, store_path, password="pw")
    first = await start_scanner("collect", env=env)
    async with asyncio.timeout(30):
        while stored_count(store_path) < 30:
            await asyncio.sleep(0.05)
    first.send_signal(signal.SIGKILL)  # no flush, no goodbye
    assert await first.wait() == -signal.SIGKILL
    await asyncio.sleep(1.0)  # the controller goes on; nobody is listening
    second = await start_scanner("collect", "--duration", "4s", env=env)
    async with asyncio.timeout(60):
        assert await second.wait() == 0, (await second.stderr.read()).decode()  # type: ignore[union-attr]

    store = SQLiteStore(store_path)
    try:
        gaps = store.gaps()
        assert [g.backfill for g in gaps] == ["filled"]  # the time the scanner was down
        assert gaps[0].recovered > 0
        assert_every_event_stored_once(emulator, store)
    finally:
        store.close()


async def test_sigterm_flushes_everything_received_and_exits_0(
    make_emulator: MakeEmulator, tmp_path: Path
) -> None:
    emulator = await make_emulator(scenario="steady", speed=600.0, password="pw")
    store_path = tmp_path / "events.db"
    env = scanner_env(emulator, store_path, password="pw") | {
        # A long commit window: without the flush on exit, the tail would be lost.
        "UNIFI_COMMIT_DELAY_MS": "5000",
        "UNIFI_COMMIT_BATCH": "100000",
    }
    service = await start_scanner("serve", env=env)
    async with asyncio.timeout(30):
        while stored_count(store_path) == 0:
            await asyncio.sleep(0.05)
    await asyncio.sleep(1.0)
    stopped_ms = int(time.time() * 1000)
    service.send_signal(signal.SIGTERM)
    async with asyncio.timeout(20):
        assert await service.wait() == 0, (await service.stderr.read()).decode()  # type: ignore[union-attr]
    store = SQLiteStore(store_path)
    try:
        stored = set(store.identities())
    finally:
        store.close()
    # Frames still in flight at the very moment of the signal may never have been read.
    sent = {r["_id"] for r in emulator.sent if r["sent_at"] < stopped_ms - 300}
    assert sent and sent <= stored, f"{len(sent - stored)} received events not flushed"


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SQLiteStore]:
    s = SQLiteStore(tmp_path / "events.db")
    yield s
    s.close()


async def test_a_controller_that_keeps_failing_loses_nothing_it_can_return(
    make_emulator: MakeEmulator, store: SQLiteStore
) -> None:
    """Drops, close codes, expired sessions, a restart and 5xx, one after another."""
    emulator = await make_emulator(scenario="steady", speed=600.0, password="pw")
    session = session_for(
        emulator,
        retry_backoff=lambda: Backoff(initial=0.05, maximum=0.2),
    )
    faults: list[tuple[str, dict[str, object]]] = [
        ("drop-websockets", {}),
        ("close-websockets", {"code": 1011}),
        ("expire-sessions", {}),
        ("drop-websockets", {}),
        ("restart", {"seconds": 0.5, "status": 503}),
        ("close-websockets", {"code": 1001}),
        ("rest-errors", {"status": 502, "count": 2}),
        ("drop-websockets", {}),
    ]
    async with session, BatchWriter(store, max_delay=0.02) as writer:
        follower = SiteFollower(session, "default", writer, store)
        await follower.start()
        assert follower.collector is not None
        stats, stream = follower.collector.stats, follower.collector.stream
        for name, params in faults:
            connections = stream.connections
            deadline = time.monotonic() + 30
            while stats.events < 5 * (connections + 1):
                assert time.monotonic() < deadline
                await asyncio.sleep(0.02)
            await emulator.inject_fault(name, **params)
            if name != "rest-errors":
                while stream.connections == connections:
                    assert time.monotonic() < deadline, f"no reconnect after {name}"
                    await asyncio.sleep(0.02)
        # Let the last back-fill finish before stopping.
        deadline = time.monotonic() + 30
        while len(gaps := store.gaps()) < stream.connections - 1 or any(
            g.backfill == "pending" for g in gaps
        ):
            assert time.monotonic() < deadline
            await asyncio.sleep(0.05)
        await follower.stop()
        assert follower.failure() is None
    gaps = store.gaps()
    assert len(gaps) == stream.connections - 1
    assert all(g.backfill == "filled" for g in gaps), gaps
    assert_every_event_stored_once(emulator, store)
