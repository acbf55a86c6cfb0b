"""Following a site's event WebSocket for as long as the process runs.

:class:`EventStream` connects with the session's cookies and TLS context, hands every text
frame to a callback together with the time it arrived, and reconnects with capped
exponential backoff and jitter when the socket drops. Every stretch without a socket is
reported as a :class:`Gap` so that a collector can ask REST for the missed window.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

from unifi_scanner.controller.errors import (
    ConnectionFailed,
    LoginFailed,
    LoginRateLimited,
    SocketRefused,
    TLSVerificationFailed,
)
from unifi_scanner.controller.retry import Backoff
from unifi_scanner.controller.session import ControllerSession
from unifi_scanner.log import get_logger

log = get_logger(__name__)

#: Real frames on large sites exceed 4 MiB; anything past this bound is refused (1009).
DEFAULT_MAX_SIZE = 16 * 1024 * 1024

#: Close code a controller uses when the session behind the socket is no longer valid.
POLICY_VIOLATION = 1008

#: A socket open this long counts as healthy: the next reconnect starts from a short delay.
STABLE_AFTER_S = 30.0


def now_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass(frozen=True, slots=True)
class Gap:
    """A stretch of wall time (ms) during which no socket was open for ``site``."""

    site: str
    start_ms: int
    end_ms: int


FrameHandler = Callable[[str, int], None]
GapHandler = Callable[[Gap], None]
StateHandler = Callable[[bool], None]


class EventStream:
    """One site's event socket, kept open until :meth:`run` is cancelled.

    ``on_frame(text, received_ms)`` is called for every text frame, in order, from the loop;
    it must not block. ``backpressure()``, awaited after each frame, may hold reading back.
    ``on_gap(gap)`` is called when a socket opens after one was lost.
    Wrong credentials and untrusted certificates end :meth:`run` with an exception; every
    other failure is retried forever, except, with ``refusals_end``, a refused handshake
    (:class:`SocketRefused`): for a socket the account may not be allowed to open, where
    logging in again would only add logins.
    """

    def __init__(
        self,
        session: ControllerSession,
        site: str,
        *,
        on_frame: FrameHandler,
        on_gap: GapHandler | None = None,
        on_state: StateHandler | None = None,
        compression: bool = True,
        max_size: int = DEFAULT_MAX_SIZE,
        ping_interval: float | None = 20.0,
        ping_timeout: float | None = 20.0,
        open_timeout: float = 10.0,
        silence_timeout: float | None = 300.0,
        backoff: Backoff | None = None,
        backpressure: Callable[[], Awaitable[None]] | None = None,
        refusals_end: bool = False,
    ) -> None:
        self.session = session
        self._refusals_end = refusals_end
        self._backpressure = backpressure
        self.site = site
        self._on_frame = on_frame
        self._on_gap = on_gap
        self._on_state = on_state
        self._compression = "deflate" if compression else None
        self._max_size = max_size
        self._ping_interval = ping_interval
        self._ping_timeout = ping_timeout
        self._open_timeout = open_timeout
        self._silence_timeout = silence_timeout
        self._backoff = backoff or Backoff()
        self.connected = asyncio.Event()
        self.frames = 0
        self.connections = 0
        self.gaps: list[Gap] = []
        self._lost_ms: int | None = None
        self._opened_at = 0.0
        self._session_generation = 0
        self.silences = 0

    @property
    def url(self) -> str:
        return self.session.websocket_url(self.site)

    async def run(self) -> None:
        """Connect, read, reconnect — until cancelled."""
        while True:
            relogin = False
            try:
                async with self._connect() as ws:
                    self._opened()
                    relogin = await self._read(ws)
            except InvalidStatus as exc:
                status = exc.response.status_code
                if status in (401, 403) and self.session.credentials.uses_api_key:
                    raise LoginFailed(
                        f"{self.session.url} refused the event WebSocket for the API key (HTTP "
                        f"{status}): this controller accepts API keys for REST only; set "
                        "UNIFI_USERNAME and UNIFI_PASSWORD to receive events"
                    ) from None
                if self._refusals_end:
                    raise SocketRefused(self.session.url, self.site, status) from None
                if status in (401, 403):
                    log.info("websocket refused, logging in again", site=self.site, status=status)
                    relogin = True
                else:
                    log.warning("websocket refused", site=self.site, status=status)
            except ssl.SSLCertVerificationError as exc:
                raise TLSVerificationFailed(
                    self.session.url, str(exc.verify_message or exc.reason)
                ) from None
            except (OSError, TimeoutError, InvalidHandshake, ConnectionClosed) as exc:
                log.warning("websocket unreachable", site=self.site, error=_short(exc))
            self._closed()
            if relogin:
                await self._relogin()
            delay = self._backoff.next()
            log.info("websocket reconnecting", site=self.site, in_seconds=round(delay, 2))
            await asyncio.sleep(delay)

    def _connect(self) -> connect:
        url = self.url
        self._session_generation = self.session.login_generation
        return connect(
            url,
            ssl=self.session.ssl_context if url.startswith("wss://") else None,
            additional_headers=self.session.websocket_headers(),
            compression=self._compression,
            max_size=self._max_size,
            ping_interval=self._ping_interval,
            ping_timeout=self._ping_timeout,
            open_timeout=self._open_timeout,
            proxy=None,
        )

    async def _read(self, ws: ClientConnection) -> bool:
        """Read frames until the socket ends; True if the session must be renewed."""
        frames_here = 0
        try:
            while True:
                message = await self._receive(ws, frames_here)
                if message is None:
                    await ws.close(code=1000, reason="silent")
                    return False
                text = message if isinstance(message, str) else message.decode("utf-8", "replace")
                if text == "pong":
                    continue  # answer to our keepalive probe, not a frame
                if frames_here == 0:
                    # A socket that delivers is a good one: the next reconnect starts short.
                    self._backoff.reset()
                frames_here += 1
                self.frames += 1
                self._on_frame(text, now_ms())
                if self._backpressure is not None:
                    # A writer far behind a healthy store: stop reading for a moment and let
                    # TCP hold the rest, rather than queueing without end.
                    await self._backpressure()
        except ConnectionClosed as exc:
            code = exc.rcvd.code if exc.rcvd is not None else 1006
            if exc.rcvd is not None and exc.rcvd.code in (1000, 1001):
                log.warning("websocket closed by the controller", site=self.site, code=code)
            else:
                log.warning("websocket lost", site=self.site, code=code)
            return code == POLICY_VIOLATION

    async def _receive(self, ws: ClientConnection, frames_here: int) -> str | bytes | None:
        """The next message; None when the socket has gone silent.

        Silent means no frame for ``silence_timeout`` seconds and no answer to a text
        ``ping`` within ``ping_timeout`` more: some controllers stop sending without ever
        closing the socket, and protocol pings alone do not notice.
        """
        if self._silence_timeout is None:
            return await ws.recv()
        # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow the
        # cancellation of a task stopping the stream, which then never stops.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self._silence_timeout):
                return await ws.recv()
        await ws.send("ping")
        # The answer may take as long as a protocol pong, but never longer than the silence.
        probe = min(self._ping_timeout or 10.0, self._silence_timeout)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(probe):
                return await ws.recv()
        self.silences += 1
        if frames_here == 0:
            log.warning(
                "websocket silent since it opened, reconnecting",
                site=self.site,
                seconds=self._silence_timeout,
                hint=f"the site name {self.site!r} or the endpoint path "
                f"{self.session.network_path(f'/wss/s/{self.site}/events')} is probably wrong",
            )
        else:
            log.warning(
                "websocket went silent, reconnecting", site=self.site, seconds=self._silence_timeout
            )
        return None

    def _opened(self) -> None:
        received = now_ms()
        self.connections += 1
        self._opened_at = time.monotonic()
        self.connected.set()
        if self._on_state is not None:
            self._on_state(True)
        if self._lost_ms is not None:
            gap = Gap(self.site, self._lost_ms, received)
            self.gaps.append(gap)
            self._lost_ms = None
            if self._on_gap is not None:
                self._on_gap(gap)
        log.info("websocket connected", site=self.site, connection=self.connections)

    def _closed(self) -> None:
        if self.connected.is_set():
            self.connected.clear()
            self._lost_ms = now_ms()
            if self._on_state is not None:
                self._on_state(False)
            # A socket that stayed up a while (or delivered a frame, see _read) resets the
            # backoff: one the controller closes right after opening must not be reopened in
            # a tight loop.
            if time.monotonic() - self._opened_at >= STABLE_AFTER_S:
                self._backoff.reset()

    async def _relogin(self) -> None:
        while True:
            try:
                await self.session.login(unless_newer_than=self._session_generation)
                return
            except LoginRateLimited as exc:
                log.warning(str(exc), site=self.site)
                await asyncio.sleep(exc.retry_after)
            except ConnectionFailed as exc:
                if isinstance(exc, TLSVerificationFailed):
                    raise
                delay = self._backoff.next()
                log.warning("login failed, retrying", error=str(exc), in_seconds=round(delay, 2))
                await asyncio.sleep(delay)


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:200]
