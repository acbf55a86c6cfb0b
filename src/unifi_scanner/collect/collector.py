"""Collecting one site: the event WebSocket plus inventory snapshots, into a sink.

The socket is the real-time source on every Network version (and the only source of WiFi
events on 10.x). Inventory — devices and clients with their names — comes from REST at start
and from ``device:sync`` / ``sta:sync`` frames afterwards, so reports can say
"Kitchen AP" instead of a MAC address.
"""

from __future__ import annotations

import asyncio
import contextlib

from unifi_scanner.collect.backfill import Backfiller, Window
from unifi_scanner.collect.poller import RestPoller
from unifi_scanner.collect.router import FrameRouter, FrameStats
from unifi_scanner.collect.sink import EventSink
from unifi_scanner.collect.ssh_source import SshFallback, SshOptions
from unifi_scanner.collect.status import ACTIVE, DOWN, SourceStatus
from unifi_scanner.controller.rest import NetworkApi
from unifi_scanner.controller.versions import EventSources
from unifi_scanner.controller.websocket import EventStream, Gap, now_ms
from unifi_scanner.log import get_logger

log = get_logger(__name__)


class SiteCollector:
    """Follows one site of one controller and hands everything to ``sink``."""

    def __init__(
        self,
        api: NetworkApi,
        site: str,
        sink: EventSink,
        *,
        controller: str,
        compression: bool = True,
        silence_timeout: float | None = 300.0,
        sources: EventSources | None = None,
        backfill_wait: float = 10.0,
        backfill_margin_ms: int = 60_000,
        rest_poll_interval: float = 0.0,
        ssh: SshOptions | None = None,
        resume_from: tuple[int, int] | None = None,
    ) -> None:
        self.api = api
        self.site = site
        self.sink = sink
        self.controller = controller
        self.router = FrameRouter(sink, controller=controller, site=site)
        self.backfiller = (
            Backfiller(api, site, sink, controller=controller, sources=sources)
            if sources is not None
            else None
        )
        self._backfill_wait = backfill_wait
        self._backfill_margin_ms = backfill_margin_ms
        self._backfills: set[asyncio.Task[None]] = set()
        self.status = SourceStatus(site)
        # (controller time, wall time) of the newest event stored before this process started:
        # the time the scanner was not running is a gap like any other, filled the same way.
        self._resume_from = resume_from
        self.stream = EventStream(
            api.session,
            site,
            on_frame=self.router.handle_frame,
            on_gap=self._handle_gap,
            on_state=self._socket_state,
            compression=compression,
            silence_timeout=silence_timeout,
            backpressure=sink.room,
        )
        self.poller = (
            RestPoller(
                self.backfiller,
                sink,
                self.stats,
                self.status,
                socket_up=self.stream.connected.is_set,
                interval=rest_poll_interval,
            )
            if self.backfiller is not None and rest_poll_interval > 0
            else None
        )
        self.ssh = (
            SshFallback(
                ssh.source,
                sink,
                self.status,
                controller=controller,
                others_down=self._others_down,
                fallback_after=ssh.fallback_after,
                flush=ssh.flush,
                load_cursors=ssh.load_cursors,
                save_cursors=ssh.save_cursors,
            )
            if ssh is not None
            else None
        )

    @property
    def stats(self) -> FrameStats:
        return self.router.stats

    async def snapshot_inventory(self) -> None:
        """Read devices and clients over REST (names for the report, health for analysis)."""
        taken = now_ms()
        devices = await self.api.devices(self.site)
        clients = await self.api.clients(self.site)
        self.sink.add_devices(self.controller, self.site, devices, taken)
        self.sink.add_clients(self.controller, self.site, clients, taken)
        log.info("inventory read", site=self.site, devices=len(devices), clients=len(clients))

    async def run(self, *, snapshot: bool = True) -> None:
        """Follow the site until cancelled: the socket, the REST poll, the SSH fallback.

        Ends with an exception only when the socket cannot work at all (refused login or
        certificate); the REST poll and the SSH fallback stopping never ends it.
        """
        if snapshot:
            await self.snapshot_inventory()
        helpers = [
            asyncio.create_task(coroutine, name=f"{name}-{self.site}")
            for name, coroutine in (
                ("rest-poll", self.poller.run() if self.poller else None),
                ("ssh-fallback", self.ssh.run() if self.ssh else None),
            )
            if coroutine is not None
        ]
        for task in helpers:
            task.add_done_callback(self._helper_done)
        try:
            await self.stream.run()
        finally:
            for task in helpers:
                task.cancel()
            await asyncio.gather(*helpers, return_exceptions=True)

    def _helper_done(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            log.error("event source failed", source=task.get_name(), error=repr(task.exception()))

    def _socket_state(self, connected: bool) -> None:
        self.status.set("websocket", ACTIVE if connected else DOWN)
        if connected and self._resume_from is not None:
            last_time_ms, last_received_ms = self._resume_from
            self._resume_from = None
            gap = Gap(self.site, last_received_ms, now_ms())
            log.info(
                "back-filling the time the scanner was not running",
                site=self.site,
                seconds=round((gap.end_ms - gap.start_ms) / 1000, 1),
            )
            self.sink.add_gap(self.controller, gap)
            if self.backfiller is not None:
                self._spawn_backfill(gap, last_time_ms)

    @property
    def backfilling(self) -> bool:
        """Whether a gap is being back-filled right now (a report should wait for it)."""
        return bool(self._backfills)

    def _others_down(self) -> bool:
        socket_down = not self.stream.connected.is_set()
        return socket_down and (self.poller is None or not self.poller.healthy)

    def _handle_gap(self, gap: Gap) -> None:
        log.info(
            "websocket gap recorded",
            site=self.site,
            seconds=round((gap.end_ms - gap.start_ms) / 1000, 1),
        )
        self.sink.add_gap(self.controller, gap)
        if self.backfiller is not None:
            self._spawn_backfill(gap, self.stats.newest_event_ms)

    def _spawn_backfill(self, gap: Gap, last_before_ms: int) -> None:
        task = asyncio.create_task(self._backfill(gap, last_before_ms))
        self._backfills.add(task)
        task.add_done_callback(self._backfills.discard)

    async def _backfill(self, gap: Gap, last_before_ms: int) -> None:
        """Fill ``gap`` once the new socket has shown where the controller's clock stands."""
        assert self.backfiller is not None
        seen = self.stats.events
        waited = 0.0
        while self.stats.events == seen and waited < self._backfill_wait:
            await asyncio.sleep(0.05)
            waited += 0.05
        # Controller time on both sides of the gap; wall time where no event tells it. The
        # window ends at the first event the new socket delivered: everything after it comes
        # over the socket, and asking REST for it too would race the socket.
        start = last_before_ms or gap.start_ms
        end = self.stats.first_event_after(seen) if self.stats.events > seen else now_ms()
        await self.backfiller.fill(gap, Window(start - self._backfill_margin_ms, end))

    async def close(self) -> None:
        """Stop back-fills still in progress (their gaps stay 'pending' in the store)."""
        for task in list(self._backfills):
            task.cancel()
        for task in list(self._backfills):
            with contextlib.suppress(asyncio.CancelledError):
                await task
