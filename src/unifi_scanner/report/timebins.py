"""Cutting a report's period into chart bins that start on the hour of its time zone.

A day becomes 24 (or 25) one-hour bins; a week, 28 six-hour bins: never more than
:data:`MAX_BINS`, so a chart stays readable on a phone and its size does not grow with the
period. Bins start at a whole local hour (a multiple of the bin length from midnight), so the
labels read ``06:00``, ``12:00`` in the reader's zone, also in zones half an hour off UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS
#: The most bins a chart of any period has.
MAX_BINS = 48
#: Bin lengths (hours) tried in turn; periods longer than 48 days use whole days.
NICE_HOURS = (1, 2, 3, 4, 6, 8, 12, 24)


@dataclass(frozen=True, slots=True)
class Bins:
    """``count`` bins of ``size_ms`` each from ``start_ms`` (epoch ms)."""

    start_ms: int
    size_ms: int
    count: int

    @classmethod
    def over(cls, start_ms: int, end_ms: int, tz: tzinfo) -> Bins:
        """The bins covering ``[start_ms, end_ms)`` in ``tz``."""
        length = max(end_ms - start_ms, 1)
        hours = next((h for h in NICE_HOURS if h * HOUR_MS * MAX_BINS >= length), None)
        if hours is None:
            hours = 24 * -(-length // (DAY_MS * MAX_BINS))
        local = datetime.fromtimestamp(start_ms / 1000, tz)
        floor = local.replace(minute=0, second=0, microsecond=0)
        floor -= timedelta(hours=floor.hour % hours if hours <= 24 else floor.hour)
        first = int(floor.timestamp() * 1000)
        size = hours * HOUR_MS
        count = max(1, -(-(end_ms - first) // size))
        # The first bin can start up to one bin before the period; never more bins than the cap
        # plus that one.
        return cls(first, size, min(count, MAX_BINS + 1))

    def index(self, time_ms: int) -> int | None:
        """The bin of ``time_ms``, or None when it falls outside every bin."""
        offset = time_ms - self.start_ms
        if offset < 0:
            return None
        position = offset // self.size_ms
        return position if position < self.count else None

    def starts(self) -> list[int]:
        """Each bin's start, epoch ms."""
        return [self.start_ms + i * self.size_ms for i in range(self.count)]

    @property
    def minutes(self) -> int:
        return self.size_ms // 60_000
