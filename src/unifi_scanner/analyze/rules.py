"""How a rule runs: the processor protocol, and rules that are plain data.

Simple rules are :class:`Rule` values (the catalogue is :mod:`.catalogue`): event keys,
category, severity, title and explanation templates, remediation steps, and what to group
by. Rules that need to look at events together over time (roam storms, outages with
durations, radar followed by a channel change, IPS alerts by signature and source) are small
processors of their own; :func:`unifi_scanner.analyze.engine.processors` assembles the whole
catalogue for one analysis run.

Templates are ``str.format`` strings over a fixed context: ``{subject}``, ``{kind}`` (the
device's kind: access point, switch…), ``{count}``, ``{times}``, ``{clients}``/
``{n_clients}``, ``{devices}``/``{n_devices}``, ``{details}``/``{ports}`` (the distinct values
of ``detail_field``) and one entry per tally (see :class:`Rule`). Names in them come from the
controller and are escaped by the report renderers, never here. A template may also hold
``[a|b]`` sections that leave out what a zero tally would say (:mod:`.templates`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal, Protocol

from unifi_scanner.analyze.findings import (
    Category,
    Finding,
    Severity,
    Subject,
    finding_id,
    subjects,
)
from unifi_scanner.analyze.inventory import DEVICE_FIELDS, DEVICE_KINDS, Inventory
from unifi_scanner.analyze.templates import Template
from unifi_scanner.analyze.text import channels, names, plural, ports, times
from unifi_scanner.controller.models import Event

GroupBy = Literal["site", "device", "client", "key"]

#: Payload fields naming the devices an event involves (a roam names two access points).
INVOLVED_DEVICE_FIELDS = (*DEVICE_FIELDS, "ap_from", "ap_to")

#: Distinct ``detail_field`` values a group remembers (ports of one switch, channels…).
MAX_DETAILS = 64


@dataclass(frozen=True, slots=True)
class Context:
    """What every processor needs to turn its state into findings."""

    site: str
    inventory: Inventory
    period_end_ms: int
    period_start_ms: int = 0


class RuleProcessor(Protocol):
    """One rule's state during one analysis run.

    ``rule_id`` names the rule for the claim check; ``rules`` lists every rule id the
    processor can produce (an outage processor reports ``device-offline`` or
    ``device-flapping``); ``keys`` are the event keys it is fed.
    """

    @property
    def rule_id(self) -> str: ...

    @property
    def rules(self) -> tuple[str, ...]: ...

    @property
    def keys(self) -> frozenset[str]: ...

    def feed(self, event: Event) -> None: ...

    def findings(self, context: Context) -> list[Finding]: ...


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule that counts events by subject; one finding per subject.

    ``tallies`` names sub-counts by event key (``{"connects": {...}, "disconnects": {...}}``),
    available in the templates as ``{connects}`` and ``{connects_times}``; template sections
    (``[…|…]``, see :mod:`.templates`) leave out what a zero tally would say. ``detail_field``
    is a payload field (``port``, ``channel``) whose distinct values the templates list.
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
    detail_field: str | None = None

    def processor(self) -> GroupingProcessor:
        return GroupingProcessor(self)


@dataclass(slots=True)
class _Group:
    subject_id: str
    first_ms: int
    last_ms: int
    by_key: list[int]
    """Events per key of the rule (in :attr:`GroupingProcessor.slots` order): one list
    increment per event gives both the count and the tallies."""
    kind: str | None = None
    clients: defaultdict[str, int] = field(default_factory=lambda: defaultdict(int))
    devices: defaultdict[str, int] = field(default_factory=lambda: defaultdict(int))
    details: dict[str, int] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(self.by_key)


@dataclass(frozen=True, slots=True)
class _KeyPlan:
    """Which payload fields matter for one key of one rule, worked out once."""

    subject_fields: tuple[str, ...]
    slot: int
    client_fields: tuple[str, str]
    device_fields: tuple[str, ...]
    kind: str | None


def key_token(key: str) -> str:
    """``AP`` of ``EVT_AP_Lost_Contact``; empty for keys of another shape."""
    parts = key.split("_", 2)
    return parts[1] if len(parts) > 2 and parts[0] == "EVT" else ""


def client_fields(key: str) -> tuple[str, str]:
    """The payload fields naming the client in events of ``key``, the likely one first:
    ``guest`` for guest events (``EVT_WG_…``, ``EVT_LG_…``, ``EVT_HS_…``), else ``user``."""
    if key_token(key) in ("WG", "LG", "HS"):
        return ("guest", "user")
    return ("user", "guest")


def involved_device_fields(key: str) -> tuple[str, ...]:
    """The payload fields naming devices in events of ``key``, most specific first."""
    prefix = key_token(key)
    if prefix in ("WU", "WG"):
        return ("ap_from", "ap_to") if key.endswith("_Roam") else ("ap",)
    if prefix in ("LU", "LG"):
        return ("sw",)
    if prefix == "GW":
        return ("gw", "dm")
    if prefix in DEVICE_KINDS:
        return (prefix.lower(),)
    return INVOLVED_DEVICE_FIELDS


class GroupingProcessor:
    """Runs a :class:`Rule`: counts per subject, then fills the templates.

    The per-event path is a handful of dictionary operations; MAC addresses are lower-cased
    once per distinct value when the findings are made, not once per event.
    """

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        self._groups: dict[str, _Group] = {}
        self.slots = sorted(rule.keys)
        """The rule's keys, each with its place in the groups' ``by_key`` counts."""
        self._plans = {key: self._plan(key, slot) for slot, key in enumerate(self.slots)}
        self._feeds: dict[str, Callable[[Event], None]] = {}
        tallies = frozenset(rule.tallies)
        self._title = Template.parse(rule.title, tallies)
        self._explanation = Template.parse(rule.explanation, tallies)
        self._remediation = tuple(Template.parse(step, tallies) for step in rule.remediation)

    def _plan(self, key: str, slot: int) -> _KeyPlan:
        devices = involved_device_fields(key)
        by = self.rule.group_by
        subject_fields: tuple[str, ...] = ()
        if by == "device":
            subject_fields = (*devices, *(f for f in DEVICE_FIELDS if f not in devices))
        elif by == "client":
            subject_fields = client_fields(key)
        return _KeyPlan(
            subject_fields, slot, client_fields(key), devices, DEVICE_KINDS.get(key_token(key))
        )

    @property
    def groups(self) -> dict[str, _Group]:
        """The groups by subject, live: :mod:`.client_path` counts busy client keys into them
        directly (as :meth:`feed_for` would)."""
        return self._groups

    def start_group(self, key: str, subject: str, time_ms: int) -> _Group:
        """A new, empty group for ``subject``, first and last seen at ``time_ms`` (an event of
        ``key`` is about to be counted into it)."""
        group = _Group(subject, time_ms, time_ms, [0] * len(self.slots), kind=self._plans[key].kind)
        self._groups[subject] = group
        return group

    @property
    def rule_id(self) -> str:
        return self.rule.id

    @property
    def rules(self) -> tuple[str, ...]:
        return (self.rule.id,)

    @property
    def keys(self) -> frozenset[str]:
        return self.rule.keys

    def feed(self, event: Event) -> None:
        feed = self._feeds.get(event.key)
        if feed is None:
            feed = self._feeds[event.key] = self.feed_for(event.key)
        feed(event)

    def feed_for(self, key: str) -> Callable[[Event], None]:
        """The feed for events of ``key``, with everything it needs bound in advance.

        The engine calls this once per key: the returned function does only the per-event
        work (a few dictionary operations), which is what keeps analysis fast.
        """
        plan = self._plans[key]
        groups = self._groups
        subject_fields = plan.subject_fields
        # Grouped by key, the subject is the key itself; by site, the event's site.
        fixed = key if self.rule.group_by == "key" else None
        slot = plan.slot
        width = len(self.slots)
        first_client, second_client = plan.client_fields
        device_fields = plan.device_fields
        detail_field = self.rule.detail_field
        kind = plan.kind

        def feed(event: Event) -> None:
            payload = event.payload
            if subject_fields:
                subject = None
                for name in subject_fields:
                    value = payload.get(name)
                    if value.__class__ is str and value:
                        subject = value.lower()
                        break
                if subject is None:
                    subject = event.site
            else:
                subject = fixed or event.site
            t = event.time_ms
            group = groups.get(subject)
            if group is None:
                group = groups[subject] = _Group(subject, t, t, [0] * width, kind=kind)
            elif t > group.last_ms:
                group.last_ms = t
            elif t < group.first_ms:
                group.first_ms = t
            group.by_key[slot] += 1
            # One client per event; the key says which field most likely names it.
            mac = payload.get(first_client) or payload.get(second_client)
            if mac.__class__ is str:
                group.clients[mac] += 1
            seen = group.devices
            for name in device_fields:
                mac = payload.get(name)
                if mac.__class__ is str:
                    seen[mac] += 1
            if detail_field is not None:
                detail = event.text(detail_field)
                details = group.details
                if detail is not None and (detail in details or len(details) < MAX_DETAILS):
                    details[detail] = details.get(detail, 0) + 1

        return feed

    def findings(self, context: Context) -> list[Finding]:
        rule = self.rule
        inventory = context.inventory
        found = []
        tally_of = {key: name for name, keys in rule.tallies.items() for key in keys}
        tally_slots: dict[str, list[int]] = {tally: [] for tally in rule.tallies}
        for slot, key in enumerate(self.slots):
            if key in tally_of:
                tally_slots[tally_of[key]].append(slot)
        for group in self._groups.values():
            count = group.count
            subject = _subject(rule.group_by, group.subject_id, context)
            clients = [
                Subject("client", mac, inventory.client_name(mac)) for mac in _ranked(group.clients)
            ]
            devices = [
                Subject("device", mac, inventory.device_name(mac)) for mac in _ranked(group.devices)
            ]
            details = sorted(group.details, key=_natural)
            kind = group.kind or "device"
            if rule.group_by == "device":
                kind = inventory.device_kind(group.subject_id, kind)
            values: dict[str, object] = {
                "subject": subject.name,
                "kind": kind,
                "count": count,
                "times": times(count),
                "n_clients": plural(len(clients), "client"),
                "clients": names([s.name for s in clients]),
                "n_devices": plural(len(devices), "device"),
                "devices": names([s.name for s in devices]),
                "details": names(details) if details else "not recorded",
                "ports": ports(details),
                "channels": channels(details),
            }
            counts: dict[str, int] = {}
            for tally, slots in tally_slots.items():
                tallied = counts[tally] = sum(group.by_key[slot] for slot in slots)
                values[tally] = tallied
                values[f"{tally}_times"] = times(tallied)
            found.append(
                Finding(
                    id=finding_id(context.site, rule.id, subject),
                    rule=rule.id,
                    category=rule.category,
                    severity=rule.severity,
                    title=self._title.render(counts).format_map(values),
                    explanation=self._explanation.render(counts).format_map(values),
                    remediation=tuple(
                        step.render(counts).format_map(values) for step in self._remediation
                    ),
                    count=count,
                    first_seen_ms=group.first_ms,
                    last_seen_ms=group.last_ms,
                    subjects=subjects(subject, (*devices, *clients)),
                )
            )
        return found


def _ranked(counts: Mapping[str, int]) -> list[str]:
    """Lower-cased MACs, busiest first (ties in order of first appearance)."""
    merged: dict[str, int] = {}
    for mac, count in counts.items():
        low = mac.lower()
        merged[low] = merged.get(low, 0) + count
    return sorted(merged, key=lambda mac: -merged[mac])


def _natural(text: str) -> tuple[int, int | str]:
    """Numbers in numeric order, before any text."""
    return (0, int(text)) if text.isdigit() else (1, text)


def _subject(group_by: GroupBy, subject_id: str, context: Context) -> Subject:
    if group_by == "device":
        return Subject("device", subject_id, context.inventory.device_name(subject_id))
    if group_by == "client":
        return Subject("client", subject_id, context.inventory.client_name(subject_id))
    if group_by == "key":
        return Subject("event-key", subject_id, subject_id)
    return Subject("site", subject_id, subject_id)
