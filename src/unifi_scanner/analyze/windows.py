"""Counting occurrences within a sliding hour, in bounded memory.

Counts go into one-minute buckets, so a window never holds more than 60 of them however many
events arrive: a storm of thousands of roams an hour costs the same memory as a dozen. The
window is the current minute and the 59 before it.
"""

from __future__ import annotations

from collections import deque

MINUTE_MS = 60_000
WINDOW_MINUTES = 60


class HourWindow:
    """How many times something happened within the last hour, and the most in any hour."""

    __slots__ = ("_buckets", "_minute", "_total", "peak")

    def __init__(self) -> None:
        self._buckets: deque[list[int]] = deque()
        self._minute = -1
        self._total = 0
        self.peak = 0

    def add(self, time_ms: int) -> int:
        """Count one occurrence at ``time_ms`` (in time order); returns the hour's count."""
        minute = time_ms // MINUTE_MS
        buckets = self._buckets
        total = self._total + 1
        if minute == self._minute:
            buckets[-1][1] += 1
        else:
            self._minute = minute
            buckets.append([minute, 1])
            # Only a new minute can push old minutes out of the window.
            while minute - buckets[0][0] >= WINDOW_MINUTES:
                total -= buckets.popleft()[1]
        self._total = total
        if total > self.peak:
            self.peak = total
        return total


class RateWatch:
    """Whether something happened ``threshold`` times within an hour, cheaply.

    Most subjects (clients roaming now and then) never get there: for them only the last
    ``threshold`` times are kept, in a ring, and one comparison per occurrence tells whether the
    oldest of them is less than an hour old. The first time it is, an :class:`HourWindow` takes
    over, seeded with exactly those occurrences (the count could only have just reached the
    threshold), and from then on tracks the peak.
    """

    __slots__ = ("_ring", "window")

    def __init__(self, threshold: int) -> None:
        self._ring: deque[int] = deque(maxlen=max(1, threshold))
        self.window: HourWindow | None = None

    def add(self, time_ms: int) -> None:
        window = self.window
        if window is not None:
            window.add(time_ms)
            return
        ring = self._ring
        ring.append(time_ms)
        if len(ring) == ring.maxlen and time_ms - ring[0] < WINDOW_MINUTES * MINUTE_MS:
            window = self.window = HourWindow()
            for moment in ring:
                window.add(moment)

    @property
    def peak(self) -> int:
        """The most occurrences within one hour, once the threshold was reached; else 0."""
        return self.window.peak if self.window is not None else 0
