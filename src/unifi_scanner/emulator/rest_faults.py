"""HTTP-level faults in force: a restart in progress, slow answers, injected 5xx.

`RestFaults` holds what the fault actions switched on and the aiohttp middleware that applies
it to every request except the control endpoints (`/__emulator__/…`), which keep answering so
that a test can always see and clear what it set up:

1. during a restart every request answers the restart status (502 from the console's nginx,
   or 503) at once;
2. slow responses wait `delay` seconds before the request is handled;
3. REST errors answer their status instead of handling the request, for the next `count`
   requests or until `seconds` have passed.

Slow responses and errors can be limited to paths containing `path`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Middleware

from unifi_scanner.emulator.responses import server_error

CONTROL_PREFIX = "/__emulator__/"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class _Slow:
    delay: float
    until: float | None
    path: str | None


@dataclass
class _Errors:
    status: int
    remaining: int | None
    until: float | None
    path: str | None


class RestFaults:
    """The HTTP faults currently in force."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._restart_until = 0.0
        self._restart_status = 502
        self._slow: _Slow | None = None
        self._errors: _Errors | None = None

    def restart(self, seconds: float, status: int) -> None:
        """Answer `status` to everything for `seconds`."""
        self._restart_until = self._clock() + seconds
        self._restart_status = status

    @property
    def restarting(self) -> bool:
        """Whether a restart is in progress."""
        return self._clock() < self._restart_until

    def slow_down(self, delay: float, seconds: float | None, path: str | None) -> None:
        """Delay answers by `delay` seconds (for `seconds`, else until cleared)."""
        until = None if seconds is None else self._clock() + seconds
        self._slow = _Slow(delay, until, path)

    def fail(self, status: int, count: int | None, seconds: float | None, path: str | None) -> None:
        """Answer `status` for `count` requests or `seconds` (one request if neither is given)."""
        remaining = count if count is not None or seconds is not None else 1
        until = None if seconds is None else self._clock() + seconds
        self._errors = _Errors(status, remaining, until, path)

    def clear(self) -> None:
        """End every HTTP fault, a restart included."""
        self._restart_until = 0.0
        self._slow = None
        self._errors = None

    def _live_slow(self) -> _Slow | None:
        if (
            self._slow is not None
            and self._slow.until is not None
            and self._clock() >= self._slow.until
        ):
            self._slow = None
        return self._slow

    def _live_errors(self) -> _Errors | None:
        errors = self._errors
        if errors is not None and (
            (errors.until is not None and self._clock() >= errors.until) or errors.remaining == 0
        ):
            self._errors = None
        return self._errors

    def active(self) -> list[dict[str, Any]]:
        """What is in force, for `GET /__emulator__/faults`."""
        now = self._clock()
        result: list[dict[str, Any]] = []
        if self.restarting:
            result.append(
                {
                    "fault": "restart",
                    "status": self._restart_status,
                    "seconds_left": round(self._restart_until - now, 3),
                }
            )
        if (slow := self._live_slow()) is not None:
            result.append({"fault": "slow-responses", "delay": slow.delay, "path": slow.path})
        if (errors := self._live_errors()) is not None:
            entry = {"fault": "rest-errors", "status": errors.status, "path": errors.path}
            result.append(entry | {"remaining": errors.remaining})
        return result

    def middleware(self) -> Middleware:
        """The aiohttp middleware applying the faults in force."""

        @web.middleware
        async def apply(request: web.Request, handler: Handler) -> web.StreamResponse:
            if request.path.startswith(CONTROL_PREFIX):
                return await handler(request)
            if self.restarting:
                return server_error(self._restart_status)
            slow = self._live_slow()
            if slow is not None and (slow.path is None or slow.path in request.path):
                await asyncio.sleep(slow.delay)
            errors = self._live_errors()
            if errors is not None and (errors.path is None or errors.path in request.path):
                if errors.remaining is not None:
                    errors.remaining -= 1
                return server_error(errors.status)
            return await handler(request)

        return apply
