"""The scenario clock: maps wall time to scenario time.

Scenario time runs `speed` times faster than wall time from the moment the clock starts, and
stops advancing at the end of the timeline. The absolute start is either the wall-clock moment
the clock started or, with `end_at_now`, that moment shifted back so that the timeline ends
exactly when playback finishes: `start = wall_start + duration / speed - duration`. A 24 h demo
played in 20 s therefore shows events of the last 24 hours, ending "now".

After the end, the absolute "now" keeps moving with the wall clock (at speed 1), so REST
answers stay current (`last_seen`, uptimes) while the network state stays frozen at its final
snapshot.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class ScenarioClock:
    """Wall time → scenario offset (ms since the scenario start) and absolute time (epoch ms)."""

    def __init__(
        self,
        duration_ms: int,
        speed: float,
        *,
        end_at_now: bool,
        wall: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.duration_ms = duration_ms
        self.speed = speed
        self.end_at_now = end_at_now
        self._wall = wall
        self._monotonic = monotonic
        self._started_mono: float | None = None
        self._start_ms: int | None = None

    @property
    def started(self) -> bool:
        """Whether playback has begun."""
        return self._start_ms is not None

    @property
    def start_ms(self) -> int | None:
        """Absolute scenario start (epoch ms), once the clock has started."""
        return self._start_ms

    @property
    def end_ms(self) -> int | None:
        """Absolute scenario end (epoch ms), once the clock has started."""
        return None if self._start_ms is None else self._start_ms + self.duration_ms

    def _start_for(self, wall_s: float) -> int:
        shift_s = self.duration_ms / 1000 / self.speed - self.duration_ms / 1000
        return round((wall_s + (shift_s if self.end_at_now else 0.0)) * 1000)

    def start(self) -> bool:
        """Start playback now; return False if it had already started."""
        if self._start_ms is not None:
            return False
        self._started_mono = self._monotonic()
        self._start_ms = self._start_for(self._wall())
        return True

    def effective_start_ms(self) -> int:
        """The start in force, or the start playback would get if it began now."""
        return self._start_ms if self._start_ms is not None else self._start_for(self._wall())

    def _elapsed_scenario_ms(self) -> float:
        if self._started_mono is None:
            return 0.0
        return (self._monotonic() - self._started_mono) * self.speed * 1000

    def offset_ms(self) -> int:
        """Current scenario offset: 0 before the start, `duration_ms` after the end."""
        return min(int(self._elapsed_scenario_ms()), self.duration_ms)

    def finished(self) -> bool:
        """Whether the whole timeline has been played."""
        return self.started and self._elapsed_scenario_ms() >= self.duration_ms

    def now_ms(self) -> int:
        """Absolute scenario time now (epoch ms); follows the wall clock after the end."""
        start = self.effective_start_ms()
        elapsed = self._elapsed_scenario_ms()
        if elapsed <= self.duration_ms or self._started_mono is None:
            return start + int(elapsed)
        overrun_s = (elapsed - self.duration_ms) / 1000 / self.speed
        return start + self.duration_ms + int(overrun_s * 1000)

    def wall_seconds_until(self, offset_ms: int) -> float:
        """Wall seconds until the scenario reaches `offset_ms` (0 if already there)."""
        return max(0.0, (offset_ms - self._elapsed_scenario_ms()) / 1000 / self.speed)
