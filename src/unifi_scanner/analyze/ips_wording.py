"""How an intrusion card reads: its severity, who sent the traffic, what became of it, and
what to do.

Shared by the two cards of :mod:`.ips` (by signature) and :mod:`.ips_sources` (by attacker),
so that one signature or one address is worded the same on either.
"""

from __future__ import annotations

from unifi_scanner.analyze.et import EtCategory, is_et_pro
from unifi_scanner.analyze.findings import Severity
from unifi_scanner.analyze.ips_hits import OVERFLOW, Flow, is_internal
from unifi_scanner.analyze.rules import Context
from unifi_scanner.analyze.text import names


def severity_for(risk: int, *, internal: bool, all_blocked: bool) -> Severity:
    """Severity from the worse of signature priority and category level (1 high … 3 low)."""
    if internal or not all_blocked:
        return {1: Severity.SEVERE, 2: Severity.MEDIUM}.get(risk, Severity.LOW)
    return Severity.MEDIUM if risk == 1 else Severity.LOW


def towards(flow: Flow) -> str:
    """`` to 192.168.1.20 and 192.168.1.21``; empty when no target was recorded."""
    if not flow.targets:
        return ""
    return " to " + names(sorted(flow.targets, key=lambda t: -flow.targets[t]))


def source_name(context: Context, ip: str, place: str | None) -> str:
    """``192.168.1.50 (Living-room iPad)``, ``218.92.0.203 (China, Chinanet)``."""
    if ip == OVERFLOW:
        return "many other addresses"
    if not ip:
        return "an unrecorded address"
    if is_internal(ip):
        mac = context.inventory.client_for_ip(ip)
        return f"{ip} ({context.inventory.client_name(mac)})" if mac else ip
    return f"{ip} ({place})" if place else ip


def verdict_on(count: int, blocked: int, *, any_blocked: bool) -> str:
    """What became of ``count`` hits of which ``blocked`` were blocked; ``any_blocked`` is
    whether anything at all was blocked in the period (if not, IPS is likely only watching)."""
    if blocked == count:
        return "Every attempt was blocked."
    if blocked:
        return (
            f"{blocked} of {count} were blocked; the rest were only detected and allowed through."
        )
    if not any_blocked:
        return (
            "None were blocked: the traffic was only detected. Intrusion prevention is "
            "probably in detection-only (IDS) mode."
        )
    return "None were blocked: the traffic was only detected and allowed through."


def pro_note(sids: list[str]) -> str:
    """A note when one of ``sids`` is an ET PRO signature (sold with CyberSecure)."""
    if any(is_et_pro(sid) for sid in sids):
        return (
            " The signature comes from the ET PRO ruleset, which UniFi supplies with its "
            "paid CyberSecure subscription."
        )
    return ""


def remediation(
    category: EtCategory,
    *,
    internal: bool,
    all_blocked: bool,
    who: str,
    ip: str,
    network: bool = False,
) -> tuple[str, ...]:
    """What to do: find an inside device, or keep an outside one out; block rather than only
    detect; block a whole ``network`` range (``ip``) at once."""
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
