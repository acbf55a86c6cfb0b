"""`steady`: the home inventory with one client event every 30 scenario seconds for a week.

Made for reconnect and throughput tests: whenever a test looks, events are flowing at a known
rate (at speed 60, two per wall second), and a week is long enough never to run dry.
"""

from __future__ import annotations

from unifi_scanner.emulator.generators import DAY, SECOND, present_from_start, steady_churn
from unifi_scanner.emulator.scenario import Scenario
from unifi_scanner.emulator.scenarios import home
from unifi_scanner.emulator.simulation import Simulation

EVENT_EVERY_MS = 30 * SECOND


def behaviour(sim: Simulation) -> None:
    """About two thirds of the clients start connected; then one event per tick."""
    for client in sim.inventory.clients:
        if sim.rng.random() < 2 / 3:
            present_from_start(sim, client.handle)
    steady_churn(sim, every=EVENT_EVERY_MS)


SCENARIO = Scenario(
    name="steady",
    description="the same house with one client connect/disconnect/roam every 30 s for 7 days",
    duration_s=7 * DAY / 1000,
    inventory=home.inventory,
    behaviour=behaviour,
)
