"""Helpers for the emulator's own tests: real HTTPS / WSS clients, not the project's client.

The tests deliberately talk to the emulator with third-party libraries only (httpx and
websockets; aiounifi in its own test), verifying TLS against the emulator's CA file, as any
UniFi client would. Helpers here know both flavours' paths and cookies, and compute TOTP codes
independently of the emulator (RFC 6238, checked against the RFC's own vector).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import ssl
import struct
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from unifi_scanner.emulator import Emulator

Frame = dict[str, Any]


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


def classic(emulator: Emulator) -> bool:
    """Whether the emulator plays a classic controller."""
    return emulator.config.flavour == "classic"


def network(emulator: Emulator, path: str) -> str:
    """`path` (starting with `/`) inside the Network application of the emulator's flavour."""
    return path if classic(emulator) else f"/proxy/network{path}"


def events_url(emulator: Emulator, site: str = "default", query: str = "") -> str:
    """The event WebSocket URL of `site` for the emulator's flavour."""
    base = emulator.url.replace("https://", "wss://").replace("http://", "ws://")
    return f"{base}{network(emulator, f'/wss/s/{site}/events')}{query}"


def totp(secret: str, at: float | None = None) -> str:
    """RFC 6238 code (SHA-1, 30 s, 6 digits) for a base32 `secret`."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    counter = struct.pack(">Q", int((time.time() if at is None else at) // 30))
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**6:06d}"


@dataclass
class Api:
    """An HTTP client bound to one emulator, logged in unless asked otherwise."""

    client: httpx.AsyncClient
    token: str | None
    csrf: str | None
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def cookie_header(self) -> dict[str, str]:
        """Headers carrying the session cookies, for a WebSocket handshake."""
        assert self.cookies, "not logged in"
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}

    @property
    def csrf_header(self) -> dict[str, str]:
        """The CSRF header of the session."""
        return {"X-CSRF-Token": self.csrf or ""}


async def read_frames(ws: ClientConnection, until: float) -> list[Frame]:
    """Every JSON frame received before `until` (monotonic) or the close."""
    frames: list[Frame] = []
    while (remaining := until - time.monotonic()) > 0:
        try:
            text = await asyncio.wait_for(ws.recv(), remaining)
        except (TimeoutError, ConnectionClosed):
            break
        if text != "pong":
            frames.append(json.loads(text))
    return frames


async def read_until_closed(ws: ClientConnection, *, silence: float = 3.0) -> list[str | bytes]:
    """Read until the connection closes (raises ConnectionClosed); TimeoutError on silence."""
    received: list[str | bytes] = []
    while True:
        received.append(await asyncio.wait_for(ws.recv(), silence))


def event_ids(frames: list[Frame]) -> list[str]:
    """Ids of the events carried by `events` frames, in order."""
    return [e["_id"] for f in frames if f["meta"]["message"] == "events" for e in f["data"]]


MakeEmulator = Callable[..., Awaitable[Emulator]]
"""Type of the shared `make_emulator` fixture (tests/conftest.py)."""

OpenApi = Callable[..., Awaitable[Api]]
"""Type of the `open_api` fixture: `await open_api(emulator, login=True)`."""
