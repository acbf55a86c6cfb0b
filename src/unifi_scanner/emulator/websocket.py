"""The event WebSocket (`/proxy/network/wss/s/{site}/events`): fan-out of due events.

One `EventHub` task wakes every `push_interval` wall seconds, collects the events that fell due
since the previous wake-up and sends them to every socket of their site as ONE
`{"meta":{"rc":"ok","message":"events"},"data":[…]}` frame, so a frame may carry several events.
Events that fall due while nobody listens on their site are gone, as on a real controller (they
do not queue up for the next client). `sta:sync` and `device:sync` frames follow every
`sync_interval` scenario seconds, and one of each greets every new socket.

Each socket has its own queue and writer task: a slow client cannot stall the others, and the
`sent` log records an event only once a frame carrying it has actually been written to a
socket (first write only).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypedDict

import orjson
from aiohttp import WSMsgType, web

from unifi_scanner.emulator.playback import Playback

log = logging.getLogger(__name__)


class SentRecord(TypedDict):
    """One event the emulator pushed over an event WebSocket (first send only)."""

    _id: str
    key: str
    site: str
    time: int  # scenario time of the event (epoch ms)
    sent_at: int  # wall-clock time of the send (epoch ms)


_QUEUE_LIMIT = 10_000  # frames; a client this far behind is dropped rather than buffered forever
_CLOSE_TIMEOUT_S = 2.0  # how long a closing handshake may wait for the client's reply


def frame(message: str, data: list[dict[str, Any]]) -> str:
    """A UniFi WebSocket message: `{"meta":{"rc":"ok","message":…},"data":[…]}`."""
    return orjson.dumps({"meta": {"rc": "ok", "message": message}, "data": data}).decode()


@dataclass(frozen=True)
class Outgoing:
    """A text frame queued for one socket, with the events it carries (for the sent log)."""

    text: str
    events: tuple[tuple[str, str, str, int], ...] = ()  # (_id, key, site, time)


class Subscriber:
    """One open event socket. `site` is None for an unknown site: such sockets get nothing."""

    def __init__(
        self, ws: web.WebSocketResponse, request: web.Request, site: str | None, jti: str
    ) -> None:
        self.ws = ws
        self.request = request
        self.site = site
        self.jti = jti
        self.queue: asyncio.Queue[Outgoing] = asyncio.Queue(_QUEUE_LIMIT)
        self._writer: asyncio.Task[None] | None = None
        self._dead = False  # the writer has stopped: further frames have nowhere to go

    def start(self, on_written: Callable[[Outgoing], None]) -> None:
        """Start the writer task."""
        self._writer = asyncio.create_task(self._write(on_written), name="emulator-ws-writer")

    def offer(self, item: Outgoing) -> None:
        """Queue `item`; a client that lets its queue overflow is cut off."""
        if self._dead:
            return
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            log.warning("event socket %s is %d frames behind; dropping it", self.site, _QUEUE_LIMIT)
            self.abort()

    async def _write(self, on_written: Callable[[Outgoing], None]) -> None:
        try:
            while True:
                item = await self.queue.get()
                try:
                    await self.ws.send_str(item.text)
                    on_written(item)
                finally:
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

    async def stop(self) -> None:
        """Stop writing; pending frames are discarded."""
        self._dead = True
        if self._writer is not None:
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer
        self._discard_pending()

    def abort(self) -> None:
        """Cut the TCP connection without a close frame (the client sees 1006)."""
        transport = self.request.transport
        if transport is not None:
            transport.abort()
        if self._writer is not None:
            self._writer.cancel()  # its cleanup discards what is still queued
        else:
            self._discard_pending()

    async def close(self, code: int, reason: str) -> None:
        """Stop writing, then close with a close frame carrying `code` (abort if that stalls)."""
        await self.stop()
        try:
            await asyncio.wait_for(
                self.ws.close(code=code, message=reason.encode()), _CLOSE_TIMEOUT_S
            )
        except (TimeoutError, ConnectionError, RuntimeError):
            self.abort()


class EventHub:
    """Pushes due events and periodic syncs to the open event sockets."""

    def __init__(
        self,
        playback: Playback,
        *,
        push_interval: float,
        sync_interval: float,
        sync_frames: Callable[[str], list[str]],
        on_subscribe: Callable[[], None],
    ) -> None:
        self._playback = playback
        self._push_interval = push_interval
        # Scenario seconds between syncs, in wall seconds; at most one sync per push.
        self._sync_every = max(push_interval, sync_interval / playback.clock.speed)
        self._sync_frames = sync_frames
        self._on_subscribe = on_subscribe
        self._subscribers: set[Subscriber] = set()
        self._background: set[asyncio.Task[None]] = set()
        self._cursor = 0
        self._next_sync = time.monotonic() + self._sync_every
        self.sent: list[SentRecord] = []
        self._sent_ids: set[str] = set()
        self.finished = asyncio.Event()

    # -- sockets --------------------------------------------------------------------------

    async def handle(
        self, request: web.Request, *, site: str, known: bool, jti: str
    ) -> web.WebSocketResponse:
        """Serve one event socket until it closes (auth already checked by the caller)."""
        ws = web.WebSocketResponse(compress=True, timeout=_CLOSE_TIMEOUT_S)
        await ws.prepare(request)
        subscriber = Subscriber(ws, request, site if known else None, jti)
        self._subscribers.add(subscriber)
        if known:
            self._on_subscribe()  # may start the scenario clock (wait_for_client)
            for text in self._sync_frames(site):
                subscriber.offer(Outgoing(text))
        subscriber.start(self._record_sent)
        try:
            async for message in ws:
                # Text keepalive used by several clients; protocol pings are answered by aiohttp.
                if known and message.type == WSMsgType.TEXT and message.data.strip() == "ping":
                    subscriber.offer(Outgoing("pong"))
        finally:
            self._subscribers.discard(subscriber)
            await subscriber.stop()
        return ws

    def _record_sent(self, item: Outgoing) -> None:
        sent_at = int(time.time() * 1000)
        for event_id, key, site, time_ms in item.events:
            if event_id not in self._sent_ids:
                self._sent_ids.add(event_id)
                record: SentRecord = {
                    "_id": event_id,
                    "key": key,
                    "site": site,
                    "time": time_ms,
                    "sent_at": sent_at,
                }
                self.sent.append(record)

    def close_session(self, jti: str) -> int:
        """Close (1008) every socket opened with session `jti`; return how many."""
        closing = [s for s in self._subscribers if s.jti == jti]
        for subscriber in closing:
            task = asyncio.create_task(subscriber.close(1008, "session logged out"))
            self._background.add(task)
            task.add_done_callback(self._background.discard)
        return len(closing)

    def drop_all(self) -> int:
        """Abort every open socket without a close frame; return how many."""
        dropped = list(self._subscribers)
        for subscriber in dropped:
            subscriber.abort()
        return len(dropped)

    async def close_all(self) -> None:
        """Close every socket with 1001 (going away), e.g. at shutdown."""
        closing = [s.close(1001, "server shutting down") for s in list(self._subscribers)]
        await asyncio.gather(*closing, *self._background, return_exceptions=True)

    @property
    def open_sockets(self) -> int:
        """Number of open event sockets (including silent ones on unknown sites)."""
        return len(self._subscribers)

    # -- pushing ----------------------------------------------------------------------------

    async def run(self) -> None:
        """Push forever (cancel to stop). A failing push is logged, not fatal to the stream."""
        while True:
            try:
                self.tick()
            except Exception:
                log.exception("event push failed")
            await asyncio.sleep(self._push_interval)

    def tick(self) -> None:
        """One push: the events due since the last push, then a sync if one is due."""
        if not self._playback.clock.started:
            return
        due = self._playback.due()
        if due > self._cursor:
            self._push_events(range(self._cursor, due))
            self._cursor = due
        now = time.monotonic()
        if now >= self._next_sync:
            self._next_sync = now + self._sync_every
            for site in {s.site for s in self._subscribers if s.site is not None}:
                texts = self._sync_frames(site)
                for subscriber in self._listening(site):
                    for text in texts:
                        subscriber.offer(Outgoing(text))
        if self._cursor >= self._playback.size:
            self.finished.set()

    def _listening(self, site: str) -> list[Subscriber]:
        return [s for s in self._subscribers if s.site == site]

    def _push_events(self, indices: range) -> None:
        by_site: dict[str, list[int]] = {}
        for index in indices:
            by_site.setdefault(self._playback.timeline.events[index].site, []).append(index)
        for site, site_indices in by_site.items():
            listeners = self._listening(site)
            if not listeners:
                continue  # nobody listening: these events are missed
            documents = [self._playback.document(index) for index in site_indices]
            item = Outgoing(
                text=frame("events", documents),
                events=tuple((d["_id"], d["key"], site, d["time"]) for d in documents),
            )
            for subscriber in listeners:
                subscriber.offer(item)

    async def wait_drained(self) -> None:
        """Wait until every queued frame has been written (or its socket has gone)."""
        await asyncio.gather(*(s.queue.join() for s in list(self._subscribers)))
