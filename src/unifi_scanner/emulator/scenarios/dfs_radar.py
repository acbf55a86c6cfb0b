"""`dfs-radar`: weather radar near headquarters knocks APs off their DFS channels.

- 03:40 Open Space East (channel 52) hears radar at night and moves to 36;
- 10:15 Open Space West (100) hears radar and moves to 36;
- 10:17 Meeting Room B (116) hears radar and moves to 44;
- 10:46 after the 30-minute non-occupancy period Open Space West returns to 100 …
- 11:20 … and is hit again, moving to 149 this time;
- 14:40 the Lab AP (132) hears radar and moves to 157.
"""

from __future__ import annotations

from functools import partial

from unifi_scanner.emulator.generators import DAY, HOUR, MINUTE, everyday_life
from unifi_scanner.emulator.incidents import radar_hit
from unifi_scanner.emulator.scenario import Scenario
from unifi_scanner.emulator.scenarios import office
from unifi_scanner.emulator.simulation import Simulation


def behaviour(sim: Simulation) -> None:
    """Office life and five radar hits on four APs."""
    everyday_life(sim)
    radar_hit(sim, "open-east-ap", at=3 * HOUR + 40 * MINUTE, new_channel=36)
    radar_hit(sim, "open-west-ap", at=10 * HOUR + 15 * MINUTE, new_channel=36)
    radar_hit(sim, "meeting-b-ap", at=10 * HOUR + 17 * MINUTE, new_channel=44)
    sim.at(10 * HOUR + 46 * MINUTE, partial(sim.change_channel, "open-west-ap", "na", 100))
    radar_hit(sim, "open-west-ap", at=11 * HOUR + 20 * MINUTE, new_channel=149)
    radar_hit(sim, "lab-ap", at=14 * HOUR + 40 * MINUTE, new_channel=157)


SCENARIO = Scenario(
    name="dfs-radar",
    description="an office day with radar hits on four DFS APs, one of them hit again after "
    "returning to its channel",
    duration_s=DAY / 1000,
    inventory=office.inventory,
    behaviour=behaviour,
)
