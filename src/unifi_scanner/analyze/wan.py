"""WAN failover: how often the internet connection left its primary link, how long the
network ran on the backup, and how long it had no internet at all.

``EVT_GW_WANTransition`` says one interface (``iface``) became ``active`` or ``inactive``.
Which one is the primary link is inferred (:func:`primary_of`): a primary fails first, while
no other link is up; a backup only comes up, or drops while another link carries traffic.
Time before the first transition is assumed to have been on the primary link.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from unifi_scanner.analyze.findings import Category, Finding, Severity, Subject, finding_id
from unifi_scanner.analyze.rules import Context
from unifi_scanner.analyze.text import duration, names, times
from unifi_scanner.controller.models import Event

WAN_TRANSITION = "EVT_GW_WANTransition"
#: Transitions remembered per gateway; a link flapping beyond that is still counted.
MAX_TRANSITIONS = 20_000
#: The primary going down and the backup coming up this close together is one failover.
FAILOVER_GRACE_MS = 60_000


@dataclass(slots=True)
class _Gateway:
    first_ms: int
    last_ms: int
    count: int = 0
    transitions: list[tuple[int, str, bool]] = field(default_factory=list)


@dataclass(slots=True)
class _Outcome:
    primary: str
    backups: list[str]
    failovers: int = 0
    outages: int = 0
    backup_ms: int = 0
    offline_ms: int = 0
    longest_backup_ms: int = 0
    longest_offline_ms: int = 0
    end_state: str = "primary"
    failures: dict[str, int] = field(default_factory=dict)


def primary_of(transitions: list[tuple[int, str, bool]]) -> str:
    """The primary link: the first interface to go inactive while no other one is known to be
    up. Failing that, when some link only dropped while another was up, the first interface
    seen that never went down; when nothing ever went down, the last one to become active
    (traffic returns to the primary)."""
    up: set[str] = set()
    went_down: set[str] = set()
    for _, iface, active in transitions:
        if not active and not (up - {iface}):
            return iface
        if active:
            up.add(iface)
        else:
            up.discard(iface)
            went_down.add(iface)
    if went_down:
        for _, iface, _ in transitions:
            if iface not in went_down:
                return iface
    return next(iface for _, iface, active in reversed(transitions) if active)


def replay(transitions: list[tuple[int, str, bool]], end_ms: int) -> _Outcome:
    """Walk the transitions in time order and measure time on each kind of link.

    A gap of less than :data:`FAILOVER_GRACE_MS` between the primary going down and the backup
    coming up is the failover itself, not an outage. A backup becoming active while the primary
    has not reported its own state means traffic moved to it.
    """
    primary = primary_of(transitions)
    # Until the primary reports a state of its own, it is assumed up as long as no other
    # link has taken over.
    up: dict[str, bool] = {}
    order = [primary]
    outcome = _Outcome(primary=primary, backups=[])
    state, since = "primary", transitions[0][0]
    for time_ms, iface, active in [*transitions, (end_ms, "", True)]:
        if iface:
            if iface not in order:
                order.append(iface)
            up[iface] = active
            if not active:
                outcome.failures[iface] = outcome.failures.get(iface, 0) + 1
            others_up = any(value for name, value in up.items() if name != primary)
            if up.get(primary, not others_up):
                new = "primary"
            elif others_up:
                new = "backup"
            else:
                new = "offline"
        else:
            new = "end"
        if new == state:
            continue
        span = max(0, time_ms - since)
        if state == "offline" and new == "backup" and span < FAILOVER_GRACE_MS:
            # The failover itself: the backup stretch counts from the primary's failure.
            outcome.outages -= 1
            outcome.failovers += 1
            state = new
            continue
        if state == "offline":
            outcome.offline_ms += span
            outcome.longest_offline_ms = max(outcome.longest_offline_ms, span)
        elif state == "backup":
            outcome.backup_ms += span
            outcome.longest_backup_ms = max(outcome.longest_backup_ms, span)
        if new == "end":
            break
        outcome.failovers += new == "backup" and state != "backup"
        outcome.outages += new == "offline"
        state, since = new, time_ms
    outcome.backups = [iface for iface in order if iface != primary]
    outcome.end_state = state
    return outcome


class WanFailover:
    """``wan-failover``: one finding per gateway whose WAN links changed state."""

    rule_id = "wan-failover"
    rules = ("wan-failover",)
    keys = frozenset({WAN_TRANSITION})

    def __init__(self) -> None:
        self._gateways: dict[str, _Gateway] = {}

    def feed(self, event: Event) -> None:
        mac = event.text("gw") or event.text("dm") or event.text("xg") or ""
        iface = event.text("iface") or "WAN"
        state = (event.text("state") or "").lower()
        if state not in ("active", "inactive"):
            return
        t = event.time_ms
        gateway = self._gateways.get(mac.lower())
        if gateway is None:
            gateway = self._gateways[mac.lower()] = _Gateway(t, t)
        gateway.count += 1
        gateway.first_ms, gateway.last_ms = min(gateway.first_ms, t), max(gateway.last_ms, t)
        if len(gateway.transitions) < MAX_TRANSITIONS:
            gateway.transitions.append((t, iface, state == "active"))

    def findings(self, context: Context) -> list[Finding]:
        found = []
        for mac, gateway in self._gateways.items():
            if mac:
                subject = Subject("device", mac, context.inventory.device_name(mac))
            else:
                subject = Subject("site", context.site, context.site)
            transitions = sorted(gateway.transitions)
            outcome = replay(transitions, max(context.period_end_ms, gateway.last_ms))
            found.append(self._finding(context, subject, gateway, outcome))
        return found

    def _finding(
        self, context: Context, subject: Subject, gateway: _Gateway, outcome: _Outcome
    ) -> Finding:
        who = subject.name if subject.kind == "device" else "The gateway"
        primary = f"the primary link ({outcome.primary})"
        backup = (
            f"the backup link ({names(outcome.backups)})" if outcome.backups else "a backup link"
        )
        parts = []
        if outcome.failovers:
            parts.append(
                f"{who} switched the internet connection from {primary} to {backup} "
                f"{times(outcome.failovers)} and ran on the backup for "
                f"{duration(outcome.backup_ms / 1000)} in total (longest "
                f"{duration(outcome.longest_backup_ms / 1000)})."
            )
        if outcome.outages:
            parts.append(
                f"The network had no internet connection at all {times(outcome.outages)}, for "
                f"{duration(outcome.offline_ms / 1000)} in total (longest "
                f"{duration(outcome.longest_offline_ms / 1000)})."
            )
        if not parts:
            failures = sum(outcome.failures.values())
            parts.append(
                f"{who} reported {times(gateway.count)} that a WAN link changed state "
                f"({times(failures)} going down), but traffic stayed on {primary}."
            )
        if outcome.end_state == "backup":
            parts.append("At the end of this report it was still running on the backup.")
        elif outcome.end_state == "offline":
            parts.append("At the end of this report there was still no internet connection.")
        parts.append(
            "A backup link keeps you online when the main one fails, but is often slower, and "
            "a mobile (LTE/5G) backup may cost money per gigabyte."
        )
        if outcome.outages or outcome.end_state != "primary":
            severity = Severity.SEVERE
        elif outcome.failovers:
            severity = Severity.MEDIUM
        else:
            severity = Severity.LOW
        if outcome.outages:
            title = f"The internet connection went down {times(outcome.outages)}"
        elif outcome.failovers:
            title = (
                f"The internet connection failed over to the backup {times(outcome.failovers)} "
                f"({duration(outcome.backup_ms / 1000)} on backup)"
            )
        else:
            title = f"A WAN link of {who} changed state {times(gateway.count)}"
        return Finding(
            id=finding_id(context.site, self.rule_id, subject),
            rule=self.rule_id,
            category=Category.CONNECTIVITY,
            severity=severity,
            title=title,
            explanation=" ".join(parts),
            remediation=(
                f"Check the modem or fibre box (ONT) of {primary} and its cable to the "
                "gateway; restart it if its lights show a fault.",
                "Ask your internet provider whether they had outages at the times shown here; "
                "repeated drops are worth a fault report.",
                "Check the failover settings (UniFi Network → Settings → Internet): monitoring "
                "targets that are too strict switch to the backup without a real failure.",
                "If the backup is a mobile connection, check its data use.",
            )
            if severity is not Severity.LOW
            else (),
            count=gateway.count,
            first_seen_ms=gateway.first_ms,
            last_seen_ms=gateway.last_ms,
            subjects=(subject,),
        )
