"""`Emulator`: a UniFi OS console running UniFi Network, served over real sockets.

Start-up builds the scenario timeline from the seed, generates a fresh self-signed
certificate, binds the aiohttp application and starts the push task. The scenario clock starts
then, or with `wait_for_client` when the first event WebSocket connects. `stop()` closes every
socket, stops the server and deletes the certificate files.

Usage::

    async with Emulator(EmulatorConfig(scenario="demo", speed=4320.0)) as emu:
        ctx = ssl.create_default_context(cafile=emu.ca_file)
        ...  # talk to emu.url
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import functools
import ipaddress
import logging
import shutil
import tempfile
import time
import uuid
from pathlib import Path
from types import TracebackType
from typing import Any

from aiohttp import web

from unifi_scanner.emulator.auth import Account, LoginAttempts, SessionManager
from unifi_scanner.emulator.clock import ScenarioClock
from unifi_scanner.emulator.config import EmulatorConfig
from unifi_scanner.emulator.control import Fault, add_control_routes
from unifi_scanner.emulator.playback import Playback
from unifi_scanner.emulator.scenarios import SCENARIOS
from unifi_scanner.emulator.server import ServerContext, build_app, sync_frames_for
from unifi_scanner.emulator.timeline import Timeline
from unifi_scanner.emulator.tls import (
    DEFAULT_NAMES,
    generate_certificate,
    server_context,
    write_files,
)
from unifi_scanner.emulator.versions import features_for
from unifi_scanner.emulator.websocket import EventHub, SentRecord

log = logging.getLogger(__name__)

_SHUTDOWN_TIMEOUT_S = 2.0
_WILDCARD_HOSTS = {"", "0.0.0.0", "::"}  # noqa: S104 - names to leave out of the certificate


@functools.lru_cache(maxsize=8)
def _timeline(scenario: str, seed: int, duration_s: float | None) -> Timeline:
    """Timelines are pure functions of their inputs and immutable: share them between runs."""
    return SCENARIOS[scenario].timeline(seed, duration_s)


class Emulator:
    """An emulated UniFi OS console; see the module docstring."""

    def __init__(self, config: EmulatorConfig | None = None) -> None:
        self.config = config or EmulatorConfig()
        self._features = features_for(self.config.network_version)
        self._ctx: ServerContext | None = None
        self._runner: web.AppRunner | None = None
        self._push_task: asyncio.Task[None] | None = None
        self._directory: Path | None = None
        self._ca_file: Path | None = None
        self._fingerprint: str | None = None
        self._url: str | None = None

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
        if self._runner is not None:
            raise RuntimeError("emulator already started")
        config = self.config
        timeline = await asyncio.to_thread(_timeline, config.scenario, config.seed, config.duration)
        clock = ScenarioClock(timeline.duration_ms, config.speed, end_at_now=config.end_at_now)
        playback = Playback(timeline, clock)
        hub = EventHub(
            playback,
            push_interval=config.push_interval,
            sync_interval=config.sync_interval,
            sync_frames=sync_frames_for(playback),
            on_subscribe=self._start_clock,
        )
        self._ctx = ServerContext(
            account=Account(config.username, config.password),
            sessions=SessionManager(config.session_lifetime),
            playback=playback,
            hub=hub,
            features=self._features,
            secure_cookies=not config.plain_http,
            console_id=str(uuid.uuid4()),
            created_s=int(time.time()) - 180 * 86_400,
        )
        app = build_app(self._ctx)
        add_control_routes(app, sent=lambda: list(hub.sent), faults=self._faults())
        self._directory = Path(tempfile.mkdtemp(prefix="unifi-emulator-"))
        try:
            names = list(DEFAULT_NAMES)
            if config.host not in _WILDCARD_HOSTS:
                names.append(config.host)
            certificate = generate_certificate(names)
            self._ca_file, server_file = write_files(certificate, self._directory)
            self._fingerprint = certificate.fingerprint_sha256
            tls = None if config.plain_http else server_context(server_file)
            self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=_SHUTDOWN_TIMEOUT_S)
            await self._runner.setup()
            site = web.TCPSite(self._runner, config.host, config.port, ssl_context=tls)
            await site.start()
        except BaseException:
            await self.stop()
            raise
        port = self._bound_port()
        scheme = "http" if config.plain_http else "https"
        self._url = f"{scheme}://{_url_host(config.host)}:{port}"
        self._push_task = asyncio.create_task(hub.run(), name="emulator-push")
        if not config.wait_for_client:
            self._start_clock()
        log.info("emulator listening on %s (scenario %s)", self._url, config.scenario)

    async def stop(self) -> None:
        """Close every socket, stop the server and remove the certificate files (idempotent)."""
        if self._push_task is not None:
            self._push_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._push_task
            self._push_task = None
        if self._ctx is not None:
            await self._ctx.hub.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._directory is not None:
            shutil.rmtree(self._directory, ignore_errors=True)
            self._directory = None

    def _bound_port(self) -> int:
        assert self._runner is not None
        address = self._runner.addresses[0]
        return int(address[1])

    def _start_clock(self) -> None:
        if self._context.playback.clock.start():
            log.info("scenario clock started at %s", self.scenario_start_ms)

    # -- faults -----------------------------------------------------------------------------

    def _faults(self) -> dict[str, Fault]:
        """Fault name → coroutine; the dispatch table behind `POST /__emulator__/faults`."""

        async def drop_websockets() -> dict[str, Any]:
            return {"dropped": await self.drop_websockets()}

        return {"drop-websockets": drop_websockets}

    async def drop_websockets(self) -> int:
        """Abruptly drop every open event WebSocket (no close frame: clients see 1006)."""
        return self._context.hub.drop_all()

    # -- observation ------------------------------------------------------------------------

    @property
    def _context(self) -> ServerContext:
        if self._ctx is None:
            raise RuntimeError("emulator not started")
        return self._ctx

    @property
    def url(self) -> str:
        """Base URL, e.g. `https://127.0.0.1:54321`."""
        if self._url is None:
            raise RuntimeError("emulator not started")
        return self._url

    @property
    def port(self) -> int:
        """The bound TCP port."""
        return self._bound_port()

    @property
    def ca_file(self) -> Path:
        """PEM file of the self-signed certificate, usable as `cafile` (removed on stop)."""
        if self._ca_file is None:
            raise RuntimeError("emulator not started")
        return self._ca_file

    @property
    def certificate_fingerprint(self) -> str:
        """Lower-case hex SHA-256 of the certificate's DER encoding."""
        if self._fingerprint is None:
            raise RuntimeError("emulator not started")
        return self._fingerprint

    @property
    def sent(self) -> list[SentRecord]:
        """Every event pushed over a WebSocket (first send only), in order."""
        return [SentRecord(**record) for record in self._context.hub.sent]

    @property
    def login_attempts(self) -> LoginAttempts:
        """Logins answered so far: `{"success": n, "failure": m}` (a snapshot)."""
        ctx = self._context
        return LoginAttempts(success=ctx.logins_succeeded, failure=ctx.logins_failed)

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
        return f"Emulator({self.config!r}, url={self._url!r})"


def _url_host(host: str) -> str:
    """How `host` appears in a URL: wildcards become loopback, IPv6 gets brackets."""
    if host in ("", "0.0.0.0"):  # noqa: S104 - mapping a wildcard bind address, not binding
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    try:
        is_v6 = isinstance(ipaddress.ip_address(host), ipaddress.IPv6Address)
    except ValueError:
        return host
    return f"[{host}]" if is_v6 else host
