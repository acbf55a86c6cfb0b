"""One round of scheduled reports: every site since its cursor, delivered, cursor moved on.

The cursor (``report_cursors`` in the store) is the end of the last report whose files were
written; the next report of the site covers ``[cursor, now)``, so consecutive reports meet
exactly: no event twice, none skipped. The first report of a site looks back
``lookback_hours``. A report whose files cannot be written leaves the cursor where it was
(the next round covers the whole gap); one whose email or notification failed has its files
on disk and the channel retried by :meth:`Deliverer.retry_pending`, so the cursor moves on.

Two processes (``serve`` and a ``run`` from cron) may share a store and a report directory:
a round holds an exclusive lock on ``<report_dir>/.round.lock`` while it reads and moves
cursors, so they take turns instead of sending the same report twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from unifi_scanner.config import Settings
from unifi_scanner.deliver import Deliverer, DeliveryError
from unifi_scanner.log import get_logger
from unifi_scanner.report import ControllerInfo
from unifi_scanner.service import wall_ms
from unifi_scanner.site_report import read_previous_report, report_site
from unifi_scanner.store import SQLiteStore, StoreReader

log = get_logger(__name__)

LOCK_FILE = ".round.lock"
HOUR_MS = 3_600_000
CLOCK_MARGIN_MS = 60_000


@dataclass(slots=True)
class SiteReport:
    """What one site's report in a round covered and how its delivery went."""

    controller: str
    site: str
    since_ms: int
    until_ms: int
    events: int = 0
    by_severity: dict[str, int] = field(default_factory=dict)
    delivered: bool = False
    detail: str = ""
    directory: Path | None = None


@dataclass(slots=True)
class RoundResult:
    started_ms: int
    sites: list[SiteReport]

    @property
    def ok(self) -> bool:
        return all(site.delivered for site in self.sites)


class ReportRound:
    """Builds and delivers the reports of every configured site that has stored events."""

    def __init__(
        self,
        settings: Settings,
        store: SQLiteStore,
        deliverer: Deliverer,
        *,
        clock_ms: Callable[[], int] = wall_ms,
    ) -> None:
        self.settings = settings
        self.store = store
        self.deliverer = deliverer
        self._clock_ms = clock_ms
        self._configs = settings.controller_configs()
        self.last: RoundResult | None = None
        self.findings: Counter[str] = Counter()
        """Findings by severity in the latest report of each site, for ``/metrics``."""
        self._latest: dict[tuple[str, str], dict[str, int]] = {}

    def sites(self) -> list[tuple[str, str, str, str]]:
        """``(controller, site, flavour, version)`` of the stored sites this config covers."""
        return [s for s in self.store.sites() if self._covered(s[0], s[1])]

    def missed(self, schedule_next_after: Callable[[int], int]) -> bool:
        """Whether a scheduled time passed since some site's last report was made (the
        machine slept, or the service was stopped)."""
        now = self._clock_ms()
        for controller, site, _flavour, _version in self.sites():
            row = self.store.cursor_row(controller, site)
            if row is not None and schedule_next_after(row[1]) <= now:
                return True
        return False

    async def run(
        self,
        *,
        settle: Callable[[], Awaitable[None]] | None = None,
        horizon: Callable[[str, str], int | None] | None = None,
    ) -> RoundResult:
        """One report per site, delivered; waits for another process's round to finish.

        ``settle`` runs first (the service waits for sockets and back-fills); ``horizon``
        gives, per (controller, site), a time before which every source has delivered —
        the REST poller's cursor, which trails the socket — and reports end there at most.
        """
        async with _round_lock(self.settings.report_dir / LOCK_FILE):
            if settle is not None:
                await settle()
            for retried in await self.deliverer.retry_pending():
                log.info("pending delivery retried", channel=retried.channel, ok=retried.ok)
            result = RoundResult(self._clock_ms(), [])
            for controller, site, flavour, version in self.sites():
                info = ControllerInfo(
                    url=controller,
                    flavour=flavour,
                    version=version,
                    site=site,
                    description=self.store.site_description(controller, site),
                )
                limit = horizon(controller, site) if horizon is not None else None
                result.sites.append(await self._site(info, limit))
            self.last = result
            self.findings = Counter()
            for counts in self._latest.values():
                self.findings.update(counts)
            return result

    async def _site(self, info: ControllerInfo, limit: int | None = None) -> SiteReport:
        now = self._clock_ms() if limit is None else min(self._clock_ms(), limit)
        cursor = self.store.cursor(info.url, info.site)
        since = cursor if cursor is not None else now - int(self.settings.lookback_hours * HOUR_MS)
        until = self._report_end(info, since, now)
        outcome = SiteReport(info.url, info.site, since, until)
        if since >= until:
            outcome.delivered, outcome.detail = True, "nothing new since the last report"
            return outcome
        site_dir = self.deliverer.site_dir({"controller": {"url": info.url, "site": info.site}})
        previous = read_previous_report(site_dir, "latest.json")

        def analyse() -> dict[str, Any]:
            # A connection of the worker thread's own (sqlite3 connections are per thread).
            with StoreReader(self.store.path) as reader:
                return report_site(
                    reader,
                    info,
                    since_ms=since,
                    until_ms=until,
                    thresholds=self.settings.analysis_thresholds(),
                    previous=previous,
                    timezone=self.settings.timezone,
                )

        # Analysis reads the whole period from the store: off the loop the collector uses.
        report = await asyncio.to_thread(analyse)
        summary = report.get("summary", {})
        outcome.events = int(summary.get("events", 0))
        outcome.by_severity = {
            str(k): int(v) for k, v in dict(summary.get("findings_by_severity", {})).items()
        }
        self._latest[(info.url, info.site)] = outcome.by_severity
        try:
            delivery = await self.deliverer.deliver(report, site_dir)
        except DeliveryError as exc:
            # No files, no cursor move: the next round covers this period too. A first
            # report pins its start, or the next would look back from a later "now".
            if cursor is None:
                self.store.save_cursor(info.url, info.site, since, updated_ms=now)
            outcome.detail = str(exc)
            log.error("report not written", site=info.site, controller=info.url, error=str(exc))
            return outcome
        self.store.save_cursor(info.url, info.site, until, updated_ms=self._clock_ms())
        outcome.directory = delivery.published.directory
        outcome.delivered = delivery.ok
        failed = [r for r in delivery.results if not r.ok]
        outcome.detail = (
            "; ".join(f"{r.channel}: {r.detail}" for r in failed)
            if failed
            else f"written to {delivery.published.directory}"
        )
        log.info(
            "report delivered" if delivery.ok else "report written, delivery pending",
            site=info.site,
            controller=info.url,
            events=outcome.events,
            channels=",".join(r.channel for r in delivery.results if r.ok),
            failed=",".join(r.channel for r in failed) or None,
        )
        return outcome

    def _report_end(self, info: ControllerInfo, since: int, now: int) -> int:
        """Where this report ends (and the next begins): ``now``, unless an event could
        still arrive with an earlier time stamp.

        The controller's clock is not ours. When it runs behind, an event received just
        after ``now`` carries a time before it and would fall between two reports. Ending
        at the newest stored event (everything received has been flushed by now) leaves
        whatever comes later to the next report; with nothing new, a margin does the same.
        """
        newest = self.store.newest_event(controller=info.url, site=info.site, before_ms=now)
        if newest is not None and since <= newest[0]:
            return newest[0] + 1
        return max(since, now - CLOCK_MARGIN_MS)

    def _covered(self, controller: str, site: str) -> bool:
        parts = urlsplit(controller)
        for config in self._configs:
            if parts.hostname != _bare(config.host):
                continue
            if config.port is not None and parts.port not in (config.port, None):
                continue
            if config.all_sites or site in config.site:
                return True
        return False


def _bare(host: str | None) -> str | None:
    return host.strip("[]").lower() if host else None


@contextlib.asynccontextmanager
async def _round_lock(path: Path) -> AsyncIterator[None]:
    """An exclusive lock across processes, waited for without blocking the event loop."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        said = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not said:
                    log.info("another report round is running; waiting for it", lock=str(path))
                    said = True
                await asyncio.sleep(0.5)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
