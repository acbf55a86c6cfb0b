"""Deciding whether an SSH server's host key is the console's: pins and ``known_hosts``.

There is no accept-all mode. A key is trusted when it matches a pinned key (an OpenSSH public
key line, or its ``SHA256:`` fingerprint as ``ssh-keygen -lf`` prints it) or an entry for the
host in a ``known_hosts`` file; anything else is refused with a one-line message that shows
the offered key's fingerprint and says how to pin it. Nothing configured means every key is
unknown: the first connection then tells the operator exactly what to pin.
"""

from __future__ import annotations

import base64
import binascii
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import asyncssh

from unifi_scanner.controller.errors import ConnectionFailed, ControllerError

#: The environment variable the messages point to (``UNIFI_`` + the setting name).
HOST_KEY_SETTING = "UNIFI_SSH_HOST_KEY"
KNOWN_HOSTS_SETTING = "UNIFI_SSH_KNOWN_HOSTS"

#: Host key algorithms in the order OpenSSH prefers them; ``ssh-rsa`` (SHA-1) last, for old
#: dropbear builds on access points.
OPENSSH_ORDER = (
    "ssh-ed25519",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "rsa-sha2-512",
    "rsa-sha2-256",
    "ssh-rsa",
)

_SHA256_PREFIX = "SHA256:"
_SHA256_BASE64_LEN = 43  # 32 bytes in base64 without padding


class SshConfigError(ControllerError):
    """An SSH setting is unusable (malformed pin, unreadable file, missing credentials)."""


class Verdict(enum.Enum):
    """What the policy says about an offered host key."""

    TRUSTED = "trusted"
    UNKNOWN = "unknown"
    MISMATCH = "mismatch"
    REVOKED = "revoked"


class SshHostKeyRejected(ConnectionFailed):
    """The server's host key is not one the configuration trusts; never retried blindly."""

    def __init__(self, host: str, port: int, fingerprint: str | None, verdict: Verdict) -> None:
        where = f"{host}:{port}"
        if fingerprint is None:
            message = (
                f"the SSH server at {where} presented a host certificate from an untrusted "
                f"authority; pin its plain host key with {HOST_KEY_SETTING}"
            )
        elif verdict is Verdict.REVOKED:
            message = (
                f"the SSH host key of {where} ({fingerprint}) is marked @revoked in the "
                f"known_hosts file ({KNOWN_HOSTS_SETTING}); refusing to connect"
            )
        elif verdict is Verdict.MISMATCH:
            message = (
                f"the SSH host key of {where} ({fingerprint}) does not match the pinned or "
                "known key: the console may have been reset or replaced, or someone is "
                "intercepting the connection; if the change is expected, pin the new key with "
                f"{HOST_KEY_SETTING}={fingerprint}"
            )
        else:
            message = (
                f"the SSH host key of {where} is not trusted ({fingerprint}); check it on the "
                "console (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) and pin it with "
                f"{HOST_KEY_SETTING}={fingerprint}, or add it to the known_hosts file"
            )
        super().__init__(message)
        self.host = host
        self.port = port
        self.fingerprint = fingerprint
        self.verdict = verdict


@dataclass(frozen=True, slots=True)
class HostKeyPin:
    """One pinned host key: always its fingerprint, and the key itself when it was given."""

    fingerprint: str
    key: asyncssh.SSHKey | None = None


def fingerprint(key: asyncssh.SSHKey) -> str:
    """``SHA256:…`` exactly as OpenSSH prints it (base64 without padding)."""
    return str(key.get_fingerprint("sha256"))


def parse_pins(text: str | None) -> tuple[HostKeyPin, ...]:
    """Pins from a comma-separated list of public key lines and/or ``SHA256:`` fingerprints."""
    pins: list[HostKeyPin] = []
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        if part.startswith(_SHA256_PREFIX):
            digest = part[len(_SHA256_PREFIX) :].rstrip("=")
            if len(digest) != _SHA256_BASE64_LEN or not _is_base64(digest):
                raise SshConfigError(
                    f"{HOST_KEY_SETTING}: {part[:20]}… is not a SHA256 fingerprint; copy it "
                    "whole from ssh-keygen -lf (SHA256: followed by 43 characters)"
                )
            pins.append(HostKeyPin(_SHA256_PREFIX + digest))
            continue
        try:
            key = asyncssh.import_public_key(part)
        except (asyncssh.KeyImportError, ValueError):
            raise SshConfigError(
                f"{HOST_KEY_SETTING}: expected an OpenSSH public key line (ssh-ed25519 AAAA…) "
                "or a SHA256:… fingerprint, separated by commas"
            ) from None
        pins.append(HostKeyPin(fingerprint(key), key))
    return tuple(pins)


class HostKeyPolicy:
    """Pins plus an optional ``known_hosts`` file; :meth:`check` judges one offered key."""

    def __init__(
        self, pins: Sequence[HostKeyPin] = (), known_hosts: asyncssh.SSHKnownHosts | None = None
    ) -> None:
        self._pins = tuple(pins)
        self._known_hosts = known_hosts

    @classmethod
    def from_settings(cls, host_key: str | None, known_hosts: Path | None) -> HostKeyPolicy:
        """The policy for ``UNIFI_SSH_HOST_KEY`` and ``UNIFI_SSH_KNOWN_HOSTS``."""
        table = None
        if known_hosts is not None:
            try:
                table = asyncssh.import_known_hosts(known_hosts.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError) as exc:
                reason = exc.strerror if isinstance(exc, OSError) else "not text"
                raise SshConfigError(
                    f"cannot read the known_hosts file {known_hosts} ({reason}); check "
                    f"{KNOWN_HOSTS_SETTING}"
                ) from None
            except ValueError as exc:
                raise SshConfigError(
                    f"the known_hosts file {known_hosts} is malformed ({exc}); check "
                    f"{KNOWN_HOSTS_SETTING}"
                ) from None
        return cls(parse_pins(host_key), table)

    def check(self, host: str, addr: str, port: int, key: asyncssh.SSHKey) -> Verdict:
        """Trusted if a pin or a ``known_hosts`` entry for this host names this very key.

        A key marked ``@revoked`` for the host is refused even if it is also pinned.
        """
        trusted, revoked = self._known(host, addr, port)
        if key in revoked:
            return Verdict.REVOKED
        offered = fingerprint(key)
        if any(pin.fingerprint == offered for pin in self._pins) or key in trusted:
            return Verdict.TRUSTED
        return Verdict.MISMATCH if self._pins or trusted else Verdict.UNKNOWN

    def _known(
        self, host: str, addr: str, port: int
    ) -> tuple[list[asyncssh.SSHKey], list[asyncssh.SSHKey]]:
        """Trusted and revoked keys of ``known_hosts`` for this host and port.

        Entries for ``[host]:port`` come first; like asyncssh, plain ``host`` entries are used
        when there are none. Revoked entries count from both. (asyncssh's own ``match`` drops
        port-specific revocations when the port has no trusted key, and parses ``addr`` as
        an IP address, so the lookups are made here by name.)
        """
        if self._known_hosts is None:
            return [], []
        names = [name for name in dict.fromkeys((host, addr)) if name]
        plain = [self._known_hosts.match(name, "", None) for name in names]
        trusted = [key for result in plain for key in result[0]]
        revoked = [key for result in plain for key in result[2]]
        if port != 22:
            bracketed = [self._known_hosts.match(f"[{name}]:{port}", "", None) for name in names]
            revoked += [key for result in bracketed for key in result[2]]
            specific = [key for result in bracketed for key in result[0]]
            trusted = specific or trusted
        return trusted, revoked

    def algorithms(self, host: str, port: int) -> list[str]:
        """Host key algorithms to ask for, best first: those of keys known in full, then
        OpenSSH's own order (ed25519, ECDSA, RSA).

        A server with several host keys presents the one the client prefers, and asyncssh's
        default preference starts with RSA; a console whose ed25519 key was pinned (as the
        refusal message suggests) would then be refused for showing its RSA key.
        """
        keys = [pin.key for pin in self._pins if pin.key is not None]
        keys.extend(self._known(host, "", port)[0])
        algorithms: list[str] = []
        for name in [alg.decode("ascii") for key in keys for alg in key.sig_algorithms]:
            if name not in algorithms:
                algorithms.append(name)
        return algorithms + [name for name in OPENSSH_ORDER if name not in algorithms]


def _is_base64(text: str) -> bool:
    try:
        base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        return False
    return True
