"""`unifi-scanner tail` prints the live stream in plain English with names."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import orjson

from tests.factories import IPAD, KITCHEN, OFFICE, T0, connected, ips, lost_contact, radar, roam
from unifi_scanner.analyze.findings import Severity
from unifi_scanner.analyze.inventory import Inventory
from unifi_scanner.analyze.live import describe, severity_of
from unifi_scanner.emulator import Emulator

MakeEmulator = Callable[..., Awaitable[Emulator]]


def test_sentences_name_devices_and_clients() -> None:
    inventory = Inventory(
        [
            {"mac": KITCHEN, "name": "Kitchen AP", "model": "UAL6"},
            {"mac": OFFICE, "name": "Office AP"},
        ],
        [{"mac": IPAD, "name": "Living-room iPad"}],
    )
    assert describe(connected(IPAD, KITCHEN, T0), inventory) == (
        "Living-room iPad connected to Kitchen AP (U6-Lite) (Home, channel 36, 5 GHz)"
    )
    assert describe(roam(IPAD, KITCHEN, OFFICE, T0), inventory) == (
        "Living-room iPad roamed from Kitchen AP (U6-Lite) to Office AP"
    )
    outage = lost_contact(KITCHEN, T0)
    assert describe(outage, inventory) == "Kitchen AP (U6-Lite) lost contact with the controller"
    assert severity_of(outage) is Severity.SEVERE
    hit = radar(OFFICE, T0)
    assert describe(hit, inventory) == "Office AP detected radar on channel 52"
    assert severity_of(hit) is Severity.MEDIUM
    alert = ips(T0, severity=1)
    assert describe(alert, inventory).startswith("Intrusion blocked: ET SCAN")
    assert severity_of(alert) is Severity.SEVERE
    assert severity_of(connected(IPAD, KITCHEN, T0)) is Severity.LOW


async def test_tail_follows_until_interrupted(make_emulator: MakeEmulator, tmp_path: Path) -> None:
    emulator = await make_emulator(scenario="steady", password="pw", speed=600.0)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("UNIFI_")},
        "UNIFI_HOST": "127.0.0.1",
        "UNIFI_PORT": str(emulator.port),
        "UNIFI_USERNAME": "admin",
        "UNIFI_PASSWORD": "pw",
        "UNIFI_CA_FILE": str(emulator.ca_file),
        "UNIFI_STORE": str(tmp_path / "none.db"),
    }
    for as_json in (False, True):
        command = [sys.executable, "-m", "unifi_scanner", "tail"] + (["--json"] if as_json else [])
        process = await asyncio.create_subprocess_exec(
            *command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        assert process.stdout is not None
        lines: list[bytes] = []
        async with asyncio.timeout(30):
            while len(lines) < 5:
                line = await process.stdout.readline()
                assert line, (await process.stderr.read()).decode()  # type: ignore[union-attr]
                if line.strip() and b"Ctrl-C" not in line:
                    lines.append(line)
        process.send_signal(signal.SIGINT)
        async with asyncio.timeout(15):
            assert await process.wait() == 0
        if as_json:
            docs = [orjson.loads(line) for line in lines]
            assert all(doc["site"] == "default" and doc["key"].startswith("EVT_") for doc in docs)
        else:
            text = b"".join(lines).decode()
            assert "default" in text
            assert " low " in text or " medium " in text or " severe " in text
            sentences = (" connected to ", " disconnected from ", " roamed from ", " changed band ")
            assert any(s in text for s in sentences)
            assert "User[" not in text  # plain English, not the controller's raw message
