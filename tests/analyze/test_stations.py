"""Sticky clients from stat/sta snapshots."""

from __future__ import annotations

from typing import Any

from tests.analyze.conftest import one, rule, run
from tests.factories import GARAGE, IPAD, KITCHEN, LAPTOP, MINUTE, T0, client_record
from unifi_scanner.analyze import Severity
from unifi_scanner.analyze.stations import signal_dbm

TEN = 10 * MINUTE


def every_ten(records: list[dict[str, Any]], start: int = T0) -> list[tuple[int, dict[str, Any]]]:
    return [(start + i * TEN, record) for i, record in enumerate(records)]


def test_weak_signal_on_one_access_point_for_long_is_sticky() -> None:
    weak = [client_record(IPAD, GARAGE, signal=-79, satisfaction=55) for _ in range(5)]
    healthy = [client_record(IPAD, KITCHEN, signal=-52) for _ in range(3)]
    finding = one(run([], client_snapshots=every_ten(weak + healthy)), "sticky-client")
    assert finding.severity is Severity.MEDIUM
    assert finding.title == "Living-room iPad stayed on a weak connection to Garage AP for 40 min"
    assert "signal down to -79 dBm" in finding.explanation
    assert "instead of moving to a closer one" in finding.explanation  # several access points
    assert "Min RSSI" in finding.remediation[0]
    assert [s.id for s in finding.subjects] == [IPAD, GARAGE]


def test_short_weak_spells_and_wired_clients_are_not_sticky() -> None:
    spell = [client_record(IPAD, GARAGE, signal=-80) for _ in range(3)]  # 20 min
    spell += [client_record(IPAD, GARAGE, signal=-60)]
    wired = [{"mac": LAPTOP, "is_wired": True, "sw_mac": "74:ac:b9:00:00:10"} for _ in range(9)]
    analysis = run([], client_snapshots=every_ten(spell) + every_ten(wired))
    assert rule(analysis, "sticky-client") == []
    assert analysis.client_snapshots == 4


def test_poor_satisfaction_alone_counts_and_rssi_alone_gives_the_signal() -> None:
    records = [
        {"mac": IPAD, "ap_mac": KITCHEN, "rssi": 30, "satisfaction": 35, "essid": "Home"}
        for _ in range(4)
    ]
    finding = one(run([], client_snapshots=every_ten(records)), "sticky-client")
    assert "signal down to -65 dBm, experience score down to 35%" in finding.explanation


def test_a_gap_in_the_snapshots_ends_the_streak() -> None:
    first = every_ten([client_record(IPAD, GARAGE, signal=-80) for _ in range(3)])
    later = every_ten(
        [client_record(IPAD, GARAGE, signal=-80) for _ in range(3)], start=T0 + 120 * MINUTE
    )
    assert rule(run([], client_snapshots=first + later), "sticky-client") == []


def test_signal_from_the_fields_controllers_send() -> None:
    assert signal_dbm({"signal": -71, "rssi": 24}) == -71
    assert signal_dbm({"rssi": 24, "noise": -96}) == -72
    assert signal_dbm({"rssi": "30"}) == -65
    assert signal_dbm({"rssi": 0}) is None
    assert signal_dbm({}) is None
