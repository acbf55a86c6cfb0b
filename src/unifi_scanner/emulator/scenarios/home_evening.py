"""`home-evening`: six hours of a weekday evening at the house, 17:00 to 23:00.

Offsets count from 17:00. Everyone comes home in the first hour and a half; the TV and
speakers are busy; the tablet and console come and go; the phones move from room to room;
two guests drop by for dinner; the laptops are opened after dinner. No incidents: this is
what a quiet evening looks like to the scanner.
"""

from __future__ import annotations

from functools import partial

from unifi_scanner.emulator.generators import HOUR, MINUTE, present_from_start, session, wander
from unifi_scanner.emulator.scenario import Scenario
from unifi_scanner.emulator.scenarios import home
from unifi_scanner.emulator.simulation import Simulation

_ARRIVING = {
    "alice-iphone",
    "alice-watch",
    "kids-ipad",
    "nintendo-switch",
    "guest-galaxy",
    "guest-iphone",
    "alice-macbook",
    "work-laptop",
    "office-pc",
}


def behaviour(sim: Simulation) -> None:
    """Arrivals, evening sessions and room-to-room wandering."""
    end = 6 * HOUR
    for client in sim.inventory.clients:
        if client.handle not in _ARRIVING:
            present_from_start(sim, client.handle)
            if client.link is None and client.profile.endswith("phone"):
                wander(sim, client.handle, (0, end), gap=(10 * MINUTE, 35 * MINUTE))
    for phone in ("alice-iphone", "alice-watch"):
        back = sim.rng.randint(20 * MINUTE, 90 * MINUTE)
        session(sim, phone, (back, end + HOUR), gap=(10 * MINUTE, 30 * MINUTE))
    for device, (start, stop) in {
        "kids-ipad": (30, 150),
        "nintendo-switch": (60, 200),
        "alice-macbook": (150, 330),
        "work-laptop": (140, 200),
    }.items():
        session(
            sim,
            device,
            (start * MINUTE + sim.rng.randint(0, 15 * MINUTE), stop * MINUTE),
            gap=(20 * MINUTE, 60 * MINUTE),
        )
    for guest in ("guest-galaxy", "guest-iphone"):
        arrive = 100 * MINUTE + sim.rng.randint(0, 20 * MINUTE)
        session(sim, guest, (arrive, arrive + 2 * HOUR), gap=(20 * MINUTE, 45 * MINUTE))
    sim.at(5 * MINUTE, partial(sim.disconnect, "office-pc"))  # the home office closes


SCENARIO = Scenario(
    name="home-evening",
    description="a quiet evening at the house, 17:00 to 23:00: everyone comes home, "
    "streaming, games, two dinner guests",
    duration_s=6 * HOUR / 1000,
    inventory=home.inventory,
    behaviour=behaviour,
)
