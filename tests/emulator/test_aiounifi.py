"""Acceptance: aiounifi, a third-party UniFi client (Home Assistant's), works unchanged.

aiounifi is a test dependency, used exactly as Home Assistant uses it: an aiohttp session
with a cookie jar that accepts cookies from IP addresses, an SSL context trusting the
controller's certificate, `login()` (which probes `/` to tell UniFi OS from classic), the
update handlers, and `start_websocket()`.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiounifi.controller import Controller
from aiounifi.errors import Forbidden, LoginRequired, Unauthorized
from aiounifi.models.configuration import Configuration
from aiounifi.models.event import Event

from unifi_scanner.emulator import DEFAULT_PASSWORD, Emulator

from .emulator_support import MakeEmulator


@pytest.fixture
async def http_session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        yield session


def controller_for(
    emulator: Emulator, session: aiohttp.ClientSession, password: str = DEFAULT_PASSWORD
) -> Controller:
    context = ssl.create_default_context(cafile=str(emulator.ca_file))
    config = Configuration(
        session,
        "127.0.0.1",
        username="admin",
        password=password,
        port=emulator.port,
        site="default",
        ssl_context=context,
    )
    return Controller(config)


@pytest.mark.parametrize("flavour", ["unifi-os", "classic"])
async def test_login_inventory_and_events(
    make_emulator: MakeEmulator,
    http_session: aiohttp.ClientSession,
    caplog: pytest.LogCaptureFixture,
    flavour: str,
) -> None:
    emulator = await make_emulator(
        scenario="steady", flavour=flavour, speed=600.0, push_interval=0.05
    )
    controller = controller_for(emulator, http_session)
    await controller.login()
    assert controller.connectivity.is_unifi_os is (flavour == "unifi-os")

    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="aiounifi"):
        await controller.initialize()  # every update handler: sites, devices, clients, wlans, …
    assert not [r for r in caplog.records if r.name.startswith("aiounifi")], caplog.text
    devices = list(controller.devices.values())
    assert len(devices) == 7
    for device in devices:
        assert device.id and device.mac and device.model and device.version
        assert device.state.value == 1
        assert device.uptime > 0
    assert {device.name for device in devices} >= {"Kitchen AP", "Core Switch"}
    clients = list(controller.clients.values())
    assert clients
    assert all(client.mac and client.ip for client in clients)
    assert len(controller.clients_all.values()) == 25
    assert [site.name for site in controller.sites.values()] == ["default"]
    assert {wlan.name for wlan in controller.wlans.values()} == {
        "HomeNet", "HomeNet-IoT", "HomeNet-Guest"
    }  # fmt: skip
    (info,) = controller.system_information.values()
    assert info.version == "10.3.58"

    events: list[Event] = []
    controller.events.subscribe(events.append)
    stream = asyncio.create_task(controller.start_websocket())
    try:
        for _ in range(60):
            if len(events) >= 5:
                break
            await asyncio.sleep(0.05)
    finally:
        stream.cancel()
        await asyncio.gather(stream, return_exceptions=True)
    assert len(events) >= 5
    sent = {record["_id"] for record in emulator.sent}
    assert all(event.raw["_id"] in sent for event in events)
    assert all(event.key.value.startswith("EVT_") for event in events)


@pytest.mark.parametrize(("flavour", "error"), [("classic", Unauthorized), ("unifi-os", Forbidden)])
async def test_wrong_password_as_aiounifi_sees_it(
    make_emulator: MakeEmulator,
    http_session: aiohttp.ClientSession,
    flavour: str,
    error: type[Exception],
) -> None:
    emulator = await make_emulator(scenario="steady", flavour=flavour)
    controller = controller_for(emulator, http_session, password="wrong")
    with pytest.raises(error):  # classic: api.err.Invalid; UniFi OS: HTTP 403
        await controller.login()
    with pytest.raises(LoginRequired):  # and nothing works without a session
        await controller.devices.update()
    assert emulator.login_attempts == {"success": 0, "failure": 1}
