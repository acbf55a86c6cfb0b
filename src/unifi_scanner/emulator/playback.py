"""A timeline being played: the scenario clock plus the rendered event documents.

Documents are rendered lazily and cached: a week-long timeline holds tens of thousands of
events, while a test typically consumes a few seconds' worth. Rendering needs the absolute
start, so documents exist only once the clock has started.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Any

from unifi_scanner.emulator.clock import ScenarioClock
from unifi_scanner.emulator.timeline import Timeline


@dataclass(frozen=True)
class Snapshot:
    """The moment a REST answer or sync frame describes."""

    offset_ms: int  # scenario offset: which network state applies
    now_ms: int  # absolute time (epoch ms): last_seen, uptimes
    start_ms: int  # absolute scenario start (epoch ms)


class Playback:
    """Plays `timeline` against `clock`."""

    def __init__(self, timeline: Timeline, clock: ScenarioClock) -> None:
        self.timeline = timeline
        self.clock = clock
        self._offsets = [event.offset_ms for event in timeline.events]
        self._documents: list[dict[str, Any] | None] = [None] * len(timeline.events)

    @property
    def size(self) -> int:
        """Number of events in the timeline."""
        return len(self._offsets)

    def due(self) -> int:
        """How many events (a prefix of the timeline) have fallen due by now."""
        if not self.clock.started:
            return 0
        return bisect.bisect_right(self._offsets, self.clock.offset_ms())

    def due_between(self, since_ms: int, until_ms: int) -> range:
        """Indices of the due events whose time lies in ``[since_ms, until_ms]``.

        By bisection: a history query of a few minutes must not render the whole day (at
        high speeds that stalled the emulator for seconds).
        """
        start = self.clock.start_ms
        if start is None:
            return range(0)
        low = bisect.bisect_left(self._offsets, since_ms - start)
        high = min(self.due(), bisect.bisect_right(self._offsets, until_ms - start))
        return range(low, max(low, high))

    def document(self, index: int) -> dict[str, Any]:
        """The wire document of event `index` (shared: callers must not mutate it)."""
        start = self.clock.start_ms
        if start is None:
            raise RuntimeError("event documents exist only once the scenario clock has started")
        document = self._documents[index]
        if document is None:
            document = self.timeline.render_event(index, start)
            self._documents[index] = document
        return document

    def snapshot(self) -> Snapshot:
        """The current moment (before the start: offset 0 and a provisional start time)."""
        return Snapshot(
            offset_ms=self.clock.offset_ms(),
            now_ms=self.clock.now_ms(),
            start_ms=self.clock.effective_start_ms(),
        )
