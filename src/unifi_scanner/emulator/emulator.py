"""`Emulator`: a UniFi controller (UniFi OS console or classic) served over real sockets.

Start-up builds the scenario timeline from the seed, generates a fresh self-signed
certificate, binds the aiohttp application and starts three tasks: the push loop (events,
syncs, device updates), the fault schedule and the session reaper (sockets of sessions that
ended are closed with 1008). The scenario clock starts then, or with `wait_for_client` when the
first event WebSocket connects. `stop()` closes every socket, stops the server and deletes the
certificate files.

Usage::

    async with Emulator(EmulatorConfig(scenario="demo", speed=4320.0)) as emu:
        ctx = ssl.create_default_context(cafile=emu.ca_file)
        ...  # talk to emu.url
        await emu.inject_fault("close-websockets", code=1011)
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import functools
import logging
import time
import uuid
from pathlib import Path
from types import TracebackType
from typing import Any

from aiohttp import web

from unifi_scanner.emulator.app import build_app
from unifi_scanner.emulator.auth import Account, LoginAttempts, SessionManager
from unifi_scanner.emulator.clock import ScenarioClock
from unifi_scanner.emulator.config import EmulatorConfig
from unifi_scanner.emulator.context import ServerContext
from unifi_scanner.emulator.control import control_routes
from unifi_scanner.emulator.fault_actions import FaultActions, FaultSchedule
from unifi_scanner.emulator.faults import FaultSpec
from unifi_scanner.emulator.feeds import SiteFeeds
from unifi_scanner.emulator.frames import FrameShaper
from unifi_scanner.emulator.listener import Listener
from unifi_scanner.emulator.playback import Playback
from unifi_scanner.emulator.ratelimit import LoginLimiter
from unifi_scanner.emulator.rest_faults import RestFaults
from unifi_scanner.emulator.scenarios import SCENARIOS
from unifi_scanner.emulator.timeline import Timeline
from unifi_scanner.emulator.versions import features_for
from unifi_scanner.emulator.websocket import EventHub, SentRecord

log = logging.getLogger(__name__)

_REAP_INTERVAL_S = 0.25


@functools.lru_cache(maxsize=32)
def _timeline(scenario: str, seed: int, duration_s: float | None) -> Timeline:
    """Timelines are pure functions of their inputs and immutable: share them between runs."""
    return SCENARIOS[scenario].timeline(seed, duration_s)


class Emulator:
    """An emulated UniFi controller; see the module docstring."""

    def __init__(self, config: EmulatorConfig | None = None) -> None:
        self.config = config or EmulatorConfig()
        self._features = features_for(self.config.network_version)
        self._ctx: ServerContext | None = None
        self._actions: FaultActions | None = None
        self._schedule: FaultSchedule | None = None
        self._listener: Listener | None = None
        self._tasks: list[asyncio.Task[None]] = []

    # -- lifecycle --------------------------------------------------------------------------

    async def __aenter__(self) -> Emulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        """Build the timeline, bind the server and begin pushing."""
        if self._listener is not None:
            raise RuntimeError("emulator already started")
        config = self.config
        timeline = await asyncio.to_thread(_timeline, config.scenario, config.seed, config.duration)
        clock = ScenarioClock(timeline.duration_ms, config.speed, end_at_now=config.end_at_now)
        playback = Playback(timeline, clock)
        hub = EventHub(
            playback,
            SiteFeeds(playback, FrameShaper(config.variants.data_first_share)),
            push_interval=config.push_interval,
            sync_interval=config.sync_interval,
            update_interval=config.device_update_interval,
            compression=config.websocket_compression,
            on_subscribe=self._start_clock,
        )
        ctx = ServerContext(
            config=config,
            account=Account(config.username, config.password, totp_secret=config.totp_secret),
            sessions=SessionManager(config.session_lifetime),
            limiter=LoginLimiter(
                failures=config.login_failure_limit,
                successes=config.login_success_limit,
                window_s=config.login_window,
            ),
            playback=playback,
            hub=hub,
            features=self._features,
            rest_faults=RestFaults(),
            console_id=str(uuid.uuid4()),
            created_s=int(time.time()) - 180 * 86_400,
        )
        self._ctx = ctx
        listener = Listener(config.host, config.port, plain_http=config.plain_http)
        self._listener = listener
        self._actions = FaultActions(ctx, listener.transports)
        scheduled = [
            fault
            for fault in (*SCENARIOS[config.scenario].faults, *config.faults)
            if fault.at_s * 1000 < timeline.duration_ms
        ]
        self._schedule = FaultSchedule(self._actions, ctx, scheduled)
        control = control_routes(
            sent=lambda: list(hub.sent),
            served=lambda: list(ctx.served),
            inject=self._inject,
            status=self._fault_status,
        )
        try:
            await listener.start(build_app(ctx, control))
        except BaseException:
            await self.stop()
            raise
        self._tasks = [
            asyncio.create_task(hub.run(), name="emulator-push"),
            asyncio.create_task(self._schedule.run(), name="emulator-faults"),
            asyncio.create_task(self._reap(), name="emulator-sessions"),
        ]
        if not config.wait_for_client:
            self._start_clock()
        log.info("emulator listening on %s (scenario %s)", listener.url, config.scenario)

    async def stop(self) -> None:
        """Close every socket, stop the server and remove the certificate files (idempotent)."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        if self._ctx is not None:
            await self._ctx.hub.close_all()
        if self._listener is not None:
            await self._listener.stop()

    def _start_clock(self) -> None:
        if self._context.playback.clock.start():
            log.info("scenario clock started at %s", self.scenario_start_ms)

    async def _reap(self) -> None:
        """Close (1008) the sockets of sessions that expired."""
        ctx = self._context
        while True:
            ended = ctx.sessions.reap()
            if ended:
                ctx.hub.close_sessions(ended, 1008, "session expired")
            await asyncio.sleep(_REAP_INTERVAL_S)

    # -- faults -----------------------------------------------------------------------------

    async def _inject(self, spec: FaultSpec, request: web.Request | None) -> dict[str, Any]:
        assert self._actions is not None
        return await self._actions.inject(spec, request)

    def _fault_status(self) -> dict[str, Any]:
        assert self._actions is not None
        assert self._schedule is not None
        return self._actions.status(self._schedule.pending)

    async def inject_fault(self, fault: str, **params: Any) -> dict[str, Any]:
        """Inject fault `fault` now (see `faults.CATALOGUE`); ValueError if it is not valid."""
        self._context  # noqa: B018 - raises if not started
        return await self._inject(FaultSpec.of(fault, **params), None)

    async def drop_websockets(self) -> int:
        """Abruptly drop every open event WebSocket (no close frame: clients see 1006)."""
        return int((await self.inject_fault("drop-websockets"))["dropped"])

    async def close_websockets(self, code: int, reason: str = "") -> int:
        """Close every open event WebSocket with `code`; return how many."""
        return int(
            (await self.inject_fault("close-websockets", code=code, reason=reason))["closed"]
        )

    async def expire_sessions(self) -> int:
        """End every session now (REST answers 401, sockets close 1008); return how many."""
        return int((await self.inject_fault("expire-sessions"))["expired"])

    async def restart(self, seconds: float = 5.0, status: int | None = None) -> dict[str, Any]:
        """Restart the controller: connections drop, HTTP answers 502/503 for `seconds`."""
        return await self.inject_fault("restart", seconds=seconds, status=status)

    @property
    def faults_injected(self) -> list[dict[str, Any]]:
        """Every fault injected so far (on demand or scheduled), oldest first."""
        assert self._actions is not None, "emulator not started"
        return list(self._actions.history)

    # -- observation ------------------------------------------------------------------------

    @property
    def _context(self) -> ServerContext:
        if self._ctx is None:
            raise RuntimeError("emulator not started")
        return self._ctx

    @property
    def _bound(self) -> Listener:
        if self._listener is None or self._listener.url is None:
            raise RuntimeError("emulator not started")
        return self._listener

    @property
    def url(self) -> str:
        """Base URL, e.g. `https://127.0.0.1:54321`."""
        url = self._bound.url
        assert url is not None
        return url

    @property
    def port(self) -> int:
        """The bound TCP port."""
        return self._bound.port

    @property
    def ca_file(self) -> Path:
        """PEM file of the self-signed certificate, usable as `cafile` (removed on stop)."""
        return self._bound.ca_file

    @property
    def certificate_fingerprint(self) -> str:
        """Lower-case hex SHA-256 of the certificate's DER encoding."""
        return self._bound.fingerprint

    @property
    def sent(self) -> list[SentRecord]:
        """Every event pushed over a WebSocket (first send only), in order."""
        return [SentRecord(**record) for record in self._context.hub.sent]

    @property
    def served(self) -> list[dict[str, Any]]:
        """Every event handed out over REST: `{"id", "_id", "key", "site", "time", "source",
        "served_at"}`, first time per id and source, in order (`id` is what the client saw)."""
        return [dict(record) for record in self._context.served]

    @property
    def login_attempts(self) -> LoginAttempts:
        """Logins answered so far: `{"success": n, "failure": m}` (a snapshot)."""
        ctx = self._context
        return LoginAttempts(success=ctx.logins_succeeded, failure=ctx.logins_failed)

    @property
    def live_sessions(self) -> int:
        """Sessions not ended yet (logged in, not logged out, expired or restarted away)."""
        return self._context.sessions.live

    @property
    def scenario_start_ms(self) -> int | None:
        """Absolute scenario start (epoch ms); None until the clock starts."""
        return self._context.playback.clock.start_ms

    @property
    def scenario_end_ms(self) -> int | None:
        """Absolute scenario end (epoch ms); None until the clock starts."""
        return self._context.playback.clock.end_ms

    @property
    def events_total(self) -> int:
        """Number of events in the timeline."""
        return self._context.playback.size

    @property
    def events(self) -> list[dict[str, Any]]:
        """Every event document of the timeline (copies), once the clock has started."""
        playback = self._context.playback
        return [copy.deepcopy(playback.document(index)) for index in range(playback.size)]

    @property
    def open_websockets(self) -> int:
        """Event WebSockets currently open."""
        return self._context.hub.open_sockets

    async def wait_finished(self) -> None:
        """Return once every event has been pushed (or its time has passed) and written."""
        hub = self._context.hub
        await hub.finished.wait()
        await hub.wait_drained()

    def __repr__(self) -> str:
        url = self._listener.url if self._listener is not None else None
        return f"Emulator({self.config!r}, url={url!r})"
