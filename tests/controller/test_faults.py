"""The client against every fault a real controller throws (the emulator's fault injection)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from unifi_scanner import log as logging_setup
from unifi_scanner.controller import (
    ControllerSession,
    Flavour,
    LoginFailed,
    LoginRateLimited,
    NetworkApi,
)
from unifi_scanner.controller.login import Credentials
from unifi_scanner.controller.retry import Backoff
from unifi_scanner.controller.tls import make_ssl_context
from unifi_scanner.emulator import Emulator
from unifi_scanner.emulator.variants import Variants
from unifi_scanner.service import SiteFollower
from unifi_scanner.store import BatchWriter, SQLiteStore

MakeEmulator = Callable[..., Awaitable[Emulator]]
TOTP_SECRET = "JBSWY3DPEHPK3PXP"


async def wait_until(condition: Callable[[], bool], seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.02)


def session_for(emulator: Emulator, **credentials: Any) -> ControllerSession:
    values: dict[str, Any] = {"username": "admin", "password": SecretStr("pw")}
    values.update(credentials)
    return ControllerSession(
        emulator.url,
        credentials=Credentials(**values),
        ssl_context=make_ssl_context(ca_file=emulator.ca_file),
        retry_backoff=lambda: Backoff(initial=0.05, maximum=0.2),
    )


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SQLiteStore]:
    s = SQLiteStore(tmp_path / "events.db")
    yield s
    s.close()


async def following(
    emulator: Emulator, store: SQLiteStore, session: ControllerSession, **options: Any
) -> tuple[SiteFollower, BatchWriter]:
    writer = BatchWriter(store, max_delay=0.02)
    writer.start()
    follower = SiteFollower(session, "default", writer, store, **options)
    await follower.start()
    assert follower.collector is not None
    await wait_until(
        lambda: follower.collector is not None and follower.collector.stats.events >= 10
    )
    return follower, writer


async def test_rate_limited_login_is_waited_out_without_hammering(
    make_emulator: MakeEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    logging_setup.configure("info")
    emulator = await make_emulator(scenario="steady", password="pw")
    await emulator.inject_fault("refuse-logins", seconds=1.0)
    one_shot = session_for(emulator)
    with pytest.raises(LoginRateLimited) as caught:
        await one_shot.open()
    await one_shot.aclose()
    assert "the controller is rate-limiting logins; waiting" in str(caught.value)
    assert caught.value.retry_after >= 1.0

    service = session_for(emulator)
    service.wait_when_rate_limited = True
    started = time.monotonic()
    try:
        await service.open()
        assert time.monotonic() - started >= caught.value.retry_after - 0.5  # Retry-After kept
        assert service.logins <= 3  # once refused, maybe once more, then in: no storm
        assert (await NetworkApi(service).sysinfo("default")).version
    finally:
        await service.aclose()
    assert "rate-limiting logins" in capsys.readouterr().err


async def test_expired_session_mid_stream_logs_in_again_and_continues(
    make_emulator: MakeEmulator, store: SQLiteStore
) -> None:
    emulator = await make_emulator(scenario="steady", speed=600.0, password="pw")
    async with session_for(emulator) as session:
        follower, writer = await following(emulator, store, session)
        assert follower.collector is not None
        stats, stream = follower.collector.stats, follower.collector.stream
        assert await emulator.expire_sessions() >= 1  # sockets closed with 1008
        await wait_until(lambda: stream.connections >= 2)
        before = stats.events
        await wait_until(lambda: stats.events >= before + 10)
        await follower.stop()
        await writer.close()
        assert session.logins == 2
        assert follower.failure() is None


async def test_controller_restart_mid_stream_is_survived(
    make_emulator: MakeEmulator, store: SQLiteStore
) -> None:
    emulator = await make_emulator(scenario="steady", speed=600.0, password="pw")
    async with session_for(emulator) as session:
        follower, writer = await following(emulator, store, session)
        assert follower.collector is not None
        stats, stream = follower.collector.stats, follower.collector.stream
        await emulator.restart(seconds=1.0, status=502)
        await wait_until(lambda: stream.connections >= 2, seconds=30)
        before = stats.events
        await wait_until(lambda: stats.events >= before + 10)
        await follower.stop()
        await writer.close()
        assert session.logins >= 2  # the restart ended the old session
        assert follower.failure() is None
    assert store.gaps()  # the restart is on record, with its back-fill outcome


async def test_silent_socket_is_replaced(make_emulator: MakeEmulator, store: SQLiteStore) -> None:
    emulator = await make_emulator(scenario="steady", speed=600.0, password="pw")
    async with session_for(emulator) as session:
        follower, writer = await following(emulator, store, session, silence_timeout=0.5)
        assert follower.collector is not None
        stream = follower.collector.stream
        await emulator.inject_fault("silence-websockets")
        await wait_until(lambda: stream.connections >= 2)
        await follower.stop()
        await writer.close()
        assert stream.silences >= 1


async def test_5xx_answers_are_retried_for_safe_requests(make_emulator: MakeEmulator) -> None:
    emulator = await make_emulator(scenario="steady", password="pw")
    async with session_for(emulator) as session:
        await emulator.inject_fault("rest-errors", status=503, count=2)
        devices = await NetworkApi(session).devices("default")
        assert devices


async def test_bad_frames_never_stop_the_stream(
    make_emulator: MakeEmulator, store: SQLiteStore
) -> None:
    emulator = await make_emulator(scenario="steady", speed=600.0, password="pw")
    async with session_for(emulator) as session:
        follower, writer = await following(emulator, store, session)
        assert follower.collector is not None
        stats = follower.collector.stats
        for fault in ("malformed-frame", "empty-frame", "unknown-message", "oversize-frame"):
            await emulator.inject_fault(fault)
        before = stats.events
        await wait_until(lambda: stats.events >= before + 10 and stats.rejected_frames >= 2)
        await follower.stop()
        await writer.close()
        assert follower.collector.stream.connections == 1  # none of it broke the socket
        assert stats.by_message.get("nextai:insight-sync") == 1


async def test_api_key_reads_rest_and_says_clearly_when_the_socket_refuses_it(
    make_emulator: MakeEmulator, store: SQLiteStore
) -> None:
    key = SecretStr("integration-key-1")
    emulator = await make_emulator(
        scenario="steady", password="pw", api_keys=("integration-key-1",)
    )
    async with session_for(emulator, username=None, password=None, api_key=key) as session:
        assert session.logins == 0  # no login with a key
        assert (await NetworkApi(session).sysinfo("default")).version == "10.3.58"
        writer = BatchWriter(store)
        writer.start()
        follower = SiteFollower(session, "default", writer, store)
        await follower.start()
        assert follower.collector is not None
        async with asyncio.timeout(10):
            error = await follower.wait_failed()
        await writer.close()
    assert isinstance(error, LoginFailed)
    assert "accepts API keys for REST only" in str(error)

    open_socket = await make_emulator(
        scenario="steady",
        speed=600.0,
        password="pw",
        api_keys=("integration-key-1",),
        variants=Variants(api_key_websocket=True),
    )
    async with session_for(open_socket, username=None, password=None, api_key=key) as session:
        follower, writer = await following(open_socket, store, session)
        await follower.stop()
        await writer.close()


@pytest.mark.parametrize("flavour", ["unifi-os", "classic"])
async def test_second_factor_by_totp(make_emulator: MakeEmulator, flavour: str) -> None:
    emulator = await make_emulator(
        scenario="steady", password="pw", flavour=flavour, totp_secret=TOTP_SECRET
    )
    without = session_for(emulator)
    with pytest.raises(LoginFailed, match="UNIFI_TOTP_SECRET"):
        await without.open()
    await without.aclose()
    async with session_for(emulator, totp_secret=SecretStr(TOTP_SECRET)) as session:
        assert session.flavour is Flavour(flavour)
        assert await NetworkApi(session).sites()


async def test_classic_controller_on_network_9_end_to_end(
    make_emulator: MakeEmulator, store: SQLiteStore
) -> None:
    emulator = await make_emulator(
        scenario="steady", speed=600.0, password="pw", flavour="classic", network_version="9.3.45"
    )
    async with session_for(emulator) as session:
        assert session.flavour is Flavour.CLASSIC
        assert session.websocket_url("default").endswith("/wss/s/default/events")
        assert "/proxy/network" not in session.websocket_url("default")
        # The version also from /status (meta.server_version), which 9.x still fills.
        assert await NetworkApi(session).server_version() == "9.3.45"
        follower, writer = await following(emulator, store, session, compression=False)
        await follower.stop()
        await writer.close()
    sent = {record["_id"] for record in emulator.sent}
    stored = {e.identity for e in store.iter_events() if "websocket" in e.source}
    assert sent == stored
