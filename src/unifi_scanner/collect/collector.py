"""Collecting one site: the event WebSocket plus inventory snapshots, into a sink.

The socket is the real-time source on every Network version (and the only source of WiFi
events on 10.x). Inventory — devices and clients with their names — comes from REST at start
and from ``device:sync`` / ``sta:sync`` frames afterwards, so reports can say
"Kitchen AP" instead of a MAC address.
"""

from __future__ import annotations

from unifi_scanner.collect.router import FrameRouter, FrameStats
from unifi_scanner.collect.sink import EventSink
from unifi_scanner.controller.rest import NetworkApi
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
    ) -> None:
        self.api = api
        self.site = site
        self.sink = sink
        self.controller = controller
        self.router = FrameRouter(sink, controller=controller, site=site)
        self.stream = EventStream(
            api.session,
            site,
            on_frame=self.router.handle_frame,
            on_gap=self._handle_gap,
            compression=compression,
            silence_timeout=silence_timeout,
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

    async def run(self) -> None:
        """Snapshot the inventory, then follow the event socket until cancelled."""
        await self.snapshot_inventory()
        await self.stream.run()

    def _handle_gap(self, gap: Gap) -> None:
        log.info(
            "websocket gap recorded",
            site=self.site,
            seconds=round((gap.end_ms - gap.start_ms) / 1000, 1),
        )
        self.sink.add_gap(self.controller, gap)
