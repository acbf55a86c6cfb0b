"""The event stream against small real WebSocket servers: silence, keepalive, backoff."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable

import pytest
from pydantic import SecretStr
from websockets.asyncio.server import ServerConnection, serve

from unifi_scanner import log as logging_setup
from unifi_scanner.controller import ControllerSession
from unifi_scanner.controller.retry import Backoff
from unifi_scanner.controller.websocket import EventStream


async def wait_until(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.02)


async def silent(ws: ServerConnection) -> None:
    await ws.wait_closed()  # accepts and never says a word, not even to a text ping


async def answers_pings(ws: ServerConnection) -> None:
    async for message in ws:
        if message == "ping":
            await ws.send("pong")


def session_for(port: int) -> ControllerSession:
    # No login happens: these servers only play the socket. Classic paths, plain ws://.
    return ControllerSession(f"http://127.0.0.1:{port}", username="u", password=SecretStr("p"))


@pytest.fixture
async def server_port(request: pytest.FixtureRequest) -> AsyncIterator[int]:
    async with serve(request.param, "127.0.0.1", 0) as server:
        yield server.sockets[0].getsockname()[1]  # type: ignore[union-attr]


@pytest.mark.parametrize("server_port", [silent], indirect=True)
async def test_a_silent_socket_is_detected_and_replaced(
    server_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    logging_setup.configure("info")
    session = session_for(server_port)
    stream = EventStream(
        session,
        "default",
        on_frame=lambda text, ms: None,
        silence_timeout=0.3,
        ping_timeout=0.3,
        backoff=Backoff(initial=0.05, maximum=0.1),
    )
    task = asyncio.create_task(stream.run())
    try:
        await wait_until(lambda: stream.connections >= 2)
    finally:
        task.cancel()
        await session.aclose()
    assert stream.silences >= 1
    assert len(stream.gaps) >= 1
    logged = capsys.readouterr().err
    assert "websocket silent since it opened" in logged
    assert (
        "the site name 'default' or the endpoint path /wss/s/default/events is probably wrong"
        in logged
    )


@pytest.mark.parametrize("server_port", [answers_pings], indirect=True)
async def test_a_quiet_socket_that_answers_pings_is_kept(server_port: int) -> None:
    session = session_for(server_port)
    frames: list[str] = []
    stream = EventStream(
        session,
        "default",
        on_frame=lambda text, ms: frames.append(text),
        silence_timeout=0.2,
        ping_timeout=1.0,
    )
    task = asyncio.create_task(stream.run())
    try:
        await asyncio.sleep(1.0)  # several silence periods pass, each answered by a pong
    finally:
        task.cancel()
        await session.aclose()
    assert stream.connections == 1
    assert stream.silences == 0
    assert frames == []  # the pongs are keepalive answers, not frames


async def test_reconnects_back_off_while_the_controller_is_away() -> None:
    async with serve(silent, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    # Nothing listens on that port any more.
    session = session_for(port)
    delays: list[float] = []
    backoff = Backoff(initial=0.01, maximum=0.08, jitter=0)
    original = backoff.next

    def record() -> float:
        delay = original()
        delays.append(delay)
        return delay

    backoff.next = record  # type: ignore[method-assign]
    stream = EventStream(session, "default", on_frame=lambda t, m: None, backoff=backoff)
    task = asyncio.create_task(stream.run())
    try:
        await wait_until(lambda: len(delays) >= 6)
    finally:
        task.cancel()
        await session.aclose()
    assert delays[:6] == [0.01, 0.02, 0.04, 0.08, 0.08, 0.08]
    assert stream.connections == 0
