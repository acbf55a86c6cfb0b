"""`wan-failover`: the headquarters' fibre fails twice; the LTE backup takes over.

- 09:12 eth8 (fibre) goes inactive, eth9 (LTE) becomes active within seconds; the fibre is
  back at 09:55 and traffic returns to it;
- 15:30 a 150-second blip of the fibre, same dance.

`stat/health` shows `wan` in `warning` with the backup's address while on LTE; IPS alerts
raised meanwhile name `eth9` as their interface (a scan arrives at 09:30).
"""

from __future__ import annotations

from unifi_scanner.emulator import threats
from unifi_scanner.emulator.device_incidents import wan_failover
from unifi_scanner.emulator.generators import DAY, HOUR, MINUTE, SECOND, everyday_life
from unifi_scanner.emulator.incidents import ips_alerts
from unifi_scanner.emulator.scenario import Scenario
from unifi_scanner.emulator.scenarios import office
from unifi_scanner.emulator.simulation import Simulation


def behaviour(sim: Simulation) -> None:
    """Office life, two failovers and a scan while on the backup line."""
    everyday_life(sim)
    wan_failover(sim, "gateway", at=9 * HOUR + 12 * MINUTE, back_after=43 * MINUTE)
    ips_alerts(
        sim,
        office.HQ,
        at=9 * HOUR + 30 * MINUTE,
        signature=threats.SSH_SCAN,
        attacker=threats.CHINANET_JIANGSU,
        count=2,
        spread=MINUTE,
    )
    wan_failover(sim, "gateway", at=15 * HOUR + 30 * MINUTE, back_after=150 * SECOND)


SCENARIO = Scenario(
    name="wan-failover",
    description="an office day in which the fibre fails twice and the LTE backup carries the "
    "traffic",
    duration_s=DAY / 1000,
    inventory=office.inventory,
    behaviour=behaviour,
)
