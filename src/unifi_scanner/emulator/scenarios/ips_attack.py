"""`ips-attack`: a day of the house's gateway under attack from the internet.

- 02:05 an SSH brute force from three hosts of one Lithuanian network, 14 blocked
  attempts each within 40 minutes;
- every hour or so a source on the Spamhaus DROP list knocks on 443 and is dropped;
- 13:30 a VNC scan from an Amsterdam scanner, detected (not blocked) eight times;
- 20:10 a MySQL probe from a Tor exit, blocked three times.
"""

from __future__ import annotations

from unifi_scanner.emulator import threats
from unifi_scanner.emulator.generators import DAY, HOUR, MINUTE, everyday_life
from unifi_scanner.emulator.incidents import ips_alerts
from unifi_scanner.emulator.scenario import Scenario
from unifi_scanner.emulator.scenarios import home
from unifi_scanner.emulator.simulation import Simulation

_DROP_LISTED = (
    threats.CHINANET_JIANGSU,
    threats.DIGITALOCEAN_FRANKFURT,
    threats.OVH_ROUBAIX,
    threats.TOR_EXIT,
)


def behaviour(sim: Simulation) -> None:
    """Everyday life at the house, and the attacks."""
    everyday_life(sim)
    for wave in range(3):
        ips_alerts(
            sim,
            home.SITE,
            at=2 * HOUR + 5 * MINUTE + wave * 4 * MINUTE,
            signature=threats.LIBSSH_BRUTEFORCE,
            attacker=threats.HOST_BALTIC,
            count=14,
            spread=36 * MINUTE,
        )
    hour = HOUR
    while hour < DAY - HOUR:
        ips_alerts(
            sim,
            home.SITE,
            at=hour + sim.rng.randint(0, 50 * MINUTE),
            signature=threats.SPAMHAUS_DROP,
            attacker=sim.rng.choice(_DROP_LISTED),
        )
        hour += sim.rng.randint(50 * MINUTE, 100 * MINUTE)
    ips_alerts(
        sim,
        home.SITE,
        at=13 * HOUR + 30 * MINUTE,
        signature=threats.VNC_SCAN,
        attacker=threats.IP_VOLUME,
        count=8,
        spread=6 * MINUTE,
        action="alert",
    )
    ips_alerts(
        sim,
        home.SITE,
        at=20 * HOUR + 10 * MINUTE,
        signature=threats.MYSQL_PROBE,
        attacker=threats.TOR_EXIT,
        count=3,
        spread=2 * MINUTE,
    )


SCENARIO = Scenario(
    name="ips-attack",
    description="a day of the house's gateway under attack: an SSH brute force, drop-listed "
    "sources, a VNC scan and a MySQL probe",
    duration_s=DAY / 1000,
    inventory=home.inventory,
    behaviour=behaviour,
)
