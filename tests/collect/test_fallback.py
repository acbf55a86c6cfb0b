"""The fallback chain: REST polled beside the socket, SSH when socket and REST are gone."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from tests.collect.ledger import assert_every_event_stored_once
from tests.controller.test_ssh_support import clock, running_server
from tests.sessions import session_for
from unifi_scanner.collect.ssh_source import SshFallback
from unifi_scanner.collect.status import ACTIVE, STANDBY, SourceStatus
from unifi_scanner.controller.ssh import SshLogSource
from unifi_scanner.emulator import Emulator
from unifi_scanner.service import SiteFollower
from unifi_scanner.store import BatchWriter, SQLiteStore

MakeEmulator = Callable[..., Awaitable[Emulator]]
CONTROLLER = "https://192.168.1.1"


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


async def test_rest_is_polled_beside_the_socket_without_duplicates(
    make_emulator: MakeEmulator, store: SQLiteStore
) -> None:
    emulator = await make_emulator(scenario="steady", speed=600.0, password="pw")
    async with (
        session_for(emulator) as session,
        BatchWriter(store, max_delay=0.02) as writer,
    ):
        follower = SiteFollower(session, "default", writer, store, rest_poll_interval=0.3)
        await follower.start()
        assert follower.collector is not None
        poller = follower.collector.poller
        assert poller is not None
        await wait_until(lambda: poller.polls >= 3 and poller.events > 0)
        await follower.stop()
        assert follower.collector.status.state("rest") == ACTIVE
        assert follower.collector.status.state("websocket") == ACTIVE
    both = [e for e in store.iter_events() if e.source == "websocket,system-log"]
    assert both  # seen live, then again in the history: stored once, with both sources
    assert_every_event_stored_once(emulator, store)


async def test_ssh_engages_while_the_other_sources_are_down(
    tmp_path: Path, store: SQLiteStore
) -> None:
    others_down = True
    async with running_server(tmp_path) as server, BatchWriter(store, max_delay=0.02) as writer:
        status = SourceStatus("default")

        def fallback() -> SshFallback:
            return SshFallback(
                SshLogSource(server.settings(), site="default", clock=clock),
                writer,
                status,
                controller=CONTROLLER,
                others_down=lambda: others_down,
                fallback_after=0.1,
                flush=writer.flush,
                load_cursors=lambda: store.ssh_cursors(CONTROLLER, "default"),
                save_cursors=lambda c: store.save_ssh_cursors(CONTROLLER, "default", c),
                check_every=0.02,
            )

        first = fallback()
        task = asyncio.create_task(first.run())
        await wait_until(
            lambda: first.events > 0 and bool(store.ssh_cursors(CONTROLLER, "default"))
        )
        assert status.state("ssh") == ACTIVE
        stored = store.count_events()
        assert stored == first.events
        assert {e.source for e in store.iter_events()} == {"ssh"}
        others_down = False  # the socket is back
        await wait_until(lambda: status.state("ssh") == STANDBY)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

        # A restart reads on from the saved positions: nothing is read twice.
        others_down = True
        with server.file("/var/log/messages").open("a") as log:
            log.write(
                "Jul  5 12:00:00 U7PG2,f09fc2aa0001,v6.6.77 hostapd: ath0: "
                "AP-STA-CONNECTED 3c:22:fb:00:00:99\n"
            )
        second = fallback()
        task = asyncio.create_task(second.run())
        await wait_until(lambda: store.count_events() > stored)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        assert second.events == 1
        assert store.count_events() == stored + 1
