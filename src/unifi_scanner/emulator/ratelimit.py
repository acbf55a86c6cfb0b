"""The login rate limit: too many logins from one peer within a window answer 429.

UniFi OS throttles failed logins and successful ones alike ("reuse the session, never log in
per request"). For each peer the limiter keeps the times of recent failed and successful
logins; once either count within `window_s` reaches its limit, further logins are refused
until the oldest of them leaves the window, and `Retry-After` says how long that is. Refused
(429) attempts do not count, so a client that waits as told gets back in.

The `refuse-logins` fault refuses every login for a while regardless of counts.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable


class LoginLimiter:
    """Sliding-window counts of failed and successful logins per peer."""

    def __init__(
        self,
        *,
        failures: int | None,
        successes: int | None,
        window_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._limits = {False: failures, True: successes}
        self._window_s = window_s
        self._clock = clock
        self._attempts: dict[tuple[str, bool], deque[float]] = {}
        self._refused_until = 0.0

    def _recent(self, peer: str, success: bool, now: float) -> deque[float]:
        times = self._attempts.setdefault((peer, success), deque())
        while times and times[0] <= now - self._window_s:
            times.popleft()
        return times

    def retry_after(self, peer: str) -> int | None:
        """Whole seconds `peer` must wait before logging in again, or None if it may now."""
        now = self._clock()
        waits = [self._refused_until - now] if self._refused_until > now else []
        for success, limit in self._limits.items():
            times = self._recent(peer, success, now)
            if limit is not None and len(times) >= limit:
                waits.append(times[len(times) - limit] + self._window_s - now)
        return max(1, math.ceil(max(waits))) if waits else None

    def record(self, peer: str, *, success: bool) -> None:
        """Count a login that was answered (not one refused with 429)."""
        self._recent(peer, success, self._clock()).append(self._clock())

    def refuse_for(self, seconds: float) -> None:
        """Refuse every login for `seconds` (the `refuse-logins` fault)."""
        self._refused_until = self._clock() + seconds

    def refusal_left(self) -> float | None:
        """Seconds left of a `refuse_for`, or None when none is in force."""
        left = self._refused_until - self._clock()
        return left if left > 0 else None

    def clear_refusal(self) -> None:
        """End a `refuse_for` early."""
        self._refused_until = 0.0
