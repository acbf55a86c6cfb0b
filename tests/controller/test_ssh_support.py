"""A real asyncssh server on 127.0.0.1 serving a copy of ``tests/fixtures/ssh/root`` over SFTP.

Not a test module of its own: the SSH tests build on :func:`running_server`. The server binds
a free port, accepts one user (``root``) by password or by one of the generated client keys,
chroots SFTP to its copy of the fixture tree, and stops when the context ends.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncssh
from pydantic import SecretStr

from unifi_scanner.controller.ssh import SshSettings
from unifi_scanner.controller.ssh_hostkeys import fingerprint

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ssh" / "root"
USER = "root"
PASSWORD = "correct horse battery staple"
PASSPHRASE = "key passphrase 42"
#: The fixture lines are from 5 July 2025; the source reads them a day later (UTC).
CLOCK_MS = int(datetime(2025, 7, 6, tzinfo=UTC).timestamp() * 1000)


def clock() -> int:
    return CLOCK_MS


class _Server(asyncssh.SSHServer):
    def begin_auth(self, username: str) -> bool:
        return True  # authentication is always required

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        return username == USER and password == PASSWORD


@dataclass(frozen=True)
class SshTestServer:
    """A running server and what a client needs to reach it."""

    port: int
    host_key: asyncssh.SSHKey
    root: Path
    plain_key_file: Path
    protected_key_file: Path
    unknown_key_file: Path

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.host_key)

    @property
    def public_line(self) -> str:
        return self.host_key.export_public_key().decode().strip()

    def settings(self, **overrides: Any) -> SshSettings:
        """Password login, host key pinned by fingerprint, the console's messages file."""
        values: dict[str, Any] = {
            "host": "127.0.0.1",
            "port": self.port,
            "username": USER,
            "password": SecretStr(PASSWORD),
            "host_key": self.fingerprint,
            "paths": ("/var/log/messages",),
            "connect_timeout": 10.0,
            "device_mac": "74:ac:b9:aa:00:01",
        }
        values.update(overrides)
        return SshSettings(**values)

    def file(self, remote_path: str) -> Path:
        """The local file behind ``remote_path`` in the served tree."""
        return self.root / remote_path.lstrip("/")


@asynccontextmanager
async def running_server(
    tmp_path: Path, *, sftp: bool = True, extra_host_keys: tuple[asyncssh.SSHKey, ...] = ()
) -> AsyncIterator[SshTestServer]:
    root = tmp_path / "root"
    shutil.copytree(FIXTURES, root)
    keys = tmp_path / "keys"
    keys.mkdir()
    host_key = asyncssh.generate_private_key("ssh-ed25519")
    plain, protected, unknown = (asyncssh.generate_private_key("ssh-ed25519") for _ in range(3))
    # Unencrypted OpenSSH format, and PKCS#8 with a passphrase: both readable without bcrypt.
    plain.write_private_key(str(keys / "plain"), "openssh")
    protected.write_private_key(str(keys / "protected"), "pkcs8-pem", passphrase=PASSPHRASE)
    unknown.write_private_key(str(keys / "unknown"), "openssh")
    authorized = asyncssh.import_authorized_keys(
        "".join(key.export_public_key().decode() for key in (plain, protected))
    )
    options: dict[str, Any] = {}
    if sftp:
        options["sftp_factory"] = lambda channel: asyncssh.SFTPServer(channel, chroot=bytes(root))
    server = await asyncssh.create_server(
        _Server,
        "127.0.0.1",
        0,
        server_host_keys=[*extra_host_keys, host_key],
        authorized_client_keys=authorized,
        **options,
    )
    try:
        yield SshTestServer(
            port=server.get_port(),
            host_key=host_key,
            root=root,
            plain_key_file=keys / "plain",
            protected_key_file=keys / "protected",
            unknown_key_file=keys / "unknown",
        )
    finally:
        server.close()
        await server.wait_closed()
