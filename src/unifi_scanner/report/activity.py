"""What the report draws from the period's events, counted in the same pass as the analysis.

The analysis reads every event once and keeps findings, not events; the charts and tables of
the report need a few more counts (events per hour and severity, the load of each access
point, intrusion alerts by signature and by source, outage spans). :class:`EventTally` keeps
exactly those, with memory bounded whatever the number of events, and is fed by wrapping the
event stream on its way to the analysis::

    tally = EventTally(since_ms, until_ms, timezone="Europe/Berlin")
    analysis = analyze(tally.watch(store.iter_events(...)), ...)
    report = build_report(analysis, ..., events=tally)

Each event costs one dictionary lookup and a few additions; what to do with a key is worked
out the first time the key is seen. An event's severity is its own weight
(:func:`unifi_scanner.analyze.live.severity_of`), the same as ``tail`` shows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from unifi_scanner.analyze.catalogue import ROAMS, device_keys
from unifi_scanner.analyze.findings import Severity
from unifi_scanner.analyze.inventory import Inventory
from unifi_scanner.analyze.ips import IPS_ALERT
from unifi_scanner.analyze.live import severity_of
from unifi_scanner.analyze.outages import BACK, LOST
from unifi_scanner.analyze.v2 import BUILDERS, normalise
from unifi_scanner.analyze.wan import WAN_TRANSITION
from unifi_scanner.controller.models import Event
from unifi_scanner.report.ap_load import AccessPointLoad
from unifi_scanner.report.fmt import zone
from unifi_scanner.report.intrusions import IntrusionTally
from unifi_scanner.report.outage_log import OutageLog
from unifi_scanner.report.timebins import Bins

Feed = Callable[[Event], None]

WIRELESS_CONNECTS = frozenset({"EVT_WU_Connected", "EVT_WG_Connected"})
UPGRADES = device_keys("Upgraded")
_COLUMN = {Severity.SEVERE: 0, Severity.MEDIUM: 1, Severity.LOW: 2}
#: Distinct keys whose handling is remembered; a controller inventing keys costs a little
#: time per event beyond that, never memory.
MAX_PLANS = 10_000


class EventTally:
    """Counts for the report's charts and tables over ``[period_start_ms, period_end_ms)``.

    ``timezone`` (IANA name) decides where the hourly bins start; pass the same one to
    :func:`~unifi_scanner.report.model.build_report`.
    """

    def __init__(self, period_start_ms: int, period_end_ms: int, *, timezone: str = "UTC"):
        self.timezone = timezone
        self.period_start_ms = period_start_ms
        self.period_end_ms = period_end_ms
        self.bins = Bins.over(period_start_ms, period_end_ms, zone(timezone))
        self.counts = [[0, 0, 0] for _ in range(self.bins.count)]
        """Per bin: severe, medium, low events."""
        self.events = 0
        self.access_points = AccessPointLoad()
        self.intrusions = IntrusionTally()
        self.outages = OutageLog()
        self._plans: dict[str, tuple[int | None, tuple[Feed, ...]]] = {}
        self._names = Inventory()  # v2 translation needs one; names are resolved later

    def watch(self, events: Iterable[Event]) -> Iterator[Event]:
        """``events`` unchanged, each counted on its way through."""
        # :meth:`feed`, inlined with what it reads bound once: this loop runs for every event
        # of the report.
        plans, plan_for, judge = self._plans, self._plan, self._judge
        counts = self.counts
        start, size, bins = self.bins.start_ms, self.bins.size_ms, self.bins.count
        for event in events:
            plan = plans.get(event.key)
            if plan is None:
                plan = plan_for(event.key)
            column, feeds = plan
            if column is None:
                column = judge(event)
            self.events += 1
            offset = event.time_ms - start
            if offset >= 0:
                position = offset // size
                if position < bins:
                    counts[position][column] += 1
            for feed in feeds:
                feed(event)
            yield event

    def feed(self, event: Event) -> None:
        """Count one event (events outside the period only count in the tables)."""
        plan = self._plans.get(event.key)
        if plan is None:
            plan = self._plan(event.key)
        column, feeds = plan
        if column is None:
            column = self._judge(event)
        self.events += 1
        offset = event.time_ms - self.bins.start_ms
        if offset >= 0:
            position = offset // self.bins.size_ms
            if position < self.bins.count:
                self.counts[position][column] += 1
        for feed in feeds:
            feed(event)

    def _judge(self, event: Event) -> int:
        """The column of an event weighed on its own (IPS alerts, v2 entries), fed onwards
        under its translation when it is a v2 entry."""
        column = _COLUMN[severity_of(event)]
        if event.key in BUILDERS:
            translated = normalise(event, self._names)
            if translated is not None:
                column = min(column, _COLUMN[severity_of(translated)])
                for feed in self._feeds(translated.key):
                    feed(translated)
        return column

    def _plan(self, key: str) -> tuple[int | None, tuple[Feed, ...]]:
        # IPS alerts weigh by their own priority and v2 entries by what they translate to:
        # those are judged event by event; every other key always weighs the same.
        if key == IPS_ALERT or key in BUILDERS:
            column = None
        else:
            probe = Event("", key, "", "", 0, 0, "", {})
            column = _COLUMN[severity_of(probe)]
        plan = (column, () if key in BUILDERS else self._feeds(key))
        if len(self._plans) < MAX_PLANS:
            self._plans[key] = plan
        return plan

    def _feeds(self, key: str) -> tuple[Feed, ...]:
        feeds: list[Feed] = []
        if key in WIRELESS_CONNECTS:
            feeds.append(self.access_points.connected)
        if key in ROAMS:
            feeds.append(self.access_points.roamed)
        if key == IPS_ALERT:
            feeds.append(self.intrusions.feed)
        if key in LOST or key in BACK:
            feeds.append(self.outages.device_event)
        if key in UPGRADES:
            feeds.append(self.outages.upgraded)
        if key == WAN_TRANSITION:
            feeds.append(self.outages.wan_event)
        return tuple(feeds)
