"""``unifi-scanner serve`` as a user runs it: a real process, a real controller (emulator),
a real mail server; schedule, missed runs, health, metrics, SIGHUP and SIGTERM."""

from __future__ import annotations

import asyncio
import signal
import socket
import time
from pathlib import Path

import httpx
import orjson
import pytest

from tests.conftest import DEMO_SPEED, MakeEmulator
from tests.deliver.conftest import MakeSmtp, Webhook, smtp, tls, webhook  # noqa: F401 - fixtures
from tests.processes import env_without_unifi, scanner_env, start_scanner
from unifi_scanner.store import SQLiteStore

HOUR_MS = 3_600_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def start(command: str, *args: str, env: dict[str, str]) -> asyncio.subprocess.Process:
    return await start_scanner(command, *args, env=env, stdout=asyncio.subprocess.PIPE)


async def finish(process: asyncio.subprocess.Process, seconds: float = 30) -> tuple[int, str]:
    async with asyncio.timeout(seconds):
        _out, err = await process.communicate()
    return int(process.returncode or 0), err.decode()


async def read_until(process: asyncio.subprocess.Process, text: str, seconds: float = 30) -> str:
    """The process's stderr up to the first line containing ``text`` (a slow start is fine)."""
    assert process.stderr is not None
    lines: list[str] = []
    async with asyncio.timeout(seconds):
        while not lines or text not in lines[-1]:
            line = await process.stderr.readline()
            assert line, f"stderr ended before {text!r}: {''.join(lines)}"
            lines.append(line.decode())
    return "".join(lines)


async def wait_for(condition: object, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.2)


async def get(url: str) -> httpx.Response:
    async with httpx.AsyncClient(timeout=5) as client:
        return await client.get(url)


async def test_serve_delivers_a_missed_report_once_and_answers_health_and_signals(
    make_emulator: MakeEmulator,
    smtp: MakeSmtp,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> None:
    emulator = await make_emulator(
        scenario="demo", speed=DEMO_SPEED, wait_for_client=True, end_at_now=True, password="pw"
    )
    mail = await smtp(mode="plain")
    health_port = free_port()
    config = tmp_path / "unifi.yaml"

    def write_config(schedule: str) -> None:
        config.write_text(
            f"host: 127.0.0.1\nport: {emulator.port}\nusername: admin\npassword: pw\n"
            f"ca_file: {emulator.ca_file}\nstore: {tmp_path / 'events.db'}\n"
            f"report_dir: {tmp_path / 'reports'}\ntimezone: UTC\nschedule: '{schedule}'\n"
            f"smtp_host: 127.0.0.1\nsmtp_port: {mail.port}\nsmtp_security: plain\n"
            "email_from: scanner@example.test\nemail_to: [ops@example.test]\n"
            f"health_port: {health_port}\nsettle_seconds: 5\n"
        )

    write_config("hourly")
    env = env_without_unifi()
    # The scanner collected the demo day earlier, and its last report was made two hours ago:
    # the hourly run in between was missed (the machine was off).
    code, err = await finish(
        await start("collect", "--config", str(config), "--duration", "6s", env=env)
    )
    assert code == 0, err
    now_ms = int(time.time() * 1000)
    store = SQLiteStore(tmp_path / "events.db")
    try:
        store.save_cursor(
            emulator.url, "default", now_ms - 26 * HOUR_MS, updated_ms=now_ms - 2 * HOUR_MS
        )
        stored = store.count_events(since_ms=now_ms - 26 * HOUR_MS, until_ms=now_ms)
    finally:
        store.close()
    assert stored > 100

    service = await start("serve", "--config", str(config), env=env)
    try:
        await wait_for(lambda: len(mail.messages) >= 1, 60, "the missed report by email")
        (message,) = mail.messages
        assert message["To"] == "ops@example.test"
        assert message["Subject"].startswith("[")
        body = message.get_body(("plain",))
        assert body is not None and "default" in body.get_content()
        latest = next((tmp_path / "reports").glob("*/latest.json"))
        report = orjson.loads(latest.read_bytes())
        assert report["summary"]["events"] == stored  # the whole period since the cursor
        base = f"http://127.0.0.1:{health_port}"
        await wait_for(lambda: True, 1, "")
        health = await get(f"{base}/healthz")
        assert health.status_code == 200, health.text
        document = health.json()
        assert document["status"] == "ok"
        assert document["last_report"]["ok"] is True
        assert document["schedule"] == "0 * * * * (UTC)"
        metrics = (await get(f"{base}/metrics")).text
        assert 'unifi_scanner_deliveries_total{channel="email",result="ok"} 1' in metrics
        assert 'unifi_scanner_websocket_connected{controller="127.0.0.1:' in metrics
        assert "unifi_scanner_last_report_timestamp_seconds 1" in metrics

        # SIGHUP with a new schedule: applied; with a broken file: the running one is kept.
        write_config("daily_6pm")
        service.send_signal(signal.SIGHUP)
        await wait_for_schedule(base, "0 18 * * * (UTC)")
        config.write_text(config.read_text().replace("daily_6pm", "not a schedule"))
        service.send_signal(signal.SIGHUP)
        await asyncio.sleep(1.0)
        assert (await get(f"{base}/healthz")).json()["schedule"] == "0 18 * * * (UTC)"
        assert service.returncode is None
    finally:
        service.send_signal(signal.SIGTERM)
        code, err = await finish(service)
    assert code == 0, err
    assert "configuration not reloaded" in err
    assert "pw" not in err.replace("pwd", "")  # the password never reaches the log

    # Started again right away: the report went out already; nothing is sent twice.
    write_config("hourly")
    again = await start("serve", "--config", str(config), env=env)
    await asyncio.sleep(4.0)
    again.send_signal(signal.SIGTERM)
    code, err = await finish(again)
    assert code == 0, err
    assert len(mail.messages) == 1


async def wait_for_schedule(base: str, expected: str) -> None:
    deadline = time.monotonic() + 15
    while (await get(f"{base}/healthz")).json()["schedule"] != expected:
        assert time.monotonic() < deadline, "SIGHUP did not apply the new schedule"
        await asyncio.sleep(0.2)


async def test_health_says_degraded_and_why_when_the_controller_is_down(tmp_path: Path) -> None:
    dead, health_port = free_port(), free_port()
    env = env_without_unifi() | {
        "UNIFI_HOST": "127.0.0.1",
        "UNIFI_PORT": str(dead),
        "UNIFI_USERNAME": "admin",
        "UNIFI_PASSWORD": "pw",
        "UNIFI_VERIFY_SSL": "false",
        "UNIFI_STORE": str(tmp_path / "events.db"),
        "UNIFI_REPORT_DIR": str(tmp_path / "reports"),
        "UNIFI_HEALTH_PORT": str(health_port),
    }
    service = await start("serve", env=env)
    try:
        base = f"http://127.0.0.1:{health_port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                response = await get(f"{base}/healthz")
                if response.status_code == 503:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "no degraded health"
            await asyncio.sleep(0.2)
        reasons = response.json()["reasons"]
        assert any(f"controller 127.0.0.1:{dead} is unreachable" in r for r in reasons), reasons
    finally:
        service.send_signal(signal.SIGTERM)
        code, err = await finish(service)
    assert code == 0, err


@pytest.mark.parametrize("signame", ["SIGINT", "SIGTERM"])
async def test_a_busy_health_port_is_reported_and_collection_goes_on(
    tmp_path: Path, signame: str
) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        env = env_without_unifi() | {
            "UNIFI_HOST": "127.0.0.1",
            "UNIFI_PORT": str(free_port()),
            "UNIFI_USERNAME": "admin",
            "UNIFI_PASSWORD": "pw",
            "UNIFI_VERIFY_SSL": "false",
            "UNIFI_STORE": str(tmp_path / "events.db"),
            "UNIFI_HEALTH_PORT": str(busy.getsockname()[1]),
        }
        service = await start("serve", env=env)
        said = await read_until(service, "health endpoint not started")
        await asyncio.sleep(1.0)
        assert service.returncode is None  # collection goes on
        service.send_signal(getattr(signal, signame))
        code, err = await finish(service)
    assert code == 0, said + err
    assert "UNIFI_HEALTH_PORT" in said


async def test_a_severe_event_from_the_socket_is_notified_at_once(
    make_emulator: MakeEmulator,
    webhook: Webhook,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> None:
    """The whole way: controller socket → store writer's tap → apprise → webhook, while the
    next report is days away."""
    # 09:20 of the scenario day (the Warehouse AP loses contact) comes ~5 s after connecting.
    emulator = await make_emulator(
        scenario="ap-outage", speed=7200, wait_for_client=True, password="pw"
    )
    env = scanner_env(emulator, tmp_path / "events.db", password="pw") | {
        "UNIFI_REPORT_DIR": str(tmp_path / "reports"),
        "UNIFI_TIMEZONE": "UTC",
        "UNIFI_SCHEDULE": "weekly_monday_8am",
        "UNIFI_HEALTH_PORT": str(free_port()),
        "UNIFI_NOTIFY_URLS": webhook.url("now"),
        "UNIFI_NOTIFY_IMMEDIATE": "true",
    }
    service = await start("serve", env=env)

    def about_the_warehouse() -> list[dict[str, object]]:
        return [m for m in webhook.received if "Warehouse" in f"{m['title']} {m['message']}"]

    try:
        await wait_for(about_the_warehouse, 60, "a notification about the Warehouse AP")
    finally:
        service.send_signal(signal.SIGTERM)
        code, err = await finish(service)
    assert code == 0, err
    (first, *_) = about_the_warehouse()
    assert "lost contact" in f"{first['title']} {first['message']}".lower()
    store = SQLiteStore(tmp_path / "events.db")
    try:
        stored = store.count_events()
    finally:
        store.close()
    # Severe events only: the office's ordinary comings and goings are not notified.
    assert 0 < len(webhook.received) < stored / 10
    assert not list((tmp_path / "reports").glob("*/*.html"))  # no report was due
