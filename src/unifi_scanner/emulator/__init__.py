"""An emulated UniFi OS console running UniFi Network, for tests and demos.

It speaks the real protocol over real sockets (HTTPS REST, WebSocket event feed) and plays
seeded, deterministic scenarios. It shares no code with the client side of `unifi_scanner`:
the two meet only on the wire. See `docs/emulator.md`.
"""

from unifi_scanner.emulator.auth import LoginAttempts
from unifi_scanner.emulator.config import DEFAULT_PASSWORD, EmulatorConfig
from unifi_scanner.emulator.emulator import Emulator
from unifi_scanner.emulator.scenarios import SCENARIOS
from unifi_scanner.emulator.websocket import SentRecord

__all__ = [
    "DEFAULT_PASSWORD",
    "SCENARIOS",
    "Emulator",
    "EmulatorConfig",
    "LoginAttempts",
    "SentRecord",
]
