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

What is kept of the hits is :mod:`.ips_hits`; the attackers' cards, and their grouping by
network, are :mod:`.ips_sources`; the wording both cards share is :mod:`.ips_wording`.

Severity weighs the signature's own priority (Suricata: 1 high … 3 low), what its Emerging
Threats category means (:mod:`.et`), where the traffic came from, and whether it was blocked:
a device inside the network sending malware traffic is severe even if blocked; an internet
scan that was blocked is low.
"""

from __future__ import annotations

from unifi_scanner.analyze.et import category_of
from unifi_scanner.analyze.findings import Category, Finding, Severity, Subject, finding_id
from unifi_scanner.analyze.ips_hits import (
    MAX_TARGETS,
    OVERFLOW,
    Flow,
    Signature,
    Source,
    is_internal,
    place_of,
)
from unifi_scanner.analyze.ips_sources import attackers, source_finding
from unifi_scanner.analyze.ips_wording import (
    pro_note,
    remediation,
    severity_for,
    source_name,
    towards,
    verdict_on,
)
from unifi_scanner.analyze.rules import Context
from unifi_scanner.analyze.text import names, plural, times
from unifi_scanner.analyze.thresholds import IpsThresholds
from unifi_scanner.controller.models import Event

IPS_ALERT = "EVT_IPS_IpsAlert"
BLOCKING_ACTIONS = frozenset({"blocked", "block", "drop", "dropped", "reject", "rejected"})


class IpsAlerts:
    """``ips-source``, ``ips-alert`` and ``ips-detection-only``."""

    rule_id = "ips-alert"
    rules = ("ips-alert", "ips-source", "ips-detection-only")
    keys = frozenset({IPS_ALERT})

    def __init__(self, thresholds: IpsThresholds) -> None:
        self._min_hits = thresholds.source_min_hits
        self._max_sources = thresholds.max_tracked_sources
        self._signatures: dict[str, Signature] = {}
        self._sources: dict[str, Source] = {}
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
            self._signatures[sid] = Signature(text, classtype, word, category)
        source_ip = event.text("src_ip") or ""
        source = self._sources.get(source_ip)
        if source is None:
            if len(self._sources) >= self._max_sources:
                source_ip = OVERFLOW
                source = self._sources.get(OVERFLOW)
            if source is None:
                source = self._sources[source_ip] = Source(place_of(event))
        t = event.time_ms
        flow = source.flows.get(sid)
        if flow is None:
            flow = source.flows[sid] = Flow(t, t)
        flow.count += 1
        flow.first_ms, flow.last_ms = min(flow.first_ms, t), max(flow.last_ms, t)
        priority = event.text("inner_alert_severity")
        if priority is not None and priority.isdigit():
            flow.worst = min(flow.worst, max(1, int(priority)))
        blocked = (event.text("inner_alert_action") or "").lower() in BLOCKING_ACTIONS
        flow.blocked += blocked
        target = event.text("dest_ip")
        if target and (target in flow.targets or len(flow.targets) < MAX_TARGETS):
            flow.targets[target] = flow.targets.get(target, 0) + 1
        if not self._total:
            self._first_ms = t
        self._total += 1
        self._blocked += blocked
        self._first_ms, self._last_ms = min(self._first_ms, t), max(self._last_ms, t)

    # -- findings ---------------------------------------------------------------------------

    def findings(self, context: Context) -> list[Finding]:
        cards, by_signature = attackers(self._sources, self._min_hits)
        found = [
            source_finding(
                context,
                ips,
                network,
                sources=self._sources,
                signatures=self._signatures,
                any_blocked=bool(self._blocked),
            )
            for ips, network in cards
        ]
        for sid, flows in by_signature.items():
            found.append(self._signature_finding(context, sid, flows))
        if self._total and not self._blocked:
            found.append(self._detection_only(context))
        return found

    def _signature_finding(self, context: Context, sid: str, flows: dict[str, Flow]) -> Finding:
        signature = self._signatures[sid]
        ips = sorted(flows, key=lambda ip: -flows[ip].count)
        total = Flow(min(f.first_ms for f in flows.values()), 0)
        for ip in ips:
            total.merge(flows[ip])
        internal = [ip for ip in ips if is_internal(ip)]
        all_blocked = total.blocked == total.count
        risk = min(total.worst, signature.category.level)
        severity = severity_for(risk, internal=bool(internal), all_blocked=all_blocked)
        shown = [ip for ip in ips if ip]
        listed = [source_name(context, ip, self._sources[ip].place) for ip in shown]
        if len(listed) > 1:
            sources = f"{plural(len(listed), 'address', 'addresses')} — {names(listed)} —"
        else:
            sources = listed[0] if listed else "an unrecorded address"
        targets = towards(total)
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
        who = source_name(context, internal[0], None) if internal else ""
        verdict = verdict_on(total.count, total.blocked, any_blocked=bool(self._blocked))
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
                f"{pro_note([sid])}"
            ),
            remediation=remediation(
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
