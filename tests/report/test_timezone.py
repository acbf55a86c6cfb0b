"""The ``timezone`` setting (``UNIFI_TIMEZONE``) and its way into ``unifi-scanner report``."""

from __future__ import annotations

import os
import time
from pathlib import Path

import orjson
import pytest

from tests.factories import KITCHEN, MINUTE, ap_connected, lost_contact
from unifi_scanner.cli import main
from unifi_scanner.config import ConfigError, load_settings, local_zone_name
from unifi_scanner.store import SQLiteStore
from unifi_scanner.store.sqlite import Batch

CONTROLLER = "https://192.168.1.1"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("UNIFI_"):
            monkeypatch.delenv(name)


def test_timezone_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNIFI_TIMEZONE", "America/New_York")
    assert load_settings().timezone == "America/New_York"


def test_an_unknown_zone_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNIFI_TIMEZONE", "Mars/Olympus_Mons")
    with pytest.raises(ConfigError) as raised:
        load_settings()
    assert raised.value.lines == [
        "timezone (UNIFI_TIMEZONE): expected an IANA time zone name like Europe/Berlin or UTC, "
        "got 'Mars/Olympus_Mons'"
    ]


def test_the_default_is_this_machines_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    assert local_zone_name() == "Asia/Tokyo"
    assert load_settings().timezone == "Asia/Tokyo"
    # An abbreviation or a path is no IANA name: the machine's files decide, else UTC.
    monkeypatch.setenv("TZ", "CET-1CEST")
    assert local_zone_name() != "CET-1CEST"
    monkeypatch.delenv("TZ")
    load_settings()  # whatever this machine says, it is a valid zone


def _store(path: Path) -> None:
    now = int(time.time() * 1000)
    store = SQLiteStore(path)
    events = [lost_contact(KITCHEN, now - 90 * MINUTE), ap_connected(KITCHEN, now - 60 * MINUTE)]
    store.write_batch(Batch(events=[(CONTROLLER, e) for e in events]))
    store.record_site(CONTROLLER, "default", flavour="unifi-os", version="10.3.58", seen_ms=now)
    store.close()


def test_report_command_uses_the_zone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _store(tmp_path / "events.db")
    monkeypatch.setenv("UNIFI_STORE", str(tmp_path / "events.db"))
    monkeypatch.setenv("UNIFI_TIMEZONE", "Asia/Kolkata")
    assert main(["report", "--since", "3h", "--out", str(tmp_path / "out")]) == 0
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == [
        "report.html",
        "report.json",
        "report.md",
        "report.txt",
    ]
    report = orjson.loads((out / "report.json").read_bytes())
    assert report["timezone"] == "Asia/Kolkata"
    assert report["connectivity"]["outages"][0]["seconds"] == 30 * 60
    # Hour bins start on whole hours of India's zone, half an hour off UTC.
    assert all(b["start"].endswith(":30:00Z") for b in report["charts"]["events"])
    assert "(Asia/Kolkata)" in (out / "report.txt").read_text()
    monkeypatch.setenv("UNIFI_TIMEZONE", "Nowhere/Land")
    assert main(["report", "--since", "3h", "--out", str(out)]) == 2
    assert "timezone (UNIFI_TIMEZONE)" in capsys.readouterr().err
