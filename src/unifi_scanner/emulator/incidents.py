"""Incidents for scenarios: the situations the scanner must explain.

Roam storms, devices losing contact, DFS radar, IPS alerts, firmware rollouts, PoE overloads,
overheating and WAN failover. Like routines, these only *schedule* actions on a `Simulation`;
each action checks the state when it runs, so incidents compose with everyday traffic.
"""

from __future__ import annotations

from functools import partial

from unifi_scanner.emulator.generators import MINUTE, SECOND
from unifi_scanner.emulator.simulation import Simulation
from unifi_scanner.emulator.threats import Attacker, Signature, make_hit


def roam_storm(
    sim: Simulation, client: str, aps: tuple[str, str], *, at: int, roams: int, within: int
) -> None:
    """`client` ping-pongs between two APs `roams` times within `within` ms from `at`.

    The client is reserved for the storm, so its routine cannot interleave with it.
    """
    first, second = aps

    def begin() -> None:
        sim.hold(client, at + within + MINUTE)
        placement = sim.placement(client)
        if placement is None:
            sim.connect(client, ap=first, override_hold=True)
        elif placement.ap not in aps:
            sim.roam(client, to=first, override_hold=True)

    def bounce() -> None:
        placement = sim.placement(client)
        target = second if placement is not None and placement.ap == first else first
        sim.roam(client, to=target, override_hold=True)

    sim.at(at - 30 * SECOND, begin)
    step = within // roams
    for index in range(roams):
        sim.at(at + index * step + sim.rng.randint(0, step // 3), bounce)


def ap_outage(sim: Simulation, ap: str, *, at: int, down_for: int) -> None:
    """`ap` loses contact at `at` and comes back `down_for` ms later.

    Its clients time out over the next 5–90 s (the controller learns of each one separately).
    Clients that can reach another AP rejoin there within a couple of minutes; the others
    rejoin the AP once it is back.
    """
    back = at + down_for

    def fail() -> None:
        victims = knock_off_clients(sim, ap, back)
        sim.device_down(ap)
        schedule_rejoins(sim, victims, ap, back)

    sim.at(at, fail)
    sim.at(back, partial(sim.device_up, ap))


def knock_off_clients(sim: Simulation, ap: str, back: int) -> list[str]:
    """Reserve the clients of `ap` (about to go away until `back`); return them.

    Call it just before taking the AP down, then `schedule_rejoins` just after.
    """
    victims = [client.handle for client in sim.clients_on(ap)]
    for handle in victims:
        sim.hold(handle, back + 5 * MINUTE)
    return victims


def schedule_rejoins(sim: Simulation, victims: list[str], ap: str, back: int) -> None:
    """The clients of a vanished `ap` time out over 5–90 s, then rejoin elsewhere or later."""
    for handle in victims:
        gone = sim.now + sim.rng.randint(5 * SECOND, 90 * SECOND)
        sim.at(gone, partial(_rejoin_elsewhere, sim, handle, ap, back))


def _rejoin_elsewhere(sim: Simulation, client: str, dead_ap: str, back: int) -> None:
    sim.disconnect(client, override_hold=True)
    others = [ap for ap in sim.inventory.client(client).aps if ap != dead_ap]
    if others:
        rejoin = sim.now + sim.rng.randint(20 * SECOND, 2 * MINUTE)
        sim.at(rejoin, partial(sim.connect, client, override_hold=True))
    else:
        rejoin = back + sim.rng.randint(30 * SECOND, 3 * MINUTE)
        sim.at(rejoin, partial(sim.connect, client, ap=dead_ap, override_hold=True))


def radar_hit(sim: Simulation, ap: str, *, at: int, new_channel: int) -> None:
    """`ap` detects radar on its DFS channel and moves to `new_channel` within a minute."""
    sim.at(at, partial(sim.radar, ap))
    sim.at(
        at + sim.rng.randint(5 * SECOND, 50 * SECOND),
        partial(sim.change_channel, ap, "na", new_channel),
    )


def ips_alerts(
    sim: Simulation,
    site: str,
    *,
    at: int,
    signature: Signature,
    attacker: Attacker,
    count: int = 1,
    spread: int = 0,
    action: str = "blocked",
) -> None:
    """`count` alerts of `signature` from one address of `attacker` within `spread` ms."""
    gateway = sim.inventory.gateway(site)
    if gateway is None or gateway.wan_ip is None:
        raise ValueError(f"site {site!r} has no gateway with a WAN address")
    source = attacker.address(sim.rng)
    for index in range(count):
        offset = at + (index * spread // max(count - 1, 1)) + sim.rng.randint(0, 3 * SECOND)
        hit = make_hit(sim.rng, signature, source, attacker, gateway.wan_ip, action=action)
        sim.at(offset, partial(sim.ips_alert, site, hit))


def band_storm(sim: Simulation, client: str, *, at: int, changes: int, within: int) -> None:
    """`client` flips between bands of its AP `changes` times within `within` ms from `at`."""

    def begin() -> None:
        sim.hold(client, at + within + MINUTE)
        if sim.placement(client) is None:
            sim.connect(client, override_hold=True)

    sim.at(at - 30 * SECOND, begin)
    step = within // changes
    for index in range(changes):
        moment = at + index * step + sim.rng.randint(0, step // 3)
        sim.at(moment, partial(sim.roam_radio, client, override_hold=True))


def flapping(sim: Simulation, ap: str, *, at: int, times: int, every: int, down_for: int) -> None:
    """`ap` loses contact `times` times, `every` ms apart, each time for about `down_for` ms."""
    for index in range(times):
        start = at + index * every + sim.rng.randint(0, every // 4)
        ap_outage(sim, ap, at=start, down_for=down_for + sim.rng.randint(0, down_for // 2))


def cascade_outage(sim: Simulation, switch: str, *, at: int, down_for: int) -> None:
    """`switch` loses contact; the devices behind it follow within seconds (their path to the
    controller is gone), and return after it in the same order."""
    back = at + down_for

    def fail() -> None:
        if sim.device_down(switch):
            strand_downstream(sim, switch, back)

    sim.at(at, fail)
    sim.at(back, partial(sim.device_up, switch))


def strand_downstream(sim: Simulation, device: str, back: int) -> None:
    """The devices cabled to `device` (just gone) lose contact within seconds, their clients
    and the devices further down with them, and return shortly after `back`."""
    behind = [d.handle for d in sim.inventory.devices if d.uplink and d.uplink.device == device]
    for offset, handle in enumerate(behind, start=1):
        sim.at(sim.now + offset * 3 * SECOND, partial(_lose, sim, handle, back))
        sim.at(back + 40 * SECOND + offset * 5 * SECOND, partial(sim.device_up, handle))


def _lose(sim: Simulation, device: str, back: int) -> None:
    victims = knock_off_clients(sim, device, back)
    if sim.device_down(device):
        schedule_rejoins(sim, victims, device, back)
        strand_downstream(sim, device, back + 30 * SECOND)  # and so on down the tree
