"""The emulator's configuration: one frozen dataclass, validated on construction."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from unifi_scanner.emulator.scenarios import SCENARIOS
from unifi_scanner.emulator.versions import parse_version

DEFAULT_PASSWORD = "emulator-password"  # noqa: S105 - public default of a fake console
"""Password of the emulated console's admin when none is given (it guards nothing real)."""

FLAVOURS = ("unifi-os",)
"""Controller flavours the emulator can present. A classic flavour (`/api/login`, `unifises`
cookies, `/wss/s/{site}/events` without the `/proxy/network` prefix) is the next one to add."""


@dataclass(frozen=True)
class EmulatorConfig:
    """Everything that shapes one emulator instance.

    Times are in seconds. `speed` is scenario seconds per wall second; `duration` overrides the
    scenario's own length (the timeline is cut there).
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

    def __post_init__(self) -> None:
        if self.scenario not in SCENARIOS:
            known = ", ".join(sorted(SCENARIOS))
            raise ValueError(f"unknown scenario {self.scenario!r} (known: {known})")
        if self.flavour not in FLAVOURS:
            raise ValueError(f"unsupported flavour {self.flavour!r} (supported: {FLAVOURS})")
        parse_version(self.network_version)
        for name in ("speed", "session_lifetime", "push_interval", "sync_interval"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a positive number, got {value!r}")
        if self.duration is not None and not (math.isfinite(self.duration) and self.duration > 0):
            raise ValueError(f"duration must be a positive number, got {self.duration!r}")
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port must be within 0..65535, got {self.port}")
        if not self.username:
            raise ValueError("username must not be empty")
