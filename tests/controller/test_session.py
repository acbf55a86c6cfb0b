"""Logging in and reading REST from the emulator, over real TLS sockets."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from pydantic import SecretStr

from tests.sessions import session_for as shared_session_for
from unifi_scanner.controller import (
    ControllerSession,
    Flavour,
    LoginFailed,
    NetworkApi,
    TLSVerificationFailed,
    UnknownSite,
)
from unifi_scanner.controller.tls import make_ssl_context
from unifi_scanner.emulator import Emulator

PASSWORD = "correct horse battery staple"

MakeEmulator = Callable[..., Awaitable[Emulator]]


@pytest.fixture
async def controller(make_emulator: MakeEmulator) -> Emulator:
    return await make_emulator(scenario="steady", password=PASSWORD, username="admin")


def session_for(emulator: Emulator, password: str = PASSWORD, **kwargs: Any) -> ControllerSession:
    return shared_session_for(emulator, password, **kwargs)


@pytest.fixture
async def session(controller: Emulator) -> AsyncIterator[ControllerSession]:
    async with session_for(controller) as s:
        yield s


async def test_login_detects_unifi_os_and_reads_the_network_version(
    session: ControllerSession,
) -> None:
    assert session.flavour is Flavour.UNIFI_OS
    api = NetworkApi(session)
    assert (await api.sysinfo("default")).version == "10.3.58"
    sites = await api.sites()
    assert "default" in [s.name for s in sites]
    assert session.logins == 1


async def test_devices_and_clients_come_back_as_records(session: ControllerSession) -> None:
    api = NetworkApi(session)
    devices = await api.devices("default")
    assert {d["type"] for d in devices} >= {"uap", "usw"}
    assert all(isinstance(d["mac"], str) and d["mac"] for d in devices)
    clients = await api.clients("default")
    assert all("mac" in c for c in clients)
    assert len(await api.health("default")) >= 4


async def test_wrong_password_fails_once_with_a_clear_message(controller: Emulator) -> None:
    session = session_for(controller, password="wrong")
    with pytest.raises(LoginFailed) as caught:
        await session.open()
    await session.aclose()
    message = str(caught.value)
    assert "rejected the login of user 'admin' (HTTP 403)" in message
    assert "UNIFI_PASSWORD" in message
    assert "wrong" not in message.replace("'admin'", "")
    assert controller.login_attempts["failure"] == 1  # no retry storm


async def test_unknown_site_lists_the_real_ones_without_relogging(
    controller: Emulator, session: ControllerSession
) -> None:
    api = NetworkApi(session)
    with pytest.raises(UnknownSite) as caught:
        await api.sysinfo("Default Site")
    assert "no site named 'Default Site'" in str(caught.value)
    with pytest.raises(UnknownSite) as listed:
        await api.check_site("Default Site")
    assert "sites on this controller: default" in str(listed.value)
    assert session.logins == 1


async def test_expired_session_logs_in_again_once(
    controller: Emulator, session: ControllerSession
) -> None:
    api = NetworkApi(session)
    session._client.cookies.clear()  # what an expired TOKEN looks like to the controller
    assert (await api.sysinfo("default")).version == "10.3.58"
    assert session.logins == 2


async def test_untrusted_certificate_is_refused_with_the_fix(controller: Emulator) -> None:
    session = ControllerSession(
        controller.url,
        username="admin",
        password=SecretStr(PASSWORD),
        ssl_context=make_ssl_context(),
    )
    with pytest.raises(TLSVerificationFailed) as caught:
        await session.open()
    await session.aclose()
    assert "UNIFI_CA_FILE" in str(caught.value)


async def test_password_never_in_repr(session: ControllerSession) -> None:
    assert PASSWORD not in repr(session)
    assert "***" in repr(session)
