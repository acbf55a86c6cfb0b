"""The SSH source against a real asyncssh server: logging in, host keys, errors, secrets."""

from __future__ import annotations

import asyncio
import importlib.util
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import asyncssh
import pytest
from pydantic import SecretStr

from tests.controller.test_ssh_support import (
    PASSPHRASE,
    PASSWORD,
    SshTestServer,
    clock,
    running_server,
)
from unifi_scanner.controller.errors import ConnectionFailed, ControllerError, LoginFailed
from unifi_scanner.controller.logtail import FileCursor
from unifi_scanner.controller.ssh import (
    SshConfigError,
    SshHostKeyRejected,
    SshKeyError,
    SshLoginFailed,
    SshLogSource,
    SshPoll,
    SshReadFailed,
    SshSettings,
)
from unifi_scanner.controller.ssh_hostkeys import Verdict
from unifi_scanner.controller.syslog_formats import (
    AP_CHANNEL_CHANGED,
    AP_RADAR,
    WU_CONNECTED,
    WU_DISCONNECTED,
)


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[SshTestServer]:
    async with running_server(tmp_path) as running:
        yield running


def source(settings: SshSettings) -> SshLogSource:
    return SshLogSource(settings, site="default", clock=clock)


async def first_poll(settings: SshSettings) -> SshPoll:
    async with source(settings) as src:
        return await src.poll()


def assert_no_secrets(text: str) -> None:
    assert PASSWORD not in text
    assert PASSPHRASE not in text


# -- logging in -----------------------------------------------------------------------------


async def test_password_login_reads_the_console_log_as_events(server: SshTestServer) -> None:
    result = await first_poll(server.settings())

    assert [event.key for event in result.events] == [
        WU_CONNECTED,
        WU_DISCONNECTED,
        AP_RADAR,
        AP_CHANNEL_CHANGED,
    ]
    connected, disconnected, radar, moved = result.events
    assert connected.payload["user"] == "5a:1c:3e:10:20:01"
    assert connected.payload["ap"] == "74:ac:b9:aa:00:01"  # the console named in the settings
    assert connected.source == "ssh"
    assert disconnected.payload["duration"] == 263  # 14:01:17 → 14:05:40
    assert radar.payload["radar_channel"] == "100"
    assert moved.payload["channel_to"] == "36"
    (report,) = result.files
    assert (report.lines, report.events, report.duplicates) == (11, 4, 1)
    assert (report.ignored, report.unmatched, report.rejected) == (2, 4, 0)


async def test_key_with_passphrase_logs_in(server: SshTestServer) -> None:
    settings = server.settings(
        password=None,
        key_file=server.protected_key_file,
        key_passphrase=SecretStr(PASSPHRASE),
    )
    result = await first_poll(settings)
    assert len(result.events) == 4


async def test_key_without_passphrase_logs_in(server: SshTestServer) -> None:
    result = await first_poll(server.settings(password=None, key_file=server.plain_key_file))
    assert len(result.events) == 4


async def test_wrong_password_is_a_clear_login_error(server: SshTestServer) -> None:
    wrong = "not the password"
    with pytest.raises(SshLoginFailed) as caught:
        await first_poll(server.settings(password=SecretStr(wrong)))
    message = str(caught.value)
    assert isinstance(caught.value, LoginFailed)
    assert "'root'" in message and "UNIFI_SSH_PASSWORD" in message
    assert wrong not in message
    assert "\n" not in message


async def test_key_the_server_does_not_know_is_refused(server: SshTestServer) -> None:
    with pytest.raises(SshLoginFailed, match="UNIFI_SSH_KEY_FILE"):
        await first_poll(server.settings(password=None, key_file=server.unknown_key_file))


async def test_wrong_passphrase_is_a_key_error_without_the_passphrase(
    server: SshTestServer,
) -> None:
    wrong = "wrong passphrase"
    settings = server.settings(
        password=None, key_file=server.protected_key_file, key_passphrase=SecretStr(wrong)
    )
    with pytest.raises(SshKeyError, match="UNIFI_SSH_KEY_PASSPHRASE") as caught:
        await first_poll(settings)
    assert wrong not in str(caught.value)
    assert_no_secrets(str(caught.value))


async def test_protected_key_without_passphrase_says_which_setting_is_missing(
    server: SshTestServer,
) -> None:
    settings = server.settings(password=None, key_file=server.protected_key_file)
    with pytest.raises(SshKeyError, match="protected by a passphrase"):
        await first_poll(settings)


async def test_missing_key_file_names_the_setting(server: SshTestServer, tmp_path: Path) -> None:
    settings = server.settings(password=None, key_file=tmp_path / "absent")
    with pytest.raises(SshKeyError, match="UNIFI_SSH_KEY_FILE"):
        await first_poll(settings)


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="needs OpenSSH's ssh-keygen")
async def test_openssh_key_with_passphrase_explains_bcrypt(
    server: SshTestServer, tmp_path: Path
) -> None:
    key = tmp_path / "id_ed25519"
    process = await asyncio.create_subprocess_exec(
        "ssh-keygen", "-q", "-t", "ed25519", "-N", PASSPHRASE, "-f", str(key)
    )
    assert await process.wait() == 0
    settings = server.settings(password=None, key_file=key, key_passphrase=SecretStr(PASSPHRASE))
    if importlib.util.find_spec("bcrypt") is None:
        with pytest.raises(SshKeyError, match="bcrypt") as caught:
            await first_poll(settings)
        assert_no_secrets(str(caught.value))
    else:  # with bcrypt installed the key simply loads; the server does not know it
        with pytest.raises(SshLoginFailed):
            await first_poll(settings)


# -- host keys ------------------------------------------------------------------------------


async def test_unknown_host_key_is_refused_and_its_fingerprint_shown(
    server: SshTestServer,
) -> None:
    with pytest.raises(SshHostKeyRejected) as caught:
        await first_poll(server.settings(host_key=None))
    error = caught.value
    assert error.verdict is Verdict.UNKNOWN
    assert error.fingerprint == server.fingerprint
    message = str(error)
    assert f"UNIFI_SSH_HOST_KEY={server.fingerprint}" in message
    assert "\n" not in message
    assert isinstance(error, ConnectionFailed)


async def test_pinned_public_key_line_is_accepted(server: SshTestServer) -> None:
    result = await first_poll(server.settings(host_key=server.public_line))
    assert result.events


async def test_one_of_several_pins_is_enough(server: SshTestServer) -> None:
    other = asyncssh.generate_private_key("ssh-ed25519")
    pins = f"{other.export_public_key().decode().strip()}, {server.fingerprint}"
    result = await first_poll(server.settings(host_key=pins))
    assert result.events


async def test_pinned_key_mismatch_is_refused(server: SshTestServer) -> None:
    other = asyncssh.generate_private_key("ssh-ed25519")
    with pytest.raises(SshHostKeyRejected) as caught:
        await first_poll(server.settings(host_key=other.export_public_key().decode()))
    assert caught.value.verdict is Verdict.MISMATCH
    assert server.fingerprint in str(caught.value)
    assert "does not match" in str(caught.value)


async def test_known_hosts_entry_is_accepted(server: SshTestServer, tmp_path: Path) -> None:
    known = tmp_path / "known_hosts"
    known.write_text(f"[127.0.0.1]:{server.port} {server.public_line}\n")
    result = await first_poll(server.settings(host_key=None, known_hosts=known))
    assert result.events


async def test_known_hosts_entry_by_host_name_is_accepted(
    server: SshTestServer, tmp_path: Path
) -> None:
    known = tmp_path / "known_hosts"
    known.write_text(f"[localhost]:{server.port} {server.public_line}\n")
    settings = server.settings(host="localhost", host_key=None, known_hosts=known)
    assert (await first_poll(settings)).events


async def test_server_with_several_host_keys_shows_the_pinned_kind(tmp_path: Path) -> None:
    # asyncssh's default preference starts with RSA; a console pinned by its ed25519
    # fingerprint must still be recognised when it also has an RSA key.
    rsa = asyncssh.generate_private_key("ssh-rsa", key_size=2048)
    async with running_server(tmp_path, extra_host_keys=(rsa,)) as both:
        assert (await first_poll(both.settings())).events


async def test_known_hosts_with_another_key_for_the_host_is_a_mismatch(
    server: SshTestServer, tmp_path: Path
) -> None:
    other = asyncssh.generate_private_key("ssh-ed25519").export_public_key().decode()
    known = tmp_path / "known_hosts"
    known.write_text(f"[127.0.0.1]:{server.port} {other}")
    with pytest.raises(SshHostKeyRejected) as caught:
        await first_poll(server.settings(host_key=None, known_hosts=known))
    assert caught.value.verdict is Verdict.MISMATCH


async def test_revoked_key_in_known_hosts_is_refused_even_when_pinned(
    server: SshTestServer, tmp_path: Path
) -> None:
    known = tmp_path / "known_hosts"
    known.write_text(f"@revoked [127.0.0.1]:{server.port} {server.public_line}\n")
    with pytest.raises(SshHostKeyRejected) as caught:
        await first_poll(server.settings(known_hosts=known))  # pinned by fingerprint too
    assert caught.value.verdict is Verdict.REVOKED
    assert "@revoked" in str(caught.value)


def test_malformed_pin_is_a_config_error() -> None:
    settings = SshSettings(host="h", username="root", password=SecretStr("p"), host_key="SHA256:x")
    with pytest.raises(SshConfigError, match="UNIFI_SSH_HOST_KEY"):
        SshLogSource(settings, site="default")


def test_unreadable_known_hosts_is_a_config_error(tmp_path: Path) -> None:
    settings = SshSettings(
        host="h", username="root", password=SecretStr("p"), known_hosts=tmp_path / "absent"
    )
    with pytest.raises(SshConfigError, match="UNIFI_SSH_KNOWN_HOSTS"):
        SshLogSource(settings, site="default")


# -- other failures -------------------------------------------------------------------------


async def test_closed_port_is_a_retryable_connection_failure(server: SshTestServer) -> None:
    probe = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = probe.sockets[0].getsockname()[1]
    probe.close()
    await probe.wait_closed()
    with pytest.raises(ConnectionFailed) as caught:
        await first_poll(server.settings(port=port))
    assert not isinstance(caught.value, SshHostKeyRejected)
    assert f"127.0.0.1:{port}" in str(caught.value)


async def test_server_without_sftp_is_reported(tmp_path: Path) -> None:
    async with running_server(tmp_path, sftp=False) as bare:
        with pytest.raises(SshReadFailed, match="SFTP"):
            await first_poll(bare.settings())


async def test_unreadable_path_is_reported_per_file(server: SshTestServer) -> None:
    settings = server.settings(paths=("/var/log/suricata", "/var/log/messages"))
    result = await first_poll(settings)
    directory, messages = result.files
    assert directory.error is not None and "directory" in directory.error
    assert messages.error is None and messages.events == 4
    assert "/var/log/suricata" not in result.cursors


@pytest.mark.parametrize(
    ("overrides", "setting"),
    [
        ({"password": None}, "UNIFI_SSH_PASSWORD"),
        ({"port": 0}, "UNIFI_SSH_PORT"),
        ({"paths": ("var/log/messages",)}, "UNIFI_SSH_PATHS"),
        ({"device_mac": "not-a-mac"}, "UNIFI_SSH_DEVICE_MAC"),
        ({"max_read_bytes": 10}, "UNIFI_SSH_MAX_READ_BYTES"),
        ({"host": "bad host"}, "UNIFI_SSH_HOST"),
    ],
)
def test_settings_are_validated(overrides: dict[str, object], setting: str) -> None:
    values: dict[str, object] = {
        "host": "192.168.1.1",
        "username": "root",
        "password": SecretStr(PASSWORD),
    }
    values.update(overrides)
    with pytest.raises(SshConfigError, match=setting) as caught:
        SshSettings(**values)  # type: ignore[arg-type]
    assert isinstance(caught.value, ControllerError)


def test_unknown_time_zone_is_a_config_error() -> None:
    settings = SshSettings(host="h", username="root", password=SecretStr("p"), timezone="Mars/Base")
    with pytest.raises(SshConfigError, match="UNIFI_SSH_TIMEZONE"):
        SshLogSource(settings, site="default")


async def test_repr_never_shows_secrets(server: SshTestServer) -> None:
    settings = server.settings(
        key_file=server.protected_key_file, key_passphrase=SecretStr(PASSPHRASE)
    )
    src = source(settings)
    async with src:
        await src.poll()
        texts = [repr(settings), str(settings), repr(src)]
    assert all(PASSWORD not in text and PASSPHRASE not in text for text in texts)
    assert "127.0.0.1" in repr(src) and "password+key" in repr(src)


# -- identity, persistence, following --------------------------------------------------------


async def test_the_same_lines_read_again_give_the_same_identities(server: SshTestServer) -> None:
    first = await first_poll(server.settings())
    again = await first_poll(server.settings())
    assert [e.identity for e in first.events] == [e.identity for e in again.events]
    assert len({e.identity for e in first.events}) == len(first.events)


async def test_persisted_cursors_resume_where_the_last_process_stopped(
    server: SshTestServer,
) -> None:
    first = await first_poll(server.settings())
    stored = {path: cursor.to_dict() for path, cursor in first.cursors.items()}
    line = "Jul  5 15:00:00 UDR hostapd[5343]: wifi1ap5: AP-STA-CONNECTED 5a:1c:3e:10:20:02\n"
    with server.file("/var/log/messages").open("a") as log:
        log.write(line)

    restored = {path: FileCursor.from_dict(data) for path, data in stored.items()}
    async with source(server.settings()) as src:
        result = await src.poll(restored)
    assert [event.payload["user"] for event in result.events] == ["5a:1c:3e:10:20:02"]


async def test_follow_hands_over_each_poll_and_continues_from_its_cursors(
    server: SshTestServer,
) -> None:
    polls: list[SshPoll] = []
    done = asyncio.Event()
    new_line = "Jul  5 15:00:00 UDR hostapd[5343]: wifi1ap5: AP-STA-CONNECTED 5a:1c:3e:10:20:03\n"

    async def on_poll(result: SshPoll) -> None:
        polls.append(result)
        if len(polls) == 1:
            with server.file("/var/log/messages").open("a") as log:
                log.write(new_line)
        if len(polls) == 3:
            done.set()

    src = source(server.settings(poll_interval=0.01))
    task = asyncio.create_task(src.follow(on_poll))
    await asyncio.wait_for(done.wait(), timeout=20)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert [len(poll.events) for poll in polls[:3]] == [4, 1, 0]
    assert polls[1].events[0].payload["user"] == "5a:1c:3e:10:20:03"
    assert not src.connected


async def test_follow_stops_on_a_refused_host_key(server: SshTestServer) -> None:
    async def on_poll(result: SshPoll) -> None:
        raise AssertionError("no poll may succeed")

    with pytest.raises(SshHostKeyRejected):
        await asyncio.wait_for(source(server.settings(host_key=None)).follow(on_poll), 20)
