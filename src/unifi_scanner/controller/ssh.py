"""The SSH fallback source: log files of a UniFi console or device, read over SFTP.

:class:`SshLogSource` logs in with a password or a private key (optionally protected by a
passphrase), refuses any host key that is not pinned or in a ``known_hosts`` file
(:mod:`.ssh_hostkeys`; there is no accept-all mode), reads only what is new in each configured
file (:mod:`.logtail`: offsets, rotation, partial lines, a bound per poll) and turns the lines
into events (:mod:`.syslog`). :meth:`SshLogSource.poll` does one round and hands back the
events together with the new :class:`~.logtail.FileCursor` of every file; the caller stores
the events first and the cursors after, so a crash re-reads lines rather than losing them
(the events' identities make the re-read harmless).

Settings and key loading live in :mod:`.ssh_settings`. Failures end in the project's error
classes with one-line messages that say what to do and never contain the password or
passphrase: :class:`SshHostKeyRejected` and :class:`SshLoginFailed` (fatal: retrying cannot
help), :class:`SshKeyError` and :class:`SshConfigError` (fix the settings),
:class:`~.errors.ConnectionFailed` (retried by :meth:`SshLogSource.follow`) and
:class:`SshReadFailed` (a file, or SFTP altogether, cannot be read).
"""

from __future__ import annotations

import asyncio
import stat as stat_mode
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType

import asyncssh

from unifi_scanner.controller.errors import ConnectionFailed, ControllerError, LoginFailed
from unifi_scanner.controller.logtail import FileCursor, FileStat, read_new_lines
from unifi_scanner.controller.models import Event
from unifi_scanner.controller.retry import Backoff
from unifi_scanner.controller.ssh_hostkeys import (
    HostKeyPolicy,
    SshConfigError,
    SshHostKeyRejected,
    Verdict,
    fingerprint,
)
from unifi_scanner.controller.ssh_settings import (
    SshKeyError,
    SshSettings,
    load_client_key,
    resolve_timezone,
)
from unifi_scanner.controller.syslog import LineContext, SyslogParser
from unifi_scanner.log import get_logger

__all__ = [
    "FileReport",
    "SshConfigError",
    "SshHostKeyRejected",
    "SshKeyError",
    "SshLogSource",
    "SshLoginFailed",
    "SshPoll",
    "SshReadFailed",
    "SshSettings",
    "load_client_key",
    "resolve_timezone",
]

log = get_logger(__name__)

#: Keepalives detect a console that vanished without closing the connection.
KEEPALIVE_INTERVAL_S = 30.0


class SshLoginFailed(LoginFailed):
    """The SSH server refused the username, password or key."""


class SshReadFailed(ControllerError):
    """A log file, or SFTP altogether, cannot be read with this account."""


@dataclass(slots=True)
class FileReport:
    """What one poll did with one file (the counts are those of :class:`~.syslog.ParsedLines`)."""

    path: str
    bytes_read: int = 0
    lines: int = 0
    events: int = 0
    duplicates: int = 0
    ignored: int = 0
    rejected: int = 0
    unmatched: int = 0
    rotated: bool = False
    gap: bool = False
    missing: bool = False
    more: bool = False
    split_lines: int = 0
    error: str | None = None
    reasons: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class SshPoll:
    """The events of one poll, the cursors to store after them, and a report per file."""

    received_ms: int
    events: list[Event] = field(default_factory=list)
    cursors: dict[str, FileCursor] = field(default_factory=dict)
    files: list[FileReport] = field(default_factory=list)


OnPoll = Callable[[SshPoll], Awaitable[None]]


def now_ms() -> int:
    return time.time_ns() // 1_000_000


class SshLogSource:
    """One SSH account on one console or device, and the log files read through it."""

    def __init__(
        self,
        settings: SshSettings,
        *,
        site: str,
        controller_timezone: str | None = None,
        clock: Callable[[], int] = now_ms,
    ) -> None:
        self._settings = settings
        self._site = site
        self._tz = resolve_timezone(settings.timezone or controller_timezone)
        self._policy = HostKeyPolicy.from_settings(settings.host_key, settings.known_hosts)
        self._clock = clock
        self._conn: asyncssh.SSHClientConnection | None = None
        self._sftp: asyncssh.SFTPClient | None = None
        self._parsers: dict[str, SyslogParser] = {}

    def __repr__(self) -> str:
        s = self._settings
        auth = "+".join(
            name for name, used in (("password", s.password), ("key", s.key_file)) if used
        )
        state = "connected" if self.connected else "closed"
        return f"SshLogSource({s.username}@{s.host}:{s.port}, auth={auth}, {state})"

    @property
    def connected(self) -> bool:
        return self._conn is not None and self._sftp is not None

    async def __aenter__(self) -> SshLogSource:
        await self.connect()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def connect(self) -> None:
        """Log in and open SFTP; does nothing if already connected."""
        if self.connected:
            return
        s = self._settings
        keys = [load_client_key(s.key_file, s.key_passphrase)] if s.key_file else None
        seen: list[tuple[str, Verdict]] = []
        try:
            conn = await asyncssh.connect(
                s.host,
                s.port,
                username=s.username,
                password=s.password.get_secret_value() if s.password else None,
                client_keys=keys,
                # Nothing is trusted up front: every key goes through the policy below.
                known_hosts=_nothing_known,
                x509_trusted_certs=None,
                agent_path=None,
                config=[],
                client_factory=lambda: _PolicyClient(self._policy, seen),
                server_host_key_algs=self._policy.algorithms(s.host, s.port),
                connect_timeout=s.connect_timeout,
                login_timeout=s.connect_timeout,
                keepalive_interval=KEEPALIVE_INTERVAL_S,
            )
        except asyncssh.HostKeyNotVerifiable:
            offered, verdict = seen[-1] if seen else (None, Verdict.UNKNOWN)
            raise SshHostKeyRejected(s.host, s.port, offered, verdict) from None
        except asyncssh.PermissionDenied:
            tried = " and ".join(
                what for what, used in (("password", s.password), ("key", s.key_file)) if used
            )
            raise SshLoginFailed(
                f"the SSH server at {s.host}:{s.port} refused user {s.username!r} ({tried}); "
                "check UNIFI_SSH_USERNAME, UNIFI_SSH_PASSWORD / UNIFI_SSH_KEY_FILE (UniFi OS "
                "consoles take root and the SSH password set in the console's settings)"
            ) from None
        except (asyncssh.Error, OSError) as exc:
            raise self._unreachable(exc) from exc
        try:
            sftp = await conn.start_sftp_client()
        except (asyncssh.Error, OSError):
            conn.close()
            raise SshReadFailed(
                f"the SSH server at {s.host}:{s.port} offers no SFTP subsystem; the SSH source "
                "reads log files over SFTP and cannot work without it"
            ) from None
        self._conn, self._sftp = conn, sftp
        log.info("ssh connected", host=s.host, port=s.port, user=s.username)

    async def close(self) -> None:
        """Close SFTP and the connection; safe to call at any time."""
        conn, sftp = self._conn, self._sftp
        self._conn = self._sftp = None
        if sftp is not None:
            sftp.exit()
        if conn is not None:
            conn.close()
            await conn.wait_closed()

    async def poll(self, cursors: Mapping[str, FileCursor] | None = None) -> SshPoll:
        """Read what is new in every file since ``cursors`` (connecting first if needed)."""
        await self.connect()
        assert self._sftp is not None
        s = self._settings
        files = _SftpFiles(self._sftp)
        result = SshPoll(received_ms=self._clock())
        context = LineContext(
            site=self._site,
            tz=self._tz,
            received_ms=result.received_ms,
            device_mac=s.device_mac,
            device_name=s.device_name,
        )
        for path in s.paths:
            cursor = (cursors or {}).get(path)
            report = FileReport(path)
            result.files.append(report)
            try:
                read = await read_new_lines(
                    files,
                    path,
                    cursor,
                    max_bytes=s.max_read_bytes,
                    start_at_end=s.start_at_end,
                )
            except SshReadFailed as exc:
                report.error = str(exc)
                log.warning("ssh file unreadable", path=path, error=str(exc))
                if cursor is not None:
                    result.cursors[path] = cursor
                continue
            except (asyncssh.Error, OSError) as exc:
                await self.close()
                raise self._unreachable(exc) from exc
            parsed = self._parsers.setdefault(path, SyslogParser()).parse(read.lines, context)
            result.events.extend(parsed.events)
            result.cursors[path] = read.cursor
            report.bytes_read, report.lines = read.bytes_read, parsed.lines
            report.events, report.duplicates = len(parsed.events), parsed.duplicates
            report.ignored, report.rejected = parsed.ignored, parsed.rejected
            report.unmatched, report.reasons = parsed.unmatched, parsed.reasons
            report.rotated, report.gap, report.missing = read.rotated, read.gap, read.missing
            report.more, report.split_lines = read.more, read.split_lines
            if read.gap:
                log.warning(
                    "ssh log rotated away before it was read; lines may be missing", path=path
                )
        return result

    async def follow(
        self,
        on_poll: OnPoll,
        cursors: Mapping[str, FileCursor] | None = None,
        *,
        backoff: Backoff | None = None,
    ) -> None:
        """Poll every ``poll_interval`` until cancelled, handing each poll to ``on_poll``.

        The cursors of a poll are used for the next one only after ``on_poll`` returned, so a
        failing store makes the lines be read again, not skipped. A poll that hit the read
        bound is followed at once. Lost connections are retried with backoff; a refused host
        key, refused login, unreadable key or bad setting ends :meth:`follow` with its error.
        """
        current = dict(cursors or {})
        backoff = backoff or Backoff(initial=1.0, maximum=300.0)
        try:
            while True:
                try:
                    result = await self.poll(current)
                except SshHostKeyRejected:
                    raise
                except ConnectionFailed as exc:
                    delay = backoff.next()
                    log.warning("ssh source unreachable", error=str(exc), retry_in=round(delay, 1))
                    await asyncio.sleep(delay)
                    continue
                backoff.reset()
                await on_poll(result)
                current = dict(result.cursors)
                if not any(report.more for report in result.files):
                    await asyncio.sleep(self._settings.poll_interval)
        finally:
            await self.close()

    def _unreachable(self, exc: BaseException) -> ConnectionFailed:
        s = self._settings
        if isinstance(exc, TimeoutError):
            reason = "timed out"
        elif isinstance(exc, asyncssh.DisconnectError):
            reason = exc.reason or "disconnected"
        elif isinstance(exc, OSError):
            reason = exc.strerror or type(exc).__name__
        else:
            reason = type(exc).__name__
        return ConnectionFailed(
            f"cannot reach the SSH server at {s.host}:{s.port} ({reason}); check "
            "UNIFI_SSH_HOST / UNIFI_SSH_PORT and that SSH is enabled on the console"
        )


def _nothing_known(
    host: str, addr: str, port: int | None
) -> tuple[Sequence[asyncssh.SSHKey], Sequence[asyncssh.SSHKey], Sequence[asyncssh.SSHKey]]:
    """``known_hosts`` for asyncssh that trusts nothing by itself (``None`` would trust all)."""
    return [], [], []


class _PolicyClient(asyncssh.SSHClient):
    """Asks the :class:`HostKeyPolicy` about each offered key and remembers its verdict."""

    def __init__(self, policy: HostKeyPolicy, seen: list[tuple[str, Verdict]]) -> None:
        self._policy = policy
        self._seen = seen

    def validate_host_public_key(
        self, host: str, addr: str, port: int, key: asyncssh.SSHKey
    ) -> bool:
        verdict = self._policy.check(host, addr, port, key)
        self._seen.append((fingerprint(key), verdict))
        return verdict is Verdict.TRUSTED


class _SftpFiles:
    """:class:`~.logtail.RemoteFiles` over an SFTP session."""

    def __init__(self, sftp: asyncssh.SFTPClient) -> None:
        self._sftp = sftp

    async def stat(self, path: str) -> FileStat | None:
        try:
            attrs = await self._sftp.stat(path)
        except asyncssh.SFTPNoSuchFile:
            return None
        except asyncssh.SFTPError as exc:
            raise _unreadable(path, exc) from None
        if attrs.permissions is not None and stat_mode.S_ISDIR(attrs.permissions):
            raise SshReadFailed(f"{path} on the SSH server is a directory, not a log file")
        return FileStat(size=attrs.size or 0, mtime=float(attrs.mtime or 0))

    async def read(self, path: str, offset: int, length: int) -> bytes:
        if length <= 0:
            return b""
        try:
            async with self._sftp.open(path, "rb") as handle:
                data = await handle.read(length, offset)
        except asyncssh.SFTPNoSuchFile:
            return b""  # gone since stat: the next poll sees the rotation
        except asyncssh.SFTPError as exc:
            raise _unreadable(path, exc) from None
        return data if isinstance(data, bytes) else data.encode()


def _unreadable(path: str, exc: asyncssh.SFTPError) -> SshReadFailed:
    if isinstance(exc, asyncssh.SFTPPermissionDenied):
        return SshReadFailed(
            f"permission denied reading {path} over SFTP: the SSH user needs read access "
            "(on UniFi OS consoles use root)"
        )
    return SshReadFailed(f"cannot read {path} over SFTP ({exc.reason})")
