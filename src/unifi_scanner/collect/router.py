"""Routing raw frames to the sink: events to the event table, sync frames to the inventory.

Shared by the live WebSocket collector and ``replay``, so a capture is analysed exactly as
the live stream would have been.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from unifi_scanner.collect.sink import EventSink
from unifi_scanner.controller.frames import FrameError, events_from_frame, parse_frame
from unifi_scanner.log import get_logger

log = get_logger(__name__)


@dataclass(slots=True)
class FrameStats:
    """What one site's frames contained so far."""

    frames: int = 0
    events: int = 0
    rejected_frames: int = 0
    rejected_events: int = 0
    by_message: dict[str, int] = field(default_factory=dict)
    #: Controller time of the newest and of the first event seen (0 before any).
    newest_event_ms: int = 0
    first_event_ms: int = 0
    #: (events counted before a frame, oldest event time in it), for the latest frames.
    recent_frames: deque[tuple[int, int]] = field(default_factory=lambda: deque(maxlen=64))

    def first_event_after(self, count: int) -> int:
        """Controller time of the oldest event in the first frame that followed ``count``."""
        for before, oldest in self.recent_frames:
            if before >= count:
                return oldest
        return self.newest_event_ms


class FrameRouter:
    """Parses frames of one site and hands their contents to ``sink``."""

    def __init__(
        self, sink: EventSink, *, controller: str, site: str, source: str = "websocket"
    ) -> None:
        self.sink = sink
        self.controller = controller
        self.site = site
        self.source = source
        self.stats = FrameStats()

    def handle_frame(self, text: str, received_ms: int) -> None:
        """Parse one frame and pass its contents on. Never raises: bad input is counted."""
        stats = self.stats
        stats.frames += 1
        try:
            frame = parse_frame(text)
        except FrameError as exc:
            stats.rejected_frames += 1
            log.debug("frame rejected", site=self.site, reason=str(exc), size=len(text))
            return
        stats.by_message[frame.message] = stats.by_message.get(frame.message, 0) + 1
        if frame.message == "events":
            parsed = events_from_frame(
                frame, site=self.site, received_ms=received_ms, source=self.source
            )
            if parsed.rejected:
                stats.rejected_events += parsed.rejected
                log.debug("events rejected", site=self.site, reasons=parsed.reasons[:3])
            events = parsed.events
            if events:
                if len(events) == 1:  # how controllers send them, nearly always
                    oldest = newest = events[0].time_ms
                else:
                    times = [event.time_ms for event in events]
                    oldest, newest = min(times), max(times)
                stats.recent_frames.append((stats.events, oldest))
                stats.events += len(events)
                if newest > stats.newest_event_ms:
                    stats.newest_event_ms = newest
                if not stats.first_event_ms:
                    stats.first_event_ms = oldest
                self.sink.add_events(self.controller, events)
        elif frame.message == "device:sync":
            self.sink.add_devices(self.controller, self.site, frame.data, received_ms)
        elif frame.message == "device:update":
            # Changed fields only; the MAC comes in meta.mac (or in each record).
            mac = frame.meta.get("mac")
            partial = [
                {**record, "mac": record.get("mac", mac)}
                for record in frame.data
                if isinstance(record.get("mac", mac), str)
            ]
            if partial:
                self.sink.add_device_updates(self.controller, self.site, partial, received_ms)
        elif frame.message == "sta:sync":
            self.sink.add_clients(self.controller, self.site, frame.data, received_ms)
        else:
            log.debug("frame ignored", site=self.site, message=frame.message)
