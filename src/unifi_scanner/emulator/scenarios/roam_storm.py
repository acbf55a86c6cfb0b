"""`roam-storm`: sticky and confused clients at headquarters during a working day.

- 10:00 a laptop ping-pongs between the two meeting-room APs 30 times in 45 minutes;
- 11:30 a phone bounces between Open Space East and West 20 times in 30 minutes;
- 14:00 a laptop flips between 5 GHz and 2.4 GHz on one AP 18 times in 20 minutes;
- 15:10 the first laptop storms again, 14 roams in 25 minutes.
"""

from __future__ import annotations

from unifi_scanner.emulator.generators import DAY, HOUR, MINUTE, everyday_life
from unifi_scanner.emulator.incidents import band_storm, roam_storm
from unifi_scanner.emulator.scenario import Scenario
from unifi_scanner.emulator.scenarios import office
from unifi_scanner.emulator.simulation import Simulation

MEETING_ROOMS = ("meeting-a-ap", "meeting-b-ap")
OPEN_SPACE = ("open-east-ap", "open-west-ap")


def _first(sim: Simulation, profile: str, hears: tuple[str, ...]) -> str:
    """The first client of `profile` at headquarters in range of all of `hears`."""
    return next(
        c.handle
        for c in sim.inventory.clients_of(office.HQ)
        if c.profile == profile and set(hears) <= set(c.aps)
    )


def behaviour(sim: Simulation) -> None:
    """Office life plus three stormy clients."""
    everyday_life(sim)
    laptop = _first(sim, "office-laptop", MEETING_ROOMS)
    phone = _first(sim, "office-phone", OPEN_SPACE)
    flipper = next(c.handle for c in sim.inventory.clients_of(office.HQ) if c.bands[0] == "6e"
                   and c.handle != laptop)  # fmt: skip
    roam_storm(sim, laptop, MEETING_ROOMS, at=10 * HOUR, roams=30, within=45 * MINUTE)
    roam_storm(sim, phone, OPEN_SPACE, at=11 * HOUR + 30 * MINUTE, roams=20, within=30 * MINUTE)
    band_storm(sim, flipper, at=14 * HOUR, changes=18, within=20 * MINUTE)
    roam_storm(sim, laptop, MEETING_ROOMS, at=15 * HOUR + 10 * MINUTE, roams=14, within=25 * MINUTE)


SCENARIO = Scenario(
    name="roam-storm",
    description="an office day with three sticky clients: meeting-room ping-pong, an "
    "open-space bouncer and a band flipper",
    duration_s=DAY / 1000,
    inventory=office.inventory,
    behaviour=behaviour,
)
