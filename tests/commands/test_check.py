"""`unifi-scanner check` against the emulator: the diagnostic a user runs first."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from unifi_scanner.cli import main
from unifi_scanner.controller.tls import format_fingerprint
from unifi_scanner.emulator import Emulator, EmulatorConfig

MakeEmulator = Callable[..., Awaitable[Emulator]]


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    for name in list(__import__("os").environ):
        if name.startswith("UNIFI_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("UNIFI_HOST", "127.0.0.1")
    monkeypatch.setenv("UNIFI_USERNAME", "admin")
    monkeypatch.setenv("UNIFI_PASSWORD", "pw")
    monkeypatch.setenv("UNIFI_STORE", str(tmp_path / "events.db"))
    return monkeypatch


async def run_cli(*argv: str) -> int:
    # main() runs its own event loop; run it in a thread so this test's loop (and the
    # emulator on it) keeps serving meanwhile.
    import asyncio

    return await asyncio.to_thread(main, list(argv))


async def test_check_passes_and_explains_each_step(
    make_emulator: MakeEmulator, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    emulator = await make_emulator(scenario="steady", password="pw", speed=60.0)
    env.setenv("UNIFI_PORT", str(emulator.port))
    env.setenv("UNIFI_CA_FILE", str(emulator.ca_file))
    assert await run_cli("check", "--wait", "5s") == 0
    printed = capsys.readouterr().out
    for expected in (
        f"{emulator.url} answers as UniFi OS",
        "certificate verified against CA file",
        format_fingerprint(emulator.certificate_fingerprint),
        "logged in with user admin",
        "following default",
        "UniFi Network 10.3.58",
        "websocket + system-log",
        "handshake ok; first frame:",
        "the system log answers (",
        "logins to the controller are reported",
        "Everything the scanner needs works.",
    ):
        assert expected in printed


async def test_check_warns_when_the_controller_level_socket_is_refused(
    make_emulator: MakeEmulator, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    emulator = await make_emulator(
        scenario="steady", password="pw", speed=60.0, super_site_socket=False
    )
    env.setenv("UNIFI_PORT", str(emulator.port))
    env.setenv("UNIFI_CA_FILE", str(emulator.ca_file))
    assert await run_cli("check", "--wait", "5s") == 0  # the scanner works without it
    printed = " ".join(capsys.readouterr().out.split())  # rich wraps long lines
    assert "refused the handshake (HTTP 403): logins to the controller will not be reported" in (
        printed
    )


async def test_check_fails_on_a_wrong_password_with_the_fix(
    make_emulator: MakeEmulator, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    emulator = await make_emulator(scenario="steady", password="other")
    env.setenv("UNIFI_PORT", str(emulator.port))
    env.setenv("UNIFI_CA_FILE", str(emulator.ca_file))
    assert await run_cli("check") == 1
    printed = capsys.readouterr().out
    assert "rejected the login of user 'admin' (HTTP 403)" in printed
    assert "The scanner cannot work with: 127.0.0.1" in printed
    assert emulator.login_attempts["failure"] == 1


async def test_check_names_the_real_sites(
    make_emulator: MakeEmulator, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    emulator = await make_emulator(scenario="steady", password="pw")
    env.setenv("UNIFI_PORT", str(emulator.port))
    env.setenv("UNIFI_CA_FILE", str(emulator.ca_file))
    env.setenv("UNIFI_SITE", "Default Site")
    assert await run_cli("check") == 1
    assert "no site named 'Default Site'" in capsys.readouterr().out


async def test_trust_on_first_use_then_a_changed_certificate_is_refused(
    make_emulator: MakeEmulator, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    first = await make_emulator(scenario="steady", password="pw")
    port = first.port
    env.setenv("UNIFI_PORT", str(port))
    # Without a CA file, the self-signed certificate is not trusted...
    assert await run_cli("check") == 1
    assert "cannot verify the TLS certificate" in capsys.readouterr().out
    # ...until the user pins it.
    assert await run_cli("check", "--trust") == 0
    printed = capsys.readouterr().out
    pinned = format_fingerprint(first.certificate_fingerprint)
    assert f"certificate trusted and pinned: SHA-256 {pinned}" in printed
    assert await run_cli("check") == 0
    assert "pinned certificate presented" in capsys.readouterr().out
    # The controller is replaced by one with another certificate on the same address.
    await first.stop()
    second = Emulator(EmulatorConfig(scenario="steady", password="pw", port=port))
    await second.start()
    try:
        assert await run_cli("check") == 1
        printed = capsys.readouterr().out
        assert format_fingerprint(first.certificate_fingerprint) in printed
        assert format_fingerprint(second.certificate_fingerprint) in printed
        assert await run_cli("collect", "--duration", "3s") == 1
        assert "certificate of" in capsys.readouterr().err
        assert second.login_attempts["success"] + second.login_attempts["failure"] == 0
    finally:
        await second.stop()
