"""Back-filling WebSocket gaps from the controller's REST history.

While the socket was down, the controller kept producing events. Once a new socket is open,
the window between the last event seen before the gap and the first one seen after it is
asked for again: over ``stat/event`` on Network 9.x, from the v2 system log on 10.x. Windows
are in the controller's own time (taken from event times), so a controller whose clock is
off, or an emulator playing a day in seconds, is asked for the right stretch. What the REST
source returns goes to the sink like any other event; the store drops what it already has.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from unifi_scanner.collect.sink import EventSink
from unifi_scanner.controller.errors import ControllerError, EndpointUnavailable
from unifi_scanner.controller.frames import FrameError, parse_event
from unifi_scanner.controller.models import Event
from unifi_scanner.controller.rest import NetworkApi
from unifi_scanner.controller.systemlog import parse_entry
from unifi_scanner.controller.versions import EventSources
from unifi_scanner.controller.websocket import Gap, now_ms
from unifi_scanner.log import get_logger

log = get_logger(__name__)

FILLED = "filled"
UNAVAILABLE = "unavailable"
FAILED = "failed"

#: stat/event pages (3,000 events, newest first) are read at most this deep per window.
MAX_PAGES = 50
#: System-log pages (100 entries) are read at most this deep per window: a million
#: entries, an hour of a site a hundred times busier than a large campus.
MAX_SYSTEM_LOG_PAGES = 10_000


@dataclass(frozen=True, slots=True)
class Window:
    """A stretch of controller time, ``start_ms <= t <= end_ms``."""

    start_ms: int
    end_ms: int


class Backfiller:
    """Fetches the events of a window from whichever REST history this controller has."""

    def __init__(
        self,
        api: NetworkApi,
        site: str,
        sink: EventSink,
        *,
        controller: str,
        sources: EventSources,
        clock: Callable[[], int] = now_ms,
    ) -> None:
        self.api = api
        self.site = site
        self.sink = sink
        self.controller = controller
        self.sources = sources
        self._clock = clock

    async def fill(self, gap: Gap, window: Window) -> tuple[str, int]:
        """Ask for ``window``, hand what comes back to the sink, record the outcome."""
        if not (self.sources.stat_event or self.sources.system_log):
            state, count = UNAVAILABLE, 0
        else:
            count = 0
            try:
                async for events in self.pages(window):
                    self.sink.add_events(self.controller, events)
                    count += len(events)
                    await self.sink.room()
            except EndpointUnavailable as exc:
                log.warning("gap cannot be back-filled", site=self.site, reason=str(exc))
                state = UNAVAILABLE
            except ControllerError as exc:
                # What came before the failure is stored all the same.
                log.warning("back-filling a gap failed", site=self.site, error=str(exc))
                state = FAILED
            else:
                state = FILLED
        self.sink.add_gap_result(self.controller, gap, state, count)
        log.info(
            "gap back-fill",
            site=self.site,
            result=state,
            events=count,
            gap_seconds=round((gap.end_ms - gap.start_ms) / 1000, 1),
        )
        return state, count

    async def fetch(self, window: Window) -> list[Event]:
        """All the events the REST history holds for ``window`` (for small windows)."""
        return [event async for events in self.pages(window) for event in events]

    async def pages(self, window: Window) -> AsyncIterator[list[Event]]:
        """The events the REST history holds for ``window``, a page at a time (the system
        log first on 10.x): an hour of a busy site is 200k events, too many to hold at once.
        """
        if self.sources.system_log:
            answered = False
            try:
                async for events in self._from_system_log(window):
                    answered = True
                    yield events
                return
            except EndpointUnavailable:
                if answered or not self.sources.stat_event:
                    raise
        async for events in self._from_stat_event(window):
            yield events

    async def _from_system_log(self, window: Window) -> AsyncIterator[list[Event]]:
        received = self._clock()
        page, pages = 0, 1
        while page < pages:
            if page == MAX_SYSTEM_LOG_PAGES:
                log.warning(
                    "system log window too large, older entries not read",
                    site=self.site,
                    pages=pages,
                    read=page,
                )
                return
            entries, pages = await self.api.system_log(
                self.site, since_ms=window.start_ms, until_ms=window.end_ms, page=page
            )
            events: list[Event] = []
            for entry in entries:
                try:
                    event = parse_entry(entry, site=self.site, received_ms=received)
                except FrameError as exc:
                    log.debug("system-log entry rejected", site=self.site, reason=str(exc))
                    continue
                if window.start_ms <= event.time_ms <= window.end_ms:
                    events.append(event)
            yield events
            page += 1

    async def _from_stat_event(self, window: Window) -> AsyncIterator[list[Event]]:
        received = self._clock()
        # `within` counts hours back from the controller's now, which is about window.end.
        hours = max(1, math.ceil((max(received, window.end_ms) - window.start_ms) / 3_600_000))
        start, limit = 0, 3000
        for _page in range(MAX_PAGES):
            events: list[Event] = []
            docs, total = await self.api.stat_event(
                self.site, within_hours=hours, start=start, limit=limit
            )
            oldest = None
            for doc in docs:
                try:
                    event = parse_event(
                        doc, site=self.site, received_ms=received, source="stat/event"
                    )
                except FrameError as exc:
                    log.debug("stat/event document rejected", site=self.site, reason=str(exc))
                    continue
                oldest = event.time_ms if oldest is None else min(oldest, event.time_ms)
                if window.start_ms <= event.time_ms <= window.end_ms:
                    events.append(event)
            yield events
            start += len(docs)
            exhausted = not docs or total is None or start >= total
            if exhausted or (oldest is not None and oldest < window.start_ms):
                break
