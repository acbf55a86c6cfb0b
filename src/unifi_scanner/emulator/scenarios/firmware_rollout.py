"""`firmware-rollout`: a night-time firmware rollout at headquarters.

At 02:00 the eight APs are upgraded to 6.7.31 in waves of three, four minutes apart: each
announces the upgrade, goes to state 4 (upgrading) for 2–4 minutes, and comes back on the
new firmware — except the Warehouse AP, whose upgrade fails (it stays on 6.6.77 and remains
`upgradable`). At 03:00 the two switches follow, fifteen minutes apart; the APs behind the
Floor 2 switch lose contact while it reboots.
"""

from __future__ import annotations

from unifi_scanner.emulator.device_incidents import firmware_rollout
from unifi_scanner.emulator.generators import DAY, HOUR, MINUTE, everyday_life
from unifi_scanner.emulator.scenario import Scenario
from unifi_scanner.emulator.scenarios import office
from unifi_scanner.emulator.simulation import Simulation

HQ_APS = (
    "reception-ap",
    "open-east-ap",
    "open-west-ap",
    "meeting-a-ap",
    "meeting-b-ap",
    "lab-ap",
    "kitchen-ap",
    "warehouse-ap",
)


def behaviour(sim: Simulation) -> None:
    """Office life (quiet at night) and the rollout."""
    everyday_life(sim)
    firmware_rollout(
        sim,
        HQ_APS,
        at=2 * HOUR,
        version=office.NEW_AP_FIRMWARE,
        failing=frozenset({"warehouse-ap"}),
    )
    firmware_rollout(
        sim,
        ("floor-switch", "core-switch"),
        at=3 * HOUR,
        version=office.NEW_SWITCH_FIRMWARE,
        wave=1,
        spacing=15 * MINUTE,
    )


SCENARIO = Scenario(
    name="firmware-rollout",
    description="a night-time firmware rollout: eight APs in waves (one fails), then two switches",
    duration_s=DAY / 1000,
    inventory=office.inventory,
    behaviour=behaviour,
)
