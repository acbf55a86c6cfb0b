"""The analysis engine: events in time order through the catalogue, findings out.

Every event goes to every rule that claims its key (a channel change feeds both the
channel-change summary and the radar rule); an event no rule claims is reported under
"other activity", never dropped. Memory grows with the number of subjects, not of events.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from unifi_scanner.analyze.aggregate import DeviceOutages, ExcessiveRoaming, RadarHits, Thresholds
from unifi_scanner.analyze.findings import Category, Finding, Severity, Subject, finding_id
from unifi_scanner.analyze.inventory import Inventory
from unifi_scanner.analyze.ips import IpsAlerts
from unifi_scanner.analyze.rules import SIMPLE_RULES, Context, RuleProcessor
from unifi_scanner.analyze.text import times
from unifi_scanner.controller.models import Event


def processors(thresholds: Thresholds | None = None) -> list[RuleProcessor]:
    """A fresh set of rule processors: the whole catalogue, for one analysis run."""
    thresholds = thresholds or Thresholds()
    return [
        *(rule.processor() for rule in SIMPLE_RULES),
        ExcessiveRoaming(thresholds),
        DeviceOutages(),
        RadarHits(thresholds),
        IpsAlerts(),
    ]


@dataclass(slots=True)
class _Unclaimed:
    count: int
    first_ms: int
    last_ms: int
    message: str | None


class OtherActivity:
    """Events of keys no rule claims, one finding per key, so nothing goes unreported."""

    rule_id = "other-activity"
    keys: frozenset[str] = frozenset()

    def __init__(self) -> None:
        self._keys: dict[str, _Unclaimed] = {}

    def feed(self, event: Event) -> None:
        seen = self._keys.get(event.key)
        message = event.text("msg")
        if seen is None:
            self._keys[event.key] = _Unclaimed(1, event.time_ms, event.time_ms, message)
            return
        seen.count += 1
        seen.first_ms = min(seen.first_ms, event.time_ms)
        if event.time_ms >= seen.last_ms:
            seen.last_ms = event.time_ms
            seen.message = message or seen.message
        return

    def findings(self, context: Context) -> list[Finding]:
        found = []
        for key, seen in self._keys.items():
            subject = Subject("event-key", key, key)
            said = (
                f' The controller described the latest one as: "{seen.message}"'
                if seen.message
                else ""
            )
            found.append(
                Finding(
                    id=finding_id(context.site, self.rule_id, subject),
                    rule=self.rule_id,
                    category=Category.SYSTEM,
                    severity=Severity.LOW,
                    title=f"Other activity: {key} ({times(seen.count)})",
                    explanation=(
                        "unifi-scanner has no rule for this kind of event yet, so it is listed "
                        f"as it came.{said}"
                    ),
                    remediation=(),
                    count=seen.count,
                    first_seen_ms=seen.first_ms,
                    last_seen_ms=seen.last_ms,
                    subjects=(subject,),
                )
            )
        return found


@dataclass(slots=True)
class Analysis:
    """The outcome of analysing one site over one period."""

    site: str
    period_start_ms: int
    period_end_ms: int
    events: int = 0
    by_key: Counter[str] = field(default_factory=Counter)
    findings: list[Finding] = field(default_factory=list)

    def by_severity(self) -> dict[str, int]:
        counts = {severity.value: 0 for severity in Severity}
        for finding in self.findings:
            counts[finding.severity.value] += 1
        return counts


def analyze(
    events: Iterable[Event],
    *,
    site: str,
    period_start_ms: int,
    period_end_ms: int,
    inventory: Inventory | None = None,
    thresholds: Thresholds | None = None,
) -> Analysis:
    """Run the catalogue over ``events`` (in time order) and collect the findings."""
    inventory = inventory or Inventory()
    rules = processors(thresholds)
    other = OtherActivity()
    index: dict[str, list[RuleProcessor]] = {}
    for rule in rules:
        for key in rule.keys:
            index.setdefault(key, []).append(rule)
    result = Analysis(site=site, period_start_ms=period_start_ms, period_end_ms=period_end_ms)
    by_key = result.by_key
    count = 0
    for event in events:
        count += 1
        by_key[event.key] += 1
        inventory.learn(event)
        claimed = index.get(event.key)
        if claimed is None:
            other.feed(event)
            continue
        for rule in claimed:
            rule.feed(event)
    result.events = count
    context = Context(site=site, inventory=inventory, period_end_ms=period_end_ms)
    findings = [finding for rule in (*rules, other) for finding in rule.findings(context)]
    findings.sort(key=lambda f: f.sort_key)
    result.findings = findings
    return result
