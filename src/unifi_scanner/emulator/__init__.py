"""An emulated UniFi controller (UniFi OS console or classic) running UniFi Network, for tests
and demos.

It speaks the real protocol over real sockets (HTTPS REST, WebSocket event feed), plays seeded,
deterministic scenarios and throws the faults real controllers throw, on demand or on schedule.
It shares no code with the client side of `unifi_scanner`: the two meet only on the wire. See
`docs/emulator.md`.
"""

from unifi_scanner.emulator.auth import LoginAttempts
from unifi_scanner.emulator.config import DEFAULT_PASSWORD, EmulatorConfig
from unifi_scanner.emulator.emulator import Emulator
from unifi_scanner.emulator.faults import CATALOGUE as FAULTS
from unifi_scanner.emulator.faults import FaultSpec, ScheduledFault
from unifi_scanner.emulator.scenarios import SCENARIOS
from unifi_scanner.emulator.variants import Variants
from unifi_scanner.emulator.websocket import SentRecord

__all__ = [
    "DEFAULT_PASSWORD",
    "FAULTS",
    "SCENARIOS",
    "Emulator",
    "EmulatorConfig",
    "FaultSpec",
    "LoginAttempts",
    "ScheduledFault",
    "SentRecord",
    "Variants",
]
