"""`poe-overload`: a PoE budget runs out on the Floor 2 switch (45 W).

It powers the Meeting Room B AP (about 9.5 W), the Lab AP (13 W) and two cameras (4 W
each): about 30 W, two thirds of the budget, as on any office day. From 10:00 the camera on
port 6 switches on its heater and draws 20 W more over 40 minutes (about 24 W in all): the
total passes 80 % of the budget around 10:10 and the budget itself around 10:30. The switch
warns of an overload on port 6 at 10:32 and 10:40, then at 10:43 cuts power to port 2: the
Lab AP loses contact and its clients move. At 11:30 the camera is fixed, power returns, and
the Lab AP is back a few minutes later. `port_table[].poe_power` shows the draw creeping
towards the budget.
"""

from __future__ import annotations

from unifi_scanner.emulator.device_incidents import poe_overload
from unifi_scanner.emulator.generators import DAY, HOUR, MINUTE, everyday_life
from unifi_scanner.emulator.scenario import Scenario
from unifi_scanner.emulator.scenarios import office
from unifi_scanner.emulator.simulation import Simulation


def behaviour(sim: Simulation) -> None:
    """Office life and the overload."""
    everyday_life(sim)
    poe_overload(
        sim,
        "floor-switch",
        port=6,
        extra_w=20.0,
        at=10 * HOUR,
        ramp=40 * MINUTE,
        cut_port=2,
        fixed_at=11 * HOUR + 30 * MINUTE,
    )


SCENARIO = Scenario(
    name="poe-overload",
    description="an office day in which a camera's heater exhausts a switch's PoE budget and "
    "the switch cuts power to an AP",
    duration_s=DAY / 1000,
    inventory=office.inventory,
    behaviour=behaviour,
)
