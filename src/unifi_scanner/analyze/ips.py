"""Intrusion detection/prevention alerts, grouped so that a person can read them.

Every hit belongs to exactly one finding. An address that hit often (``source_min_hits``) or
with several signatures gets its own ``ips-source`` finding — one attacker, one card, however
many signatures it tripped. Such internet addresses of one network (IPv4 /24, IPv6 /64) that
also share their place and organisation (``srcipGeo``) are one attacker taking turns, and
share one ``ips-source`` card whose subject is the network, so that the advice is to block the
range. Devices inside the network are never merged: each is a device to look at. The
remaining hits are grouped by signature (``ips-alert``), with the addresses that sent them: a
wave of scans from many addresses is one card. When nothing at all was blocked,
``ips-detection-only`` says that intrusion prevention only watches.

Severity weighs the signature's own priority (Suricata: 1 high … 3 low), what its Emerging
Threats category means (:mod:`.et`), where the traffic came from, and whether it was blocked:
a device inside the network sending malware traffic is severe even if blocked; an internet
scan that was blocked is low.
"""

from __future__ import annotations

import functools
import ipaddress
from dataclasses import dataclass, field

from unifi_scanner.analyze.et import EtCategory, category_of, is_et_pro
from unifi_scanner.analyze.findings import Category, Finding, Severity, Subject, finding_id
from unifi_scanner.analyze.rules import Context
from unifi_scanner.analyze.text import names, plural, times
from unifi_scanner.analyze.thresholds import IpsThresholds
from unifi_scanner.controller.models import Event

IPS_ALERT = "EVT_IPS_IpsAlert"
BLOCKING_ACTIONS = frozenset({"blocked", "block", "drop", "dropped", "reject", "rejected"})
#: Source bucket of hits beyond ``max_tracked_sources`` distinct addresses.
OVERFLOW = "*"
_MAX_TARGETS = 16


@functools.lru_cache(maxsize=65_536)
def is_internal(address: str) -> bool:
    """Private, loopback or link-local: a device on this side of the gateway (cached: the
    same addresses come back in every finding that lists them)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return ip.is_private or ip.is_loopback or ip.is_link_local


@dataclass(slots=True)
class _Flow:
    """Hits of one signature from one source."""

    first_ms: int
    last_ms: int
    count: int = 0
    blocked: int = 0
    worst: int = 3
    targets: dict[str, int] = field(default_factory=dict)

    def merge(self, other: _Flow) -> None:
        self.first_ms = min(self.first_ms, other.first_ms)
        self.last_ms = max(self.last_ms, other.last_ms)
        self.count += other.count
        self.blocked += other.blocked
        self.worst = min(self.worst, other.worst)
        for target, count in other.targets.items():
            if target in self.targets or len(self.targets) < _MAX_TARGETS:
                self.targets[target] = self.targets.get(target, 0) + count


@dataclass(frozen=True, slots=True)
class _Signature:
    text: str
    classtype: str
    word: str
    category: EtCategory


@dataclass(slots=True)
class _Source:
    place: str | None
    flows: dict[str, _Flow] = field(default_factory=dict)


def _place(event: Event) -> str | None:
    """``China, Chinanet`` from ``srcipGeo`` (an object, or ``[]`` when empty)."""
    geo = event.payload.get("srcipGeo")
    parts = []
    if isinstance(geo, dict):
        for name in ("country_name", "organization"):
            value = geo.get(name)
            if isinstance(value, str) and value:
                parts.append(value)
    if not parts:
        country = event.text("srcipCountry")
        if country and country.lower() not in ("false", "none"):
            parts.append(country)
    return ", ".join(parts) or None


def _towards(flow: _Flow) -> str:
    """`` to 192.168.1.20 and 192.168.1.21``; empty when no target was recorded."""
    if not flow.targets:
        return ""
    return " to " + names(sorted(flow.targets, key=lambda t: -flow.targets[t]))


def network_of(address: str) -> str | None:
    """``141.98.11.0/24`` (IPv6: the /64), the block one hosting customer or one provider's
    pool usually holds; None for what is not an address."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    prefix = 24 if ip.version == 4 else 64
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def severity_for(risk: int, *, internal: bool, all_blocked: bool) -> Severity:
    """Severity from the worse of signature priority and category level (1 high … 3 low)."""
    if internal or not all_blocked:
        return {1: Severity.SEVERE, 2: Severity.MEDIUM}.get(risk, Severity.LOW)
    return Severity.MEDIUM if risk == 1 else Severity.LOW


class IpsAlerts:
    """``ips-source``, ``ips-alert`` and ``ips-detection-only``."""

    rule_id = "ips-alert"
    rules = ("ips-alert", "ips-source", "ips-detection-only")
    keys = frozenset({IPS_ALERT})

    def __init__(self, thresholds: IpsThresholds) -> None:
        self._min_hits = thresholds.source_min_hits
        self._max_sources = thresholds.max_tracked_sources
        self._signatures: dict[str, _Signature] = {}
        self._sources: dict[str, _Source] = {}
        self._total = 0
        self._blocked = 0
        self._first_ms = 0
        self._last_ms = 0

    def feed(self, event: Event) -> None:
        text = event.text("inner_alert_signature") or event.text("msg") or "unknown signature"
        sid = event.text("inner_alert_signature_id") or text
        if sid not in self._signatures:
            word, category = category_of(text, event.payload.get("catname"))
            classtype = event.text("inner_alert_category") or ""
            self._signatures[sid] = _Signature(text, classtype, word, category)
        source_ip = event.text("src_ip") or ""
        source = self._sources.get(source_ip)
        if source is None:
            if len(self._sources) >= self._max_sources:
                source_ip = OVERFLOW
                source = self._sources.get(OVERFLOW)
            if source is None:
                source = self._sources[source_ip] = _Source(_place(event))
        t = event.time_ms
        flow = source.flows.get(sid)
        if flow is None:
            flow = source.flows[sid] = _Flow(t, t)
        flow.count += 1
        flow.first_ms, flow.last_ms = min(flow.first_ms, t), max(flow.last_ms, t)
        priority = event.text("inner_alert_severity")
        if priority is not None and priority.isdigit():
            flow.worst = min(flow.worst, max(1, int(priority)))
        blocked = (event.text("inner_alert_action") or "").lower() in BLOCKING_ACTIONS
        flow.blocked += blocked
        target = event.text("dest_ip")
        if target and (target in flow.targets or len(flow.targets) < _MAX_TARGETS):
            flow.targets[target] = flow.targets.get(target, 0) + 1
        if not self._total:
            self._first_ms = t
        self._total += 1
        self._blocked += blocked
        self._first_ms, self._last_ms = min(self._first_ms, t), max(self._last_ms, t)

    # -- findings ---------------------------------------------------------------------------

    def findings(self, context: Context) -> list[Finding]:
        found = []
        by_signature: dict[str, dict[str, _Flow]] = {}
        # (network, place) → the internet addresses in it that get a card.
        attackers: dict[tuple[str, str | None], list[str]] = {}
        for ip, source in self._sources.items():
            hits = sum(flow.count for flow in source.flows.values())
            if ip not in ("", OVERFLOW) and (hits >= self._min_hits or len(source.flows) >= 2):
                network = None if is_internal(ip) else network_of(ip)
                if network is None:
                    found.append(self._source_finding(context, [ip]))
                else:
                    attackers.setdefault((network, source.place), []).append(ip)
                continue
            for sid, flow in source.flows.items():
                by_signature.setdefault(sid, {})[ip] = flow
        for (network, _place), ips in attackers.items():
            found.append(self._source_finding(context, ips, network))
        for sid, flows in by_signature.items():
            found.append(self._signature_finding(context, sid, flows))
        if self._total and not self._blocked:
            found.append(self._detection_only(context))
        return found

    def _who(self, context: Context, ip: str, place: str | None) -> str:
        """``192.168.1.50 (Living-room iPad)``, ``218.92.0.203 (China, Chinanet)``."""
        if ip == OVERFLOW:
            return "many other addresses"
        if not ip:
            return "an unrecorded address"
        if is_internal(ip):
            mac = context.inventory.client_for_ip(ip)
            return f"{ip} ({context.inventory.client_name(mac)})" if mac else ip
        return f"{ip} ({place})" if place else ip

    def _verdict(self, count: int, blocked: int) -> str:
        if blocked == count:
            return "Every attempt was blocked."
        if blocked:
            return (
                f"{blocked} of {count} were blocked; the rest were only detected and allowed "
                "through."
            )
        if not self._blocked:
            return (
                "None were blocked: the traffic was only detected. Intrusion prevention is "
                "probably in detection-only (IDS) mode."
            )
        return "None were blocked: the traffic was only detected and allowed through."

    def _pro_note(self, sids: list[str]) -> str:
        if any(is_et_pro(sid) for sid in sids):
            return (
                " The signature comes from the ET PRO ruleset, which UniFi supplies with its "
                "paid CyberSecure subscription."
            )
        return ""

    def _steps(
        self,
        category: EtCategory,
        *,
        internal: bool,
        all_blocked: bool,
        who: str,
        ip: str,
        network: bool = False,
    ) -> tuple[str, ...]:
        steps: list[str] = []
        if internal:
            steps.append(
                f"Identify {who} (UniFi Network → Client Devices, search for {ip}) and find "
                "out what runs on it."
            )
            steps.append(category.inside)
        else:
            steps.append(category.outside)
        if not all_blocked:
            steps.append(
                "Switch intrusion prevention to blocking (UniFi Network → Settings → "
                "CyberSecure (or Security) → Intrusion Prevention → mode Notify and Block)."
            )
        if network:
            steps.append(
                f"Block the whole range {ip} rather than one address at a time: a single "
                "firewall rule for the range covers every address this attacker uses (or "
                "block its country with CyberSecure's region blocking)."
            )
        elif not internal and ip not in ("", OVERFLOW):
            steps.append(
                f"If {ip} keeps coming back, block it (or its country) with a firewall rule "
                "or CyberSecure's region blocking."
            )
        steps.append("Keep the gateway's firmware and threat signatures up to date.")
        return tuple(steps)

    def _source_finding(
        self, context: Context, ips: list[str], network: str | None = None
    ) -> Finding:
        """The card of one attacker: one address, or (``ips`` of more than one) the addresses
        of ``network`` it took turns with, their hits added up signature by signature."""
        place = self._sources[ips[0]].place
        flows: dict[str, _Flow] = {}
        hits_of: dict[str, int] = {}
        for ip in ips:
            hits_of[ip] = 0
            for sid, flow in self._sources[ip].flows.items():
                flows.setdefault(sid, _Flow(flow.first_ms, flow.last_ms)).merge(flow)
                hits_of[ip] += flow.count
        grouped = network is not None and len(ips) > 1
        if grouped:  # all addresses of one network: comparable
            ips = sorted(ips, key=lambda ip: (-hits_of[ip], ipaddress.ip_address(ip)))
        hits = sum(hits_of.values())
        ip = network if network is not None and grouped else ips[0]
        internal = is_internal(ip)
        if grouped:
            who = f"{plural(len(ips), 'address', 'addresses')} in {ip}"
            who = f"{who} ({place})" if place else who
        else:
            who = self._who(context, ip, place)
        sids = sorted(flows, key=lambda sid: -flows[sid].count)
        total = _Flow(min(flow.first_ms for flow in flows.values()), 0)
        for sid in sids:
            total.merge(flows[sid])
        signatures = [self._signatures[sid] for sid in sids]
        top = signatures[0].category
        risk = min(total.worst, min(s.category.level for s in signatures))
        all_blocked = total.blocked == total.count
        severity = severity_for(risk, internal=internal, all_blocked=all_blocked)
        listed = names(
            [f"{s.text} ({flows[sid].count})" for sid, s in zip(sids, signatures, strict=True)]
        )
        labels = names(sorted({s.category.label for s in signatures}))
        if internal:
            title = f"{who}, inside your network, triggered {plural(hits, 'intrusion alert')}"
            origin = (
                f"{who} is one of your own devices: it sent traffic matching "
                f"{plural(len(sids), 'signature')} {times(hits)}"
            )
        else:
            blocked = ", all blocked" if all_blocked else ""
            title = f"{plural(hits, 'intrusion alert')} from {who}{blocked}"
            origin = f"{who}, an address on the internet, triggered"
            if grouped:
                each = names([f"{address} ({hits_of[address]})" for address in ips])
                origin = (
                    f"{who} — {each} — are one network on the internet, most likely a single "
                    "attacker taking turns. Together they triggered"
                )
            origin = f"{origin} {plural(len(sids), 'signature')} {times(hits)}"
        subject = Subject("ip", ip, who)
        addresses = [Subject("ip", address, address) for address in ips[:24]] if grouped else []
        return Finding(
            id=finding_id(context.site, "ips-source", subject),
            rule="ips-source",
            category=Category.SECURITY,
            severity=severity,
            title=title,
            explanation=(
                f"{origin}{_towards(total)}: {listed}. "
                f"{self._verdict(total.count, total.blocked)} "
                f"What it means ({labels}): {top.meaning}{self._pro_note(sids)}"
            ),
            remediation=self._steps(
                top, internal=internal, all_blocked=all_blocked, who=who, ip=ip, network=grouped
            ),
            count=hits,
            first_seen_ms=total.first_ms,
            last_seen_ms=total.last_ms,
            subjects=(
                subject,
                *addresses,
                *(Subject("signature", sid, self._signatures[sid].text) for sid in sids[:16]),
            ),
        )

    def _signature_finding(self, context: Context, sid: str, flows: dict[str, _Flow]) -> Finding:
        signature = self._signatures[sid]
        ips = sorted(flows, key=lambda ip: -flows[ip].count)
        total = _Flow(min(f.first_ms for f in flows.values()), 0)
        for ip in ips:
            total.merge(flows[ip])
        internal = [ip for ip in ips if is_internal(ip)]
        all_blocked = total.blocked == total.count
        risk = min(total.worst, signature.category.level)
        severity = severity_for(risk, internal=bool(internal), all_blocked=all_blocked)
        shown = [ip for ip in ips if ip]
        listed = [self._who(context, ip, self._sources[ip].place) for ip in shown]
        if len(listed) > 1:
            sources = f"{plural(len(listed), 'address', 'addresses')} — {names(listed)} —"
        else:
            sources = listed[0] if listed else "an unrecorded address"
        targets = _towards(total)
        origin = ""
        if internal:
            verb = "is" if len(internal) == 1 else "are"
            named = [
                context.inventory.client_name(mac)
                for mac in (context.inventory.client_for_ip(ip) for ip in internal)
                if mac
            ]
            also = f" ({names(named)})" if named else ""
            origin = (
                f" {names(internal)} {verb} inside your network{also}: one of your own "
                "devices is sending this traffic."
            )
        classtype = f" (category: {signature.classtype})" if signature.classtype else ""
        who = self._who(context, internal[0], None) if internal else ""
        verdict = self._verdict(total.count, total.blocked)
        subject = Subject("signature", sid, signature.text)
        return Finding(
            id=finding_id(context.site, "ips-alert", subject),
            rule="ips-alert",
            category=Category.SECURITY,
            severity=severity,
            title=f"Intrusion {'blocked' if all_blocked else 'detected'}: {signature.text}",
            explanation=(
                f"The gateway's intrusion prevention matched this signature{classtype} "
                f"{times(total.count)}, from {sources}{targets}. {verdict}{origin} "
                f"What it means ({signature.category.label}): {signature.category.meaning}"
                f"{self._pro_note([sid])}"
            ),
            remediation=self._steps(
                signature.category,
                internal=bool(internal),
                all_blocked=all_blocked,
                who=who,
                ip=internal[0] if internal else (ips[0] if len(ips) == 1 else ""),
            ),
            count=total.count,
            first_seen_ms=total.first_ms,
            last_seen_ms=total.last_ms,
            subjects=(subject, *(Subject("ip", ip, ip) for ip in shown[:24] if ip != OVERFLOW)),
        )

    def _detection_only(self, context: Context) -> Finding:
        subject = Subject("site", context.site, context.site)
        return Finding(
            id=finding_id(context.site, "ips-detection-only", subject),
            rule="ips-detection-only",
            category=Category.SECURITY,
            severity=Severity.MEDIUM,
            title="Intrusion prevention only detects threats, it does not block them",
            explanation=(
                f"All {plural(self._total, 'intrusion alert')} of this period were only "
                "detected and the traffic was allowed through; none was blocked. That is what "
                "the gateway does when intrusion prevention is set to detection only (IDS): "
                "you are told about attacks, but they are not stopped."
            ),
            remediation=(
                "Open UniFi Network → Settings → CyberSecure (or Security) → Intrusion "
                "Prevention and set the mode to Notify and Block (IPS).",
                "Keep the threat categories you care about enabled, and the gateway's "
                "signatures up to date.",
            ),
            count=self._total,
            first_seen_ms=self._first_ms,
            last_seen_ms=self._last_ms,
            subjects=(subject,),
        )
