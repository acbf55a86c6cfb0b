"""Roaming patterns of one client: too many roams, ping-pong between two access points, and
band flapping (switching between bands, 2.4, 5 or 6 GHz, on the same access point).

One processor watches all three, because they describe the same client's experience: a
client that roams excessively *and* ping-pongs gets one ``excessive-roaming`` finding that
says so, not two findings about the same bounces.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from unifi_scanner.analyze.catalogue import RADIO_ROAMS, ROAMS
from unifi_scanner.analyze.findings import Category, Finding, Severity, Subject, finding_id
from unifi_scanner.analyze.macs import LowerMacs
from unifi_scanner.analyze.rules import Context
from unifi_scanner.analyze.text import BANDS, band, names, times
from unifi_scanner.analyze.thresholds import RoamingThresholds
from unifi_scanner.analyze.windows import RateWatch
from unifi_scanner.controller.models import Event

#: Band codes in frequency order: the lowest band reaches farthest, the highest is fastest.
BAND_ORDER = tuple(BANDS)


def _band_story(radios: Mapping[str, int]) -> tuple[str, str | None, str | None]:
    """The bands a client switched between, as said (``2.4 GHz and 5 GHz``), and the lower
    and higher of them (``None`` unless at least two known bands were seen).

    Clients flap between whichever bands the access point offers (5 and 6 GHz on WiFi 6E), so
    the text must name the bands of the events, never assume 2.4 and 5 GHz. Known bands come
    in frequency order, unknown codes after them as they came.
    """
    known = [code for code in BAND_ORDER if code in radios]
    other = sorted(code for code in radios if code not in BANDS)
    said = [band(code) for code in (*known, *other)]
    if len(known) < 2:
        return (names(said), None, None)
    return (names(said), band(known[0]), band(known[-1]))


@dataclass(slots=True)
class _Client:
    roam_watch: RateWatch
    first_ms: int = 0
    last_ms: int = 0
    roams: int = 0
    access_points: dict[str, int] = field(default_factory=dict)
    last_from: str | None = None
    last_to: str | None = None
    last_roam_ms: int = 0
    bounces: int = 0
    bounce_watch: RateWatch | None = None
    pairs: dict[tuple[str, str], int] = field(default_factory=dict)
    band_changes: int = 0
    band_watch: RateWatch | None = None
    band_first_ms: int = 0
    band_last_ms: int = 0
    band_aps: dict[str, int] = field(default_factory=dict)
    bands: dict[str, int] = field(default_factory=dict)


class RoamingPatterns:
    """``excessive-roaming``, ``roaming-ping-pong`` and ``band-flapping``, per client."""

    rule_id = "excessive-roaming"
    rules = ("excessive-roaming", "roaming-ping-pong", "band-flapping")
    keys = ROAMS | RADIO_ROAMS

    def __init__(self, thresholds: RoamingThresholds) -> None:
        self._t = thresholds
        self._return_ms = thresholds.ping_pong_return_s * 1000
        self._clients: dict[str, _Client] = {}
        self._feeds: dict[str, Callable[[Event], None]] = {}
        self.lower = LowerMacs()
        """MACs as sent → lower case."""
        self.roamed = self._roam_step()
        """``roamed(client, t, ap_from, ap_to)``: count one roam of a client (the fields as
        the payload has them: any type, any case)."""

    @property
    def clients(self) -> dict[str, _Client]:
        """Clients by lower-case MAC, live (:mod:`.client_path` looks them up itself)."""
        return self._clients

    def add_client(self, mac: str) -> _Client:
        """A client not seen before (``mac`` lower-case)."""
        client = self._clients[mac] = _Client(RateWatch(self._t.per_hour))
        return client

    def feed(self, event: Event) -> None:
        feed = self._feeds.get(event.key)
        if feed is None:
            feed = self._feeds[event.key] = self.feed_for(event.key)
        feed(event)

    def feed_for(self, key: str) -> Callable[[Event], None]:
        """The feed for events of ``key``: band changes or roams, decided once per key."""
        clients, add_client, lower = self._clients, self.add_client, self.lower
        if key in RADIO_ROAMS:
            band_change = self.band_change

            def feed_band_change(event: Event) -> None:
                payload = event.payload
                mac = payload.get("user") or payload.get("guest")
                if mac.__class__ is not str or not mac:
                    return
                mac = lower[mac]
                client = clients.get(mac) or add_client(mac)
                band_change(client, payload, event.time_ms)

            return feed_band_change

        roamed = self.roamed

        def feed_roam(event: Event) -> None:
            payload = event.payload
            mac = payload.get("user") or payload.get("guest")
            if mac.__class__ is not str or not mac:
                return
            mac = lower[mac]
            client = clients.get(mac) or add_client(mac)
            roamed(client, event.time_ms, payload.get("ap_from"), payload.get("ap_to"))

        return feed_roam

    def _roam_step(self) -> Callable[[_Client, int, Any, Any], None]:
        return_ms, bounces_per_hour = self._return_ms, self._t.ping_pong_per_hour
        lower = self.lower

        # Everything inline: roams are a fifth of a busy site's events.
        def roamed(client: _Client, t: int, source: Any, target: Any) -> None:
            if not client.roams:
                client.first_ms = t
            client.roams += 1
            client.last_ms = t
            client.roam_watch.add(t)
            if source.__class__ is not str or target.__class__ is not str:
                return
            if not source or not target:
                return
            source, target = lower[source], lower[target]
            aps = client.access_points
            aps[source] = aps.get(source, 0) + 1
            aps[target] = aps.get(target, 0) + 1
            if (
                client.last_from == target
                and client.last_to == source
                and t - client.last_roam_ms <= return_ms
            ):
                client.bounces += 1
                if client.bounce_watch is None:
                    client.bounce_watch = RateWatch(bounces_per_hour)
                client.bounce_watch.add(t)
                pair = (source, target) if source < target else (target, source)
                client.pairs[pair] = client.pairs.get(pair, 0) + 1
            client.last_from, client.last_to, client.last_roam_ms = source, target, t

        return roamed

    def band_change(self, client: _Client, payload: Mapping[str, Any], t: int) -> None:
        """Count one band change of a client (an ``EVT_*_RoamRadio`` event's payload)."""
        if not client.band_changes:
            client.band_first_ms = t
            client.band_watch = RateWatch(self._t.band_changes_per_hour)
        client.band_changes += 1
        client.band_last_ms = t
        assert client.band_watch is not None
        client.band_watch.add(t)
        ap = payload.get("ap")
        if isinstance(ap, str) and ap:
            ap = self.lower[ap]
            client.band_aps[ap] = client.band_aps.get(ap, 0) + 1
        for name in ("radio_from", "radio_to"):
            radio = payload.get(name)
            if radio.__class__ is str:
                client.bands[radio] = client.bands.get(radio, 0) + 1

    def findings(self, context: Context) -> list[Finding]:
        found = []
        for mac, client in self._clients.items():
            subject = Subject("client", mac, context.inventory.client_name(mac))
            if client.roam_watch.peak >= self._t.per_hour:
                found.append(self._excessive(context, subject, client))
            elif client.bounce_watch and client.bounce_watch.peak >= self._t.ping_pong_per_hour:
                found.append(self._ping_pong(context, subject, client))
            band = client.band_watch
            if band is not None and band.peak >= self._t.band_changes_per_hour:
                found.append(self._band_flapping(context, subject, client, band.peak))
        return found

    @staticmethod
    def _ranked(counts: dict[str, int], context: Context) -> list[Subject]:
        order = sorted(counts, key=lambda mac: -counts[mac])
        return [Subject("device", mac, context.inventory.device_name(mac)) for mac in order]

    @staticmethod
    def _pair(client: _Client, context: Context) -> tuple[str, str] | None:
        if not client.pairs:
            return None
        first, second = max(client.pairs, key=lambda pair: client.pairs[pair])
        inventory = context.inventory
        return inventory.device_short_name(first), inventory.device_short_name(second)

    def _excessive(self, context: Context, subject: Subject, client: _Client) -> Finding:
        name = subject.name
        aps = self._ranked(client.access_points, context)
        top = [context.inventory.device_short_name(ap.id) for ap in aps[:2]]
        between = " and ".join(top) if len(top) == 2 else names([ap.name for ap in aps])
        mostly = f", mostly between {between}" if len(aps) >= 2 else ""
        where = between if len(aps) >= 2 else "two access points"
        pair = self._pair(client, context)
        bounced = (
            f" {client.bounces} of those roams went straight back to the access point it had "
            f"just left ({pair[0]} ↔ {pair[1]}): a ping-pong."
            if pair
            else ""
        )
        return Finding(
            id=finding_id(context.site, "excessive-roaming", subject),
            rule="excessive-roaming",
            category=Category.WIRELESS,
            severity=Severity.MEDIUM,
            title=f"{name} roamed {client.roam_watch.peak} times within one hour",
            explanation=(
                f"{name} kept switching access points{mostly}: "
                f"{client.roams} roams in this period, up to {client.roam_watch.peak} within "
                f"one hour ({self._t.per_hour} or more an hour is unusual).{bounced} Every "
                "roam interrupts calls and video for a moment. It usually means two access "
                "points cover the same spot with almost the same signal, or that the "
                "client's WiFi is struggling."
            ),
            remediation=(
                f"Find where {name} is used. If it sits between {where}, lower the transmit "
                "power of one of them (UniFi Network → UniFi Devices → the access point → "
                "Radios → Transmit Power: Medium or Low) so one clearly wins.",
                "Make sure neighbouring access points are on different channels.",
                "Update the client's operating system or WiFi driver; some devices roam "
                "aggressively on old drivers.",
                f"If {name} never moves (a TV, a printer), lock it to the nearest access point "
                "(the client's Settings → Lock to Access Point).",
            ),
            count=client.roams,
            first_seen_ms=client.first_ms,
            last_seen_ms=client.last_ms,
            subjects=(subject, *aps[:8]),
        )

    def _ping_pong(self, context: Context, subject: Subject, client: _Client) -> Finding:
        peak = client.bounce_watch.peak if client.bounce_watch is not None else 0
        name = subject.name
        pair = self._pair(client, context) or ("one access point", "another")
        aps = self._ranked(client.access_points, context)
        return Finding(
            id=finding_id(context.site, "roaming-ping-pong", subject),
            rule="roaming-ping-pong",
            category=Category.WIRELESS,
            severity=Severity.MEDIUM,
            title=f"{name} bounced between {pair[0]} and {pair[1]} {times(client.bounces)}",
            explanation=(
                f"{name} roamed to {pair[1]} and straight back to {pair[0]} (or the other way) "
                f"{times(client.bounces)}, up to {peak} times within one "
                "hour. Where two access points reach a spot with almost the same signal, a "
                "client cannot settle on either, and every bounce interrupts calls and video."
            ),
            remediation=(
                f"Lower the transmit power of {pair[0]} or {pair[1]} (UniFi Network → UniFi "
                "Devices → the access point → Radios → Transmit Power) so one clearly covers "
                f"the place where {name} is used.",
                "If the two access points are close together, move one of them further away.",
                f"If {name} does not move around, lock it to one access point (the client's "
                "Settings → Lock to Access Point).",
            ),
            count=client.bounces,
            first_seen_ms=client.first_ms,
            last_seen_ms=client.last_ms,
            subjects=(subject, *aps[:8]),
        )

    def _band_flapping(
        self, context: Context, subject: Subject, client: _Client, peak: int
    ) -> Finding:
        name = subject.name
        aps = self._ranked(client.band_aps, context)
        where = names([context.inventory.device_short_name(ap.id) for ap in aps])
        bands, low, high = _band_story(client.bands)
        between = f"between {bands}" if len(client.bands) >= 2 else "bands"
        faster = f"the faster {high} signal" if high else "the faster band's signal"
        steps = [
            f"Lower the {low} transmit power of {where} so {high} wins wherever it is usable."
            if low and high
            else f"Lower the transmit power of the slower band of {where} so the faster band "
            "wins wherever it is usable.",
            f"If {name} is used far from the access point, move the access point or add "
            "one closer.",
            "Update the client's operating system or WiFi driver.",
        ]
        if "ng" in client.bands and "na" in client.bands:
            # Band Steering moves clients from 2.4 GHz up to 5 GHz; it has no say otherwise.
            steps.insert(
                0,
                "Check Band Steering (UniFi Network → Settings → WiFi → the network → Band "
                f"Steering): turn it on to prefer {BANDS['na']}, or off if it pushes this client "
                "too hard.",
            )
        return Finding(
            id=finding_id(context.site, "band-flapping", subject),
            rule="band-flapping",
            category=Category.WIRELESS,
            severity=Severity.MEDIUM,
            title=f"{name} switched WiFi bands {times(client.band_changes)}",
            explanation=(
                f"{name} kept switching {between} on {where}: "
                f"{client.band_changes} band changes, up to {peak} within "
                "one hour. Each change is a short interruption. A client that cannot decide "
                f"usually sits where {faster} is only just usable."
            ),
            remediation=tuple(steps),
            count=client.band_changes,
            first_seen_ms=client.band_first_ms,
            last_seen_ms=client.band_last_ms,
            subjects=(subject, *aps[:8]),
        )
