"""The fast path for client events does exactly what the general path does.

:mod:`unifi_scanner.analyze.client_path` stands in for the feeds of the busiest keys; these
tests run the same events with and without it and compare the whole outcome: findings, counts,
and the names and SSIDs the inventory learned.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unifi_scanner.analyze import Analysis, Inventory, analyze, engine
from unifi_scanner.analyze.catalogue import CLIENT_ACTIVITY
from unifi_scanner.analyze.client_path import CLIENT_KEYS, client_feeds
from unifi_scanner.analyze.rules import GroupingProcessor
from unifi_scanner.analyze.thresholds import ClientThresholds, RoamingThresholds, Thresholds
from unifi_scanner.controller.models import Event

T0 = 1_700_000_000_000
#: Low thresholds, so that the stateful rules have findings to compare.
TIGHT = Thresholds(
    roaming=RoamingThresholds(
        per_hour=2, ping_pong_return_s=900, ping_pong_per_hour=1, band_changes_per_hour=2
    ),
    clients=ClientThresholds(short_session_s=100, short_sessions_per_hour=2),
    max_findings_per_rule=10_000,
)

MACS = ["aa:bb:cc:00:00:01", "AA:BB:CC:00:00:01", "aa:bb:cc:00:00:02", "11:22:33:44:55:66"]
APS = ["78:45:58:00:00:01", "78:45:58:00:00:0A", "78:45:58:00:00:0a", "74:ac:b9:00:01:02"]
#: What a field may hold: usual values, other case, empty, wrong types, nothing.
mac_values = st.sampled_from([*MACS, "", None, 42, ["x"]])
ap_values = st.sampled_from([*APS, "", None, 7])
text_values = st.sampled_from(["Office", "Guest", "", None, 5, "  host  ", "laptop"])
durations = st.sampled_from([5, 40, 3600, "12", " 30 ", "x", 8.5, float("nan"), None, True])
radios = st.sampled_from(["ng", "na", "6e", "", None, 2])
channels = st.sampled_from(["36", 36, "149", None, ""])


@st.composite
def payloads(draw: st.DrawFn) -> dict[str, Any]:
    fields = {
        "user": mac_values,
        "guest": mac_values,
        "ap": ap_values,
        "sw": ap_values,
        "ap_from": ap_values,
        "ap_to": ap_values,
        "ssid": text_values,
        "hostname": text_values,
        "duration": durations,
        "radio_from": radios,
        "radio_to": radios,
        "channel": channels,
        "channel_to": channels,
    }
    payload: dict[str, Any] = {}
    for name, values in fields.items():
        if draw(st.booleans()):
            payload[name] = draw(values)
    return payload


@st.composite
def event_lists(draw: st.DrawFn) -> list[Event]:
    keys = [*sorted(CLIENT_KEYS), "EVT_AP_Lost_Contact", "CLIENT_CONNECTED_WIRELESS_2"]
    events = []
    t = T0
    for n in range(draw(st.integers(1, 40))):
        # Mostly in time order, sometimes a step back (events from two sources).
        t += draw(st.sampled_from([0, 1_000, 60_000, 600_000, -30_000]))
        payload = draw(payloads())
        key = draw(st.sampled_from(keys))
        if key.startswith("CLIENT_"):
            payload = {"parameters": {"CLIENT": {"id": payload.get("user") or MACS[0]}}}
        site = draw(st.sampled_from(["default", "default", "branch", ""]))
        events.append(Event(f"id{n}", key, "wlan", site, t, t, "test", payload))
    return events


def _analyse(events: list[Event], *, fast: bool, monkeypatch: pytest.MonkeyPatch) -> tuple:
    with monkeypatch.context() as patch:
        if not fast:
            patch.setattr(engine, "client_feeds", lambda rules, inventory: {})
        inventory = Inventory()
        analysis = analyze(
            iter(events),
            site="default",
            period_start_ms=T0,
            period_end_ms=T0 + 86_400_000,
            inventory=inventory,
            thresholds=TIGHT,
        )
    return _outcome(analysis, inventory)


def _outcome(analysis: Analysis, inventory: Inventory) -> tuple:
    return (
        analysis.findings,
        list(analysis.by_key.items()),
        analysis.events,
        list(inventory.client_names.items()),
        sorted(inventory.ssids),
    )


def test_every_client_key_takes_the_fast_path() -> None:
    assert set(client_feeds(engine.processors(TIGHT), Inventory())) == CLIENT_KEYS


def test_a_key_with_another_claimant_keeps_the_general_path() -> None:
    rules = engine.processors(TIGHT)
    extra = replace(CLIENT_ACTIVITY, id="extra", keys=frozenset({"EVT_WU_Connected"}))
    rules.append(GroupingProcessor(extra))
    fused = client_feeds(rules, Inventory())
    assert "EVT_WU_Connected" not in fused
    assert "EVT_WU_Disconnected" in fused


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(events=event_lists())
def test_same_outcome_as_the_general_path(
    events: list[Event], monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = _analyse(events, fast=True, monkeypatch=monkeypatch)
    general = _analyse(events, fast=False, monkeypatch=monkeypatch)
    assert fast == general


def test_same_outcome_on_a_busy_site(monkeypatch: pytest.MonkeyPatch) -> None:
    sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))
    try:
        import analyze_throughput as bench
    finally:
        sys.path.pop(0)
    events = [bench.event_of(doc) for doc in bench.documents(20_000)]
    fast = _analyse(events, fast=True, monkeypatch=monkeypatch)
    general = _analyse(events, fast=False, monkeypatch=monkeypatch)
    assert fast == general
    assert fast[0]  # findings there were, to compare
