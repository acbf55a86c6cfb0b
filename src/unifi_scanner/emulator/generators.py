"""Reusable behaviour for scenarios: everyday client routines and steady load.

Routines give each client a day that looks like its kind of device (phones wander between APs
and leave for work, IoT plugs drop and rejoin every few hours, the desktop is wired and on only
during office hours). Incidents (roam storms, outages, radar, …) live in `incidents.py`.
Everything here only *schedules* actions on a `Simulation`; the simulation decides at run time
whether each still makes sense.

Offsets are milliseconds from the scenario start; the constants below keep scenario modules
readable (`19 * HOUR + 20 * MINUTE`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from unifi_scanner.emulator.simulation import Simulation

SECOND = 1_000
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE
DAY = 24 * HOUR

Span = tuple[int, int]


# -- routines ---------------------------------------------------------------------------------


def present_from_start(sim: Simulation, client: str) -> None:
    """`client` has been connected for a while (1 h – 3 days) when the scenario starts."""
    sim.place(client, -sim.rng.randint(HOUR, 3 * DAY))


def _blip(sim: Simulation, client: str, outage: Span) -> None:
    """Drop and rejoin a little later, but only if the drop actually happened."""
    if sim.disconnect(client):
        sim.at(sim.now + sim.rng.randint(*outage), partial(sim.connect, client))


def wander(
    sim: Simulation,
    client: str,
    span: Span,
    *,
    gap: Span,
    blip_share: float = 0.12,
    band_share: float = 0.08,
) -> None:
    """While present during `span`, now and then roam, change band or briefly drop out."""
    start, end = span
    offset = start + sim.rng.randint(*gap)
    while offset < end - 5 * MINUTE:  # leave room for a blip's rejoin before `end`
        roll = sim.rng.random()
        if roll < blip_share:
            action: Callable[[], object] = partial(_blip, sim, client, (20 * SECOND, 3 * MINUTE))
        elif roll < blip_share + band_share:
            action = partial(sim.roam_radio, client)
        else:
            action = partial(sim.roam, client)
        sim.at(offset, action)
        offset += sim.rng.randint(*gap)


def session(sim: Simulation, client: str, span: Span, *, gap: Span) -> None:
    """Connect at the start of `span`, wander, disconnect at its end."""
    start, end = span
    sim.at(start, partial(sim.connect, client))
    wander(sim, client, span, gap=gap)
    sim.at(end, partial(sim.disconnect, client))


def _around(sim: Simulation, centre: int, spread: int) -> int:
    return centre + sim.rng.randint(-spread, spread)


def commuter_phone(sim: Simulation, client: str) -> None:
    """Home overnight, away for the working day, home again in the evening."""
    present_from_start(sim, client)
    leave = _around(sim, 8 * HOUR, 25 * MINUTE)
    back = _around(sim, 17 * HOUR + 45 * MINUTE, 40 * MINUTE)
    wander(sim, client, (0, leave), gap=(20 * MINUTE, 70 * MINUTE))
    sim.at(leave, partial(sim.disconnect, client))
    session(sim, client, (back, sim.duration_ms + HOUR), gap=(12 * MINUTE, 45 * MINUTE))


def home_phone(sim: Simulation, client: str) -> None:
    """Someone working from home: connected all day, moving from room to room."""
    present_from_start(sim, client)
    wander(sim, client, (0, sim.duration_ms), gap=(15 * MINUTE, 50 * MINUTE))


def laptop(sim: Simulation, client: str) -> None:
    """Work sessions with a lunch break, plus an evening session."""
    for centre_start, centre_end in ((8.6, 12.5), (13.3, 18.1), (20.2, 22.9)):
        start = _around(sim, int(centre_start * HOUR), 20 * MINUTE)
        end = _around(sim, int(centre_end * HOUR), 20 * MINUTE)
        session(sim, client, (start, end), gap=(60 * MINUTE, 150 * MINUTE))


def tablet(sim: Simulation, client: str) -> None:
    """Short sessions before school, after school and in the evening."""
    for centre_start, centre_end in ((6.9, 7.6), (16.2, 17.4), (19.1, 21.4)):
        start = _around(sim, int(centre_start * HOUR), 15 * MINUTE)
        end = _around(sim, int(centre_end * HOUR), 15 * MINUTE)
        session(sim, client, (start, end), gap=(12 * MINUTE, 35 * MINUTE))


def stationary(sim: Simulation, client: str) -> None:
    """Never moves (TV, speaker, printer); drops out a few times a day at most."""
    present_from_start(sim, client)
    for _ in range(sim.rng.randint(0, 4)):
        moment = sim.rng.randint(10 * MINUTE, sim.duration_ms - 10 * MINUTE)
        sim.at(moment, partial(_blip, sim, client, (15 * SECOND, 90 * SECOND)))


def chatty_iot(sim: Simulation, client: str) -> None:
    """Cheap Wi-Fi modules that drop and rejoin every couple of hours."""
    present_from_start(sim, client)
    offset = sim.rng.randint(20 * MINUTE, 3 * HOUR)
    while offset < sim.duration_ms - 10 * MINUTE:
        sim.at(offset, partial(_blip, sim, client, (10 * SECOND, 2 * MINUTE)))
        offset += sim.rng.randint(60 * MINUTE, 4 * HOUR)


def wired_always_on(sim: Simulation, client: str) -> None:
    """Servers and bridges: always plugged in; a link flap now and then."""
    present_from_start(sim, client)
    if sim.rng.random() < 0.4:
        moment = sim.rng.randint(HOUR, sim.duration_ms - HOUR)
        sim.at(moment, partial(_blip, sim, client, (5 * SECOND, 40 * SECOND)))


def wired_workday(sim: Simulation, client: str) -> None:
    """A desktop switched on in the morning and off in the evening."""
    start = _around(sim, 8 * HOUR + 40 * MINUTE, 15 * MINUTE)
    end = _around(sim, 18 * HOUR + 20 * MINUTE, 30 * MINUTE)
    sim.at(start, partial(sim.connect, client))
    sim.at(end, partial(sim.disconnect, client))


def guest_visit(sim: Simulation, client: str) -> None:
    """A visitor on the guest SSID for a few hours in the afternoon."""
    arrive = _around(sim, 15 * HOUR, HOUR)
    leave = arrive + sim.rng.randint(2 * HOUR, 4 * HOUR)
    session(sim, client, (arrive, leave), gap=(25 * MINUTE, 60 * MINUTE))


def office_laptop(sim: Simulation, client: str) -> None:
    """Arrives in the morning, leaves for lunch, comes back, goes home; roams to meetings."""
    arrive = _around(sim, int(8.75 * HOUR), 40 * MINUTE)
    lunch = _around(sim, int(12.3 * HOUR), 20 * MINUTE)
    back = lunch + sim.rng.randint(30 * MINUTE, 60 * MINUTE)
    leave = _around(sim, int(17.5 * HOUR), 45 * MINUTE)
    session(sim, client, (arrive, lunch), gap=(25 * MINUTE, 90 * MINUTE))
    session(sim, client, (back, leave), gap=(25 * MINUTE, 90 * MINUTE))


def office_phone(sim: Simulation, client: str) -> None:
    """In the office for the working day, moving around more than a laptop does."""
    arrive = _around(sim, int(8.6 * HOUR), 40 * MINUTE)
    leave = _around(sim, int(17.6 * HOUR), 50 * MINUTE)
    session(sim, client, (arrive, leave), gap=(15 * MINUTE, 50 * MINUTE))


ROUTINES: dict[str, Callable[[Simulation, str], None]] = {
    "commuter-phone": commuter_phone,
    "home-phone": home_phone,
    "laptop": laptop,
    "tablet": tablet,
    "stationary": stationary,
    "chatty-iot": chatty_iot,
    "wired-always-on": wired_always_on,
    "wired-workday": wired_workday,
    "guest": guest_visit,
    "office-laptop": office_laptop,
    "office-phone": office_phone,
}
"""Routine per `Client.profile`."""


def everyday_life(sim: Simulation) -> None:
    """Give every client of the inventory the routine its profile names."""
    for client in sim.inventory.clients:
        ROUTINES[client.profile](sim, client.handle)


# -- steady load ------------------------------------------------------------------------------


def steady_churn(sim: Simulation, *, every: int) -> None:
    """Exactly one client event every `every` ms for the whole scenario.

    A random client connects if away; a connected wireless client roams (60 %) or leaves;
    a connected wired client leaves. Each tick therefore produces one event, whatever the state.
    """

    def tick() -> None:
        client = sim.rng.choice(sim.inventory.clients)
        placement = sim.placement(client.handle)
        if placement is None:
            sim.connect(client.handle)
        elif placement.ap is not None and sim.rng.random() < 0.6 and sim.roam(client.handle):
            pass
        else:
            sim.disconnect(client.handle)
        if sim.now + every < sim.duration_ms:
            sim.at(sim.now + every, tick)

    sim.at(every, tick)


def restless(sim: Simulation, *, mean_gap: int, present_share: float) -> None:
    """Every client acts on its own, on average every `mean_gap` ms (exponential gaps).

    About `present_share` of the clients are connected at the start. Each action connects an
    absent client, or moves a connected one (roam, band change) or lets it leave. Every action
    schedules the next one only when it runs, so a shorter simulation yields exactly the
    prefix of a longer one (`Scenario.prefix_stable`). Event rate ≈ clients / `mean_gap`.
    """
    for client in sim.inventory.clients:
        if sim.rng.random() < present_share:
            present_from_start(sim, client.handle)
    for client in sim.inventory.clients:
        sim.at(
            int(sim.rng.expovariate(1 / mean_gap)), partial(_restless, sim, client.handle, mean_gap)
        )


def _restless(sim: Simulation, client: str, mean_gap: int) -> None:
    placement = sim.placement(client)
    roll = sim.rng.random()
    if placement is None:
        sim.connect(client)
    elif placement.ap is not None and roll < 0.72:
        if not sim.roam(client):
            sim.roam_radio(client)
    elif placement.ap is not None and roll < 0.82:
        sim.roam_radio(client)
    else:
        sim.disconnect(client)
    gap = max(SECOND, int(sim.rng.expovariate(1 / mean_gap)))
    sim.at(sim.now + gap, partial(_restless, sim, client, mean_gap))
