"""`overheating`: the server-closet air conditioning fails at headquarters.

From 11:00 the core switch warms by 44 °C over four hours (its fans spin up as it does),
past the 80 °C warning and then the 95 °C critical level, and reports overheating at about
14:10; the air conditioning is repaired at 17:00 and it cools
down over the evening. Meanwhile the Warehouse AP, under a sunny roof, warms by 15 °C over the
afternoon without complaining. Watch `general_temperature`, `fan_level` and `overheating` in
`stat/device`.
"""

from __future__ import annotations

from functools import partial

from unifi_scanner.emulator.device_incidents import overheating
from unifi_scanner.emulator.generators import DAY, HOUR, everyday_life
from unifi_scanner.emulator.scenario import Scenario
from unifi_scanner.emulator.scenarios import office
from unifi_scanner.emulator.simulation import Simulation


def behaviour(sim: Simulation) -> None:
    """Office life, a core switch overheating, an AP warming up."""
    everyday_life(sim)
    overheating(sim, "core-switch", at=11 * HOUR, rise_c=44.0, over=4 * HOUR, cooled_at=17 * HOUR)
    sim.at(12 * HOUR, partial(sim.drift, "warehouse-ap", "temperature", 15.0, 5 * HOUR))
    sim.at(19 * HOUR, partial(sim.drift, "warehouse-ap", "temperature", 0.0, 3 * HOUR))


SCENARIO = Scenario(
    name="overheating",
    description="an office day in which the core switch overheats after the closet's "
    "cooling fails, and an AP warms up under the roof",
    duration_s=DAY / 1000,
    inventory=office.inventory,
    behaviour=behaviour,
)
