"""Wiring the stages together: controller → collect → store → analyze → report → deliver.

:class:`SiteFollower` keeps one site's collector running into the store; :func:`report_site`
turns what the store holds for a period into report files. The CLI commands (``collect``,
``report``, ``demo``, ``replay``) and, later, the scheduled service are built from these.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from unifi_scanner.analyze import Inventory, analyze
from unifi_scanner.collect import SiteCollector
from unifi_scanner.controller import ControllerSession, NetworkApi
from unifi_scanner.deliver import write_reports
from unifi_scanner.log import get_logger
from unifi_scanner.report import (
    ControllerInfo,
    build_report,
    render_html,
    render_json,
    render_text,
)
from unifi_scanner.store import BatchWriter, SQLiteStore

log = get_logger(__name__)

REPORT_FILES = ("report.json", "report.html", "report.txt")


def wall_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass(slots=True)
class SiteFollower:
    """One site of one controller followed into the store until :meth:`stop`."""

    session: ControllerSession
    site: str
    writer: BatchWriter
    store: SQLiteStore
    info: ControllerInfo | None = None
    collector: SiteCollector | None = None
    _task: asyncio.Task[None] | None = None

    async def start(self) -> ControllerInfo:
        """Check the site, read the Network version, start following the event socket."""
        api = NetworkApi(self.session)
        await api.check_site(self.site)
        sysinfo = await api.sysinfo(self.site)
        flavour = self.session.flavour
        self.info = ControllerInfo(
            url=self.session.url,
            flavour=flavour.value if flavour is not None else "unknown",
            version=sysinfo.version,
            site=self.site,
        )
        self.store.record_site(
            self.info.url,
            self.site,
            flavour=self.info.flavour,
            version=self.info.version,
            seen_ms=wall_ms(),
        )
        self.collector = SiteCollector(api, self.site, self.writer, controller=self.session.url)
        await self.collector.snapshot_inventory()
        self._task = asyncio.create_task(self.collector.stream.run(), name=f"ws-{self.site}")
        return self.info

    async def wait_connected(self, seconds: float) -> None:
        """Wait until the event socket is open; TimeoutError after ``seconds``."""
        assert self.collector is not None
        await asyncio.wait_for(self.collector.stream.connected.wait(), seconds)

    async def stop(self) -> None:
        """Stop following and commit everything received so far."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.writer.flush()

    def failure(self) -> BaseException | None:
        """The exception that ended the stream (wrong password, untrusted TLS), if any."""
        if self._task is None or not self._task.done() or self._task.cancelled():
            return None
        return self._task.exception()


def report_site(
    store: SQLiteStore,
    controller: ControllerInfo,
    *,
    since_ms: int,
    until_ms: int,
    generated_at_ms: int | None = None,
) -> dict[str, Any]:
    """Analyse the stored events of one site in ``[since_ms, until_ms)`` into a report."""
    inventory = Inventory(store.devices(site=controller.site), store.clients(site=controller.site))
    analysis = analyze(
        store.iter_events(site=controller.site, since_ms=since_ms, until_ms=until_ms),
        site=controller.site,
        period_start_ms=since_ms,
        period_end_ms=until_ms,
        inventory=inventory,
    )
    return build_report(analysis, controller, generated_at_ms=generated_at_ms or wall_ms())


def write_report_files(report: dict[str, Any], directory: Path) -> list[Path]:
    """``report.json``, ``report.html`` and ``report.txt`` in ``directory``."""
    return write_reports(
        directory,
        {
            "report.json": render_json(report),
            "report.html": render_html(report),
            "report.txt": render_text(report),
        },
    )
