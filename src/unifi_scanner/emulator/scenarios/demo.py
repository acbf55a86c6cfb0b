"""`demo`: one day in a house, with the situations the scanner is meant to explain.

Offsets read as times of day from the scenario start (00:00). Besides everyday client traffic:

- 03:12 an SSH scan from a Chinanet address, blocked three times within two minutes;
- 09:40 DFS radar on the Office AP (channel 100), which moves to channel 44;
- 14:05 the Garage AP loses contact for 20 minutes; its clients drop and rejoin;
- 16:31 an MSSQL probe from a DigitalOcean address (detected, not blocked);
- 19:20 Bob's phone ping-pongs between the Living Room and Kitchen APs 16 times in 40 minutes;
- 21:48 an Nmap scan of the web port from an OVH address, blocked.
"""

from __future__ import annotations

from unifi_scanner.emulator import threats
from unifi_scanner.emulator.generators import DAY, HOUR, MINUTE, everyday_life
from unifi_scanner.emulator.incidents import ap_outage, ips_alerts, radar_hit, roam_storm
from unifi_scanner.emulator.scenario import Scenario
from unifi_scanner.emulator.scenarios import home
from unifi_scanner.emulator.simulation import Simulation


def behaviour(sim: Simulation) -> None:
    """Everyday life plus the day's incidents."""
    everyday_life(sim)
    ips_alerts(
        sim,
        home.SITE,
        at=3 * HOUR + 12 * MINUTE,
        signature=threats.SSH_SCAN,
        attacker=threats.CHINANET_JIANGSU,
        count=3,
        spread=2 * MINUTE,
    )
    radar_hit(sim, "office-ap", at=9 * HOUR + 40 * MINUTE, new_channel=44)
    ap_outage(sim, "garage-ap", at=14 * HOUR + 5 * MINUTE, down_for=20 * MINUTE)
    ips_alerts(
        sim,
        home.SITE,
        at=16 * HOUR + 31 * MINUTE,
        signature=threats.MSSQL_PROBE,
        attacker=threats.DIGITALOCEAN_FRANKFURT,
        action="alert",
    )
    roam_storm(
        sim,
        "bob-pixel",
        ("living-room-ap", "kitchen-ap"),
        at=19 * HOUR + 20 * MINUTE,
        roams=16,
        within=40 * MINUTE,
    )
    ips_alerts(
        sim,
        home.SITE,
        at=21 * HOUR + 48 * MINUTE,
        signature=threats.NMAP_USER_AGENT,
        attacker=threats.OVH_ROUBAIX,
    )


SCENARIO = Scenario(
    name="demo",
    description="one day in a house: clients come and go, a roam storm, an AP outage, "
    "DFS radar and IPS alerts",
    duration_s=DAY / 1000,
    inventory=home.inventory,
    behaviour=behaviour,
)
