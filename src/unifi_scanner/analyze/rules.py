"""The rule catalogue: which events mean what, how bad it is, and what to do about it.

Simple rules are plain data (:class:`Rule`): event keys, category, severity, title and
explanation templates, remediation steps, and what to group by. Rules that need to look at
events together over time (roam storms, outages with durations, radar followed by a channel
change, IPS alerts by signature) are small processors in :mod:`.aggregate` and :mod:`.ips`;
:func:`processors` assembles the whole catalogue for one analysis run.

Templates are ``str.format`` strings over a fixed context: ``{subject}``, ``{count}``,
``{times}``, ``{clients}``/``{n_clients}``, ``{devices}``/``{n_devices}`` and one entry per
tally (see :class:`Rule`). Names in them come from the controller and are escaped by the
report renderers, never here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, Protocol

from unifi_scanner.analyze.findings import Category, Finding, Severity, Subject, finding_id
from unifi_scanner.analyze.inventory import CLIENT_FIELDS, DEVICE_FIELDS, Inventory
from unifi_scanner.analyze.text import names, plural, times
from unifi_scanner.controller.models import Event

GroupBy = Literal["site", "device", "client", "key"]

#: Payload fields naming the devices an event involves (a roam names two access points).
INVOLVED_DEVICE_FIELDS = (*DEVICE_FIELDS, "ap_from", "ap_to")


@dataclass(frozen=True, slots=True)
class Context:
    """What every processor needs to turn its state into findings."""

    site: str
    inventory: Inventory
    period_end_ms: int


class RuleProcessor(Protocol):
    """One rule's state during one analysis run."""

    @property
    def rule_id(self) -> str: ...

    @property
    def keys(self) -> frozenset[str]: ...

    def feed(self, event: Event) -> None: ...

    def findings(self, context: Context) -> list[Finding]: ...


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule that counts events by subject; one finding per subject.

    ``tallies`` names sub-counts by event key (``{"connects": {...}, "disconnects": {...}}``),
    available in the templates as ``{connects}`` and ``{connects_times}``.
    """

    id: str
    keys: frozenset[str]
    category: Category
    severity: Severity
    title: str
    explanation: str
    remediation: tuple[str, ...] = ()
    group_by: GroupBy = "site"
    tallies: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def processor(self) -> GroupingProcessor:
        return GroupingProcessor(self)


@dataclass(slots=True)
class _Group:
    subject_id: str
    count: int = 0
    first_ms: int = 0
    last_ms: int = 0
    tallies: Counter[str] = field(default_factory=Counter)
    clients: Counter[str] = field(default_factory=Counter)
    devices: Counter[str] = field(default_factory=Counter)


class GroupingProcessor:
    """Runs a :class:`Rule`: counts per subject, then fills the templates."""

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        self._groups: dict[str, _Group] = {}
        self._tally_of = {key: name for name, keys in rule.tallies.items() for key in keys}

    @property
    def rule_id(self) -> str:
        return self.rule.id

    @property
    def keys(self) -> frozenset[str]:
        return self.rule.keys

    def feed(self, event: Event) -> None:
        subject = _subject_id(self.rule.group_by, event)
        if subject is None:
            subject = event.site
        group = self._groups.get(subject)
        if group is None:
            group = self._groups[subject] = _Group(subject, first_ms=event.time_ms)
        group.count += 1
        group.last_ms = max(group.last_ms, event.time_ms)
        group.first_ms = min(group.first_ms, event.time_ms)
        tally = self._tally_of.get(event.key)
        if tally is not None:
            group.tallies[tally] += 1
        payload = event.payload
        for name in CLIENT_FIELDS:
            mac = payload.get(name)
            if isinstance(mac, str):
                group.clients[mac.lower()] += 1
        for name in INVOLVED_DEVICE_FIELDS:
            mac = payload.get(name)
            if isinstance(mac, str):
                group.devices[mac.lower()] += 1

    def findings(self, context: Context) -> list[Finding]:
        rule = self.rule
        inventory = context.inventory
        found = []
        for group in self._groups.values():
            subject = _subject(rule.group_by, group.subject_id, context)
            clients = [
                Subject("client", mac, inventory.client_name(mac))
                for mac, _ in group.clients.most_common()
            ]
            devices = [
                Subject("device", mac, inventory.device_name(mac))
                for mac, _ in group.devices.most_common()
            ]
            values: dict[str, object] = {
                "subject": subject.name,
                "count": group.count,
                "times": times(group.count),
                "n_clients": plural(len(clients), "client"),
                "clients": names([s.name for s in clients]),
                "n_devices": plural(len(devices), "device"),
                "devices": names([s.name for s in devices]),
            }
            for tally in rule.tallies:
                values[tally] = group.tallies[tally]
                values[f"{tally}_times"] = times(group.tallies[tally])
            related = [s for s in (*devices, *clients) if s != subject]
            found.append(
                Finding(
                    id=finding_id(context.site, rule.id, subject),
                    rule=rule.id,
                    category=rule.category,
                    severity=rule.severity,
                    title=rule.title.format_map(values),
                    explanation=rule.explanation.format_map(values),
                    remediation=rule.remediation,
                    count=group.count,
                    first_seen_ms=group.first_ms,
                    last_seen_ms=group.last_ms,
                    subjects=(subject, *related),
                )
            )
        return found


def _subject_id(group_by: GroupBy, event: Event) -> str | None:
    if group_by == "site":
        return event.site
    if group_by == "key":
        return event.key
    fields = DEVICE_FIELDS if group_by == "device" else CLIENT_FIELDS
    for name in fields:
        value = event.payload.get(name)
        if isinstance(value, str):
            return value.lower()
    return None


def _subject(group_by: GroupBy, subject_id: str, context: Context) -> Subject:
    if group_by == "device":
        return Subject("device", subject_id, context.inventory.device_name(subject_id))
    if group_by == "client":
        return Subject("client", subject_id, context.inventory.client_name(subject_id))
    if group_by == "key":
        return Subject("event-key", subject_id, subject_id)
    return Subject("site", subject_id, subject_id)


# -- the catalogue of simple rules --------------------------------------------------------------

_CONNECTS = frozenset(
    {"EVT_WU_Connected", "EVT_WG_Connected", "EVT_LU_Connected", "EVT_LG_Connected"}
)
_DISCONNECTS = frozenset(
    {"EVT_WU_Disconnected", "EVT_WG_Disconnected", "EVT_LU_Disconnected", "EVT_LG_Disconnected"}
)
_ROAMS = frozenset({"EVT_WU_Roam", "EVT_WG_Roam"})
_RADIO_ROAMS = frozenset({"EVT_WU_RoamRadio", "EVT_WG_RoamRadio"})

CLIENT_ACTIVITY = Rule(
    id="client-activity",
    keys=_CONNECTS | _DISCONNECTS,
    category=Category.CONNECTIVITY,
    severity=Severity.LOW,
    title="{n_clients} connected {connects_times} and disconnected {disconnects_times}",
    explanation=(
        "Clients joining and leaving the network is normal: phones sleep, laptops go home. "
        "This is a summary of that activity on site {subject}; the busiest clients were "
        "{clients}."
    ),
    tallies={"connects": _CONNECTS, "disconnects": _DISCONNECTS},
)

CLIENT_ROAMING = Rule(
    id="client-roaming",
    keys=_ROAMS | _RADIO_ROAMS,
    category=Category.WIRELESS,
    severity=Severity.LOW,
    title="Wireless clients roamed {roams_times} between access points",
    explanation=(
        "Roaming is a client moving to a better access point as it moves around; it is "
        "healthy in moderation. {n_clients} roamed between {devices} ({roams_times} between "
        "access points, {band_changes_times} between bands on the same access point)."
    ),
    tallies={"roams": _ROAMS, "band_changes": _RADIO_ROAMS},
)

CHANNEL_CHANGES = Rule(
    id="channel-changes",
    keys=frozenset({"EVT_AP_ChannelChanged"}),
    category=Category.WIRELESS,
    severity=Severity.LOW,
    title="{subject} changed channel {times}",
    explanation=(
        "An access point changes channel when it finds a cleaner one, on a schedule, or "
        "because it had to leave a radar channel. Clients on that radio reconnect briefly."
    ),
    group_by="device",
)

SIMPLE_RULES: tuple[Rule, ...] = (CLIENT_ACTIVITY, CLIENT_ROAMING, CHANNEL_CHANGES)
