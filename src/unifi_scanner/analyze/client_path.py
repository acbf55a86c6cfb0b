"""A fast path for the busiest events: clients connecting, disconnecting, roaming, changing band.

Why it exists: these events are nine in ten of a busy site's, and through the general path
(the engine's router) each goes to two or three feeds, every one of which reads the payload
and looks for the client's MAC again:

- ``EVT_*_Connected``: the inventory's name learner (:meth:`.Inventory.learner_for`) and the
  ``client-activity`` summary (:meth:`.GroupingProcessor.feed_for`);
- ``EVT_*_Disconnected``: the same two, and :class:`.ShortSessions`;
- ``EVT_*_Roam`` and ``EVT_*_RoamRadio``: the ``client-roaming`` summary and
  :class:`.RoamingPatterns`.

:func:`client_feeds` builds, per key, one function doing what those feeds do, each payload
field read once. The summaries' counting (one group per site) is written out here again; the
rest is handed to the processors' own methods, and only when it is their work: naming a client
not yet named (:meth:`.Inventory.learn_client`), a session that was short
(:meth:`.ShortSessions.record`), the roam or band change itself (:attr:`.RoamingPatterns.roamed`,
:meth:`.RoamingPatterns.band_change`).

It must do exactly what the general path does, odd payloads included (a guest key naming a
``user``, MACs in upper case, missing or non-text fields): ``tests/analyze/test_client_path.py``
runs the same events through both and compares. A key is left to the general path whenever its
feeds are not the ones listed above (a rule added for it, a summary grouped differently).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from unifi_scanner.analyze.catalogue import CONNECTS, DISCONNECTS, RADIO_ROAMS, ROAMS
from unifi_scanner.analyze.inventory import Inventory
from unifi_scanner.analyze.roaming import RoamingPatterns
from unifi_scanner.analyze.rules import (
    GroupingProcessor,
    RuleProcessor,
    client_fields,
    involved_device_fields,
)
from unifi_scanner.analyze.sessions import ShortSessions, session_seconds
from unifi_scanner.controller.models import Event

Feed = Callable[[Event], None]

CLIENT_KEYS = CONNECTS | DISCONNECTS | ROAMS | RADIO_ROAMS


def client_feeds(rules: Iterable[RuleProcessor], inventory: Inventory) -> dict[str, Feed]:
    """One feed per client key standing for all of that key's feeds (the name learner's
    included); keys whose feeds are not the expected ones are left out."""
    claims: dict[str, list[RuleProcessor]] = {}
    for rule in rules:
        for key in sorted(rule.keys & CLIENT_KEYS):
            claims.setdefault(key, []).append(rule)
    feeds = {}
    for key, claimants in claims.items():
        feed = _fused(key, claimants, inventory)
        if feed is not None:
            feeds[key] = feed
    return feeds


def _fused(key: str, claimants: list[RuleProcessor], inventory: Inventory) -> Feed | None:
    summary, *others = claimants
    if (
        not isinstance(summary, GroupingProcessor)
        or summary.rule.group_by != "site"
        or summary.rule.detail_field is not None
        or len(others) > 1
    ):
        return None
    other = others[0] if others else None
    learning = inventory.client_learning(key)
    places = involved_device_fields(key)
    if key in CONNECTS and other is None and learning == (True, True) and len(places) == 1:
        return _connect(key, inventory, summary)
    if (
        key in DISCONNECTS
        and isinstance(other, ShortSessions)
        and learning == (True, False)
        and len(places) == 1
    ):
        return _disconnect(key, inventory, summary, other)
    if isinstance(other, RoamingPatterns) and learning == (False, False):
        if key in ROAMS and places == ("ap_from", "ap_to"):
            return _roam(key, summary, other)
        if key in RADIO_ROAMS and len(places) == 1:
            return _band_change(key, summary, other)
    return None


# In each feed below, ``mac`` is the client as the summary reads it (the key's likely field
# first: ``guest`` for guest keys); the learner and the roaming patterns always read ``user``
# first, so for guest keys they read it again (``who``).


def _connect(key: str, inventory: Inventory, summary: GroupingProcessor) -> Feed:
    first, second = client_fields(key)
    by_user = first == "user"
    (place,) = involved_device_fields(key)
    named, learn_client, ssids = inventory.client_names, inventory.learn_client, inventory.ssids
    groups, start_group, slot = summary.groups, summary.start_group, summary.slots.index(key)

    def feed_connect(event: Event) -> None:
        payload = event.payload
        mac = payload.get(first) or payload.get(second)
        # Inventory.learner_for(key): the client's name, the network's SSID.
        who = mac if by_user else payload.get("user") or payload.get("guest")
        if who.__class__ is str and who not in named:
            learn_client(payload, who)
        ssid = payload.get("ssid")
        if ssid.__class__ is str and ssid:
            ssids.add(ssid)
        # GroupingProcessor.feed_for(key) of client-activity: one group per site.
        site, t = event.site, event.time_ms
        group = groups.get(site)
        if group is None:
            group = start_group(key, site, t)
        elif t > group.last_ms:
            group.last_ms = t
        elif t < group.first_ms:
            group.first_ms = t
        group.by_key[slot] += 1
        if mac.__class__ is str:
            group.clients[mac] += 1
        device = payload.get(place)
        if device.__class__ is str:
            group.devices[device] += 1

    return feed_connect


def _disconnect(
    key: str, inventory: Inventory, summary: GroupingProcessor, sessions: ShortSessions
) -> Feed:
    first, second = client_fields(key)
    by_user = first == "user"
    (place,) = involved_device_fields(key)
    named, learn_client = inventory.client_names, inventory.learn_client
    groups, start_group, slot = summary.groups, summary.start_group, summary.slots.index(key)
    short_s, record = sessions.short_session_s, sessions.record

    def feed_disconnect(event: Event) -> None:
        payload = event.payload
        mac = payload.get(first) or payload.get(second)
        # Inventory.learner_for(key): the client's name.
        who = mac if by_user else payload.get("user") or payload.get("guest")
        if who.__class__ is str and who not in named:
            learn_client(payload, who)
        # GroupingProcessor.feed_for(key) of client-activity: one group per site.
        site, t = event.site, event.time_ms
        group = groups.get(site)
        if group is None:
            group = start_group(key, site, t)
        elif t > group.last_ms:
            group.last_ms = t
        elif t < group.first_ms:
            group.first_ms = t
        group.by_key[slot] += 1
        if mac.__class__ is str:
            group.clients[mac] += 1
        device = payload.get(place)
        if device.__class__ is str:
            group.devices[device] += 1
        # ShortSessions.feed
        seconds = payload.get("duration")
        if seconds.__class__ is not int:
            seconds = session_seconds(seconds)
        if seconds is not None and seconds < short_s:
            record(event, seconds)

    return feed_disconnect


def _roam(key: str, summary: GroupingProcessor, roaming: RoamingPatterns) -> Feed:
    first, second = client_fields(key)
    by_user = first == "user"
    groups, start_group, slot = summary.groups, summary.start_group, summary.slots.index(key)
    clients, add_client, roamed = roaming.clients, roaming.add_client, roaming.roamed
    lower = roaming.lower

    def feed_roam(event: Event) -> None:
        payload = event.payload
        mac = payload.get(first) or payload.get(second)
        # GroupingProcessor.feed_for(key) of client-roaming: one group per site.
        site, t = event.site, event.time_ms
        group = groups.get(site)
        if group is None:
            group = start_group(key, site, t)
        elif t > group.last_ms:
            group.last_ms = t
        elif t < group.first_ms:
            group.first_ms = t
        group.by_key[slot] += 1
        if mac.__class__ is str:
            group.clients[mac] += 1
        source, target = payload.get("ap_from"), payload.get("ap_to")
        seen = group.devices
        if source.__class__ is str:
            seen[source] += 1
        if target.__class__ is str:
            seen[target] += 1
        # RoamingPatterns.feed_for(key)
        who = mac if by_user else payload.get("user") or payload.get("guest")
        if who.__class__ is not str or not who:
            return
        who = lower[who]
        roamed(clients.get(who) or add_client(who), t, source, target)

    return feed_roam


def _band_change(key: str, summary: GroupingProcessor, roaming: RoamingPatterns) -> Feed:
    first, second = client_fields(key)
    by_user = first == "user"
    (place,) = involved_device_fields(key)
    groups, start_group, slot = summary.groups, summary.start_group, summary.slots.index(key)
    clients, add_client, band_change = roaming.clients, roaming.add_client, roaming.band_change
    lower = roaming.lower

    def feed_band_change(event: Event) -> None:
        payload = event.payload
        mac = payload.get(first) or payload.get(second)
        # GroupingProcessor.feed_for(key) of client-roaming: one group per site.
        site, t = event.site, event.time_ms
        group = groups.get(site)
        if group is None:
            group = start_group(key, site, t)
        elif t > group.last_ms:
            group.last_ms = t
        elif t < group.first_ms:
            group.first_ms = t
        group.by_key[slot] += 1
        if mac.__class__ is str:
            group.clients[mac] += 1
        device = payload.get(place)
        if device.__class__ is str:
            group.devices[device] += 1
        # RoamingPatterns.feed_for(key)
        who = mac if by_user else payload.get("user") or payload.get("guest")
        if who.__class__ is not str or not who:
            return
        who = lower[who]
        band_change(clients.get(who) or add_client(who), payload, t)

    return feed_band_change
