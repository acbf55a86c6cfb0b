"""What a scenario is: a named inventory plus behaviour, played for a duration from a seed.

Scenario modules under `emulator/scenarios/` declare a `Scenario`, optionally with faults the
controller throws at given offsets; `Scenario.timeline(seed)`
builds the deterministic timeline: one `random.Random(seed)` drives the inventory first and the
behaviour second, and no wall-clock time is read, so the same seed always yields the same
inventory, event sequence and offsets. Absolute times are applied later, when the emulator's
clock starts (`Timeline.render`).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from unifi_scanner.emulator.faults import ScheduledFault
from unifi_scanner.emulator.inventory import Inventory
from unifi_scanner.emulator.simulation import Simulation
from unifi_scanner.emulator.timeline import Timeline


@dataclass(frozen=True)
class Scenario:
    """A named, seeded, deterministic timeline recipe."""

    name: str
    description: str
    """One line, shown by `--list-scenarios`."""
    duration_s: float
    inventory: Callable[[random.Random], Inventory]
    behaviour: Callable[[Simulation], None]
    faults: tuple[ScheduledFault, ...] = field(default=())
    """Controller faults at scenario offsets (socket drops, expired sessions, restarts, …)."""
    prefix_stable: bool = False
    """The behaviour only schedules from running actions (`generators.restless`), so a shorter
    simulation is exactly a prefix of a longer one and a cut need not simulate the rest."""

    def timeline(self, seed: int, duration_s: float | None = None) -> Timeline:
        """Build the timeline for `seed`, optionally lasting `duration_s` scenario seconds.

        A shorter duration cuts the scenario's own timeline (the prefix is identical for every
        cut); a longer one lets the behaviour run on for the extra time.
        """
        rng = random.Random(seed)
        natural_ms = round(self.duration_s * 1000)
        length_ms = round(duration_s * 1000) if duration_s is not None else natural_ms
        simulated_ms = length_ms if self.prefix_stable else max(length_ms, natural_ms)
        simulation = Simulation(self.name, seed, self.inventory(rng), rng, simulated_ms)
        self.behaviour(simulation)
        return simulation.run().truncated(length_ms)
