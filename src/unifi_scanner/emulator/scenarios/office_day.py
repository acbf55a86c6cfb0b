"""`office-day`: a working day at a two-site office (headquarters and branch).

People arrive between 08:00 and 09:30, laptops and phones wander to meetings and the
kitchen, leave for lunch and come back, and go home from 16:45; printers, displays, sensors
and cameras stay. At 13:10 the branch's second AP reboots (four minutes without contact).
"""

from __future__ import annotations

from unifi_scanner.emulator.generators import DAY, HOUR, MINUTE, everyday_life
from unifi_scanner.emulator.incidents import ap_outage
from unifi_scanner.emulator.scenario import Scenario
from unifi_scanner.emulator.scenarios import office
from unifi_scanner.emulator.simulation import Simulation


def behaviour(sim: Simulation) -> None:
    """Everyday office life on both sites, one short AP reboot at the branch."""
    everyday_life(sim)
    ap_outage(sim, "branch-ap-2", at=13 * HOUR + 10 * MINUTE, down_for=4 * MINUTE)


SCENARIO = Scenario(
    name="office-day",
    description="a working day at a headquarters and a branch office (two sites): arrivals, "
    "meetings, lunch, departures",
    duration_s=DAY / 1000,
    inventory=office.inventory,
    behaviour=behaviour,
)
