"""`unifi-scanner demo`: a simulated day from the emulator into real reports."""

from __future__ import annotations

import time
from pathlib import Path

import orjson
import pytest

from unifi_scanner.cli import main


def test_demo_produces_the_expected_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--out", str(tmp_path), "--seconds", "4"]) == 0
    printed = capsys.readouterr().out
    assert "0 missing" in printed
    for name in ("report.json", "report.html", "report.txt"):
        assert (tmp_path / name).stat().st_size > 500
    report = orjson.loads((tmp_path / "report.json").read_bytes())
    assert report["schema"] == "unifi-scanner/report/v1"
    assert report["controller"]["flavour"] == "unifi-os"
    assert report["controller"]["version"].startswith("10.")
    findings = report["findings"]
    rules = {f["rule"] for f in findings}
    assert {
        "client-activity",
        "client-roaming",
        "excessive-roaming",
        "device-offline",
        "ips-alert",
        "dfs-radar",
    } <= rules
    outage = next(f for f in findings if f["rule"] == "device-offline")
    assert outage["severity"] == "severe"
    assert outage["subjects"][0]["kind"] == "device"
    assert ":" not in outage["subjects"][0]["name"]  # a name, not a MAC address
    storm = next(f for f in findings if f["rule"] == "excessive-roaming")
    assert storm["severity"] == "medium"
    # The simulated day ends now and spans about 24 hours of controller time.
    first = min(f["first_seen"] for f in findings)
    last = max(f["last_seen"] for f in findings)
    from datetime import datetime

    span_h = (datetime.fromisoformat(last) - datetime.fromisoformat(first)).total_seconds() / 3600
    assert span_h > 20
    assert abs(datetime.fromisoformat(last).timestamp() - time.time()) < 3600
    assert report["summary"]["events"] > 200
