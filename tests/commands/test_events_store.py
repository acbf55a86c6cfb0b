"""`unifi-scanner events` and `unifi-scanner store stats` on a real store file."""

from __future__ import annotations

import time
from pathlib import Path

import orjson
import pytest

from unifi_scanner.cli import main
from unifi_scanner.controller.frames import parse_event
from unifi_scanner.controller.websocket import Gap
from unifi_scanner.store import SQLiteStore
from unifi_scanner.store.sqlite import Batch

CONTROLLER = "https://192.168.1.1"


@pytest.fixture
def store_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in list(__import__("os").environ):
        if name.startswith("UNIFI_"):
            monkeypatch.delenv(name)
    path = tmp_path / "events.db"
    monkeypatch.setenv("UNIFI_STORE", str(path))
    now = int(time.time() * 1000)
    docs = [
        {
            "_id": f"{i:024x}",
            "key": key,
            "subsystem": "wlan",
            "time": now - i * 60_000,
            "msg": f"{key} number {i}",
            "user": "aa:bb:cc:dd:ee:ff",
        }
        for i, key in enumerate(["EVT_WU_Connected", "EVT_AP_Lost_Contact", "EVT_WU_Connected"])
    ]
    docs.append({"_id": "f" * 24, "key": "EVT_WU_Roam", "time": now - 3 * 86_400_000})  # old
    store = SQLiteStore(path)
    store.write_batch(
        Batch(
            events=[
                (CONTROLLER, parse_event(d, site="default", received_ms=now, source="websocket"))
                for d in docs
            ],
            devices=[(CONTROLLER, "default", [{"mac": "aa:00:00:00:00:01", "name": "AP"}], now)],
            gaps=[(CONTROLLER, Gap("default", now - 90_000, now - 30_000))],
        )
    )
    store.record_site(CONTROLLER, "default", flavour="unifi-os", version="10.3.58", seen_ms=now)
    store.close()
    return path


def test_events_as_json_lines(store_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["events", "--format", "jsonl"]) == 0
    lines = [orjson.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["key"] for line in lines] == [
        "EVT_WU_Connected",
        "EVT_AP_Lost_Contact",
        "EVT_WU_Connected",
    ]
    assert lines[0]["sources"] == ["websocket"]
    assert lines[0]["time"].endswith("Z")
    assert lines[0]["payload"]["msg"] == "EVT_WU_Connected number 2"


def test_events_filtered_as_a_table(store_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["events", "--key", "EVT_AP_Lost_Contact", "--since", "7d"]) == 0
    printed = capsys.readouterr().out
    assert "EVT_AP_Lost_Contact number 1" in printed
    assert "EVT_WU_Connected" not in printed
    assert "1 event(s)" in printed
    assert main(["events", "--since", "7d", "--limit", "2"]) == 0
    assert "2 event(s)" in capsys.readouterr().out


def test_store_stats(store_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["store", "stats"]) == 0
    printed = " ".join(capsys.readouterr().out.split())
    assert "events 4 oldest event" in printed
    assert "default 4 events from https://192.168.1.1 (unifi-os, Network 10.3.58)" in printed
    assert "gaps 1 (no socket for 1 min in total)" in printed
    assert "device snapshots 1 client snapshots 0 pinned certificates 0" in printed


def test_events_without_a_store_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("UNIFI_STORE", str(tmp_path / "missing.db"))
    assert main(["events"]) == 1
    assert (
        capsys.readouterr().err.strip()
        == f"error: no event store at {tmp_path / 'missing.db'} (set UNIFI_STORE)"
    )
