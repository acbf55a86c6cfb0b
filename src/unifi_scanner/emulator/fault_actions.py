"""Carrying out faults (`faults.FaultSpec`) on a running emulator, now or on schedule.

`FaultActions.inject` is the one place a fault happens, whoever asked: the control API, the
Python API (`Emulator.inject_fault`) or the scenario clock (`FaultSchedule`). Each injection
is logged with its wall time and scenario offset, and answers a small JSON summary:

| fault | summary |
|---|---|
| drop-websockets | `dropped`: sockets cut (clients see 1006) |
| close-websockets | `closed`: sockets sent a close frame with `code` |
| silence-websockets | `silenced` |
| malformed-frame, empty-frame, unknown-message | `sent`: sockets the frame went to |
| oversize-frame | `sent`, `bytes` (size of the largest frame sent) |
| expire-sessions | `expired` sessions, `closed` sockets (1008) |
| refuse-logins | `seconds` |
| restart | `dropped` sockets, `connections` cut, `expired` sessions, `status`, `seconds` |
| slow-responses, rest-errors, clear | the parameters in force |
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from aiohttp import web

from unifi_scanner.emulator.client_records import client_records
from unifi_scanner.emulator.context import ServerContext
from unifi_scanner.emulator.device_records import device_records
from unifi_scanner.emulator.faults import CATALOGUE, FaultSpec, ScheduledFault
from unifi_scanner.emulator.frames import MALFORMED_FRAME, frame

Transports = Callable[[], list[asyncio.Transport]]


class FaultActions:
    """Injects faults into one emulator; `transports` lists its open HTTP connections."""

    def __init__(self, ctx: ServerContext, transports: Transports) -> None:
        self._ctx = ctx
        self._transports = transports
        self.history: list[dict[str, Any]] = []

    async def inject(
        self, spec: FaultSpec, request: web.Request | None = None, *, scheduled: bool = False
    ) -> dict[str, Any]:
        """Carry out `spec`; return `{"fault": …, **params, **summary}` (also logged)."""
        summary = self._run(spec, request)
        clock = self._ctx.playback.clock
        result = spec.as_dict() | summary
        self.history.append(
            result
            | {
                "at_ms": int(time.time() * 1000),
                "offset_ms": clock.offset_ms() if clock.started else None,
                "scheduled": scheduled,
            }
        )
        return result

    def _run(self, spec: FaultSpec, request: web.Request | None) -> dict[str, Any]:
        ctx, hub = self._ctx, self._ctx.hub
        site = spec.text("site")
        match spec.name:
            case "drop-websockets":
                return {"dropped": hub.drop(site)}
            case "close-websockets":
                code = spec.integer("code") or 1000
                return {"closed": hub.close(code, spec.text("reason") or "", site)}
            case "silence-websockets":
                return {"silenced": hub.silence(site)}
            case "malformed-frame":
                return {"sent": hub.send_raw(MALFORMED_FRAME, site)}
            case "empty-frame":
                return {"sent": hub.send_raw("", site)}
            case "unknown-message":
                text = frame(spec.text("message") or "", [{"time": ctx.playback.clock.now_ms()}])
                return {"sent": hub.send_raw(text, site)}
            case "oversize-frame":
                return self._oversize(spec.integer("size") or 1, site)
            case "expire-sessions":
                ended = ctx.sessions.expire_all()
                return {"expired": len(ended), "closed": hub.close_sessions(ended, 1008)}
            case "refuse-logins":
                ctx.limiter.refuse_for(spec.number("seconds") or 0.0)
            case "restart":
                return self._restart(spec, request)
            case "slow-responses":
                delay = spec.number("delay") or 0.0
                ctx.rest_faults.slow_down(delay, spec.number("seconds"), spec.text("path"))
            case "rest-errors":
                ctx.rest_faults.fail(
                    spec.integer("status") or 500,
                    spec.integer("count"),
                    spec.number("seconds"),
                    spec.text("path"),
                )
            case "clear":
                ctx.rest_faults.clear()
                ctx.limiter.clear_refusal()
            case _:  # pragma: no cover - every catalogue entry has a case
                raise AssertionError(f"fault {spec.name!r} has no action")
        return {}

    def _oversize(self, size: int, site: str | None) -> dict[str, Any]:
        """A valid `sta:sync` (or `device:sync`) of the site's real records, repeated to size."""
        ctx = self._ctx
        sent, largest = 0, 0
        for name in [site] if site is not None else sorted(ctx.hub.sites()):
            if ctx.inventory.site(name) is None:
                continue
            view = ctx.view(name)
            records = client_records(ctx.inventory, view.history, name, view.at, view=view)
            message = "sta:sync"
            if not records:
                records = device_records(ctx.inventory, view.history, name, view.at, view=view)
                message = "device:sync"
            unit = max(1, len(frame(message, records)))
            text = frame(message, records * (size // unit + 1))
            largest = max(largest, len(text))
            sent += ctx.hub.send_raw(text, name)
        return {"sent": sent, "bytes": largest}

    def _restart(self, spec: FaultSpec, request: web.Request | None) -> dict[str, Any]:
        ctx = self._ctx
        status = spec.integer("status") or (503 if ctx.classic else 502)
        seconds = spec.number("seconds") or 0.0
        ctx.rest_faults.restart(seconds, status)
        ended = ctx.sessions.expire_all()
        dropped = ctx.hub.drop()
        keep = request.transport if request is not None else None
        cut = 0
        for transport in self._transports():
            if transport is not keep and not transport.is_closing():
                transport.abort()
                cut += 1
        return {"status": status, "dropped": dropped, "connections": cut, "expired": len(ended)}

    def status(self, pending: list[ScheduledFault]) -> dict[str, Any]:
        """The control API's `GET /__emulator__/faults` document."""
        ctx = self._ctx
        active = ctx.rest_faults.active()
        refusal = ctx.limiter.refusal_left()
        if refusal is not None:
            active.append({"fault": "refuse-logins", "seconds_left": round(refusal, 3)})
        return {
            "catalogue": {
                kind.name: {
                    "summary": kind.summary,
                    "params": {
                        p.name: {k: v for k, v in asdict(p).items() if k not in ("name", "kind")}
                        | {"type": p.kind.__name__}
                        for p in kind.params
                    },
                }
                for kind in CATALOGUE.values()
            },
            "active": active,
            "scheduled": [scheduled.as_dict() for scheduled in pending],
            "history": list(self.history),
        }


class FaultSchedule:
    """Fires scheduled faults when the scenario clock reaches them (in time order)."""

    def __init__(
        self, actions: FaultActions, ctx: ServerContext, faults: list[ScheduledFault]
    ) -> None:
        self._actions = actions
        self._clock = ctx.playback.clock
        self.pending = sorted(faults, key=lambda scheduled: scheduled.at_s)

    async def run(self) -> None:
        """Wait for each fault's moment and inject it (cancel to stop)."""
        while self.pending:
            offset_ms = round(self.pending[0].at_s * 1000)
            if not self._clock.started:
                await asyncio.sleep(0.05)
                continue
            wait = self._clock.wall_seconds_until(offset_ms)
            if wait > 0:
                await asyncio.sleep(min(wait, 0.25))
                continue
            scheduled = self.pending.pop(0)
            await self._actions.inject(scheduled.fault, scheduled=True)
