"""Short notifications through apprise URLs (ntfy, Slack, Discord, Telegram, webhooks …).

Two kinds:

- :meth:`Notifier.notify_report`: after a report with severe findings, a title and a few
  lines — counts by severity, the first severe findings, where the full report is.
- :class:`ImmediateNotifier`: a severe event as it arrives (a device lost contact, a pool
  exhausted), rate-limited (at most ``max_per_hour``) and deduplicated (the same rule and
  subject not again within ``dedup_minutes``), so a flapping access point is one message.

Whether an event is severe is the analysis catalogue's word: the severity of the simple rule
that claims its key (:data:`~unifi_scanner.analyze.catalogue.SIMPLE_RULES`), else — for keys
handled by rules that judge whole periods (outages, IPS) — the event's own weight as
:func:`~unifi_scanner.analyze.live.severity_of` gives it.

apprise's plugins are synchronous (``requests``); ``Apprise.async_notify`` runs them in
apprise's own worker pool and is awaited here, so the event loop never blocks on a webhook.
The URLs often carry tokens: they stay a :class:`~pydantic.SecretStr` and only apprise's
privacy form (``tgram://****/…``) is ever shown.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

import apprise

from unifi_scanner.analyze.catalogue import SIMPLE_RULES
from unifi_scanner.analyze.engine import processors
from unifi_scanner.analyze.findings import Severity
from unifi_scanner.analyze.inventory import Inventory
from unifi_scanner.analyze.live import describe, severity_of
from unifi_scanner.analyze.v2 import BUILDERS, normalise
from unifi_scanner.controller.models import Event
from unifi_scanner.deliver.email import subject_for
from unifi_scanner.deliver.files import DeliveryError
from unifi_scanner.deliver_config import NotifyConfig
from unifi_scanner.log import get_logger
from unifi_scanner.report.render import clean

log = get_logger(__name__)

#: Severe findings named in a report notification; the rest are counted.
TOP_FINDINGS = 3
_SUBJECT_FIELDS = ("ap", "sw", "gw", "dm", "xg", "bb", "device", "mac", "user", "guest", "src_ip")


class NotifyError(DeliveryError):
    """A notification could not be sent to at least one URL (named in privacy form)."""


class Notifier:
    """Sends a title and a body to every configured apprise URL."""

    def __init__(self, config: NotifyConfig) -> None:
        self.config = config
        self._apprise = apprise.Apprise()
        if not self._apprise.add(config.urls.get_secret_value()):
            raise NotifyError(
                "notify: none of the notify_urls is an apprise URL apprise understands "
                "(see https://github.com/caronc/apprise/wiki for each service's form)"
            )

    @property
    def targets(self) -> list[str]:
        """The URLs in privacy form (tokens and passwords masked), for logs and errors."""
        # apprise leaves NotifyBase.url unannotated; it returns the URL as a string.
        services: list[Any] = list(self._apprise)
        return [_short(str(service.url(privacy=True))) for service in services]

    async def send(self, title: str, body: str, *, severe: bool = False) -> str:
        """Deliver to every URL or raise :class:`NotifyError`; returns a one-line summary."""
        kind = apprise.NotifyType.FAILURE if severe else apprise.NotifyType.INFO
        try:
            async with asyncio.timeout(self.config.timeout):
                result = await self._apprise.async_notify(
                    body=body, title=title, notify_type=kind, body_format=apprise.NotifyFormat.TEXT
                )
        except TimeoutError:
            raise NotifyError(
                f"notify: no answer within {self.config.timeout:g}s from "
                f"{', '.join(self.targets)}; check the service is reachable"
            ) from None
        if not result:
            failed = [_short(str(item.url)) for item in result if not item] or self.targets
            raise NotifyError(
                f"notify: {len(failed)} of {len(self._apprise)} URL(s) failed: "
                f"{', '.join(failed)}; check each URL and that its service is reachable"
            )
        return f"notified {len(self._apprise)} URL(s)"

    async def notify_report(
        self,
        report: dict[str, Any],
        tz: tzinfo,
        *,
        label: str | None = None,
        where: str | None = None,
        force: bool = False,
    ) -> str | None:
        """Notify about ``report`` when it has severe findings; None when there was no need.

        ``force`` sends it whatever it holds (``unifi-scanner deliver --test``).
        """
        severe = severe_count(report) > 0
        if not force and (not self.config.reports or not severe):
            return None
        title, body = report_message(report, tz, label=label, where=where)
        return await self.send(title, body, severe=severe)


def severe_count(report: dict[str, Any]) -> int:
    return int(report.get("summary", {}).get("findings_by_severity", {}).get("severe", 0))


def report_message(
    report: dict[str, Any], tz: tzinfo, *, label: str | None = None, where: str | None = None
) -> tuple[str, str]:
    """(title, body) of a report notification: a few lines a phone shows whole."""
    summary = report.get("summary", {})
    counts = summary.get("findings_by_severity", {})
    lines = [
        f"{counts.get('severe', 0)} severe, {counts.get('medium', 0)} medium, "
        f"{counts.get('low', 0)} low findings in {int(summary.get('events', 0)):,} events"
    ]
    severe = [f for f in report.get("findings", []) if f.get("severity") == Severity.SEVERE]
    lines += [f"• {_one_line(finding.get('title', '?'))}" for finding in severe[:TOP_FINDINGS]]
    if len(severe) > TOP_FINDINGS:
        lines.append(f"• … and {len(severe) - TOP_FINDINGS} more severe")
    if where:
        lines.append(f"Full report: {where}")
    return subject_for(report, tz, label=label), "\n".join(lines)


# --- immediate notifications -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Alert:
    """A severe event as the immediate notifier judged it."""

    rule: str
    subject: str
    event: Event


@functools.cache
def _catalogue() -> tuple[dict[str, tuple[str, Severity]], dict[str, str]]:
    """Key → (rule, severity) of the simple rules; key → rule of every other processor."""
    simple = {key: (rule.id, rule.severity) for rule in SIMPLE_RULES for key in rule.keys}
    owners: dict[str, str] = {}
    for processor in processors():
        for key in processor.keys:
            owners.setdefault(key, processor.rule_id)
    return simple, owners


def judge(event: Event, inventory: Inventory | None = None) -> tuple[str, Severity]:
    """(rule id, severity) of one event, by the analysis catalogue (see the module doc)."""
    if event.key in BUILDERS:  # a v2 system-log entry: judge its EVT_* equivalent
        event = normalise(event, inventory or Inventory()) or event
    simple, owners = _catalogue()
    if event.key in simple:
        return simple[event.key]
    return owners.get(event.key, "other-activity"), severity_of(event)


def subject_of(event: Event) -> str:
    """Which device, client or source the event is about (the dedup key, with the rule)."""
    for name in _SUBJECT_FIELDS:
        value = event.text(name)
        if value:
            return value.lower()
    return event.site


class ImmediateNotifier:
    """Severe events → notifications, at most ``max_per_hour``, each rule+subject once a window.

    :meth:`submit` is what the collecting side calls for every event: it decides at once (no
    I/O) and queues what must go out; a worker started by :meth:`start` sends in the
    background, so a slow webhook never holds up the store. :meth:`handle` decides and sends
    in one await (tests, one-off use).
    """

    def __init__(
        self,
        notifier: Notifier,
        *,
        inventory: Inventory | None = None,
        label_for: Callable[[Event], str] | None = None,
        tz: tzinfo | None = None,
        clock: Callable[[], float] = time.monotonic,
        queue_size: int = 100,
    ) -> None:
        self.notifier = notifier
        self.inventory = inventory or Inventory()
        self._label_for = label_for or (lambda event: f"site {event.site}")
        self._tz = tz
        self._clock = clock
        self._sent_at: deque[float] = deque()
        self._last_by_subject: dict[tuple[str, str], float] = {}
        self._held_back = 0
        self._queue: asyncio.Queue[Alert] = asyncio.Queue(maxsize=queue_size)
        self._worker: asyncio.Task[None] | None = None
        self.sent = 0
        self.duplicates = 0
        self.rate_limited = 0
        self.failed = 0
        self.last_error: str | None = None

    @property
    def _config(self) -> NotifyConfig:
        return self.notifier.config

    def admit(self, event: Event) -> Alert | None:
        """The alert to send for ``event``, or None (not severe, a repeat, over the rate)."""
        # Names travel in events too (ap_name, hostname): learn them as `tail` does.
        self.inventory.learn(event)
        rule, severity = judge(event, self.inventory)
        if severity is not Severity.SEVERE:
            return None
        now = self._clock()
        window = self._config.dedup_minutes * 60
        # Forget what is out of both windows, so memory stays bounded on a long run.
        while self._sent_at and now - self._sent_at[0] >= 3600:
            self._sent_at.popleft()
        if len(self._last_by_subject) > 1000:
            self._last_by_subject = {
                k: t for k, t in self._last_by_subject.items() if now - t < window
            }
        alert = Alert(rule, subject_of(event), event)
        last = self._last_by_subject.get((alert.rule, alert.subject))
        if last is not None and now - last < window:
            self.duplicates += 1
            return None
        if len(self._sent_at) >= self._config.max_per_hour:
            self.rate_limited += 1
            self._held_back += 1
            return None
        self._last_by_subject[(alert.rule, alert.subject)] = now
        self._sent_at.append(now)
        return alert

    def submit(self, event: Event) -> bool:
        """Queue ``event``'s notification if it deserves one; True if queued."""
        alert = self.admit(event)
        if alert is None:
            return False
        try:
            self._queue.put_nowait(alert)
        except asyncio.QueueFull:
            self.rate_limited += 1
            self._held_back += 1
            return False
        return True

    async def handle(self, event: Event) -> bool:
        """Decide and send now; True if a notification went out."""
        alert = self.admit(event)
        return alert is not None and await self._send(alert)

    def start(self) -> None:
        if self._worker is None:
            self._worker = asyncio.create_task(self._run(), name="immediate-notifier")

    async def aclose(self) -> None:
        """Stop the worker; alerts still queued are dropped (they are in the next report)."""
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
            self._worker = None

    async def drain(self) -> None:
        """Wait until every queued alert was sent (or failed)."""
        await self._queue.join()

    async def _run(self) -> None:
        while True:
            alert = await self._queue.get()
            try:
                await self._send(alert)
            finally:
                self._queue.task_done()

    def message(self, alert: Alert) -> tuple[str, str]:
        """(title, body) of one immediate notification."""
        event = alert.event
        what = _one_line(describe(event, self.inventory))
        when = datetime.fromtimestamp(event.time_ms / 1000).astimezone(self._tz)
        lines = [f"{self._label_for(event)} · {when:%d %b %H:%M %Z}".strip(), f"rule: {alert.rule}"]
        if self._held_back:
            lines.append(f"({self._held_back} more severe event(s) held back by the rate limit)")
        return f"SEVERE: {what}", "\n".join(lines)

    async def _send(self, alert: Alert) -> bool:
        title, body = self.message(alert)
        try:
            await self.notifier.send(title, body, severe=True)
        except NotifyError as exc:
            self.failed += 1
            self.last_error = str(exc)
            log.warning("immediate notification failed", rule=alert.rule, error=str(exc))
            return False
        self.sent += 1
        self._held_back = 0
        self.last_error = None
        return True


def report_link(base_url: str | None, relative: str, fallback: str) -> str:
    """Where the full report is: under ``report_base_url`` when set, else the local path."""
    if not base_url:
        return fallback
    return f"{base_url.rstrip('/')}/{relative.lstrip('/')}"


def _short(url: str) -> str:
    """A privacy URL without apprise's default parameters (``?method=POST&retry=0…``)."""
    return url.split("?", 1)[0]


def _one_line(text: object) -> str:
    return " ".join(clean(text).split())
