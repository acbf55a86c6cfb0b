"""Helpers for the emulator's own tests: real HTTPS / WSS clients, not the project's client.

The tests deliberately talk to the emulator with third-party libraries only (httpx and
websockets), verifying TLS against the emulator's CA file, as any UniFi client would.
"""

from __future__ import annotations

import base64
import json
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from unifi_scanner.emulator import Emulator


def tls_context(emulator: Emulator, *, strict: bool = True) -> ssl.SSLContext:
    """A client context trusting only the emulator's certificate (X509_STRICT as in 3.13)."""
    context = ssl.create_default_context(cafile=str(emulator.ca_file))
    if strict:
        context.verify_flags |= ssl.VERIFY_X509_STRICT
    return context


def jwt_parts(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Decode (without verifying) the header and payload of a JWT."""

    def decode(part: str) -> dict[str, Any]:
        value = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
        assert isinstance(value, dict)
        return value

    header, payload, _signature = token.split(".")
    return decode(header), decode(payload)


def events_url(emulator: Emulator, site: str = "default", query: str = "") -> str:
    """The UniFi OS event WebSocket URL of `site`."""
    base = emulator.url.replace("https://", "wss://").replace("http://", "ws://")
    return f"{base}/proxy/network/wss/s/{site}/events{query}"


@dataclass
class Api:
    """An HTTP client bound to one emulator, logged in unless asked otherwise."""

    client: httpx.AsyncClient
    token: str | None
    csrf: str | None

    @property
    def cookie_header(self) -> dict[str, str]:
        """Headers carrying the session cookie, for a WebSocket handshake."""
        assert self.token is not None
        return {"Cookie": f"TOKEN={self.token}"}


MakeEmulator = Callable[..., Awaitable[Emulator]]
"""Type of the shared `make_emulator` fixture (tests/conftest.py)."""

OpenApi = Callable[..., Awaitable[Api]]
"""Type of the `open_api` fixture: `await open_api(emulator, login=True)`."""
