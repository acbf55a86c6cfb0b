"""One open event WebSocket: its options, its queue and writer task, and how it can end.

Each socket has its own bounded queue and writer task, so a slow client cannot stall the
others, and a frame counts as sent only once it has been written. Protocol pings are answered
here rather than by aiohttp (`autoping=False`) so that a socket can go silent: a hung
controller stops answering pings and text `ping`s while the TCP connection stays open.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import WSMsgType, web

log = logging.getLogger(__name__)

QUEUE_LIMIT = 10_000  # frames; a client this far behind is dropped rather than buffered forever
CLOSE_TIMEOUT_S = 2.0  # how long a closing handshake may wait for the client's reply


@dataclass(frozen=True)
class Outgoing:
    """A text frame queued for one socket, with the events it carries (for the sent log)."""

    text: str
    events: tuple[tuple[str, str, str, int], ...] = ()  # (_id, key, site, time)


@dataclass(frozen=True)
class SocketOptions:
    """What the client asked for in the URL and how it authenticated."""

    site: str
    known: bool  # False: an unknown site, which gets nothing at all
    jti: str  # the session behind the socket
    clients_v2: bool = False  # `?clients=v2`: client updates as `client:sync`


class Subscriber:
    """One open event socket."""

    def __init__(
        self, ws: web.WebSocketResponse, request: web.Request, options: SocketOptions
    ) -> None:
        self.ws = ws
        self.request = request
        self.options = options
        self.queue: asyncio.Queue[Outgoing] = asyncio.Queue(QUEUE_LIMIT)
        self._writer: asyncio.Task[None] | None = None
        self._dead = False  # the writer has stopped: further frames have nowhere to go
        self._sending = False  # a frame is being written (possibly compressed in a thread)
        self.silent = False  # neither frames nor pong answers go out any more

    @property
    def site(self) -> str | None:
        """The site whose frames this socket receives (None for an unknown site)."""
        return self.options.site if self.options.known else None

    @property
    def jti(self) -> str:
        """The session behind the socket."""
        return self.options.jti

    def start(self, on_written: Callable[[Outgoing], None]) -> None:
        """Start the writer task."""
        self._writer = asyncio.create_task(self._write(on_written), name="emulator-ws-writer")

    def offer(self, item: Outgoing) -> None:
        """Queue `item`; a client that lets its queue overflow is cut off."""
        if self._dead or self.silent:
            return
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            log.warning("event socket %s is %d frames behind; dropping it", self.site, QUEUE_LIMIT)
            self.abort()

    async def serve(self, on_text: Callable[[Subscriber, str], None]) -> None:
        """Read until the client goes away: answer pings unless silent, hand text to `on_text`."""
        async for message in self.ws:
            if self.silent:
                continue  # a hung controller reads nothing and answers nothing
            if message.type == WSMsgType.PING:
                with contextlib.suppress(ConnectionError, RuntimeError):
                    await self.ws.pong(message.data)
            elif message.type == WSMsgType.TEXT:
                on_text(self, message.data)

    async def _write(self, on_written: Callable[[Outgoing], None]) -> None:
        try:
            while not self._dead:
                item = await self.queue.get()
                self._sending = True
                try:
                    await self.ws.send_str(item.text)
                    on_written(item)
                finally:
                    self._sending = False
                    self.queue.task_done()
        except (ConnectionError, RuntimeError) as exc:  # the peer went away mid-write
            log.debug("event socket write failed: %s", exc)
        finally:
            self._dead = True
            self._discard_pending()

    def _discard_pending(self) -> None:
        while not self.queue.empty():
            self.queue.get_nowait()
            self.queue.task_done()

    def silence(self) -> None:
        """Go silent: drop what is queued, send nothing more, answer no pings. Stays open."""
        self.silent = True
        self._discard_pending()

    def _end_writer(self) -> None:
        """Let the writer finish the frame it is writing (aiohttp compresses large frames in a
        shielded task that must not lose its awaiter), or cancel it while it waits."""
        self._dead = True
        self._discard_pending()
        if self._writer is not None and not self._sending:
            self._writer.cancel()

    async def stop(self) -> None:
        """Stop writing; pending frames are discarded."""
        self._end_writer()
        if self._writer is not None:
            done, _ = await asyncio.wait({self._writer}, timeout=CLOSE_TIMEOUT_S)
            if not done:
                self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer
        self._discard_pending()

    def abort(self) -> None:
        """Cut the TCP connection without a close frame (the client sees 1006)."""
        transport = self.request.transport
        if transport is not None:
            transport.abort()
        self._end_writer()

    async def close(self, code: int, reason: str) -> None:
        """Stop writing, then close with a close frame carrying `code` (abort if that stalls)."""
        await self.stop()
        try:
            await asyncio.wait_for(
                self.ws.close(code=code, message=reason.encode()), CLOSE_TIMEOUT_S
            )
        except (TimeoutError, ConnectionError, RuntimeError):
            self.abort()
