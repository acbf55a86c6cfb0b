"""Cron expressions and presets, in real time zones, across daylight-saving changes."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from unifi_scanner.schedule import Schedule, ScheduleError

BERLIN = ZoneInfo("Europe/Berlin")


def runs(expression: str, start: datetime, count: int, zone: ZoneInfo = BERLIN) -> list[str]:
    schedule = Schedule.parse(expression, zone)
    moment, result = start, []
    for _ in range(count):
        moment = schedule.next_after(moment)
        result.append(moment.isoformat())
    return result


def test_presets_and_plain_expressions() -> None:
    sunday_noon = datetime(2026, 11, 29, 12, 0, tzinfo=BERLIN)
    assert runs("daily_8am", sunday_noon, 2) == [
        "2026-11-30T08:00:00+01:00",
        "2026-12-01T08:00:00+01:00",
    ]
    assert runs("weekly_friday_5pm", sunday_noon, 1) == ["2026-12-04T17:00:00+01:00"]
    assert runs("weekly_monday_8am", sunday_noon, 1) == ["2026-11-30T08:00:00+01:00"]
    assert runs("daily_6pm", sunday_noon, 1) == ["2026-11-29T18:00:00+01:00"]
    assert runs("hourly", sunday_noon, 2) == [
        "2026-11-29T13:00:00+01:00",
        "2026-11-29T14:00:00+01:00",
    ]
    assert runs("*/20 8-9 * * mon-fri", sunday_noon, 7)[-1] == "2026-12-01T08:00:00+01:00"
    assert runs("0 0 1 jan,jul *", sunday_noon, 2) == [
        "2027-01-01T00:00:00+01:00",
        "2027-07-01T00:00:00+02:00",
    ]


def test_next_run_is_strictly_after() -> None:
    at_eight = datetime(2026, 11, 30, 8, 0, tzinfo=BERLIN)
    assert runs("daily_8am", at_eight, 1) == ["2026-12-01T08:00:00+01:00"]


def test_both_day_fields_restricted_means_either() -> None:
    # Vixie cron: the 13th of the month OR any Friday.
    assert runs("0 9 13 * fri", datetime(2026, 11, 29, tzinfo=BERLIN), 3) == [
        "2026-12-04T09:00:00+01:00",
        "2026-12-11T09:00:00+01:00",
        "2026-12-13T09:00:00+01:00",
    ]
    assert runs("0 0 29 2 *", datetime(2026, 3, 1, tzinfo=BERLIN), 1) == [
        "2028-02-29T00:00:00+01:00"
    ]


def test_spring_forward_runs_once_and_autumn_hour_once() -> None:
    # 29 Mar 2026: 02:00 → 03:00 in Berlin; 02:30 does not exist that day.
    assert runs("30 2 * * *", datetime(2026, 3, 28, 12, tzinfo=BERLIN), 2) == [
        "2026-03-29T03:30:00+02:00",
        "2026-03-30T02:30:00+02:00",
    ]
    # 25 Oct 2026: 03:00 → 02:00; 02:30 happens twice, the report goes out once.
    assert runs("30 2 * * *", datetime(2026, 10, 24, 12, tzinfo=BERLIN), 2) == [
        "2026-10-25T02:30:00+02:00",
        "2026-10-26T02:30:00+01:00",
    ]
    # An hourly schedule through the repeated hour: both real hours run, none twice.
    hours = runs("0 * * * *", datetime(2026, 10, 25, 0, 30, tzinfo=BERLIN), 4)
    assert hours == [
        "2026-10-25T01:00:00+02:00",
        "2026-10-25T02:00:00+02:00",
        "2026-10-25T03:00:00+01:00",
        "2026-10-25T04:00:00+01:00",
    ]


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("0 8 * *", "expected 5 fields"),
        ("60 * * * *", "'60' is outside 0-59 in the minute field"),
        ("0 8 * * 8", "outside 0-7 in the day of week field"),
        ("*/0 * * * *", "bad step"),
        ("0 8 * * funday", "'funday' is not a valid day of week"),
        ("0 8 31 2 *", "never runs"),
    ],
)
def test_bad_schedules_say_what_is_wrong(expression: str, message: str) -> None:
    with pytest.raises(ScheduleError, match=message):
        Schedule.parse(expression, "UTC").next_after(datetime(2026, 1, 1, tzinfo=BERLIN))


def test_a_bad_schedule_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from unifi_scanner.config import ConfigError, load_settings

    monkeypatch.setenv("UNIFI_SCHEDULE", "0 25 * * *")
    with pytest.raises(ConfigError) as raised:
        load_settings()
    assert "schedule" in str(raised.value) and "'25' is outside 0-23" in str(raised.value)
