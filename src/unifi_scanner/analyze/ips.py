"""Intrusion detection/prevention alerts, one finding per signature.

Severity follows the signature's own (Suricata: 1 high, 2 medium, 3 low), capped at medium
when every hit came from outside and was blocked: the gateway did its job. A source inside
the network is called out, because then one of your own devices is misbehaving.
"""

from __future__ import annotations

import ipaddress
from collections import Counter
from dataclasses import dataclass, field

from unifi_scanner.analyze.findings import Category, Finding, Severity, Subject, finding_id
from unifi_scanner.analyze.rules import Context
from unifi_scanner.analyze.text import names, plural, times
from unifi_scanner.controller.models import Event

_BLOCKING_ACTIONS = frozenset({"blocked", "drop", "dropped", "reject", "rejected"})
_SEVERITY = {1: Severity.SEVERE, 2: Severity.MEDIUM}


@dataclass(slots=True)
class _Signature:
    text: str
    first_ms: int
    last_ms: int = 0
    count: int = 0
    worst: int = 3
    blocked: int = 0
    category: str = ""
    sources: Counter[str] = field(default_factory=Counter)
    targets: Counter[str] = field(default_factory=Counter)


def is_internal(address: str) -> bool:
    """Private, loopback or link-local: a device on this side of the gateway."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return ip.is_private or ip.is_loopback or ip.is_link_local


class IpsAlerts:
    """``EVT_IPS_IpsAlert`` grouped by signature, with sources and targets."""

    rule_id = "ips-alert"
    keys = frozenset({"EVT_IPS_IpsAlert"})

    def __init__(self) -> None:
        self._signatures: dict[str, _Signature] = {}

    def feed(self, event: Event) -> None:
        text = event.text("inner_alert_signature") or event.text("msg") or "unknown signature"
        sid = event.text("inner_alert_signature_id") or text
        sig = self._signatures.get(sid)
        if sig is None:
            sig = self._signatures[sid] = _Signature(text=text, first_ms=event.time_ms)
        sig.count += 1
        sig.last_ms = max(sig.last_ms, event.time_ms)
        severity = event.text("inner_alert_severity")
        if severity is not None and severity.isdigit():
            sig.worst = min(sig.worst, int(severity))
        if (event.text("inner_alert_action") or "").lower() in _BLOCKING_ACTIONS:
            sig.blocked += 1
        sig.category = event.text("inner_alert_category") or sig.category
        source = event.text("src_ip")
        if source:
            sig.sources[source] += 1
        target = event.text("dest_ip")
        if target:
            sig.targets[target] += 1

    def findings(self, context: Context) -> list[Finding]:
        return [self._finding(context, sid, sig) for sid, sig in self._signatures.items()]

    def _finding(self, context: Context, sid: str, sig: _Signature) -> Finding:
        subject = Subject("signature", sid, sig.text)
        sources = [ip for ip, _ in sig.sources.most_common()]
        internal = [ip for ip in sources if is_internal(ip)]
        all_blocked = sig.blocked == sig.count
        severity = _SEVERITY.get(sig.worst, Severity.LOW)
        if severity is Severity.SEVERE and all_blocked and not internal:
            severity = Severity.MEDIUM
        if all_blocked:
            verdict = "Every attempt was blocked."
        elif sig.blocked:
            verdict = (
                f"{sig.blocked} of {sig.count} were blocked; the rest were only detected "
                "and allowed through."
            )
        else:
            verdict = (
                "None were blocked: the traffic was only detected. Intrusion prevention is "
                "probably in detection-only (IDS) mode."
            )
        origin = (
            f" {names(internal)} {'is' if len(internal) == 1 else 'are'} inside your network: "
            "one of your own devices is sending this traffic."
            if internal
            else ""
        )
        category = f" (category: {sig.category})" if sig.category else ""
        steps: list[str] = []
        if internal:
            steps.append(
                f"Identify the device at {names(internal)} (UniFi Network → Client Devices, "
                "search the IP) and check it for malware; update or isolate it."
            )
        if not all_blocked:
            steps.append(
                "Switch intrusion prevention to blocking (Settings → CyberSecure or Security → "
                "Intrusion Prevention → mode Notify and Block)."
            )
        if sources and not internal:
            steps.append(
                "If the same outside address keeps coming back, block it or its country with a "
                "firewall rule."
            )
        steps.append("Keep the gateway's firmware and signatures up to date.")
        return Finding(
            id=finding_id(context.site, self.rule_id, subject),
            rule=self.rule_id,
            category=Category.SECURITY,
            severity=severity,
            title=f"Intrusion {'blocked' if all_blocked else 'detected'}: {sig.text}",
            explanation=(
                f"The gateway's intrusion prevention matched this signature{category} "
                f"{times(sig.count)}, from {plural(len(sources), 'address', 'addresses')} "
                f"({names(sources)}) to {names([ip for ip, _ in sig.targets.most_common()])}. "
                f"{verdict}{origin}"
            ),
            remediation=tuple(steps),
            count=sig.count,
            first_seen_ms=sig.first_ms,
            last_seen_ms=sig.last_ms,
            subjects=(
                subject,
                *(Subject("ip", ip, ip) for ip in sources),
            ),
        )
