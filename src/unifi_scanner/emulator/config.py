"""The emulator's configuration: one frozen dataclass, validated on construction."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from unifi_scanner.emulator.faults import ScheduledFault
from unifi_scanner.emulator.scenarios import SCENARIOS
from unifi_scanner.emulator.totp import decode_secret
from unifi_scanner.emulator.variants import Variants
from unifi_scanner.emulator.versions import parse_version

DEFAULT_PASSWORD = "emulator-password"  # noqa: S105 - public default of a fake console
"""Password of the emulated console's admin when none is given (it guards nothing real)."""

FLAVOURS = ("unifi-os", "classic")
"""Controller flavours: a UniFi OS console (`/api/auth/login`, `TOKEN` JWT, Network behind
`/proxy/network`) or a classic self-hosted Network application (`/api/login`, `unifises` and
`csrf_token` cookies, no prefix)."""


@dataclass(frozen=True)
class EmulatorConfig:
    """Everything that shapes one emulator instance.

    Times are in seconds. `speed` is scenario seconds per wall second; `duration` overrides the
    scenario's own length (the timeline is cut there). Secrets (`password`, `api_keys`,
    `totp_secret`) never appear in `repr`.
    """

    scenario: str = "demo"
    seed: int = 1
    speed: float = 1.0
    username: str = "admin"
    password: str = field(default=DEFAULT_PASSWORD, repr=False)
    host: str = "127.0.0.1"
    port: int = 0
    plain_http: bool = False
    wait_for_client: bool = False
    """Start the scenario clock when the first event WebSocket connects, not at start-up."""
    end_at_now: bool = False
    """Place the timeline so that it ends at the wall-clock moment playback finishes."""
    network_version: str = "10.3.58"
    session_lifetime: float = 3600.0
    push_interval: float = 0.1
    """Wall seconds between two pushes: events falling due in between share one frame."""
    sync_interval: float = 600.0
    """Scenario seconds between two `sta:sync` / `device:sync` pushes."""
    duration: float | None = None
    flavour: str = "unifi-os"
    api_keys: tuple[str, ...] = field(default=(), repr=False)
    """Keys accepted in `X-API-Key` (UniFi OS only; classic controllers have none)."""
    totp_secret: str | None = field(default=None, repr=False)
    """Base32 TOTP secret: when set, logins need a second factor (RFC 6238, 30 s, 6 digits)."""
    login_failure_limit: int | None = 5
    """Failed logins per peer within `login_window` before logins answer 429 (None: no limit)."""
    login_success_limit: int | None = 20
    """Successful logins per peer within `login_window` before 429 (None: no limit)."""
    login_window: float = 300.0
    """Wall seconds over which the login limits count."""
    websocket_compression: bool = True
    """Negotiate permessage-deflate when the client offers it."""
    super_site_socket: bool = True
    """Serve the `super` site's event socket (admin logins). False refuses its handshake
    with 403 `api.err.NoPermission`, as for an account that may not see controller-level
    events."""
    device_update_interval: float | None = 30.0
    """Scenario seconds between rounds of `device:update` frames (None: never)."""
    faults: tuple[ScheduledFault, ...] = ()
    """Faults to inject at scenario offsets, on top of the scenario's own."""
    variants: Variants = field(default_factory=Variants)
    """Choices for unconfirmed behaviours (`variants.py`)."""

    def __post_init__(self) -> None:
        if self.scenario not in SCENARIOS:
            known = ", ".join(sorted(SCENARIOS))
            raise ValueError(f"unknown scenario {self.scenario!r} (known: {known})")
        if self.flavour not in FLAVOURS:
            raise ValueError(f"unsupported flavour {self.flavour!r} (supported: {FLAVOURS})")
        parse_version(self.network_version)
        for name in ("speed", "session_lifetime", "push_interval", "sync_interval", "login_window"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a positive number, got {value!r}")
        if self.duration is not None and not (math.isfinite(self.duration) and self.duration > 0):
            raise ValueError(f"duration must be a positive number, got {self.duration!r}")
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port must be within 0..65535, got {self.port}")
        if not self.username:
            raise ValueError("username must not be empty")
        interval = self.device_update_interval
        if interval is not None and not (math.isfinite(interval) and interval > 0):
            raise ValueError(f"device_update_interval must be a positive number, got {interval!r}")
        for name in ("login_failure_limit", "login_success_limit"):
            limit = getattr(self, name)
            if limit is not None and limit < 1:
                raise ValueError(f"{name} must be at least 1 (or None), got {limit!r}")
        if self.api_keys and self.flavour == "classic":
            raise ValueError("api_keys: self-hosted classic controllers have no API keys")
        if any(not key for key in self.api_keys):
            raise ValueError("api_keys must not contain empty keys")
        if self.totp_secret is not None:
            decode_secret(self.totp_secret)  # raises ValueError with a one-line reason
        for scheduled in self.faults:
            if not (math.isfinite(scheduled.at_s) and scheduled.at_s >= 0):
                raise ValueError(f"fault times must be ≥ 0 seconds, got {scheduled.at_s!r}")
