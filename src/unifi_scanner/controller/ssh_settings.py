"""Settings of the SSH fallback source, and loading its private key.

Validation happens when :class:`SshSettings` is built, so a wrong setting is reported at
start-up in one line naming the ``UNIFI_SSH_*`` variable, not at the first poll.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import asyncssh
from pydantic import SecretStr

from unifi_scanner.controller.errors import ControllerError
from unifi_scanner.controller.ssh_hostkeys import SshConfigError
from unifi_scanner.controller.syslog_header import colon_mac

#: What is read when no paths are configured: the system log of a UniFi OS console or device.
DEFAULT_PATHS = ("/var/log/messages",)
DEFAULT_MAX_READ_BYTES = 1024 * 1024

_MAC = re.compile(r"(?:[0-9a-f]{2}:){5}[0-9a-f]{2}")


class SshKeyError(ControllerError):
    """The private key file cannot be read or decrypted."""


@dataclass(frozen=True, slots=True)
class SshSettings:
    """Everything the SSH source needs; secrets are :class:`SecretStr` and never in ``repr``.

    ``host_key`` is one or more pins, comma-separated: OpenSSH public key lines or ``SHA256:``
    fingerprints. ``timezone`` is the IANA zone of stamps without one (``None``: the zone the
    caller passes, usually the controller's). ``device_mac``/``device_name`` name the device
    whose files these are, for lines that do not say which device wrote them.
    """

    host: str
    username: str
    port: int = 22
    password: SecretStr | None = field(default=None, repr=False)
    key_file: Path | None = None
    key_passphrase: SecretStr | None = field(default=None, repr=False)
    known_hosts: Path | None = None
    host_key: str | None = None
    paths: tuple[str, ...] = DEFAULT_PATHS
    poll_interval: float = 30.0
    max_read_bytes: int = DEFAULT_MAX_READ_BYTES
    connect_timeout: float = 15.0
    start_at_end: bool = False
    device_mac: str | None = None
    device_name: str | None = None
    timezone: str | None = None

    def __post_init__(self) -> None:
        problem = self._problem()
        if problem:
            raise SshConfigError(problem)
        object.__setattr__(self, "paths", tuple(self.paths))
        if self.device_mac:
            object.__setattr__(self, "device_mac", colon_mac(self.device_mac))

    def _problem(self) -> str | None:
        if not self.host.strip() or any(c.isspace() for c in self.host):
            return "UNIFI_SSH_HOST: expected a host name or IP address, e.g. 192.168.1.1"
        if not self.username.strip():
            return "UNIFI_SSH_USERNAME is empty (UniFi OS consoles use root)"
        if not 1 <= self.port <= 65535:
            return f"UNIFI_SSH_PORT: {self.port} is not a TCP port (1-65535)"
        if self.password is None and self.key_file is None:
            return "set UNIFI_SSH_PASSWORD or UNIFI_SSH_KEY_FILE (or both) for the SSH source"
        if not self.paths or any(not path.startswith("/") for path in self.paths):
            return "UNIFI_SSH_PATHS: expected absolute paths such as /var/log/messages"
        if self.poll_interval <= 0 or self.connect_timeout <= 0:
            return "UNIFI_SSH_POLL_INTERVAL and UNIFI_SSH_CONNECT_TIMEOUT must be positive"
        if self.max_read_bytes < 1024:
            return "UNIFI_SSH_MAX_READ_BYTES must be at least 1024"
        if self.device_mac and not _MAC.fullmatch(colon_mac(self.device_mac)):
            return "UNIFI_SSH_DEVICE_MAC: expected a MAC address such as 74:ac:b9:01:02:03"
        return None


def load_client_key(path: Path, passphrase: SecretStr | None) -> asyncssh.SSHKey:
    """The private key in ``path``, decrypted with ``passphrase`` if it is protected."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SshKeyError(
            f"cannot read the SSH key file {path} ({exc.strerror}); check UNIFI_SSH_KEY_FILE"
        ) from None
    secret = passphrase.get_secret_value() if passphrase is not None else None
    try:
        return asyncssh.import_private_key(data, secret)
    except (asyncssh.KeyImportError, asyncssh.KeyEncryptionError) as exc:
        text = str(exc)
    if "bcrypt" in text:
        message = (
            f"the SSH key file {path} is an OpenSSH key with a passphrase, which needs the "
            f"'bcrypt' package: install it, or convert the key (ssh-keygen -p -m PKCS8 -f {path})"
        )
    elif "must be specified" in text:
        message = (
            f"the SSH key file {path} is protected by a passphrase: set UNIFI_SSH_KEY_PASSPHRASE"
        )
    elif secret is not None and "decrypt" in text.lower():
        message = f"cannot decrypt the SSH key file {path}: check UNIFI_SSH_KEY_PASSPHRASE"
    else:
        message = f"the SSH key file {path} is not a private key this client can read"
    raise SshKeyError(message)


def resolve_timezone(name: str | None) -> tzinfo:
    """The IANA zone ``name``, or UTC when none is known."""
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SshConfigError(
            f"unknown time zone {name!r}: use an IANA name such as Europe/Berlin "
            "(UNIFI_SSH_TIMEZONE)"
        ) from None
