"""Keeping a report readable: at most a handful of findings per rule.

When a rule fires for many subjects (150 clients with short sessions, 40 access points offline
after a power cut), the most important ones stay as findings of their own and the rest are
rolled into one finding of the same rule for the whole site, which lists them. Many subjects
with the same problem usually share a cause (an access point, a switch, the power), and one
card says so better than a hundred.

The roll-up lists the primary subject of each finding it folded in (the first
:data:`~unifi_scanner.analyze.findings.MAX_RELATED`, in rank order), and every finding's id
is made from its site, rule and primary subject, so the next report can tell which findings
a roll-up stood for (:func:`folded_ids`) and need not call them resolved or new.
"""

from __future__ import annotations

from collections.abc import Sequence

from unifi_scanner.analyze.findings import Finding, Subject, finding_id, subjects
from unifi_scanner.analyze.text import names

#: How each rule's subjects are counted in a roll-up title ("14 more clients …").
NOUNS = {
    "client": ("client", "clients"),
    "device": ("device", "devices"),
    "ip": ("address", "addresses"),
    "signature": ("signature", "signatures"),
    "event-key": ("kind of event", "kinds of event"),
    "admin": ("admin", "admins"),
    "network": ("network", "networks"),
}


#: What each rule found, as a predicate for "14 more clients …", without counts.
LABELS = {
    "device-offline": "went offline",
    "device-flapping": "kept dropping off the network",
    "device-connected": "connected to the controller without a recorded loss",
    "device-restarted": "restarted",
    "firmware-upgraded": "were upgraded",
    "firmware-upgrade-failed": "failed a firmware upgrade",
    "device-adoption": "changed adoption",
    "ap-isolated": "lost their uplink",
    "excessive-roaming": "roamed excessively",
    "roaming-ping-pong": "bounced between two access points",
    "band-flapping": "kept switching WiFi bands",
    "short-sessions": "dropped off right after connecting",
    "sticky-client": "stayed on a weak connection",
    "dfs-radar": "detected radar",
    "channel-changes": "changed channel",
    "wifi-interference": "reported interference",
    "wan-failover": "had WAN failovers",
    "dhcp-pool-exhausted": "ran out of IP addresses",
    "dhcp-pool-near-exhausted": "ran low on IP addresses",
    "gateway-commit-error": "could not apply their configuration",
    "poe-overload": "ran out of PoE power",
    "poe-disconnect": "cut PoE power on a port",
    "stp-blocking": "blocked a port to stop a loop",
    "device-overheated": "reported overheating",
    "ips-alert": "matched",
    "ips-source": "sent traffic that triggered intrusion alerts",
    "rogue-ap": "were impersonated by foreign access points",
    "rogue-dhcp": "handed out IP addresses as rogue DHCP servers",
    "admin-login": "logged in to the controller",
    "client-blocked": "were blocked or unblocked",
    "device-temperature": "ran hot",
    "device-cpu": "ran short of CPU",
    "device-memory": "ran short of memory",
    "poe-budget": "used most of their PoE budget",
    "channel-utilisation": "had a congested WiFi channel",
    "unexpected-reboot": "restarted without a recorded reason",
    "device-uptime": "have not restarted in a long time",
    "device-state": "are stuck in a bad state",
    "other-activity": "have no rule yet",
    "firmware-available": "have firmware updates waiting",
    # Rules with one finding per site, listed so that every rule has a label.
    "ips-detection-only": "only detect intrusions",
    "guest-authorisations": "used the guest portal",
    "isp-packet-loss": "lost packets",
    "client-activity": "connected and disconnected",
    "client-roaming": "roamed",
}


def roll_up(found: Sequence[Finding], site: str, limit: int) -> list[Finding]:
    """``found`` with every rule limited to ``limit`` findings (the rest rolled into one).

    Findings are ranked as in the report (severity, then count, then id); the first
    ``limit - 1`` of a rule are kept, the others become the rule's site-wide roll-up.
    """
    by_rule: dict[str, list[Finding]] = {}
    for finding in found:
        by_rule.setdefault(finding.rule, []).append(finding)
    kept: list[Finding] = []
    for rule, group in by_rule.items():
        if len(group) <= limit:
            kept.extend(group)
            continue
        group = sorted(group, key=lambda f: f.sort_key)
        kept.extend(group[: limit - 1])
        kept.append(_rolled(rule, group[limit - 1 :], site))
    return kept


def rollup_id(site: str, rule: str) -> str:
    """The id of ``rule``'s roll-up on ``site``.

    Its own id, because a rule may also have a site-wide finding of its own (rogue-ap); the
    same in every report, so the card compares with the previous report like any finding.
    """
    return finding_id(site, f"{rule}+more", Subject("site", site, site))


def folded_ids(ident: str, rule: str, listed: Sequence[Subject]) -> frozenset[str]:
    """The ids of the findings a roll-up folded in, as far as it lists them (else empty).

    ``ident``, ``rule`` and ``listed`` (its subjects) may come from a finding or from a
    previous report's JSON, which keeps all three: a roll-up is recognised by its id, so a
    finding that merely starts with the site subject is not taken for one. Subjects beyond
    the list's limit are not known, and their findings compare by id alone.
    """
    if not listed or listed[0].kind != "site":
        return frozenset()
    site = listed[0].id
    if ident != rollup_id(site, rule):
        return frozenset()
    return frozenset(finding_id(site, rule, subject) for subject in listed[1:])


def _rolled(rule: str, rest: list[Finding], site: str) -> Finding:
    # Ranked as ``rest``: when there are more than the subjects list holds, the ones listed
    # (and so recognised by the next report) are the likeliest to stand alone next time.
    primary = [finding.subjects[0] for finding in rest if finding.subjects]
    kind = max({s.kind for s in primary}, key=lambda k: sum(1 for s in primary if s.kind == k))
    singular, many = NOUNS.get(kind, ("subject", "subjects"))
    total = sum(finding.count for finding in rest)
    worst = min(rest, key=lambda f: f.severity.rank)
    listed = names([f"{f.subjects[0].name} ({f.count})" for f in rest if f.subjects], limit=12)
    subject = Subject("site", site, site)
    return Finding(
        id=rollup_id(site, rule),
        rule=rule,
        category=worst.category,
        severity=worst.severity,
        title=f"{len(rest)} more {many if len(rest) > 1 else singular} {LABELS.get(rule, rule)}",
        explanation=(
            f"Besides the findings above, the same rule ({rule}) found {len(rest)} more {many} "
            f"({total} occurrences in all): {listed}. Many at once often share a cause, such "
            "as one access point, switch, network or a power cut, so look for what they have "
            "in common."
        ),
        remediation=(
            "Deal with the findings above first; the same steps apply to these.",
            "Open each of them in UniFi Network and compare: a shared access point, switch, "
            "network or time of day points to the common cause.",
        )
        if worst.remediation
        else (),
        count=total,
        first_seen_ms=min(f.first_seen_ms for f in rest),
        last_seen_ms=max(f.last_seen_ms for f in rest),
        subjects=subjects(subject, primary),
    )
