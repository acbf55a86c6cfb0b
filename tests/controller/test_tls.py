"""Finding the controller and the TLS policy: probing ports, pinning, changed certificates."""

from __future__ import annotations

import socket
from collections.abc import Awaitable, Callable

import pytest

from unifi_scanner.config import ControllerConfig
from unifi_scanner.controller import ConnectionFailed, Flavour, LoginFailed
from unifi_scanner.controller.discovery import locate
from unifi_scanner.controller.tls import CertificateChanged, format_fingerprint
from unifi_scanner.emulator import Emulator
from unifi_scanner.service import connect

MakeEmulator = Callable[..., Awaitable[Emulator]]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def config_for(emulator: Emulator, **extra: object) -> ControllerConfig:
    fields: dict[str, object] = {
        "host": "127.0.0.1",
        "port": emulator.port,
        "username": "admin",
        "password": "pw",
        "timeout": 5.0,
    }
    fields.update(extra)
    return ControllerConfig(**fields)  # type: ignore[arg-type]


async def test_locate_probes_ports_in_order(make_emulator: MakeEmulator) -> None:
    emulator = await make_emulator(scenario="steady", password="pw")
    closed = free_port()
    endpoint = await locate("127.0.0.1", ports=(closed, emulator.port), timeout=2)
    assert endpoint.port == emulator.port
    assert endpoint.flavour is Flavour.UNIFI_OS
    assert endpoint.fingerprint == emulator.certificate_fingerprint
    with pytest.raises(ConnectionFailed, match=f"tried ports {closed}"):
        await locate("127.0.0.1", ports=(closed,), timeout=2)


async def test_pinned_certificate_is_trusted_without_a_ca(make_emulator: MakeEmulator) -> None:
    emulator = await make_emulator(scenario="steady", password="pw")
    session, endpoint = await connect(
        config_for(emulator, tls_fingerprint=emulator.certificate_fingerprint)
    )
    try:
        assert session.logins == 1
        assert endpoint.url == emulator.url
    finally:
        await session.aclose()


async def test_a_changed_certificate_is_refused_showing_both_fingerprints(
    make_emulator: MakeEmulator,
) -> None:
    first = await make_emulator(scenario="steady", password="pw")
    pinned = first.certificate_fingerprint
    other = await make_emulator(scenario="steady", password="pw")  # new key, new certificate
    with pytest.raises(CertificateChanged) as caught:
        await connect(config_for(other), pins=lambda url: pinned)
    message = str(caught.value)
    assert format_fingerprint(pinned) in message
    assert format_fingerprint(other.certificate_fingerprint) in message
    assert "check --trust" in message
    assert other.login_attempts["success"] + other.login_attempts["failure"] == 0  # no secrets sent


async def test_unverified_tls_still_refuses_wrong_passwords(make_emulator: MakeEmulator) -> None:
    emulator = await make_emulator(scenario="steady", password="pw")
    with pytest.raises(LoginFailed):
        await connect(config_for(emulator, verify_ssl=False, password="nope"))
    assert emulator.login_attempts["failure"] == 1
