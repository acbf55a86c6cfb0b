"""Short sessions (clients that drop right after connecting) and WAN failover."""

from __future__ import annotations

from tests.analyze.conftest import DAY, one, rule, run
from tests.factories import IPAD, KITCHEN, LAPTOP, MINUTE, SWITCH, T0, event, wan_transition
from unifi_scanner.analyze import Severity

SECOND = 1000


def short_disconnect(at: int, seconds: object, client: str = IPAD) -> object:
    return event(
        "EVT_WU_Disconnected", at, user=client, ap=KITCHEN, ssid="Home", duration=seconds,
        bytes=2048, hostname="iPad",
    )  # fmt: skip


def test_repeated_short_sessions_are_reported_with_the_likely_causes() -> None:
    events = [short_disconnect(T0 + i * 8 * MINUTE, 12 + i) for i in range(6)]
    events.append(short_disconnect(T0 + 2 * 60 * MINUTE, 3600))  # one normal session
    analysis = run(events)
    finding = one(analysis, "short-sessions")
    assert finding.title == "Living-room iPad dropped off 6 times within 1 min of connecting"
    assert "the shortest lasted 12 s" in finding.explanation
    assert "up to 6 times within one hour, at Kitchen AP" in finding.explanation
    assert "password" in finding.explanation
    assert 'forget the WiFi network "Home"' in finding.remediation[0]
    # Layered: the same disconnects still count in the activity summary.
    assert one(analysis, "client-activity").count == 7


def test_durations_as_strings_count_and_missing_durations_do_not() -> None:
    events = [short_disconnect(T0 + i * MINUTE, "20") for i in range(5)]
    events += [event("EVT_WU_Disconnected", T0 + i * MINUTE, user=LAPTOP) for i in range(9)]
    finding = one(run(events), "short-sessions")
    assert finding.subjects[0].id == IPAD


def test_short_sessions_spread_over_the_day_are_not_reported() -> None:
    events = [short_disconnect(T0 + i * 90 * MINUTE, 10) for i in range(10)]
    assert rule(run(events), "short-sessions") == []


def test_wired_short_sessions_point_at_the_cable() -> None:
    events = [
        event("EVT_LU_Disconnected", T0 + i * 5 * MINUTE, user=LAPTOP, sw=SWITCH, duration=4)
        for i in range(5)
    ]
    finding = one(run(events), "short-sessions")
    assert "faulty cable" in finding.explanation
    assert finding.remediation[0].startswith("Replace the network cable of work-laptop")


def test_failover_measures_time_on_backup() -> None:
    events = [
        wan_transition("eth8", "inactive", T0 + 60 * MINUTE),
        wan_transition("eth9", "active", T0 + 60 * MINUTE + 5 * SECOND),
        wan_transition("eth8", "active", T0 + 105 * MINUTE),
        wan_transition("eth8", "inactive", T0 + 300 * MINUTE),
        wan_transition("eth9", "active", T0 + 300 * MINUTE + 2 * SECOND),
        wan_transition("eth8", "active", T0 + 310 * MINUTE),
    ]
    finding = one(run(events), "wan-failover")
    assert finding.severity is Severity.MEDIUM
    assert finding.title == (
        "The internet connection failed over to the backup twice (55 min on backup)"
    )
    assert "from the primary link (eth8) to the backup link (eth9) twice" in finding.explanation
    assert "longest 45 min" in finding.explanation
    assert "no internet connection at all" not in finding.explanation
    assert finding.subjects[0].name == "Dream Machine (UDM Pro)"
    assert finding.count == 6


def test_no_backup_means_the_internet_was_down() -> None:
    events = [
        wan_transition("eth8", "inactive", T0 + 60 * MINUTE),
        wan_transition("eth8", "active", T0 + 80 * MINUTE),
    ]
    finding = one(run(events), "wan-failover")
    assert finding.severity is Severity.SEVERE
    assert finding.title == "The internet connection went down once"
    assert "no internet connection at all once, for 20 min in total" in finding.explanation


def test_still_on_backup_at_the_end_of_the_period_is_severe() -> None:
    events = [
        wan_transition("eth8", "inactive", T0 + DAY - 60 * MINUTE),
        wan_transition("eth9", "active", T0 + DAY - 60 * MINUTE + SECOND),
    ]
    finding = one(run(events), "wan-failover")
    assert finding.severity is Severity.SEVERE
    assert "still running on the backup" in finding.explanation
    assert "(1 h on backup)" in finding.title


def test_backup_link_flapping_while_the_primary_carries_traffic_is_low() -> None:
    events = [
        wan_transition("eth8", "active", T0),
        wan_transition("eth9", "inactive", T0 + 2 * MINUTE),
        wan_transition("eth9", "active", T0 + 3 * MINUTE),
    ]
    finding = one(run(events), "wan-failover")
    assert finding.severity is Severity.LOW
    assert "traffic stayed on the primary link" in finding.explanation
    assert finding.remediation == ()


def test_failover_reported_only_as_the_backup_becoming_active() -> None:
    # Some firmware reports only which link became active: out to eth9, back to eth8.
    events = [
        wan_transition("eth9", "active", T0 + 60 * MINUTE),
        wan_transition("eth8", "active", T0 + 90 * MINUTE),
    ]
    finding = one(run(events), "wan-failover")
    assert "from the primary link (eth8) to the backup link (eth9) once" in finding.explanation


def test_transition_with_unknown_state_is_ignored() -> None:
    assert rule(run([wan_transition("eth8", "degraded", T0)]), "wan-failover") == []
