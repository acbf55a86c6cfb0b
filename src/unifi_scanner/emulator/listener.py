"""Binding the application: a fresh certificate, a TCP site and the URL clients use.

Also lists the open HTTP connections, so that a restart can cut them all as a real restart
does (keep-alive connections included).
"""

from __future__ import annotations

import asyncio
import ipaddress
import shutil
import tempfile
from pathlib import Path

from aiohttp import web

from unifi_scanner.emulator.tls import (
    DEFAULT_NAMES,
    generate_certificate,
    server_context,
    write_files,
)

_SHUTDOWN_TIMEOUT_S = 2.0
_WILDCARD_HOSTS = {"", "0.0.0.0", "::"}  # noqa: S104 - names to leave out of the certificate


class Listener:
    """Serves an application on `host:port` over HTTPS (or plain HTTP)."""

    def __init__(self, host: str, port: int, *, plain_http: bool) -> None:
        self._host = host
        self._port = port
        self._plain_http = plain_http
        self._runner: web.AppRunner | None = None
        self._directory: Path | None = None
        self._ca_file: Path | None = None
        self._fingerprint: str | None = None
        self.url: str | None = None

    async def start(self, app: web.Application) -> None:
        """Generate the certificate and bind (call `stop` even if this raises)."""
        self._directory = Path(tempfile.mkdtemp(prefix="unifi-emulator-"))
        names = list(DEFAULT_NAMES)
        if self._host not in _WILDCARD_HOSTS:
            names.append(self._host)
        certificate = generate_certificate(names)
        self._ca_file, server_file = write_files(certificate, self._directory)
        self._fingerprint = certificate.fingerprint_sha256
        tls = None if self._plain_http else server_context(server_file)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=_SHUTDOWN_TIMEOUT_S)
        await self._runner.setup()
        await web.TCPSite(self._runner, self._host, self._port, ssl_context=tls).start()
        scheme = "http" if self._plain_http else "https"
        self.url = f"{scheme}://{_url_host(self._host)}:{self.port}"

    async def stop(self) -> None:
        """Stop serving and delete the certificate files (idempotent)."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._directory is not None:
            shutil.rmtree(self._directory, ignore_errors=True)
            self._directory = None

    @property
    def port(self) -> int:
        """The bound TCP port."""
        if self._runner is None or not self._runner.addresses:
            raise RuntimeError("emulator not started")
        return int(self._runner.addresses[0][1])

    @property
    def ca_file(self) -> Path:
        """PEM file of the certificate."""
        if self._ca_file is None:
            raise RuntimeError("emulator not started")
        return self._ca_file

    @property
    def fingerprint(self) -> str:
        """Lower-case hex SHA-256 of the certificate's DER."""
        if self._fingerprint is None:
            raise RuntimeError("emulator not started")
        return self._fingerprint

    def transports(self) -> list[asyncio.Transport]:
        """The open HTTP connections (WebSockets included)."""
        server = self._runner.server if self._runner is not None else None
        if server is None:
            return []
        return [
            h.transport for h in server.connections if isinstance(h.transport, asyncio.Transport)
        ]


def _url_host(host: str) -> str:
    """How `host` appears in a URL: wildcards become loopback, IPv6 gets brackets."""
    if host in ("", "0.0.0.0"):  # noqa: S104 - mapping a wildcard bind address, not binding
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    try:
        is_v6 = isinstance(ipaddress.ip_address(host), ipaddress.IPv6Address)
    except ValueError:
        return host
    return f"[{host}]" if is_v6 else host
