"""`ap-outage`: devices losing contact at headquarters during a working day.

- 09:20 the Warehouse AP loses contact for 25 minutes; its clients move or wait;
- 10:30 the Kitchen AP flaps: six short outages within the hour;
- 14:15 the Floor 2 switch loses contact for 12 minutes and takes the Meeting Room B and
  Lab APs (and their clients) with it;
- 16:40 the branch gateway loses contact for 8 minutes.
"""

from __future__ import annotations

from unifi_scanner.emulator.generators import DAY, HOUR, MINUTE, everyday_life
from unifi_scanner.emulator.incidents import ap_outage, cascade_outage, flapping
from unifi_scanner.emulator.scenario import Scenario
from unifi_scanner.emulator.scenarios import office
from unifi_scanner.emulator.simulation import Simulation


def behaviour(sim: Simulation) -> None:
    """Office life with one long outage, one flapping AP and a switch cascade."""
    everyday_life(sim)
    ap_outage(sim, "warehouse-ap", at=9 * HOUR + 20 * MINUTE, down_for=25 * MINUTE)
    flapping(
        sim, "kitchen-ap", at=10 * HOUR + 30 * MINUTE, times=6, every=9 * MINUTE, down_for=90 * 1000
    )
    cascade_outage(sim, "floor-switch", at=14 * HOUR + 15 * MINUTE, down_for=12 * MINUTE)
    ap_outage(sim, "branch-gateway", at=16 * HOUR + 40 * MINUTE, down_for=8 * MINUTE)


SCENARIO = Scenario(
    name="ap-outage",
    description="an office day with an AP down for 25 minutes, a flapping AP and a switch "
    "taking two APs down with it",
    duration_s=DAY / 1000,
    inventory=office.inventory,
    behaviour=behaviour,
)
