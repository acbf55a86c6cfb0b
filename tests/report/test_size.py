"""Reports stay readable and small however big the site: a day of the emulator's `large-site`
campus (240 access points, 5,600 clients) and a synthetic site at every tally's limit give
HTML pages under 1 MB that say "and N more", while report.json lists everything."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import orjson
import pytest

from tests.factories import MINUTE, T0, event, ips, lost_contact
from tests.report.sample import DAY, HOUR, make_report
from unifi_scanner.analyze import Inventory
from unifi_scanner.controller.frames import parse_event
from unifi_scanner.controller.models import Event
from unifi_scanner.emulator.device_records import device_records
from unifi_scanner.emulator.playback import Snapshot
from unifi_scanner.emulator.scenarios import SCENARIOS
from unifi_scanner.report import (
    render_email_html,
    render_html,
    render_json,
    render_markdown,
    render_text,
)

MB = 1024 * 1024
#: The busy quarter of an hour the scenario defines, played four times over the day.
BUSY_STARTS = (0, 6 * HOUR, 12 * HOUR, 18 * HOUR)


def large_site_day() -> dict[str, Any]:
    """The report of a day of `large-site`: its busy quarter hour four times, hourly
    ``stat/device`` snapshots of all 254 devices."""
    timeline = SCENARIOS["large-site"].timeline(1)
    documents = timeline.render(T0)
    events = [
        parse_event(d, site="default", received_ms=d["time"], source="websocket") for d in documents
    ]

    def day() -> Iterator[Event]:
        # The scenario's 15 minutes (about 60 events a second) at four times of the day.
        for offset in BUSY_STARTS:
            for item in events:
                yield dataclasses.replace(item, time_ms=item.time_ms + offset)

    snapshots = []
    for hour in range(24):
        at = Snapshot(hour * 30_000, T0 + hour * HOUR, T0)
        records = device_records(timeline.inventory, timeline.history, "default", at)
        snapshots += [(T0 + hour * HOUR + MINUTE, record) for record in records]
    inventory = Inventory([record for _, record in snapshots[:300]], [])
    return make_report(day(), devices=snapshots, inventory=inventory)


@pytest.fixture(scope="module")
def large_site() -> dict[str, Any]:
    return large_site_day()


def test_a_day_of_large_site_stays_under_a_megabyte(large_site: dict[str, Any]) -> None:
    report = large_site
    assert report["summary"]["events"] == 4 * 56_043
    assert len(report["wireless"]["access_points"]) == 240  # report.json lists them all
    assert len(report["devices"]) == 254
    html, email = render_html(report), render_email_html(report)
    for page in (html, email):
        assert len(page.encode()) < MB
        assert "and 228 more access points (all in report.json)" in page
        assert "and 229 more devices (all in report.json)" in page
    for text in (render_text(report), render_markdown(report)):
        assert len(text.encode()) < MB
        assert "and 228 more access points" in text


def test_lists_at_every_tally_limit_are_summarised() -> None:
    events: list[Event] = []
    for n in range(3_000):  # 3,000 attackers, 600 signatures
        alert = ips(T0 + n * 20_000, src=f"203.0.{n // 250}.{n % 250}", sid=3_000_000 + n % 600)
        alert.payload["inner_alert_signature"] = f"ET SIGNATURE number {n % 600} " + "y" * 200
        events.append(alert)
    for n in range(1_200):  # 1,200 devices dropping off, 1,200 kinds of event
        mac = f"78:45:58:01:{n // 256:02x}:{n % 256:02x}"
        events.append(lost_contact(mac, T0 + n * 60_000, name=f"AP {n}"))
        events.append(event(f"EVT_XX_Unknown{n}", T0 + n * 60_000 + 1))
    events.sort(key=lambda e: e.time_ms)
    report = make_report(events, end_ms=T0 + DAY)
    doc = orjson.loads(render_json(report))
    assert len(doc["security"]["sources"]) == 3_000
    assert len(doc["security"]["signatures"]) == 600
    assert len(doc["connectivity"]["outages"]) == 1_200
    for page in (render_html(report), render_email_html(report)):
        assert len(page.encode()) < MB
        assert "and 2990 more sources (all in report.json)" in page
        assert "and 590 more signatures (all in report.json)" in page
        assert "and 1185 more outages (all in report.json)" in page
        assert "more kinds of event (all in report.json)" in page
