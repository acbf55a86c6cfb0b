"""``unifi-scanner check``: the diagnostic anyone can run first.

One line per check, ✓ / ! / ✗ with the reason and the fix: reachability (port and kind),
TLS (policy and fingerprint), login, Network version, which event sources will be used and
why, sites, for each site the WebSocket handshake and its first frame, and the handshake of
the controller-level socket that announces admin logins. Exit code 0 only if the scanner can
work with every configured controller.

``--trust`` pins the certificate the controller presents now (trust on first use): later
runs refuse any other certificate and show both fingerprints.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.table import Table
from rich.text import Text
from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import InvalidStatus, WebSocketException

from unifi_scanner.collect.admin import SUPER_SITE
from unifi_scanner.collect.backfill import Backfiller, Window
from unifi_scanner.commands.output import out, print_table, settings_from
from unifi_scanner.config import ControllerConfig, Settings, ssh_settings
from unifi_scanner.controller import ControllerError, ControllerSession, NetworkApi
from unifi_scanner.controller.discovery import Endpoint, locate, tls_context
from unifi_scanner.controller.errors import (
    ConnectionFailed,
    EndpointUnavailable,
    TLSVerificationFailed,
)
from unifi_scanner.controller.frames import FrameError, parse_frame
from unifi_scanner.controller.models import Event
from unifi_scanner.controller.ssh import SshLogSource
from unifi_scanner.controller.tls import format_fingerprint
from unifi_scanner.controller.versions import EventSources, event_sources
from unifi_scanner.controller.websocket import Gap
from unifi_scanner.report.render import clean, flavour_label
from unifi_scanner.service import credentials_of, wall_ms
from unifi_scanner.store import SQLiteStore

OK, WARN, FAIL = "✓", "!", "✗"
_STYLE = {OK: "green", WARN: "yellow", FAIL: "bold red"}


@dataclass(slots=True)
class Report:
    """The rows of one controller's check."""

    label: str
    rows: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, name: str, result: str, detail: str) -> None:
        self.rows.append((name, result, detail))

    @property
    def failed(self) -> bool:
        return any(result == FAIL for _name, result, _detail in self.rows)


async def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    configs = settings.controller_configs()
    store = SQLiteStore(settings.store) if (args.trust or settings.store.exists()) else None
    try:
        reports = [await check_controller(c, settings, store, args) for c in configs]
    finally:
        if store is not None:
            store.close()
    for report in reports:
        table = Table(title=Text(report.label), title_justify="left", box=None, pad_edge=False)
        table.add_column("check")
        table.add_column("", justify="center")
        table.add_column("result")
        for name, result, detail in report.rows:
            table.add_row(name, Text(result, style=_STYLE[result]), Text(detail))
        print_table(table)
        out.print()
    failed = [r.label for r in reports if r.failed]
    if failed:
        out.print(Text(f"The scanner cannot work with: {', '.join(failed)}"))
        return 1
    out.print("Everything the scanner needs works.")
    return 0


async def check_controller(
    config: ControllerConfig,
    settings: Settings,
    store: SQLiteStore | None,
    args: argparse.Namespace,
) -> Report:
    report = Report(config.label)
    try:
        endpoint = await locate(config.host, config.port, timeout=config.timeout)
    except ControllerError as exc:
        report.add("reachable", FAIL, str(exc))
        return report
    report.add(
        "reachable",
        OK,
        f"{endpoint.url} answers as {flavour_label(endpoint.flavour.value)}"
        + ("" if config.port else f" (port {endpoint.port} found by probing)"),
    )
    session = await _tls(report, config, endpoint, store, args.trust)
    if session is None:
        return report
    try:
        await _login_and_sites(report, config, session, args.wait)
    finally:
        await session.aclose()
    return report


async def _tls(
    report: Report,
    config: ControllerConfig,
    endpoint: Endpoint,
    store: SQLiteStore | None,
    trust: bool,
) -> ControllerSession | None:
    shown = format_fingerprint(endpoint.fingerprint)
    stored = store.pin(endpoint.url) if store is not None else None
    if trust and store is not None and config.tls_fingerprint is None:
        store.save_pin(endpoint.url, endpoint.fingerprint, pinned_ms=wall_ms())
        stored = endpoint.fingerprint
        report.add("tls", OK, f"certificate trusted and pinned: SHA-256 {shown}")
    pin = config.tls_fingerprint or stored
    try:
        context = tls_context(endpoint, verify=config.verify_ssl, ca_file=config.ca_file, pin=pin)
        await _handshake(endpoint, context)
    except ControllerError as exc:
        report.add("tls", FAIL, str(exc))
        return None
    if not trust:
        if pin is not None:
            report.add("tls", OK, f"pinned certificate presented: SHA-256 {shown}")
        elif not config.verify_ssl:
            report.add(
                "tls",
                WARN,
                f"not verified (UNIFI_VERIFY_SSL=false); pin it with 'check --trust': {shown}",
            )
        else:
            source = f"CA file {config.ca_file}" if config.ca_file else "the system's CAs"
            report.add("tls", OK, f"certificate verified against {source}: SHA-256 {shown}")
    session = ControllerSession(
        endpoint.url,
        credentials=credentials_of(config),
        ssl_context=context,
        timeout=config.timeout,
    )
    session.flavour = endpoint.flavour
    return session


async def _handshake(endpoint: Endpoint, context: ssl.SSLContext) -> None:
    """A TLS handshake under the policy, before any credentials are sent."""
    try:
        async with asyncio.timeout(10):
            _reader, writer = await asyncio.open_connection(
                endpoint.host, endpoint.port, ssl=context, server_hostname=endpoint.host
            )
    except ssl.SSLCertVerificationError as exc:
        raise TLSVerificationFailed(endpoint.url, str(exc.verify_message or exc.reason)) from None
    except (OSError, TimeoutError) as exc:
        raise ConnectionFailed(f"TLS handshake with {endpoint.url} failed: {exc}") from None
    writer.close()


async def _login_and_sites(
    report: Report, config: ControllerConfig, session: ControllerSession, wait: float
) -> None:
    try:
        await session.open()
    except ControllerError as exc:
        report.add("login", FAIL, str(exc))
        return
    who = "API key" if session.credentials.uses_api_key else f"user {session.username}"
    report.add("login", OK, f"logged in with {who}")
    api = NetworkApi(session)
    try:
        sites = await api.sites()
    except ControllerError as exc:
        report.add("sites", FAIL, str(exc))
        return
    names = [s.name for s in sites]
    wanted = names if config.all_sites else config.site
    missing = [s for s in wanted if s not in names]
    listing = ", ".join(
        f"{s.name} ({clean(s.desc)})" if s.desc != s.name else s.name for s in sites
    )
    if missing:
        report.add(
            "sites",
            FAIL,
            f"no site named {', '.join(repr(m) for m in missing)}; use the short name from "
            f"/manage/site/<name>/. Sites here: {listing}",
        )
        wanted = [s for s in wanted if s in names]
    else:
        report.add("sites", OK, f"following {', '.join(wanted)} (sites here: {listing})")
    if not wanted:
        return
    try:
        sysinfo = await api.sysinfo(wanted[0])
    except ControllerError as exc:
        report.add("version", FAIL, str(exc))
        return
    report.add("version", OK, f"UniFi Network {sysinfo.version}")
    sources = event_sources(sysinfo.version)
    report.add("event sources", OK, f"{' + '.join(sources.names)}: {sources.reason}")
    for site in wanted:
        report.add(f"websocket {site}", *await _first_frame(session, site, wait))
    report.add("admin logins", *await _admin_socket(session))
    report.add("rest history", *await _rest_history(api, wanted[0], sources))
    if config.ssh is not None:
        report.add("ssh fallback", *await _ssh(config, wanted[0], sysinfo.timezone))


async def _rest_history(api: NetworkApi, site: str, sources: EventSources) -> tuple[str, str]:
    """Whether gaps can be back-filled: ask the history for the last hour."""
    backfiller = Backfiller(api, site, _NoSink(), controller=api.session.url, sources=sources)
    now = wall_ms()
    try:
        events = await backfiller.fetch(Window(now - 3_600_000, now))
    except EndpointUnavailable as exc:
        return WARN, f"{exc}: gaps in the socket stream cannot be back-filled"
    except ControllerError as exc:
        return WARN, f"asking the history failed ({exc}): gaps may stay unfilled"
    name = "system log" if sources.system_log else "stat/event"
    return (
        OK,
        f"the {name} answers ({len(events)} events in the last hour): gaps can be back-filled",
    )


async def _ssh(config: ControllerConfig, site: str, timezone: str | None) -> tuple[str, str]:
    """Log in over SSH, check the host key, read the files once."""
    assert config.ssh is not None
    try:
        source = SshLogSource(ssh_settings(config.ssh), site=site, controller_timezone=timezone)
        async with source:
            poll = await source.poll()
    except ControllerError as exc:
        return FAIL, str(exc)
    unreadable = [f"{f.path}: {f.error}" for f in poll.files if f.error]
    if unreadable:
        return WARN, "logged in; " + "; ".join(unreadable)
    return OK, (
        f"logged in to {config.ssh.host} and read {len(poll.files)} file(s) "
        f"({len(poll.events)} events); engages after {config.ssh.fallback_after:g} s without "
        "socket and REST"
    )


class _NoSink:
    """check only asks; nothing is stored."""

    def add_events(self, controller: str, events: Sequence[Event]) -> None:
        return None

    def add_devices(
        self, controller: str, site: str, records: Sequence[Mapping[str, Any]], time_ms: int
    ) -> None:
        return None

    async def room(self) -> None:
        return None

    def add_device_updates(
        self, controller: str, site: str, records: Sequence[Mapping[str, Any]], time_ms: int
    ) -> None:
        return None

    def add_clients(
        self, controller: str, site: str, records: Sequence[Mapping[str, Any]], time_ms: int
    ) -> None:
        return None

    def add_gap(self, controller: str, gap: Gap) -> None:
        return None

    def add_gap_result(self, controller: str, gap: Gap, state: str, recovered: int) -> None:
        return None


def _open(session: ControllerSession, url: str) -> ws_connect:
    """An event socket opened the way the scanner opens it: the session's cookies and TLS."""
    return ws_connect(
        url,
        ssl=session.ssl_context if url.startswith("wss://") else None,
        additional_headers=session.websocket_headers(),
        open_timeout=10,
        proxy=None,
    )


async def _admin_socket(session: ControllerSession) -> tuple[str, str]:
    """The handshake of the controller-level ``super`` socket, where logins to the controller
    are announced. Without it the scanner works, it only cannot report those logins."""
    url = session.websocket_url(SUPER_SITE)
    try:
        async with _open(session, url):
            pass
    except InvalidStatus as exc:
        return WARN, (
            f"{url} refused the handshake (HTTP {exc.response.status_code}): logins to the "
            "controller will not be reported (this account may not see controller-level events)"
        )
    except (OSError, TimeoutError, WebSocketException) as exc:
        return WARN, f"{url}: {exc.__class__.__name__}: {exc}; logins will not be reported"
    return OK, "handshake ok on the controller-level socket: logins to the controller are reported"


async def _first_frame(session: ControllerSession, site: str, wait: float) -> tuple[str, str]:
    url = session.websocket_url(site)
    try:
        async with _open(session, url) as ws:
            with contextlib.suppress(WebSocketException):
                await ws.send("ping")  # controllers that answer text pings prove they listen
            try:
                async with asyncio.timeout(wait):
                    message = await ws.recv()
            except TimeoutError:
                return (
                    WARN,
                    f"handshake ok but no frame within {wait:g} s: a quiet site, or the site "
                    "name or the endpoint path is wrong",
                )
    except InvalidStatus as exc:
        return FAIL, f"{url} refused the handshake (HTTP {exc.response.status_code})"
    except (OSError, TimeoutError, WebSocketException) as exc:
        return FAIL, f"{url}: {exc.__class__.__name__}: {exc}"
    text = message if isinstance(message, str) else message.decode("utf-8", "replace")
    if text == "pong":
        return OK, "handshake ok; the controller answered the keepalive"
    try:
        frame = parse_frame(text)
    except FrameError as exc:
        return WARN, f"handshake ok; first frame unusable ({exc})"
    return OK, f"handshake ok; first frame: {clean(frame.message)}"
