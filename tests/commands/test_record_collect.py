"""`record` → `replay`, and `collect` following several controllers with one of them down."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import orjson
import pytest

from unifi_scanner.cli import main
from unifi_scanner.emulator import Emulator
from unifi_scanner.store import SQLiteStore

MakeEmulator = Callable[..., Awaitable[Emulator]]


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in list(__import__("os").environ):
        if name.startswith("UNIFI_"):
            monkeypatch.delenv(name)
    return monkeypatch


async def run_cli(*argv: str) -> int:
    return await asyncio.to_thread(main, list(argv))


async def test_record_writes_a_capture_that_replay_reads(
    make_emulator: MakeEmulator,
    clean_env: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    emulator = await make_emulator(scenario="steady", password="pw", speed=600.0)
    for name, value in {
        "UNIFI_HOST": "127.0.0.1",
        "UNIFI_PORT": str(emulator.port),
        "UNIFI_USERNAME": "admin",
        "UNIFI_PASSWORD": "pw",
        "UNIFI_CA_FILE": str(emulator.ca_file),
        "UNIFI_STORE": str(tmp_path / "events.db"),
    }.items():
        clean_env.setenv(name, value)
    capture = tmp_path / "capture.jsonl"
    assert await run_cli("record", "--out", str(capture), "--duration", "2s") == 0
    lines = [orjson.loads(line) for line in capture.read_bytes().splitlines()]
    assert len(lines) >= 10
    assert all(set(line) == {"received_at", "frame"} for line in lines)
    messages = {orjson.loads(line["frame"])["meta"]["message"] for line in lines}
    assert {"events", "device:sync", "sta:sync"} <= messages
    assert "Recorded" in capsys.readouterr().out
    assert await run_cli("replay", str(capture), "--out", str(tmp_path / "rep")) == 0
    report = orjson.loads((tmp_path / "rep" / "report.json").read_bytes())
    sent = {record["_id"] for record in emulator.sent}
    assert 0 < report["summary"]["events"] <= len(sent)


async def test_collect_follows_every_controller_and_survives_one_being_down(
    make_emulator: MakeEmulator,
    clean_env: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Three sites on two controllers (office-day has two), and a third controller that is down.
    first = await make_emulator(scenario="office-day", password="pw1", speed=14400.0)
    second = await make_emulator(scenario="steady", password="pw2", speed=600.0, seed=2)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead_port = sock.getsockname()[1]
    config = tmp_path / "unifi.yaml"
    config.write_text(
        f"store: {tmp_path / 'events.db'}\n"
        "controllers:\n"
        f"  - name: first\n    host: 127.0.0.1\n    port: {first.port}\n"
        f"    username: admin\n    password: pw1\n    ca_file: {first.ca_file}\n    site: all\n"
        f"  - name: second\n    host: 127.0.0.1\n    port: {second.port}\n"
        f"    username: admin\n    password: pw2\n"
        f"    tls_fingerprint: {second.certificate_fingerprint}\n"
        f"  - name: gone\n    host: 127.0.0.1\n    port: {dead_port}\n"
        "    username: admin\n    password: pw\n    verify_ssl: false\n"
    )
    assert await run_cli("collect", "--config", str(config), "--duration", "3s") == 0
    # Frames pushed in the last moments before collect stopped may never have been read.
    settled_ms = int(time.time() * 1000) - 1500
    captured = capsys.readouterr()
    assert "warning: gone: cannot open a TLS connection to 127.0.0.1" in captured.err
    store = SQLiteStore(tmp_path / "events.db")
    try:
        stored = set(store.identities())
        for emulator in (first, second):
            sent = {record["_id"] for record in emulator.sent if record["sent_at"] < settled_ms}
            assert sent
            assert sent <= stored
        sites = {(controller, site) for controller, site, _f, _v in store.sites()}
        assert sites == {
            (first.url, "default"),
            (first.url, "k3v9x2pd"),
            (second.url, "default"),
        }
        assert {e.site for e in store.iter_events()} == {"default", "k3v9x2pd"}
    finally:
        store.close()
