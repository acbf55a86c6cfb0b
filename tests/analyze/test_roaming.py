"""Roaming patterns: excessive roaming, ping-pong, band flapping."""

from __future__ import annotations

from tests.analyze.conftest import one, rule, run
from tests.factories import (
    GARAGE,
    IPAD,
    KITCHEN,
    LAPTOP,
    MINUTE,
    OFFICE,
    PHONE,
    T0,
    band_change,
    event,
    roam,
)
from unifi_scanner.analyze import Severity, Thresholds
from unifi_scanner.analyze.thresholds import RoamingThresholds


def bounces(client: str, a: str, b: str, start: int, count: int, every: int) -> list:  # type: ignore[type-arg]
    return [
        roam(client, a if i % 2 == 0 else b, b if i % 2 == 0 else a, start + i * every)
        for i in range(count)
    ]


def test_storm_that_ping_pongs_is_one_excessive_roaming_finding_that_says_so() -> None:
    analysis = run(bounces(PHONE, KITCHEN, OFFICE, T0, 16, 2 * MINUTE))
    finding = one(analysis, "excessive-roaming")
    assert finding.title == "Bob's Pixel roamed 16 times within one hour"
    assert "15 of those roams went straight back" in finding.explanation
    assert "(Kitchen AP ↔ Office AP)" in finding.explanation
    assert rule(analysis, "roaming-ping-pong") == []
    assert [s.id for s in finding.subjects] == [PHONE, KITCHEN, OFFICE]


def test_ping_pong_below_the_roaming_rate_is_its_own_finding() -> None:
    # 6 roams in an hour (below 10), 5 of them straight back.
    analysis = run(bounces(IPAD, KITCHEN, GARAGE, T0, 6, 4 * MINUTE))
    assert rule(analysis, "excessive-roaming") == []
    finding = one(analysis, "roaming-ping-pong")
    assert finding.title == "Living-room iPad bounced between Kitchen AP and Garage AP 5 times"
    assert finding.severity is Severity.MEDIUM
    assert "transmit power" in finding.remediation[0]


def test_returns_after_the_return_window_are_not_bounces() -> None:
    # Back and forth, but 20 minutes apart: moving between rooms, not ping-pong.
    analysis = run(bounces(IPAD, KITCHEN, GARAGE, T0, 8, 20 * MINUTE))
    assert rule(analysis, "roaming-ping-pong") == []
    assert rule(analysis, "excessive-roaming") == []


def test_thresholds_are_configurable() -> None:
    strict = Thresholds(roaming=RoamingThresholds(per_hour=5))
    analysis = run(bounces(LAPTOP, KITCHEN, OFFICE, T0, 6, 7 * MINUTE), thresholds=strict)
    assert one(analysis, "excessive-roaming").title == "work-laptop roamed 6 times within one hour"


def test_band_flapping_on_one_access_point() -> None:
    bands = [("ng", "na"), ("na", "ng")]
    events = [band_change(IPAD, KITCHEN, T0 + i * 5 * MINUTE, *bands[i % 2]) for i in range(8)]
    finding = one(run(events), "band-flapping")
    assert finding.title == "Living-room iPad switched WiFi bands 8 times"
    assert "between 2.4 GHz and 5 GHz on Kitchen AP" in finding.explanation
    assert "up to 8 within one hour" in finding.explanation
    assert "where the faster 5 GHz signal is only just usable" in finding.explanation
    assert finding.remediation[0].startswith("Check Band Steering")
    assert finding.remediation[1].startswith("Lower the 2.4 GHz transmit power of Kitchen AP")
    assert finding.subjects[1].id == KITCHEN


def test_band_flapping_between_5_and_6_ghz_names_those_bands() -> None:
    bands = [("na", "6e"), ("6e", "na")]
    events = [band_change(IPAD, KITCHEN, T0 + i * 5 * MINUTE, *bands[i % 2]) for i in range(8)]
    finding = one(run(events), "band-flapping")
    assert "kept switching between 5 GHz and 6 GHz on Kitchen AP" in finding.explanation
    assert "where the faster 6 GHz signal is only just usable" in finding.explanation
    assert finding.remediation[0] == (
        "Lower the 5 GHz transmit power of Kitchen AP so 6 GHz wins wherever it is usable."
    )
    # Band Steering only moves clients between 2.4 and 5 GHz: no step about it here.
    assert not any("2.4 GHz" in step or "Band Steering" in step for step in finding.remediation)


def test_band_flapping_without_recorded_bands_does_not_guess_them() -> None:
    events = [event("EVT_WU_RoamRadio", T0 + i * MINUTE, user=IPAD, ap=KITCHEN) for i in range(8)]
    finding = one(run(events), "band-flapping")
    assert "kept switching bands on Kitchen AP" in finding.explanation
    assert "GHz" not in finding.explanation
    assert "slower band of Kitchen AP" in finding.remediation[0]


def test_a_few_band_changes_are_normal() -> None:
    events = [band_change(IPAD, KITCHEN, T0 + i * 30 * MINUTE, "ng", "na") for i in range(8)]
    analysis = run(events)
    assert rule(analysis, "band-flapping") == []
    assert one(analysis, "client-roaming").count == 8


def test_guest_roams_count_with_integer_channels_and_missing_radios() -> None:
    guest = "aa:00:00:00:00:31"
    events = [
        event(
            "EVT_WG_Roam",
            T0 + i * 3 * MINUTE,
            guest=guest,
            ap_from=KITCHEN if i % 2 else OFFICE,
            ap_to=OFFICE if i % 2 else KITCHEN,
            channel_from=36,
            channel_to=149,
        )
        for i in range(12)
    ]
    finding = one(run(events), "excessive-roaming")
    assert finding.subjects[0].id == guest
    assert finding.count == 12


def test_roams_without_access_points_still_count_towards_the_rate() -> None:
    events = [event("EVT_WU_Roam", T0 + i * MINUTE, user=IPAD) for i in range(10)]
    finding = one(run(events), "excessive-roaming")
    assert finding.title == "Living-room iPad roamed 10 times within one hour"
    assert "mostly between none" not in finding.explanation
    # It fires at 10 an hour, so the text may not say "more than 10".
    assert "(10 or more an hour is unusual)" in finding.explanation
