"""Scheduled report rounds: cursors that make consecutive reports meet exactly.

Real SQLite files, real report files; the clock is the only thing the test sets.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import orjson
import pytest

from unifi_scanner.config import Settings
from unifi_scanner.controller.models import Event
from unifi_scanner.deliver import Deliverer
from unifi_scanner.deliver_config import FilesConfig
from unifi_scanner.reporting import HOUR_MS, ReportRound
from unifi_scanner.store import SQLiteStore
from unifi_scanner.store.sqlite import Batch

URL = "https://192.168.1.1"
T0 = 1_795_939_200_000  # 2026-11-29T06:00:00Z


class Clock:
    def __init__(self, now_ms: int) -> None:
        self.now_ms = now_ms

    def __call__(self) -> int:
        return self.now_ms


def events(first: int, count: int, step_ms: int = 60_000) -> list[tuple[str, Event]]:
    return [
        (
            URL,
            Event(
                identity=f"{first + i:024x}",
                key="EVT_WU_Connected",
                subsystem="wlan",
                site="default",
                time_ms=T0 + (first + i) * step_ms,
                received_ms=T0 + (first + i) * step_ms + 50,
                source="websocket",
                payload={"_id": f"{first + i:024x}", "key": "EVT_WU_Connected", "user": "aa"},
            ),
        )
        for i in range(count)
    ]


@pytest.fixture
def settings(tmp_path: Path, no_unifi_env: pytest.MonkeyPatch) -> Settings:
    return Settings(
        host="192.168.1.1",
        username="admin",
        password="pw",
        store=tmp_path / "events.db",
        report_dir=tmp_path / "reports",
        timezone="Europe/Berlin",
        lookback_hours=2,
    )


@pytest.fixture
def store(settings: Settings) -> Iterator[SQLiteStore]:
    s = SQLiteStore(settings.store)
    s.record_site(URL, "default", flavour="unifi-os", version="10.3.58", seen_ms=T0)
    yield s
    s.close()


def make_round(settings: Settings, store: SQLiteStore, clock: Clock) -> ReportRound:
    deliverer = Deliverer(
        FilesConfig(directory=settings.report_dir), tz=ZoneInfo("Europe/Berlin"), clock_ms=clock
    )
    return ReportRound(settings, store, deliverer, clock_ms=clock)


def reported_ids(directory: Path) -> list[str]:
    """The event identities of every report written so far (from report.json)."""
    ids: list[str] = []
    for path in sorted(directory.glob("*/*/report.json")):
        document = orjson.loads(path.read_bytes())
        ids.append(document["period"]["start"] + "→" + document["period"]["end"])
    return ids


async def test_consecutive_rounds_cover_every_event_once(
    settings: Settings, store: SQLiteStore
) -> None:
    clock = Clock(T0 + 3 * HOUR_MS)
    store.write_batch(Batch(events=events(0, 180)))  # one a minute for 3 hours from T0
    first = await make_round(settings, store, clock).run()
    (site,) = first.sites
    assert site.delivered and site.directory is not None
    # The first report looks back lookback_hours (2 h); it ends at the newest event.
    assert site.since_ms == T0 + HOUR_MS
    assert site.until_ms == T0 + 180 * 60_000 - 60_000 + 1
    assert site.events == 120
    assert store.cursor(URL, "default") == site.until_ms

    # A restart: new objects on the same files; half an hour of events since.
    clock.now_ms += 30 * 60_000
    store.write_batch(Batch(events=events(180, 30)))
    again = await make_round(settings, store, clock).run()
    assert again.sites[0].since_ms == site.until_ms
    assert again.sites[0].events == 30  # the events of the half hour that passed
    clock.now_ms += HOUR_MS
    store.write_batch(Batch(events=events(210, 60)))
    # One event from a controller clock far ahead: it waits for the report of its time.
    store.write_batch(Batch(events=events(600, 1)))
    third = await make_round(settings, store, clock).run()
    assert third.sites[0].since_ms == again.sites[0].until_ms
    total = sum(r.sites[0].events for r in (first, again, third))
    in_store = store.count_events(since_ms=site.since_ms, until_ms=third.sites[0].until_ms)
    assert total == in_store == 120 + 30 + 60
    written = sorted(settings.report_dir.glob("*/*/report.json"))
    assert len(written) == 3
    latest = settings.report_dir / "192.168.1.1-default" / "latest.json"
    assert (
        orjson.loads(latest.read_bytes())["period"]
        == orjson.loads(written[-1].read_bytes())["period"]
    )


async def test_a_report_that_cannot_be_written_leaves_the_cursor(
    settings: Settings, store: SQLiteStore
) -> None:
    clock = Clock(T0 + 3 * HOUR_MS)
    store.write_batch(Batch(events=events(0, 180)))
    blocker = settings.report_dir / "192.168.1.1-default"
    blocker.parent.mkdir(parents=True)
    blocker.write_text("not a directory")  # the site's report files cannot be written
    failed = await make_round(settings, store, clock).run()
    assert not failed.ok and not failed.sites[0].delivered
    assert failed.sites[0].detail
    assert store.cursor(URL, "default") == failed.sites[0].since_ms  # pinned, not moved
    blocker.unlink()
    clock.now_ms += HOUR_MS
    store.write_batch(Batch(events=events(180, 60)))
    recovered = await make_round(settings, store, clock).run()
    # The next round covers the whole stretch, the failed period included.
    assert recovered.sites[0].since_ms == failed.sites[0].since_ms
    assert recovered.sites[0].events == 180


async def test_a_missed_scheduled_time_is_detected_once(
    settings: Settings, store: SQLiteStore
) -> None:
    from datetime import datetime

    from unifi_scanner.schedule import Schedule

    schedule = Schedule.parse("hourly", "Europe/Berlin")

    def next_after_ms(ms: int) -> int:
        moment = datetime.fromtimestamp(ms / 1000, tz=ZoneInfo("Europe/Berlin"))
        return int(schedule.next_after(moment).timestamp() * 1000)

    clock = Clock(T0 + 3 * HOUR_MS)
    store.write_batch(Batch(events=events(0, 180)))
    report_round = make_round(settings, store, clock)
    assert not report_round.missed(next_after_ms)  # no report yet: nothing was missed
    await report_round.run()
    clock.now_ms += 10 * 60_000
    assert not report_round.missed(next_after_ms)
    clock.now_ms += 5 * HOUR_MS  # asleep through five runs
    assert report_round.missed(next_after_ms)
    await report_round.run()
    assert not report_round.missed(next_after_ms)


async def test_sites_of_other_controllers_are_left_alone(
    settings: Settings, store: SQLiteStore
) -> None:
    store.record_site("https://10.0.0.9", "default", flavour="classic", version="9.3", seen_ms=T0)
    store.record_site(URL, "guest", flavour="unifi-os", version="10.3.58", seen_ms=T0)
    report_round = make_round(settings, store, Clock(T0))
    assert [(c, s) for c, s, _f, _v in report_round.sites()] == [(URL, "default")]


async def test_the_site_description_names_the_report(
    settings: Settings, store: SQLiteStore
) -> None:
    store.record_site(
        URL, "default", flavour="unifi-os", version="10.3.58", seen_ms=T0, description="Home"
    )
    store.write_batch(Batch(events=events(0, 10)))
    await make_round(settings, store, Clock(T0 + HOUR_MS)).run()
    latest = settings.report_dir / "192.168.1.1-default" / "latest.json"
    assert orjson.loads(latest.read_bytes())["controller"]["site_description"] == "Home"


def test_a_daily_report_tells_a_device_that_heated_up_over_the_week(store: SQLiteStore) -> None:
    from tests.factories import KITCHEN, device_record
    from unifi_scanner.report import ControllerInfo
    from unifi_scanner.site_report import report_site

    # Hourly snapshots from a week before the day reported: 48 °C then warmer day by day. Once
    # offline among the earliest: neither a baseline (zeros) nor news of the day (no finding).
    day = 24 * HOUR_MS
    daily = [48, 50, 52, 55, 57, 59, 61, 63]  # the last is the day reported
    start = T0 - 7 * day
    for hour in range(len(daily) * 24):
        seen = start + hour * HOUR_MS
        record = device_record(
            KITCHEN,
            name="Kitchen AP",
            model="UAL6",
            uptime=10 * 86_400 + hour * 3600,
            state=0 if hour == 1 else 1,
            general_temperature=daily[hour // 24],
        )
        store.write_batch(Batch(devices=[(URL, "default", [record], seen)]))
    info = ControllerInfo(URL, "unifi-os", "10.3.58", "default")
    report = report_site(store, info, since_ms=T0, until_ms=T0 + day)
    (finding,) = report["findings"]
    assert finding["rule"] == "device-temperature"
    assert (
        finding["title"] == "Kitchen AP (U6-Lite) runs 15 °C warmer than 8 days ago: 48 °C → 63 °C"
    )
    assert "it ended the period at about 63 °C, 15 °C warmer" in finding["explanation"]
