"""``unifi-scanner serve``: collect continuously, deliver reports on a schedule, stay observable.

One :class:`ServiceRuntime` owns the store, its writer, the controllers being followed, the
deliverer, the scheduler and the health endpoint. Signals drive it: SIGTERM/SIGINT stop it
(the round in progress gets a short grace period, then everything received is flushed and
the process exits 0); SIGHUP reloads the configuration, rebuilding controller sessions only
when the controller settings changed.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from unifi_scanner.analyze import Inventory
from unifi_scanner.config import ConfigError, Settings, load_settings
from unifi_scanner.controller.models import Event
from unifi_scanner.deliver import Deliverer
from unifi_scanner.deliver.notify import ImmediateNotifier
from unifi_scanner.health import EventCounter, HealthServer
from unifi_scanner.log import get_logger
from unifi_scanner.memory import release_free_memory
from unifi_scanner.reporting import ReportRound
from unifi_scanner.schedule import Schedule, sleep_until
from unifi_scanner.service import Scanner, SiteFollower, open_writer, wall_ms
from unifi_scanner.store import SQLiteStore

log = get_logger(__name__)

STOP_GRACE_S = 20.0
RETRY_EVERY_S = 300.0
TRIM_EVERY_S = 60.0


class ServiceRuntime:
    """Everything ``serve`` runs, and what ``/healthz`` and ``/metrics`` read."""

    def __init__(self, settings: Settings, *, config_file: Path | None = None) -> None:
        self.settings = settings
        self.config_file = config_file
        self.started_ms = wall_ms()
        self.store = SQLiteStore(settings.store)
        self.writer = open_writer(self.store, settings)
        self.events = EventCounter()
        self.writer.taps.append(self.events)
        self.deliverer = Deliverer.from_settings(settings)
        self.round = ReportRound(settings, self.store, self.deliverer)
        self.schedule = Schedule.parse(settings.schedule, settings.timezone)
        self.scanner = Scanner(settings.controller_configs(), self.store, self.writer)
        self.next_report: datetime | None = None
        self.health: HealthServer | None = None
        self.immediate: ImmediateNotifier | None = None
        self._scheduler: asyncio.Task[None] | None = None
        self._retrier: asyncio.Task[None] | None = None
        self._round: asyncio.Task[object] | None = None

    # --- running ---------------------------------------------------------------------------

    async def start(self) -> None:
        self.writer.start()
        self.scanner.start()
        self._start_immediate()
        if self.settings.health_port:
            health = HealthServer(self, self.settings.health_host, self.settings.health_port)
            try:
                await health.start()
                self.health = health
            except OSError as exc:
                # Collection matters more than the endpoint: say it, and go on without it.
                await health.stop()
                log.error(
                    "health endpoint not started: cannot listen "
                    f"on {self.settings.health_host}:{self.settings.health_port} ({exc.strerror}); "
                    "set UNIFI_HEALTH_PORT to a free port (0 turns it off)"
                )
        self._scheduler = asyncio.create_task(self._schedule_loop(), name="scheduler")
        self._retrier = asyncio.create_task(self._retry_loop(), name="delivery-retry")
        log.info(
            "service started",
            controllers=",".join(c.label for c in self.settings.controller_configs()),
            schedule=self.schedule.describe(),
            store=str(self.settings.store),
        )

    async def stop(self) -> None:
        """Let a running round finish (briefly), stop collecting, flush, close."""
        for task in (self._scheduler, self._retrier):
            if task is not None and task is not self._round:
                task.cancel()
        if self._round is not None and not self._round.done():
            log.info("waiting for the report round in progress", seconds=STOP_GRACE_S)
            done, _ = await asyncio.wait({self._round}, timeout=STOP_GRACE_S)
            if not done:
                # Abandoned before its files were written, the cursor did not move: the next
                # start reports the same period again. Nothing is lost or sent twice.
                log.warning("report round abandoned at shutdown; it will run again at start")
                self._round.cancel()
        await asyncio.gather(
            *(t for t in (self._scheduler, self._retrier, self._round) if t is not None),
            return_exceptions=True,
        )
        await self.scanner.stop()
        if self.immediate is not None:
            await self.immediate.aclose()
        await self.writer.close()
        if self.health is not None:
            await self.health.stop()
        self.store.close()
        log.info("service stopped", events=sum(self.events.counts.values()))

    async def run_round(self) -> None:
        """One report round now (after sockets and back-fills settle); errors are logged."""
        self._round = asyncio.create_task(
            self.round.run(settle=self._settle, horizon=self._horizon), name="report"
        )
        try:
            await asyncio.shield(self._round)
        except Exception as exc:  # a round that fails must not end the service
            log.error("report round failed", error=f"{type(exc).__name__}: {exc}")
        release_free_memory()  # the analysis' buffers

    async def reload(self) -> None:
        """SIGHUP: read the configuration again; keep the old one if the new one is bad."""
        try:
            new = load_settings(self.config_file)
            schedule = Schedule.parse(new.schedule, new.timezone)
            deliverer = Deliverer.from_settings(new)
        except ConfigError as exc:
            log.error("configuration not reloaded, keeping the running one", problems=exc.args)
            return
        old = self.settings
        for name in ("store", "health_host", "health_port", "commit_delay_ms", "backlog_max"):
            if getattr(new, name) != getattr(old, name):
                log.warning("setting changed but needs a restart to apply", setting=name)
        self.settings = new
        if new.controller_configs() != old.controller_configs():
            log.info("controller settings changed: reconnecting")
            await self.scanner.stop()
            self.scanner = Scanner(new.controller_configs(), self.store, self.writer)
            self.scanner.start()
        deliverer.counts.update(self.deliverer.counts)
        deliverer.last.update(self.deliverer.last)
        self.deliverer = deliverer
        previous = self.round
        self.round = ReportRound(new, self.store, deliverer)
        self.round.last, self.round.findings = previous.last, previous.findings
        if self.immediate is not None:
            await self.immediate.aclose()
            self.writer.taps.remove(self._tap)
            self.immediate = None
        self._start_immediate()
        self.schedule = schedule
        if self._round is None or self._round.done():
            if self._scheduler is not None:
                self._scheduler.cancel()
            self._scheduler = asyncio.create_task(
                self._schedule_loop(check_missed=False), name="scheduler"
            )
        log.info("configuration reloaded", schedule=schedule.describe())

    # --- internals -------------------------------------------------------------------------

    def _start_immediate(self) -> None:
        store = self.store
        inventory = Inventory(store.devices(), store.clients())
        self.immediate = self.deliverer.immediate_notifier(inventory=inventory)
        if self.immediate is not None:
            self.immediate.start()
            self.writer.taps.append(self._tap)

    def _tap(self, _controller: str, events: Sequence[Event]) -> None:
        if self.immediate is not None:
            for event in events:
                self.immediate.submit(event)

    async def _schedule_loop(self, *, check_missed: bool = True) -> None:
        zone = ZoneInfo(self.settings.timezone)

        def next_after_ms(ms: int) -> int:
            moment = datetime.fromtimestamp(ms / 1000, tz=zone)
            return int(self.schedule.next_after(moment).timestamp() * 1000)

        if check_missed and self.round.missed(next_after_ms):
            # Asleep or stopped over a scheduled time: that report goes out once, now.
            log.info("a scheduled report was missed while not running; sending it now")
            await self.run_round()
        while True:
            self.next_report = self.schedule.next_after(datetime.now(UTC))
            await sleep_until(self.next_report)
            # However many runs the machine slept through, this is one run.
            await self.run_round()

    async def _retry_loop(self) -> None:
        ticks = 0
        while True:
            await asyncio.sleep(TRIM_EVERY_S)
            # Freed buffers stay with the allocator until trimmed: a soak showed RSS halve at
            # a trim and climb between trims; once a minute keeps it level.
            release_free_memory()
            ticks += 1
            if ticks * TRIM_EVERY_S < RETRY_EVERY_S:
                continue
            ticks = 0
            if self.deliverer.pending() and (self._round is None or self._round.done()):
                with contextlib.suppress(Exception):
                    await self.deliverer.retry_pending()

    async def _settle(self) -> None:
        """Before a report: the sockets open (or given up on), gaps back-filled, all committed."""
        deadline = time.monotonic() + self.settings.settle_seconds
        # Polled: the conditions live in several objects, none of which signals.
        while not self._settled() and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.25)
        if not self._settled():
            log.warning("reporting before every site settled (socket or back-fill pending)")
        await self.writer.flush()

    def _horizon(self, controller: str, site: str) -> int | None:
        """The REST poller's cursor where one runs beside the socket: events of REST-only
        kinds before it are in the store; later ones belong to the next report."""
        for follower in self._followers():
            collector = follower.collector
            if follower.session.url != controller or follower.site != site or collector is None:
                continue
            poller = collector.poller
            if poller is not None and poller.healthy and poller.cursor_ms is not None:
                return poller.cursor_ms
        return None

    def _followers(self) -> list[SiteFollower]:
        return [f for c in self.scanner.controllers for f in c.sites.values()]

    def _settled(self) -> bool:
        for controller in self.scanner.controllers:
            if controller.state == "starting":
                return False
            for follower in controller.sites.values():
                collector = follower.collector
                if collector is None or collector.backfilling:
                    return False
                if not collector.stream.connected.is_set() and controller.state == "following":
                    return False
        return True
