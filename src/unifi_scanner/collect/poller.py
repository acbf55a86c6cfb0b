"""Polling the REST history beside the socket, and instead of it while the socket is down.

Every ``interval`` seconds the window since the previous poll is fetched (``stat/event`` on
9.x, the v2 system log on 10.x) and handed to the sink, which keeps only what is new. The
window ends ``lag_ms`` of controller time before the newest event the socket delivered, so
the poll never races the socket for events that are still on their way. While the socket is
down there is nothing to race, and the window runs to the controller's present.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from unifi_scanner.collect.backfill import Backfiller, Window
from unifi_scanner.collect.router import FrameStats
from unifi_scanner.collect.sink import EventSink
from unifi_scanner.collect.status import ACTIVE, DOWN, UNAVAILABLE, SourceStatus
from unifi_scanner.controller.errors import ControllerError, EndpointUnavailable
from unifi_scanner.controller.websocket import now_ms
from unifi_scanner.log import get_logger

log = get_logger(__name__)


class RestPoller:
    """One site's periodic REST poll."""

    def __init__(
        self,
        backfiller: Backfiller,
        sink: EventSink,
        stats: FrameStats,
        status: SourceStatus,
        *,
        socket_up: Callable[[], bool],
        interval: float,
        lag_ms: int = 120_000,
        clock: Callable[[], int] = now_ms,
    ) -> None:
        self.backfiller = backfiller
        self.sink = sink
        self.stats = stats
        self.status = status
        self._socket_up = socket_up
        self.interval = interval
        self.lag_ms = lag_ms
        self._clock = clock
        self.cursor_ms: int | None = None
        self.polls = 0
        self.events = 0

    @property
    def healthy(self) -> bool:
        return self.status.state("rest") == ACTIVE

    async def run(self) -> None:
        """Poll until cancelled, or until the controller turns out to keep no REST history."""
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.poll_once()
            except EndpointUnavailable as exc:
                self.status.set("rest", UNAVAILABLE, str(exc))
                return
            except ControllerError as exc:
                self.status.set("rest", DOWN, str(exc))

    async def poll_once(self) -> int:
        """Fetch the window since the last poll; the number of events it held."""
        end = self._window_end()
        start = self.cursor_ms if self.cursor_ms is not None else end - int(self.interval * 1000)
        if end <= start:
            return 0
        count = 0
        # Page by page into the sink: a window of a busy site is too large to hold at once.
        # A poll that fails midway has stored what it read, and is asked for again whole.
        async for events in self.backfiller.pages(Window(start, end)):
            self.sink.add_events(self.backfiller.controller, events)
            count += len(events)
            await self.sink.room()
        self.cursor_ms = end
        self.polls += 1
        self.events += count
        self.status.set("rest", ACTIVE)
        return count

    def _window_end(self) -> int:
        if self._socket_up() and self.stats.newest_event_ms:
            return self.stats.newest_event_ms - self.lag_ms
        return self._clock()
