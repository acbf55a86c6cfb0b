"""Admin logins: the controller's ``super`` site socket, followed beside the sites, into every
site's report; a controller that refuses that socket costs nothing else."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from tests.collect.test_live import wait_until
from tests.sessions import session_for
from unifi_scanner.collect.admin import SUPER_SITE, AdminFeed
from unifi_scanner.config import ControllerConfig
from unifi_scanner.emulator import Emulator
from unifi_scanner.report import ControllerInfo
from unifi_scanner.service import ControllerFollower
from unifi_scanner.site_report import report_site
from unifi_scanner.store import BatchWriter, SQLiteStore

MakeEmulator = Callable[..., Awaitable[Emulator]]


def config_for(emulator: Emulator) -> ControllerConfig:
    return ControllerConfig(
        host="127.0.0.1",
        port=emulator.port,
        username="admin",
        password="pw",  # type: ignore[arg-type]
        ca_file=emulator.ca_file,
        timeout=5.0,
    )


async def test_admin_logins_are_followed_and_reach_each_sites_report(
    make_emulator: MakeEmulator, tmp_path: Path
) -> None:
    emulator = await make_emulator(scenario="steady", speed=600.0, password="pw")
    store = SQLiteStore(tmp_path / "events.db")
    try:
        async with BatchWriter(store, max_delay=0.05) as writer:
            follower = ControllerFollower(config_for(emulator), writer, store)
            task = asyncio.create_task(follower.run())
            try:
                await wait_until(
                    lambda: follower.admin is not None and follower.admin.stream.connected.is_set()
                )
                async with session_for(emulator):  # someone else logs in to the controller
                    pass
                await wait_until(lambda: follower.admin is not None and follower.admin.stats.events)
                await wait_until(lambda: follower.sites["default"].collector is not None)
            finally:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        logins = list(store.iter_events(site=SUPER_SITE))
        assert [e.key for e in logins] == ["EVT_AD_Login"]
        assert logins[0].payload["ip"] == "127.0.0.1"

        info = ControllerInfo(emulator.url, "unifi-os", "10.3.58", "default")
        # (The emulator's clock runs ahead of the wall clock: the period ends after the login.)
        report = report_site(store, info, since_ms=0, until_ms=logins[0].time_ms + 1)
        (finding,) = [f for f in report["findings"] if f["rule"] == "admin-login"]
        assert finding["title"] == "admin logged in to the controller once"
        assert "127.0.0.1" in finding["explanation"]
        # The super site is not a site of its own in the store's list of sites.
        assert SUPER_SITE not in {site for _controller, site, *_ in store.sites()}
    finally:
        store.close()


async def test_a_refused_super_socket_is_given_up_without_logging_in_again(
    make_emulator: MakeEmulator, tmp_path: Path
) -> None:
    emulator = await make_emulator(scenario="steady", password="pw", super_site_socket=False)
    store = SQLiteStore(tmp_path / "events.db")
    try:
        async with session_for(emulator) as session, BatchWriter(store) as writer:
            logins_before = session.login_generation
            feed = AdminFeed(session, writer, controller=emulator.url, retry_after=0.01)
            async with asyncio.timeout(10):
                await feed.run()  # returns by itself: refused for good
            assert feed.given_up is not None
            assert "HTTP 403" in feed.given_up
            assert "admin logins are not followed" in feed.given_up
            assert session.login_generation == logins_before
            assert feed.stream.connections == 0
    finally:
        store.close()
