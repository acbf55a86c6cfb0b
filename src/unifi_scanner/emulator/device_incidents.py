"""Device incidents for scenarios: firmware rollouts, PoE overloads, overheating, WAN failover.

Each schedules device primitives (`device_primitives.py`) and, where clients are affected, the
same knock-off-and-rejoin pattern as an AP outage (`incidents.py`). Drifts make `stat/device`
show the build-up before the event (a switch warming for hours, a PoE draw creeping up).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from unifi_scanner.emulator.generators import MINUTE, SECOND
from unifi_scanner.emulator.incidents import (
    knock_off_clients,
    schedule_rejoins,
    strand_downstream,
)
from unifi_scanner.emulator.inventory import Device
from unifi_scanner.emulator.simulation import Simulation


def firmware_rollout(
    sim: Simulation,
    devices: Iterable[str],
    *,
    at: int,
    version: str,
    wave: int = 3,
    spacing: int = 4 * MINUTE,
    failing: frozenset[str] = frozenset(),
) -> None:
    """Upgrade `devices` to `version` in waves of `wave`, `spacing` ms apart, from `at`.

    Five minutes before its wave each device announces the upgrade; then it flashes and
    reboots for 2–4 minutes (state 4, its clients drop and rejoin elsewhere, the devices cabled
    to it lose contact) and comes back on the new firmware — or, for those in `failing`, on
    the old one with `…_UpgradeFailed`.
    """
    for index, device in enumerate(devices):
        start = at + (index // wave) * spacing + sim.rng.randint(0, 20 * SECOND)
        back = start + sim.rng.randint(2 * MINUTE, 4 * MINUTE)
        sim.at(start - 5 * MINUTE, partial(sim.schedule_upgrade, device, version))
        sim.at(start, partial(_flash, sim, device, back))
        finish = sim.fail_upgrade if device in failing else sim.finish_upgrade
        sim.at(back, partial(finish, device, version))


def _flash(sim: Simulation, device: str, back: int) -> None:
    victims = knock_off_clients(sim, device, back)
    if sim.begin_upgrade(device):
        schedule_rejoins(sim, victims, device, back)
        strand_downstream(sim, device, back)  # a rebooting switch takes its APs with it


def poe_overload(
    sim: Simulation,
    switch: str,
    *,
    port: int,
    extra_w: float,
    at: int,
    ramp: int,
    cut_port: int,
    fixed_at: int,
) -> None:
    """The device on `port` starts drawing `extra_w` more over `ramp` ms from `at`, until the
    switch runs out of budget: two overload warnings, then it cuts `cut_port` (what hangs off
    it loses power and contact). At `fixed_at` the draw falls back and power returns."""
    sim.at(at, partial(sim.drift, switch, f"poe:{port}", extra_w, ramp))
    sim.at(at + ramp - 8 * MINUTE, partial(sim.poe_overload, switch, port))
    sim.at(at + ramp, partial(sim.poe_overload, switch, port))
    powered = sim.inventory.cabled_to(switch).get(cut_port)
    victim = powered.handle if isinstance(powered, Device) else None
    sim.at(at + ramp + 3 * MINUTE, partial(_cut, sim, switch, cut_port, victim, fixed_at))
    sim.at(fixed_at, partial(sim.drift, switch, f"poe:{port}", 0.0, 2 * MINUTE))
    sim.at(fixed_at + 2 * MINUTE, partial(sim.poe_restore, switch, cut_port))
    if victim is not None:
        sim.at(fixed_at + 4 * MINUTE, partial(sim.device_up, victim))


def _cut(sim: Simulation, switch: str, port: int, victim: str | None, back: int) -> None:
    if not sim.poe_cut(switch, port) or victim is None:
        return
    victims = knock_off_clients(sim, victim, back)
    sim.at(sim.now + 20 * SECOND, partial(sim.device_down, victim))
    schedule_rejoins(sim, victims, victim, back)


def overheating(
    sim: Simulation, device: str, *, at: int, rise_c: float, over: int, cooled_at: int
) -> None:
    """`device` warms by `rise_c` °C over `over` ms from `at` (its cooling failed); it reports
    overheating once most of the rise has happened, and recovers after `cooled_at`."""
    sim.at(at, partial(sim.drift, device, "temperature", rise_c, over))
    alarm = at + int(over * 0.8)
    sim.at(alarm, partial(sim.overheat, device, int(52 + rise_c * 0.8)))
    sim.at(cooled_at, partial(sim.drift, device, "temperature", 0.0, 2 * 60 * MINUTE))
    sim.at(cooled_at + 45 * MINUTE, partial(sim.cool_down, device))


def wan_failover(sim: Simulation, gateway: str, *, at: int, back_after: int) -> None:
    """The primary WAN of `gateway` goes down at `at`; traffic moves to the backup within
    seconds and returns `back_after` ms later."""
    info = sim.inventory.device(gateway)
    primary, backup = info.wan_interface, info.wan2_interface
    if primary is None or backup is None:
        raise ValueError(f"{gateway!r} has no backup WAN")
    sim.at(at, partial(sim.wan_transition, gateway, primary, "inactive"))
    sim.at(
        at + sim.rng.randint(3 * SECOND, 15 * SECOND),
        partial(sim.wan_transition, gateway, backup, "active"),
    )
    sim.at(at + back_after, partial(sim.wan_transition, gateway, primary, "active"))
    sim.at(
        at + back_after + sim.rng.randint(2 * SECOND, 10 * SECOND),
        partial(sim.wan_transition, gateway, backup, "inactive"),
    )
