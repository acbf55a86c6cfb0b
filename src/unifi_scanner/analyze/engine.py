"""The analysis engine: events in time order through the catalogue, findings out.

Every event goes to every rule that claims its key (a channel change feeds both the
channel-change summary and the radar rule; :data:`LAYERED` lists where that is deliberate);
an event no rule claims is reported under "other activity", never dropped. A v2 system-log
event is read as its ``EVT_*`` equivalent (:mod:`.v2`) and counted once, under its own key.
Device and client snapshots, when given, feed the health checks after the events.

The findings are then merged (a snapshot never repeats what the events said), limited to a
readable number per rule (:mod:`.rollup`), ranked, and — given the previous report's findings
— marked new or ongoing, with the resolved ones listed (:mod:`.status`).

Memory grows with the number of subjects (devices, clients, signatures, sources), never with
the number of events; the per-event path is a dictionary lookup and the claiming rules' feeds
(for client events, one function doing the work of all of them: :mod:`.client_path`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from unifi_scanner.analyze.catalogue import DISCONNECTS, RADIO_ROAMS, ROAMS, SIMPLE_RULES
from unifi_scanner.analyze.client_path import client_feeds
from unifi_scanner.analyze.devices import DeviceRestarts, DeviceTimeline
from unifi_scanner.analyze.findings import Finding, Severity
from unifi_scanner.analyze.firmware import FirmwareUpgrades
from unifi_scanner.analyze.health import DeviceHealth
from unifi_scanner.analyze.health_findings import health_findings
from unifi_scanner.analyze.inventory import Inventory
from unifi_scanner.analyze.ips import IpsAlerts
from unifi_scanner.analyze.other import MORE_KEYS, OtherActivity
from unifi_scanner.analyze.outages import DeviceOutages
from unifi_scanner.analyze.radar import CHANNEL_CHANGED, RadarHits
from unifi_scanner.analyze.roaming import RoamingPatterns
from unifi_scanner.analyze.rollup import roll_up
from unifi_scanner.analyze.rules import Context, RuleProcessor
from unifi_scanner.analyze.security import AdminLogins, RogueAccessPoints, RogueDhcpServers
from unifi_scanner.analyze.sessions import ShortSessions
from unifi_scanner.analyze.stations import StickyClients
from unifi_scanner.analyze.status import Comparison, compare
from unifi_scanner.analyze.text import times
from unifi_scanner.analyze.thresholds import Thresholds
from unifi_scanner.analyze.v2 import BUILDERS, normalise
from unifi_scanner.analyze.wan import WanFailover
from unifi_scanner.controller.models import Event

Snapshots = Iterable[tuple[int, Mapping[str, Any]]]
Feed = Callable[[Event], None]

#: Keys fed to more than one rule on purpose, and to which rules.
LAYERED: Mapping[str, frozenset[str]] = {
    CHANNEL_CHANGED: frozenset({"channel-changes", "dfs-radar"}),
    **dict.fromkeys(ROAMS | RADIO_ROAMS, frozenset({"client-roaming", "excessive-roaming"})),
    **dict.fromkeys(DISCONNECTS, frozenset({"client-activity", "short-sessions"})),
    # The outage rule reads PoE cuts to explain the outage of the device on that port.
    "EVT_SW_PoeOverload": frozenset({"poe-overload", "device-offline"}),
    "EVT_SW_PoeDisconnect": frozenset({"poe-disconnect", "device-offline"}),
}
#: Distinct event keys counted one by one in ``by_key``; beyond, they share one entry.
MAX_COUNTED_KEYS = 1000


def processors(
    thresholds: Thresholds | None = None,
    *,
    timeline: DeviceTimeline | None = None,
    known_admin_sources: Collection[str] = (),
) -> list[RuleProcessor]:
    """A fresh set of rule processors: the whole event catalogue, for one analysis run."""
    t = thresholds or Thresholds()
    timeline = timeline or DeviceTimeline()
    return [
        *(rule.processor() for rule in SIMPLE_RULES),
        RoamingPatterns(t.roaming),
        ShortSessions(t.clients),
        DeviceOutages(t.devices, timeline),
        DeviceRestarts(t.devices, timeline),
        FirmwareUpgrades(timeline),
        RadarHits(t.radio),
        WanFailover(),
        IpsAlerts(t.ips),
        RogueAccessPoints(),
        RogueDhcpServers(),
        AdminLogins(known_admin_sources),
    ]


#: Rules fed by snapshots rather than events.
SNAPSHOT_RULES = (
    "device-offline",
    "device-state",
    "device-temperature",
    "device-cpu",
    "device-memory",
    "poe-budget",
    "channel-utilisation",
    "unexpected-reboot",
    "device-uptime",
    "firmware-available",
    "sticky-client",
)


def rule_ids() -> list[str]:
    """Every rule id the analysis can produce, events and snapshots, without repeats."""
    ids = [rule for processor in processors() for rule in processor.rules]
    return list(dict.fromkeys([*ids, "other-activity", *SNAPSHOT_RULES]))


def covered_keys() -> frozenset[str]:
    """Every event key some rule claims, ``EVT_*`` and v2."""
    keys: set[str] = set(BUILDERS)
    for processor in processors():
        keys |= processor.keys
    return frozenset(keys)


@dataclass(slots=True)
class Analysis:
    """The outcome of analysing one site over one period.

    ``comparison`` is set when the analysis was compared with a previous report (every
    finding is then "new" or "ongoing", and resolved ones are listed); None otherwise.
    """

    site: str
    period_start_ms: int
    period_end_ms: int
    events: int = 0
    by_key: Counter[str] = field(default_factory=Counter)
    findings: list[Finding] = field(default_factory=list)
    device_snapshots: int = 0
    client_snapshots: int = 0
    comparison: Comparison | None = None

    def by_severity(self) -> dict[str, int]:
        counts = {severity.value: 0 for severity in Severity}
        for finding in self.findings:
            counts[finding.severity.value] += 1
        return counts

    def uncovered_keys(self) -> list[str]:
        """Keys seen in the period that no rule covers (reported under "other activity")."""
        covered = covered_keys()
        return sorted(key for key in self.by_key if key not in covered)


class _Router:
    """Event key → the one function that feeds every rule taking it, resolved once per key.

    Client connects, disconnects, roams and band changes (most events) get a fused feed from
    :mod:`.client_path`; any other key a function calling its feeds in turn.
    """

    MAX_CACHED = 10_000

    def __init__(self, rules: list[RuleProcessor], inventory: Inventory, other: OtherActivity):
        self._inventory = inventory
        self._other = other
        table: dict[str, list[Feed]] = {}
        for rule in rules:
            # A processor may offer a feed specialised for one key (``feed_for``): the
            # per-event work is then free of the per-key decisions.
            feed_for: Callable[[str], Feed] | None = getattr(rule, "feed_for", None)
            for key in sorted(rule.keys):
                feeds = table.get(key)
                if feeds is None:
                    learner = inventory.learner_for(key)
                    feeds = table[key] = [learner] if learner is not None else []
                feeds.append(feed_for(key) if feed_for is not None else rule.feed)
        fused = client_feeds(rules, inventory)
        self.index: dict[str, Feed] = {
            key: fused.get(key) or _together(feeds) for key, feeds in table.items()
        }
        self._unclaimed = _together([inventory.learn, other.feed])

    def resolve(self, key: str) -> Feed:
        """The feed for a key not in the index: a v2 key's translation, or other activity."""
        feed = self._translate if key in BUILDERS else self._unclaimed
        if len(self.index) < self.MAX_CACHED:
            self.index[key] = feed
        return feed

    def _translate(self, event: Event) -> None:
        normalised = normalise(event, self._inventory)
        if normalised is None:
            self._other.feed(event)
            return
        self.index.get(normalised.key, self._unclaimed)(normalised)


def _together(feeds: list[Feed]) -> Feed:
    """One function calling ``feeds`` in turn (the feed itself when there is one)."""
    if len(feeds) == 1:
        return feeds[0]
    chain = tuple(feeds)

    def feed_all(event: Event) -> None:
        for feed in chain:
            feed(event)

    return feed_all


def analyze(
    events: Iterable[Event],
    *,
    site: str,
    period_start_ms: int,
    period_end_ms: int,
    inventory: Inventory | None = None,
    thresholds: Thresholds | None = None,
    device_snapshots: Snapshots = (),
    client_snapshots: Snapshots = (),
    device_history: Snapshots = (),
    previous_findings: Iterable[Mapping[str, Any] | str] | None = None,
    known_admin_sources: Collection[str] = (),
) -> Analysis:
    """Run the catalogue over ``events`` (in time order) and collect the findings.

    ``device_snapshots``/``client_snapshots`` are ``(time_ms, stat/device or stat/sta
    record)`` in time order; without them the health checks have nothing to say.
    ``device_history`` are ``stat/device`` snapshots from before ``period_start_ms`` (the
    week before, in time order): only the temperature trend reads them, as its baseline, so a
    daily report can tell a device that heated up over the week; they make no findings.
    ``previous_findings`` (the previous report's ``findings``, or their ids) turns on the
    new/ongoing/resolved comparison; pass an empty list when there was no previous report.
    ``known_admin_sources`` are addresses admins logged in from before this period.
    """
    inventory = inventory or Inventory()
    thresholds = thresholds or Thresholds()
    timeline = DeviceTimeline()
    rules = processors(thresholds, timeline=timeline, known_admin_sources=known_admin_sources)
    other = OtherActivity(inventory)
    router = _Router(rules, inventory, other)
    index = router.index
    counts: dict[str, int] = {}
    # The loop every event goes through: the total is the sum of the counts (no separate
    # counter), and a key's feed is found in the same breath as its count.
    for event in events:
        key = event.key
        try:
            counts[key] += 1
            feed = index[key]
        except KeyError:
            if key not in counts:
                if len(counts) < MAX_COUNTED_KEYS:
                    counts[key] = 1
                else:
                    counts[MORE_KEYS] = counts.get(MORE_KEYS, 0) + 1
            feed = index.get(key) or router.resolve(key)
        feed(event)
    total = sum(counts.values())

    health = DeviceHealth(thresholds.health, timeline)
    for time_ms, record in device_history:
        if time_ms < period_start_ms:
            health.remember(time_ms, record)
    for time_ms, record in device_snapshots:
        inventory.add_device(record, replace=False)
        health.feed(time_ms, record)
    sticky = StickyClients(thresholds.clients)
    for time_ms, record in client_snapshots:
        inventory.add_client(record, replace=False)
        sticky.feed(time_ms, record)

    context = Context(
        site=site, inventory=inventory, period_end_ms=period_end_ms, period_start_ms=period_start_ms
    )
    findings = _merge(
        [finding for rule in (*rules, other) for finding in rule.findings(context)],
        [*health_findings(health, context), *sticky.findings(context)],
    )
    findings = roll_up(findings, site, thresholds.max_findings_per_rule)
    findings.sort(key=lambda f: f.sort_key)
    return Analysis(
        site=site,
        period_start_ms=period_start_ms,
        period_end_ms=period_end_ms,
        events=total,
        by_key=Counter(counts),
        findings=findings,
        device_snapshots=health.snapshots,
        client_snapshots=sticky.snapshots,
        comparison=compare(findings, previous_findings) if previous_findings is not None else None,
    )


def _merge(from_events: list[Finding], from_snapshots: list[Finding]) -> list[Finding]:
    """Event findings, then snapshot findings that do not repeat one of them.

    The same fact seen twice is told once: a device the events already show offline (or
    flapping) is not reported offline again from its snapshot, and a device's own overheating
    alarm (``device-overheated``) is folded into its measured ``device-temperature``. Any
    other id appears once, the event-based finding winning.
    """
    down = {
        finding.subjects[0].id
        for finding in from_events
        if finding.rule in ("device-offline", "device-flapping") and finding.subjects
    }
    alarms = {
        finding.subjects[0].id: finding
        for finding in from_events
        if finding.rule == "device-overheated" and finding.subjects
    }
    unique = {finding.id: finding for finding in from_events}
    for finding in from_snapshots:
        primary = finding.subjects[0].id if finding.subjects else ""
        if finding.id in unique or (finding.rule == "device-offline" and primary in down):
            continue
        alarm = alarms.get(primary) if finding.rule == "device-temperature" else None
        if alarm is not None:
            del unique[alarm.id]
            finding = replace(
                finding,
                severity=min(finding.severity, alarm.severity, key=lambda s: s.rank),
                explanation=(
                    f"{finding.explanation} The device also raised its own overheating alarm "
                    f"{times(alarm.count)}."
                ),
                first_seen_ms=min(finding.first_seen_ms, alarm.first_seen_ms),
                last_seen_ms=max(finding.last_seen_ms, alarm.last_seen_ms),
            )
        unique[finding.id] = finding
    return list(unique.values())
