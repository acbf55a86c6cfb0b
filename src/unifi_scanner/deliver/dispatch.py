"""Delivering a report to every configured channel, and remembering what did not go out.

:meth:`Deliverer.deliver` writes the report's files (dated directory, ``latest.*`` links,
retention), then sends it by email and notification. A channel that fails never loses the
report — it is on disk already — and is written to ``<report_dir>/pending-deliveries.json``;
:meth:`Deliverer.retry_pending` re-renders each pending report from its ``report.json`` and
tries that channel again. :meth:`Deliverer.health` and :attr:`Deliverer.last` say how the
last attempt of each channel went, for ``/healthz`` and ``/metrics``.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

import orjson

from unifi_scanner.deliver.email import Sleep, send_report_email
from unifi_scanner.deliver.files import (
    DeliveryError,
    PublishedReport,
    publish_reports,
    write_atomic,
)
from unifi_scanner.deliver.notify import ImmediateNotifier, Notifier, report_link, severe_count
from unifi_scanner.deliver_config import EmailConfig, FilesConfig, NotifyConfig
from unifi_scanner.log import get_logger
from unifi_scanner.report.render import (
    render_html,
    render_json,
    render_markdown,
    render_text,
)

log = get_logger(__name__)

PENDING_FILE = "pending-deliveries.json"
#: A delivery still failing after this long is dropped (logged): the news is stale by then.
PENDING_MAX_AGE = timedelta(days=7)
EMAIL, NOTIFY, FILES = "email", "notify", "files"


def report_files(report: dict[str, Any], tz: tzinfo | None) -> dict[str, bytes | str]:
    """Every file a report is published as, by name (the same set ``report`` writes)."""
    return {
        "report.json": render_json(report),
        "report.html": render_html(report, tz),
        "report.txt": render_text(report, tz),
        "report.md": render_markdown(report, tz),
    }


@dataclass(frozen=True, slots=True)
class ChannelResult:
    """How one channel's last attempt went; ``detail`` is one line (never a secret)."""

    channel: str
    ok: bool
    at_ms: int
    detail: str
    report: str | None = None
    """The report's directory relative to ``report_dir`` (``home-default/2026-…``)."""
    attempted: bool = True
    """False when there was nothing to do (no severe finding to notify about)."""


@dataclass(slots=True)
class DeliveryOutcome:
    """One report's delivery: where its files are and what each channel did."""

    published: PublishedReport
    results: list[ChannelResult]

    @property
    def ok(self) -> bool:
        return all(result.ok for result in self.results)


@dataclass(slots=True)
class PendingDelivery:
    """A channel that still owes a report (as stored in ``pending-deliveries.json``)."""

    channel: str
    report: str
    first_failed_ms: int
    last_attempt_ms: int
    attempts: int
    error: str
    label: str | None = None


@dataclass(frozen=True, slots=True)
class DeliveryHealth:
    """For ``/healthz``: ``ok`` is False while any channel's last attempt failed."""

    ok: bool
    problems: list[str]
    channels: dict[str, ChannelResult] = field(default_factory=dict)
    pending: int = 0


class Deliverer:
    """Publishes reports under ``files.directory`` and sends them to every channel."""

    def __init__(
        self,
        files: FilesConfig,
        *,
        tz: tzinfo,
        email: EmailConfig | None = None,
        notify: NotifyConfig | None = None,
        sleep: Sleep = asyncio.sleep,
        clock_ms: Callable[[], int] = lambda: int(time.time() * 1000),
    ) -> None:
        self.files = files
        self.tz = tz
        self.email = email
        self.notifier = Notifier(notify) if notify is not None else None
        self.last: dict[str, ChannelResult] = {}
        self.counts: Counter[tuple[str, str]] = Counter()
        """(channel, "ok"/"failed") → attempts, for ``/metrics``."""
        self._sleep = sleep
        self._clock_ms = clock_ms
        self._lock = asyncio.Lock()

    @classmethod
    def from_settings(cls, settings: Any, **kwargs: Any) -> Deliverer:
        """From :class:`~unifi_scanner.config.Settings` (ConfigError if a channel is unusable)."""
        from zoneinfo import ZoneInfo

        return cls(
            settings.files_config(),
            tz=ZoneInfo(settings.timezone),
            email=settings.email_config(),
            notify=settings.notify_config(),
            **kwargs,
        )

    @property
    def root(self) -> Path:
        return self.files.directory

    @property
    def pending_path(self) -> Path:
        return self.root / PENDING_FILE

    @property
    def channels(self) -> list[str]:
        """The configured sending channels (files are always written)."""
        return [name for name, on in ((EMAIL, self.email), (NOTIFY, self.notifier)) if on]

    def immediate_notifier(self, **kwargs: Any) -> ImmediateNotifier | None:
        """The notifier for severe events as they arrive, when ``notify_immediate`` is on.

        ``kwargs`` go to :class:`~unifi_scanner.deliver.notify.ImmediateNotifier` (an
        ``inventory`` for names, ``label_for`` to name an event's site). Call its ``start()``,
        feed it with ``submit(event)``, and ``await aclose()`` on shutdown.
        """
        if self.notifier is None or not self.notifier.config.immediate:
            return None
        kwargs.setdefault("tz", self.tz)
        return ImmediateNotifier(self.notifier, **kwargs)

    def site_dir(self, report: dict[str, Any]) -> Path:
        """``<report_dir>/<controller>-<site>``: one directory per site, stable across runs."""
        controller = report.get("controller", {})
        host = str(controller.get("url", "")).split("://")[-1]
        slug = re.sub(r"[^A-Za-z0-9.-]+", "-", f"{host}-{controller.get('site', 'site')}")
        return self.root / (slug.strip("-") or "site")

    # --- delivering ------------------------------------------------------------------------

    async def deliver(
        self, report: dict[str, Any], site_dir: Path | None = None, *, label: str | None = None
    ) -> DeliveryOutcome:
        """Publish ``report`` (raises DeliveryError if even that fails) and send it everywhere.

        A channel that fails is recorded as pending and reported in the outcome; the call
        itself only raises when the files could not be written.
        """
        async with self._lock:
            keep = [self.root / p.report for p in self._load_pending()]
        # Rendering and fsync-ed writes take a moment: off the loop the collector shares.
        published = await asyncio.to_thread(
            self.publish, report, site_dir or self.site_dir(report), keep=keep
        )
        results = [self._record(FILES, True, f"written to {published.directory}", published)]
        results += await self.send(report, published, label=label)
        return DeliveryOutcome(published, results)

    def publish(
        self, report: dict[str, Any], site_dir: Path, *, keep: list[Path] | None = None
    ) -> PublishedReport:
        """Write the files of ``report`` into its dated directory under ``site_dir``."""
        end = datetime.fromisoformat(report["period"]["end"].replace("Z", "+00:00"))
        try:
            return publish_reports(
                site_dir,
                report_files(report, self.tz),
                period_end=end,
                tz=self.tz,
                retention_days=self.files.retention_days,
                keep=keep or (),
            )
        except DeliveryError as exc:
            self._record(FILES, False, str(exc), None)
            raise

    async def send(
        self,
        report: dict[str, Any],
        published: PublishedReport,
        *,
        label: str | None = None,
        test: bool = False,
    ) -> list[ChannelResult]:
        """Send an already published report to every channel, concurrently.

        ``test`` (a hand test of the channels): notify whatever the report holds, and keep
        failures out of the pending record.
        """
        jobs = [
            self._attempt(channel, report, published, label, force=test)
            for channel in self.channels
        ]
        results = list(await asyncio.gather(*jobs))
        failed = [r for r in results if not r.ok]
        if failed and not test:
            async with self._lock:
                pending = self._load_pending()
                for result in failed:
                    _note_failure(pending, result, label, self._clock_ms())
                self._save_pending(pending)
        return results

    async def retry_pending(self) -> list[ChannelResult]:
        """Try every pending delivery again; what succeeds (or is too old) leaves the record."""
        async with self._lock:
            pending = self._load_pending()
        now = self._clock_ms()
        results: list[ChannelResult] = []
        keep: list[PendingDelivery] = []
        for entry in pending:
            directory = self.root / entry.report
            document = _read_report(directory / "report.json")
            stale = now - entry.first_failed_ms > PENDING_MAX_AGE.total_seconds() * 1000
            if document is None or entry.channel not in self.channels or stale:
                log.error(
                    "giving up a pending delivery",
                    channel=entry.channel,
                    report=entry.report,
                    why="report gone" if document is None else "stale or channel removed",
                    error=entry.error,
                )
                continue
            published = PublishedReport(directory.parent, directory, ())
            result = await self._attempt(entry.channel, document, published, entry.label)
            results.append(result)
            if not result.ok:
                entry.attempts += 1
                entry.last_attempt_ms, entry.error = now, result.detail
                keep.append(entry)
        async with self._lock:
            # Failures recorded by a delivery that ran meanwhile are kept alongside.
            current = {(p.channel, p.report) for p in pending}
            fresh = [p for p in self._load_pending() if (p.channel, p.report) not in current]
            self._save_pending(keep + fresh)
        return results

    def pending(self) -> list[PendingDelivery]:
        return self._load_pending()

    def health(self) -> DeliveryHealth:
        """The last result per channel, and what is wrong, one line each."""
        problems = [
            f"{r.channel} delivery failed: {r.detail}" for r in self.last.values() if not r.ok
        ]
        waiting = len(self._load_pending())
        if waiting:
            problems.append(f"{waiting} delivery(ies) waiting to be retried ({PENDING_FILE})")
        return DeliveryHealth(not problems, problems, dict(self.last), waiting)

    # --- one channel -----------------------------------------------------------------------

    async def _attempt(
        self,
        channel: str,
        report: dict[str, Any],
        published: PublishedReport,
        label: str | None,
        *,
        force: bool = False,
    ) -> ChannelResult:
        try:
            detail = await self._channel(channel, report, published, label, force)
        except DeliveryError as exc:
            log.error("delivery failed", channel=channel, error=str(exc))
            return self._record(channel, False, str(exc), published)
        except Exception as exc:  # a bug must not lose the report nor stop the others
            log.exception("delivery crashed", channel=channel)
            return self._record(channel, False, f"{channel}: {type(exc).__name__}", published)
        if detail is None:
            return ChannelResult(
                channel, True, self._clock_ms(), "nothing to send", self._rel(published), False
            )
        log.info("report delivered", channel=channel, detail=detail)
        return self._record(channel, True, detail, published)

    async def _channel(
        self,
        channel: str,
        report: dict[str, Any],
        published: PublishedReport,
        label: str | None,
        force: bool,
    ) -> str | None:
        if channel == EMAIL and self.email is not None:
            sent = await send_report_email(
                self.email, report, tz=self.tz, label=label, sleep=self._sleep
            )
            return sent.describe()
        if channel == NOTIFY and self.notifier is not None:
            if severe_count(report) == 0 and not force:
                return None
            where = self._where(published)
            return await self.notifier.notify_report(
                report, self.tz, label=label, where=where, force=force
            )
        raise DeliveryError(f"{channel}: not configured")

    def _where(self, published: PublishedReport) -> str:
        """Where a person finds the full report: a URL under report_base_url, else the path."""
        html = published.directory / "report.html"
        base = self.notifier.config.report_base_url if self.notifier is not None else None
        return report_link(base, os.path.relpath(html, self.root), str(html.resolve()))

    def _record(
        self, channel: str, ok: bool, detail: str, published: PublishedReport | None
    ) -> ChannelResult:
        result = ChannelResult(channel, ok, self._clock_ms(), detail, self._rel(published))
        self.last[channel] = result
        self.counts[(channel, "ok" if ok else "failed")] += 1
        return result

    def _rel(self, published: PublishedReport | None) -> str | None:
        if published is None:
            return None
        return os.path.relpath(published.directory, self.root)

    # --- the pending record ----------------------------------------------------------------

    def _load_pending(self) -> list[PendingDelivery]:
        try:
            data = orjson.loads(self.pending_path.read_bytes())
            return [PendingDelivery(**entry) for entry in data.get("pending", [])]
        except FileNotFoundError:
            return []
        except (OSError, orjson.JSONDecodeError, TypeError, AttributeError) as exc:
            # A damaged record must not stop delivery; the reports themselves are on disk.
            log.error(
                "unreadable pending-deliveries record", path=str(self.pending_path), error=str(exc)
            )
            return []

    def _save_pending(self, pending: list[PendingDelivery]) -> None:
        try:
            if not pending:
                self.pending_path.unlink(missing_ok=True)
                return
            self.root.mkdir(parents=True, exist_ok=True)
            body = {"version": 1, "pending": [asdict(p) for p in pending]}
            write_atomic(self.pending_path, orjson.dumps(body, option=orjson.OPT_INDENT_2))
        except OSError as exc:
            log.error("cannot write the pending-deliveries record", error=str(exc))


def _note_failure(
    pending: list[PendingDelivery], result: ChannelResult, label: str | None, now_ms: int
) -> None:
    if result.report is None:
        return
    for entry in pending:
        if (entry.channel, entry.report) == (result.channel, result.report):
            entry.attempts += 1
            entry.last_attempt_ms, entry.error = now_ms, result.detail
            return
    pending.append(
        PendingDelivery(result.channel, result.report, now_ms, now_ms, 1, result.detail, label)
    )


def _read_report(path: Path) -> dict[str, Any] | None:
    try:
        document = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    return document if isinstance(document, dict) else None


__all__ = [
    "ChannelResult",
    "Deliverer",
    "DeliveryHealth",
    "DeliveryOutcome",
    "PendingDelivery",
    "report_files",
]
