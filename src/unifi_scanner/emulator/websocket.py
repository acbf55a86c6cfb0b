"""The event WebSockets (`…/wss/s/{site}/events`): fan-out of due events, syncs and updates.

One `EventHub` task wakes every `push_interval` wall seconds, collects the events that fell due
since the previous wake-up and sends them to every socket of their site as ONE `events` frame,
so a frame may carry several events. Events that fall due while nobody listens on their site
are gone, as on a real controller (they do not queue up for the next client). A snapshot
greets every new socket; full syncs follow every `sync_interval` scenario seconds and
`device:update` frames (changed fields only) every `update_interval` (`feeds.SiteFeeds`).

The hub also carries what is not in the timeline: admin logins on the `super` site
(`push_live`), and the socket faults (`drop`, `close`, `silence`, `send_raw`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any, TypedDict

from aiohttp import web

from unifi_scanner.emulator.feeds import SiteFeeds
from unifi_scanner.emulator.playback import Playback
from unifi_scanner.emulator.subscriber import (
    CLOSE_TIMEOUT_S,
    Outgoing,
    SocketOptions,
    Subscriber,
)

log = logging.getLogger(__name__)

SUPER_SITE = "super"
"""The controller-level site: its socket carries admin events, never scenario traffic."""


class SentRecord(TypedDict):
    """One event the emulator pushed over an event WebSocket (first send only)."""

    _id: str
    key: str
    site: str
    time: int  # scenario time of the event (epoch ms)
    sent_at: int  # wall-clock time of the send (epoch ms)


class EventHub:
    """Pushes due events, periodic syncs and device updates to the open event sockets."""

    def __init__(
        self,
        playback: Playback,
        feeds: SiteFeeds,
        *,
        push_interval: float,
        sync_interval: float,
        update_interval: float | None,
        compression: bool,
        on_subscribe: Callable[[], None],
    ) -> None:
        self._playback = playback
        self._feeds = feeds
        self._push_interval = push_interval
        speed = playback.clock.speed
        # Scenario seconds between rounds, in wall seconds; at most one round per push, and
        # syncs leave every other push to updates so that high speeds do not starve them.
        floor = push_interval * (1 if update_interval is None else 2)
        self._sync_every = max(floor, sync_interval / speed)
        self._update_every = (
            None if update_interval is None else max(push_interval, update_interval / speed)
        )
        self._compression = compression
        self._on_subscribe = on_subscribe
        self._subscribers: set[Subscriber] = set()
        self._background: set[asyncio.Task[None]] = set()
        self._cursor = 0
        now = time.monotonic()
        self._next_sync = now + self._sync_every
        self._next_update = None if self._update_every is None else now + self._update_every
        self.sent: list[SentRecord] = []
        self._sent_ids: set[str] = set()
        self.finished = asyncio.Event()

    # -- sockets --------------------------------------------------------------------------

    async def handle(self, request: web.Request, options: SocketOptions) -> web.WebSocketResponse:
        """Serve one event socket until it closes (auth already checked by the caller)."""
        ws = web.WebSocketResponse(
            compress=self._compression, timeout=CLOSE_TIMEOUT_S, autoping=False
        )
        await ws.prepare(request)
        subscriber = Subscriber(ws, request, options)
        self._subscribers.add(subscriber)
        if options.known and options.site != SUPER_SITE:
            self._on_subscribe()  # may start the scenario clock (wait_for_client)
        if subscriber.site is not None and subscriber.site != SUPER_SITE:
            for text in self._feeds.greeting(subscriber.site, clients_v2=options.clients_v2):
                subscriber.offer(Outgoing(text))
        subscriber.start(self._record_sent)
        try:
            await subscriber.serve(self._on_text)
        finally:
            self._subscribers.discard(subscriber)
            await subscriber.stop()
        return ws

    @staticmethod
    def _on_text(subscriber: Subscriber, text: str) -> None:
        # Text keepalive used by several clients; protocol pings are answered by the subscriber.
        if subscriber.site is not None and text.strip() == "ping":
            subscriber.offer(Outgoing("pong"))

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

    def _targets(self, site: str | None) -> list[Subscriber]:
        return [s for s in self._subscribers if site is None or s.options.site == site]

    def _spawn(self, coroutine: Any) -> None:
        task: asyncio.Task[None] = asyncio.create_task(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def close_sessions(self, jtis: Iterable[str], code: int = 1008, reason: str = "") -> int:
        """Close every socket opened with one of the sessions `jtis`; return how many."""
        ended = set(jtis)
        closing = [s for s in self._subscribers if s.jti in ended]
        for subscriber in closing:
            self._spawn(subscriber.close(code, reason or "session is no longer valid"))
        return len(closing)

    def close(self, code: int, reason: str = "", site: str | None = None) -> int:
        """Close sockets (of `site`, else all) with a close frame carrying `code`."""
        closing = self._targets(site)
        for subscriber in closing:
            self._spawn(subscriber.close(code, reason))
        return len(closing)

    def drop(self, site: str | None = None) -> int:
        """Abort sockets (of `site`, else all) without a close frame; return how many."""
        dropped = self._targets(site)
        for subscriber in dropped:
            subscriber.abort()
        return len(dropped)

    def drop_all(self) -> int:
        """Abort every open socket without a close frame; return how many."""
        return self.drop()

    def silence(self, site: str | None = None) -> int:
        """Make sockets (of `site`, else all) go silent without closing; return how many."""
        silenced = [s for s in self._targets(site) if not s.silent]
        for subscriber in silenced:
            subscriber.silence()
        return len(silenced)

    def send_raw(self, text: str, site: str | None = None) -> int:
        """Queue `text` as-is on sockets of known sites (of `site`, else all); return how many."""
        receivers = [s for s in self._targets(site) if s.site is not None and not s.silent]
        for subscriber in receivers:
            subscriber.offer(Outgoing(text))
        return len(receivers)

    def push_live(self, site: str, documents: list[dict[str, Any]]) -> int:
        """Send events that are not in the timeline (admin logins) to `site`'s sockets now."""
        listeners = self._listening(site)
        if listeners and documents:
            item = self._events_item(site, documents)
            for subscriber in listeners:
                subscriber.offer(item)
        return len(listeners)

    async def close_all(self) -> None:
        """Close every socket with 1001 (going away), e.g. at shutdown."""
        closing = [s.close(1001, "server shutting down") for s in list(self._subscribers)]
        await asyncio.gather(*closing, *self._background, return_exceptions=True)

    def sites(self) -> set[str]:
        """Known sites with at least one open socket."""
        return {s.site for s in self._subscribers if s.site is not None}

    @property
    def open_sockets(self) -> int:
        """Number of open event sockets (including silent ones and those on unknown sites)."""
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
        """One push: the events due since the last push, then syncs and updates if due."""
        if not self._playback.clock.started:
            return
        due = self._playback.due()
        if due > self._cursor:
            self._push_events(range(self._cursor, due))
            self._cursor = due
        now = time.monotonic()
        sites = {s.site for s in self._subscribers if s.site is not None} - {SUPER_SITE}
        if now >= self._next_sync:
            self._next_sync = now + self._sync_every
            for site in sites:
                frames = self._feeds.sync(site)
                for subscriber in self._listening(site):
                    for text in frames[subscriber.options.clients_v2]:
                        subscriber.offer(Outgoing(text))
        elif (
            self._next_update is not None
            and self._update_every is not None
            and now >= self._next_update
        ):
            self._next_update = now + self._update_every
            for site in sites:
                texts = self._feeds.device_updates(site)
                for subscriber in self._listening(site):
                    for text in texts:
                        subscriber.offer(Outgoing(text))
        if self._cursor >= self._playback.size:
            self.finished.set()

    def _listening(self, site: str) -> list[Subscriber]:
        return [s for s in self._subscribers if s.site == site]

    def _events_item(self, site: str, documents: list[dict[str, Any]]) -> Outgoing:
        return Outgoing(
            text=self._feeds.shape("events", documents),
            events=tuple((d["_id"], d["key"], site, d["time"]) for d in documents),
        )

    def _push_events(self, indices: range) -> None:
        by_site: dict[str, list[int]] = {}
        for index in indices:
            by_site.setdefault(self._playback.timeline.events[index].site, []).append(index)
        for site, site_indices in by_site.items():
            listeners = self._listening(site)
            if not listeners:
                continue  # nobody listening: these events are missed
            item = self._events_item(site, [self._playback.document(i) for i in site_indices])
            for subscriber in listeners:
                subscriber.offer(item)

    async def wait_drained(self) -> None:
        """Wait until every queued frame has been written (or its socket has gone)."""
        await asyncio.gather(*(s.queue.join() for s in list(self._subscribers)))
