"""Foreign devices and people: rogue access points, rogue DHCP servers, admin logins.

A rogue access point that broadcasts one of *your* network names is an impersonation
attempt (severe, one finding per network name); other foreign access points are neighbours,
summarised in one low finding. A rogue DHCP server can hand your devices a wrong gateway and
is always severe. Admin logins are grouped per admin; a login from an address on the internet
that was not seen before is called out.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from unifi_scanner.analyze.findings import Category, Finding, Severity, Subject, finding_id
from unifi_scanner.analyze.ips_hits import is_internal
from unifi_scanner.analyze.rules import Context
from unifi_scanner.analyze.text import names, plural, ports, times
from unifi_scanner.controller.models import Event

ROGUE_AP = "EVT_AP_DetectRogueAP"
ROGUE_DHCP = "EVT_SW_DetectRogueDHCP"
ADMIN_LOGIN = "EVT_AD_Login"
#: Distinct rogue network names (and rogue DHCP servers) remembered per run.
MAX_ROGUES = 1000


@dataclass(slots=True)
class _Seen:
    first_ms: int
    last_ms: int
    count: int = 0
    ids: dict[str, int] = field(default_factory=dict)
    reporters: dict[str, int] = field(default_factory=dict)
    details: dict[str, int] = field(default_factory=dict)

    def add(self, t: int, ident: str | None, reporter: str | None, detail: str | None) -> None:
        self.count += 1
        self.first_ms, self.last_ms = min(self.first_ms, t), max(self.last_ms, t)
        for value, into in ((ident, self.ids), (reporter, self.reporters), (detail, self.details)):
            if value and (value in into or len(into) < 64):
                into[value] = into.get(value, 0) + 1


def _ranked(counts: dict[str, int]) -> list[str]:
    return sorted(counts, key=lambda value: -counts[value])


class RogueAccessPoints:
    """``rogue-ap``: impersonations of your SSIDs (severe) and foreign access points (low)."""

    rule_id = "rogue-ap"
    rules = ("rogue-ap",)
    keys = frozenset({ROGUE_AP})

    def __init__(self) -> None:
        self._by_ssid: dict[str, _Seen] = {}

    def feed(self, event: Event) -> None:
        ssid = event.text("essid") or event.text("ssid") or ""
        if ssid not in self._by_ssid and len(self._by_ssid) >= MAX_ROGUES:
            ssid = ""
        seen = self._by_ssid.get(ssid)
        if seen is None:
            seen = self._by_ssid[ssid] = _Seen(event.time_ms, event.time_ms)
        bssid = event.text("bssid") or event.text("mac")
        channel = event.text("rogue_channel") or event.text("channel")
        seen.add(event.time_ms, bssid.lower() if bssid else None, event.text("ap"), channel)

    def findings(self, context: Context) -> list[Finding]:
        own = context.inventory.ssids
        found = []
        neighbours: list[tuple[str, _Seen]] = []
        for ssid, seen in self._by_ssid.items():
            if ssid and ssid in own:
                found.append(self._impersonation(context, ssid, seen))
            else:
                neighbours.append((ssid, seen))
        if neighbours:
            found.append(self._neighbours(context, neighbours))
        return found

    def _impersonation(self, context: Context, ssid: str, seen: _Seen) -> Finding:
        subject = Subject("network", ssid, ssid)
        reporters = [context.inventory.device_short_name(mac) for mac in _ranked(seen.reporters)]
        near = f", near {names(reporters)}" if reporters else ""
        bssids = _ranked(seen.ids)
        return Finding(
            id=finding_id(context.site, self.rule_id, subject),
            rule=self.rule_id,
            category=Category.SECURITY,
            severity=Severity.SEVERE,
            title=f'A foreign access point is broadcasting your network name "{ssid}"',
            explanation=(
                f'An access point that is not one of yours broadcast "{ssid}", the name of your '
                f"own WiFi{near} ({times(seen.count)}, "
                f"{plural(len(bssids), 'radio address', 'radio addresses')}: {names(bssids)}). "
                "Devices may join it instead of your network, and whoever runs it can then "
                "see and redirect their traffic (an 'evil twin'). It can also be a forgotten "
                "old router of your own."
            ),
            remediation=(
                "Look for a device of your own broadcasting the same name (an old router, a "
                "range extender, a phone hotspot) and switch it off or rename it.",
                "If it is not yours, note where and when it appears; the access points that "
                "hear it most strongly are closest to it.",
                "Use WPA3 or at least WPA2 with a long password, and keep 'Protected Management "
                "Frames' on, so devices are harder to lure away.",
                "Change your WiFi password if you suspect someone learned it.",
            ),
            count=seen.count,
            first_seen_ms=seen.first_ms,
            last_seen_ms=seen.last_ms,
            subjects=(
                subject,
                *(Subject("rogue-ap", bssid, bssid) for bssid in bssids[:12]),
            ),
        )

    def _neighbours(self, context: Context, neighbours: list[tuple[str, _Seen]]) -> Finding:
        subject = Subject("site", context.site, context.site)
        neighbours.sort(key=lambda item: -item[1].count)
        count = sum(seen.count for _, seen in neighbours)
        labels = [f'"{ssid}"' if ssid else "hidden or unnamed" for ssid, _ in neighbours]
        return Finding(
            id=finding_id(context.site, self.rule_id, subject),
            rule=self.rule_id,
            category=Category.SECURITY,
            severity=Severity.LOW,
            title=f"{plural(len(neighbours), 'foreign WiFi network')} detected nearby",
            explanation=(
                "Your access points heard access points that are not yours "
                f"({times(count)}): {names(labels, limit=8)}. They do not use your network's "
                "name, so they are most likely neighbours. They matter only because they "
                "share the air: busy neighbours slow your WiFi on the same channels."
            ),
            remediation=(),
            count=count,
            first_seen_ms=min(seen.first_ms for _, seen in neighbours),
            last_seen_ms=max(seen.last_ms for _, seen in neighbours),
            subjects=(
                subject,
                *(Subject("network", ssid, ssid) for ssid, _ in neighbours[:24] if ssid),
            ),
        )


class RogueDhcpServers:
    """``rogue-dhcp``: one severe finding per foreign DHCP server (by MAC, else IP)."""

    rule_id = "rogue-dhcp"
    rules = ("rogue-dhcp",)
    keys = frozenset({ROGUE_DHCP})

    def __init__(self) -> None:
        self._servers: dict[str, _Seen] = {}
        self._ips: dict[str, str] = {}

    def feed(self, event: Event) -> None:
        mac = event.text("mac")
        ip = event.text("ip")
        ident = (mac or ip or event.text("sw") or "").lower()
        if ident not in self._servers and len(self._servers) >= MAX_ROGUES:
            ident = ""
        seen = self._servers.get(ident)
        if seen is None:
            seen = self._servers[ident] = _Seen(event.time_ms, event.time_ms)
        if ip and ident not in self._ips:
            self._ips[ident] = ip
        seen.add(event.time_ms, event.text("vlan"), event.text("sw"), event.text("port"))

    def findings(self, context: Context) -> list[Finding]:
        return [self._finding(context, ident, seen) for ident, seen in self._servers.items()]

    def _finding(self, context: Context, ident: str, seen: _Seen) -> Finding:
        inventory = context.inventory
        ip = self._ips.get(ident)
        if ":" in ident and not ip:
            subject = Subject("client", ident, inventory.client_name(ident))
        elif ":" in ident:
            label = inventory.client_name(ident)
            subject = Subject("client", ident, f"{label} ({ip})" if label != ident else ip or ident)
        elif ident:
            mac = inventory.client_for_ip(ident)
            subject = Subject(
                "ip", ident, f"{ident} ({inventory.client_name(mac)})" if mac else ident
            )
        else:
            subject = Subject("site", context.site, "an unidentified device")
        switches = [inventory.device_short_name(mac) for mac in _ranked(seen.reporters)]
        where = f", seen by {names(switches)} on {ports(_ranked(seen.details))}" if switches else ""
        vlans = _ranked(seen.ids)
        vlan = f" (VLAN {names(vlans)})" if vlans else ""
        return Finding(
            id=finding_id(context.site, self.rule_id, subject),
            rule=self.rule_id,
            category=Category.SECURITY,
            severity=Severity.SEVERE,
            title=f"Rogue DHCP server: {subject.name} is handing out IP addresses",
            explanation=(
                f"{subject.name} answered requests for IP addresses on your network{vlan}"
                f"{where} ({times(seen.count)}), but it is not your gateway. Devices that take "
                "an address from it may get a wrong gateway or DNS server: they lose the "
                "internet, or their traffic can be redirected through that device. Usually "
                "it is an innocent second router or internet box plugged in with its own "
                "DHCP server on, or a Pi-hole with DHCP enabled."
            ),
            remediation=(
                f"Find {subject.name}: follow the switch port named here, or search the address "
                "under UniFi Network → Client Devices.",
                "Turn off its DHCP server (or set a second router to access-point/bridge "
                "mode), or unplug it.",
                "Turn on DHCP Guard so only your gateway may answer (UniFi Network → Settings "
                "→ Networks → the network → DHCP Guard, with the gateway's address as the "
                "trusted server).",
                "Restart devices that lost their connection so they get a proper address.",
            ),
            count=seen.count,
            first_seen_ms=seen.first_ms,
            last_seen_ms=seen.last_ms,
            subjects=(
                subject,
                *(
                    Subject("device", mac, inventory.device_name(mac))
                    for mac in _ranked(seen.reporters)[:8]
                ),
            ),
        )


@dataclass(slots=True)
class _Admin:
    first_ms: int
    last_ms: int
    count: int = 0
    sources: dict[str, int] = field(default_factory=dict)
    first_by_source: dict[str, int] = field(default_factory=dict)


class AdminLogins:
    """``admin-login``: controller logins per admin; new addresses on the internet stand out.

    ``known_sources`` are addresses admins logged in from before this period (from earlier
    reports); without them, any address on the internet counts as new.
    """

    rule_id = "admin-login"
    rules = ("admin-login",)
    keys = frozenset({ADMIN_LOGIN})

    def __init__(self, known_sources: Collection[str] = ()) -> None:
        self._known = frozenset(known_sources)
        self._admins: dict[str, _Admin] = {}

    def feed(self, event: Event) -> None:
        admin = event.text("admin") or event.text("name") or "an administrator"
        if admin not in self._admins and len(self._admins) >= MAX_ROGUES:
            return
        t = event.time_ms
        entry = self._admins.get(admin)
        if entry is None:
            entry = self._admins[admin] = _Admin(t, t)
        entry.count += 1
        entry.first_ms, entry.last_ms = min(entry.first_ms, t), max(entry.last_ms, t)
        ip = event.text("ip") or ""
        if ip in entry.sources or len(entry.sources) < 256:
            entry.sources[ip] = entry.sources.get(ip, 0) + 1
            entry.first_by_source.setdefault(ip, t)

    def findings(self, context: Context) -> list[Finding]:
        return [self._finding(context, admin, entry) for admin, entry in self._admins.items()]

    def _finding(self, context: Context, admin: str, entry: _Admin) -> Finding:
        subject = Subject("admin", admin, admin)
        sources = [ip for ip in _ranked(entry.sources) if ip]
        unrecorded = "" in entry.sources
        new_outside = [ip for ip in sources if not is_internal(ip) and ip not in self._known]
        places = names([*sources, "an unrecorded address"] if unrecorded else sources)
        if new_outside:
            ever = "never seen before" if self._known else "on the internet"
            return Finding(
                id=finding_id(context.site, self.rule_id, subject),
                rule=self.rule_id,
                category=Category.SECURITY,
                severity=Severity.MEDIUM,
                title=f"{admin} logged in to the controller from a new place: {names(new_outside)}",
                explanation=(
                    f"{admin} logged in {times(entry.count)} in this period, from {places}. "
                    f"{names(new_outside)} "
                    f"{'is an address' if len(new_outside) == 1 else 'are addresses'} "
                    f"outside your network, {ever}. If that was you (travelling, "
                    "mobile data, remote access), all is well; if not, someone else knows the "
                    "password."
                ),
                remediation=(
                    f"Ask {admin} whether they logged in from there.",
                    "If not: change that account's password now and turn on two-factor "
                    "authentication (UniFi OS → Admins & Users, or your UI account).",
                    "Review the list of admins and remove any you do not recognise.",
                    "Do not expose the console's login page to the internet; use UniFi's "
                    "remote access or a VPN instead.",
                ),
                count=entry.count,
                first_seen_ms=entry.first_ms,
                last_seen_ms=entry.last_ms,
                subjects=(subject, *(Subject("ip", ip, ip) for ip in sources[:12])),
            )
        # Only recorded addresses are inside or outside: with none, say nothing about where
        # (``all([])`` is true, and an unknown address is not known to be inside).
        where = ""
        if sources:
            inside = all(is_internal(ip) for ip in sources)
            where = "inside your network" if inside else "inside your network or seen before"
            if unrecorded:
                verb = "address is" if len(sources) == 1 else "addresses are"
                where = f"the recorded {verb} {where}"
            where = f" ({where})"
        return Finding(
            id=finding_id(context.site, self.rule_id, subject),
            rule=self.rule_id,
            category=Category.SECURITY,
            severity=Severity.LOW,
            title=f"{admin} logged in to the controller {times(entry.count)}",
            explanation=(
                f"{admin} logged in {times(entry.count)} in this period, from {places}"
                f"{where}. Nothing to do if these were you."
            ),
            remediation=(),
            count=entry.count,
            first_seen_ms=entry.first_ms,
            last_seen_ms=entry.last_ms,
            subjects=(subject, *(Subject("ip", ip, ip) for ip in sources[:12])),
        )
