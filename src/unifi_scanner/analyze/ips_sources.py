"""Attacking sources: one ``ips-source`` card per attacker, an attacker's network as one.

An address that hit often (``source_min_hits``) or with several signatures is an attacker: it
gets a card of its own, listing every signature it tripped. Internet addresses of one network
(IPv4 /24, IPv6 /64) that also share their place and organisation (``srcipGeo``) are one
attacker taking turns, and share one card whose subject is the network, so that the advice is
to block the range. Devices inside the network are never merged: each is a device to look at.
What is left over goes to the signature cards of :mod:`.ips`.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping

from unifi_scanner.analyze.findings import Category, Finding, Subject, finding_id
from unifi_scanner.analyze.ips_hits import OVERFLOW, Flow, Signature, Source, is_internal
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

#: An attacker's card: its addresses, and the network they share when it is one by network.
Attacker = tuple[list[str], str | None]


def network_of(address: str) -> str | None:
    """``141.98.11.0/24`` (IPv6: the /64), the block one hosting customer or one provider's
    pool usually holds; None for what is not an address."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    prefix = 24 if ip.version == 4 else 64
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def attackers(
    sources: Mapping[str, Source], min_hits: int
) -> tuple[list[Attacker], dict[str, dict[str, Flow]]]:
    """The attackers among ``sources``, each with the addresses of its card, and the flows of
    the other sources by signature (for the signature cards).

    Attackers without a network (inside addresses, anything that is not an address) come
    first, in the order they were seen; then one per network and place.
    """
    found: list[Attacker] = []
    by_signature: dict[str, dict[str, Flow]] = {}
    # (network, place) → the internet addresses in it that get a card.
    networks: dict[tuple[str, str | None], list[str]] = {}
    for ip, source in sources.items():
        hits = sum(flow.count for flow in source.flows.values())
        if ip not in ("", OVERFLOW) and (hits >= min_hits or len(source.flows) >= 2):
            network = None if is_internal(ip) else network_of(ip)
            if network is None:
                found.append(([ip], None))
            else:
                networks.setdefault((network, source.place), []).append(ip)
            continue
        for sid, flow in source.flows.items():
            by_signature.setdefault(sid, {})[ip] = flow
    found.extend((ips, network) for (network, _place), ips in networks.items())
    return found, by_signature


def source_finding(
    context: Context,
    ips: list[str],
    network: str | None = None,
    *,
    sources: Mapping[str, Source],
    signatures: Mapping[str, Signature],
    any_blocked: bool,
) -> Finding:
    """The card of one attacker: one address, or (``ips`` of more than one) the addresses
    of ``network`` it took turns with, their hits added up signature by signature.

    ``sources`` and ``signatures`` are what :class:`~.ips.IpsAlerts` kept of the hits;
    ``any_blocked`` whether anything at all was blocked in the period."""
    place = sources[ips[0]].place
    flows: dict[str, Flow] = {}
    hits_of: dict[str, int] = {}
    for ip in ips:
        hits_of[ip] = 0
        for sid, flow in sources[ip].flows.items():
            flows.setdefault(sid, Flow(flow.first_ms, flow.last_ms)).merge(flow)
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
        who = source_name(context, ip, place)
    sids = sorted(flows, key=lambda sid: -flows[sid].count)
    total = Flow(min(flow.first_ms for flow in flows.values()), 0)
    for sid in sids:
        total.merge(flows[sid])
    matched = [signatures[sid] for sid in sids]
    top = matched[0].category
    risk = min(total.worst, min(s.category.level for s in matched))
    all_blocked = total.blocked == total.count
    severity = severity_for(risk, internal=internal, all_blocked=all_blocked)
    listed = names([f"{s.text} ({flows[sid].count})" for sid, s in zip(sids, matched, strict=True)])
    labels = names(sorted({s.category.label for s in matched}))
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
            f"{origin}{towards(total)}: {listed}. "
            f"{verdict_on(total.count, total.blocked, any_blocked=any_blocked)} "
            f"What it means ({labels}): {top.meaning}{pro_note(sids)}"
        ),
        remediation=remediation(
            top, internal=internal, all_blocked=all_blocked, who=who, ip=ip, network=grouped
        ),
        count=hits,
        first_seen_ms=total.first_ms,
        last_seen_ms=total.last_ms,
        subjects=(
            subject,
            *addresses,
            *(Subject("signature", sid, signatures[sid].text) for sid in sids[:16]),
        ),
    )
