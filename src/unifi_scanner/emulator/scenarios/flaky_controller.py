"""`flaky-controller`: the house with steady traffic, on a controller that misbehaves.

One client event every 20 scenario seconds for six hours, and every 10–30 scenario minutes
the controller throws one of its faults: dropped and closed sockets (1006, 1011, 1001, 1000,
1008), a socket going silent, a malformed, an empty, an oversized and an unknown frame,
expired sessions, a burst of 503s, slow answers, a restart and refused logins. Fault
durations (`seconds`, `delay`) are wall seconds; the moments are scenario time.
"""

from __future__ import annotations

from unifi_scanner.emulator.faults import FaultSpec, ScheduledFault
from unifi_scanner.emulator.generators import HOUR, MINUTE, SECOND, present_from_start, steady_churn
from unifi_scanner.emulator.scenario import Scenario
from unifi_scanner.emulator.scenarios import home
from unifi_scanner.emulator.simulation import Simulation


def behaviour(sim: Simulation) -> None:
    """Two thirds of the clients start connected; then one event every 20 s."""
    for client in sim.inventory.clients:
        if sim.rng.random() < 2 / 3:
            present_from_start(sim, client.handle)
    steady_churn(sim, every=20 * SECOND)


def _at(minutes: int, fault: str, **params: object) -> ScheduledFault:
    return ScheduledFault(minutes * MINUTE / 1000, FaultSpec.of(fault, **params))


FAULTS = (
    _at(10, "drop-websockets"),
    _at(25, "close-websockets", code=1011, reason="internal error"),
    _at(40, "malformed-frame"),
    _at(50, "empty-frame"),
    _at(60, "unknown-message"),
    _at(70, "oversize-frame"),
    _at(90, "close-websockets", code=1001, reason="going away"),
    _at(110, "silence-websockets"),
    _at(140, "expire-sessions"),
    _at(165, "rest-errors", status=503, count=3),
    _at(180, "slow-responses", delay=1.5, seconds=20),
    _at(210, "restart", seconds=5),
    _at(240, "refuse-logins", seconds=20),
    _at(270, "close-websockets", code=1000),
    _at(300, "close-websockets", code=1008, reason="policy violation"),
)

SCENARIO = Scenario(
    name="flaky-controller",
    description="the house with steady traffic on a controller that drops, closes, silences "
    "and restarts its sockets, expires sessions and answers errors",
    duration_s=6 * HOUR / 1000,
    inventory=home.inventory,
    behaviour=behaviour,
    faults=FAULTS,
)
