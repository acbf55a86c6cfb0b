"""`unifi-scanner replay` on a small hand-written capture, through the real CLI."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from unifi_scanner.cli import main

CAPTURE = Path(__file__).parent.parent / "fixtures" / "capture.jsonl"


def test_replay_writes_the_same_reports_as_live_collection(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["replay", str(CAPTURE), "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "report.html",
        "report.json",
        "report.md",
        "report.txt",
    ]
    report = orjson.loads((tmp_path / "report.json").read_bytes())
    # 1 connect + 12 roams + lost/back (back sent twice) + 1 IPS = 16 distinct events.
    assert report["summary"]["events"] == 16
    assert report["summary"]["by_key"]["EVT_AP_Connected"] == 1
    rules = {f["rule"]: f for f in report["findings"]}
    assert rules["excessive-roaming"]["title"] == "Living-room iPad roamed 12 times within one hour"
    assert rules["device-offline"]["title"] == "Office AP (UAP-AC-Pro) went offline once"
    assert "21 min" in rules["device-offline"]["explanation"]
    assert rules["ips-alert"]["subjects"][1] == {
        "kind": "ip",
        "id": "45.9.20.1",
        "name": "45.9.20.1",
    }
    # Period is the events' own time span, not the time of the replay.
    assert report["period"]["start"] == "2025-11-29T08:00:10Z"
    assert "Replayed 15 frames: 17 events, 16 after removing duplicates." in printed.out
    assert "1 unusable line(s) skipped: line 11" in printed.err
    assert "1 frame(s) and 0 event(s) could not be used" in printed.err


def test_replay_of_a_missing_file_is_a_config_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["replay", str(tmp_path / "nope.jsonl")]) == 2
    assert "no such capture file" in capsys.readouterr().err


def test_replay_uses_the_configured_thresholds(
    tmp_path: Path, no_unifi_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "scanner.yaml"
    # 12 roams within the hour: excessive by default (10), not with a limit of 20.
    config.write_text("thresholds:\n  roaming:\n    per_hour: 20\n")
    out = tmp_path / "reports"
    assert main(["replay", str(CAPTURE), "--out", str(out), "--config", str(config)]) == 0
    report = orjson.loads((out / "report.json").read_bytes())
    assert "excessive-roaming" not in {f["rule"] for f in report["findings"]}


def test_a_second_replay_into_the_same_directory_says_what_is_ongoing(
    tmp_path: Path, no_unifi_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["replay", str(CAPTURE), "--out", str(tmp_path)]) == 0
    first = orjson.loads((tmp_path / "report.json").read_bytes())
    assert "status" not in first["findings"][0]  # nothing to compare with the first time
    assert main(["replay", str(CAPTURE), "--out", str(tmp_path)]) == 0
    second = orjson.loads((tmp_path / "report.json").read_bytes())
    assert {f["status"] for f in second["findings"]} == {"ongoing"}
    # A report of another site in the directory is not compared with.
    assert main(["replay", str(CAPTURE), "--out", str(tmp_path), "--site", "branch"]) == 0
    other = orjson.loads((tmp_path / "report.json").read_bytes())
    assert "status" not in other["findings"][0]
