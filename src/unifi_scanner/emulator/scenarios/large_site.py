"""`large-site`: a campus with 240 APs and 5,600 clients, busy enough to test throughput.

Every client acts on its own about every 90 seconds (connects, roams, changes band, leaves),
which keeps about 60 events per second flowing for the whole quarter of an hour — at speed 1,
a sustained 50+ events/s over the WebSocket. `sta:sync` frames are several megabytes: the
frames over 4 MiB a client must accept on large sites. The timeline is prefix-stable, so a
test can cut it short without simulating the rest.
"""

from __future__ import annotations

from unifi_scanner.emulator.generators import MINUTE, SECOND, restless
from unifi_scanner.emulator.scenario import Scenario
from unifi_scanner.emulator.scenarios import campus
from unifi_scanner.emulator.simulation import Simulation

MEAN_GAP_MS = 90 * SECOND


def behaviour(sim: Simulation) -> None:
    """Restless clients, 70 % of them connected at the start."""
    restless(sim, mean_gap=MEAN_GAP_MS, present_share=0.7)


SCENARIO = Scenario(
    name="large-site",
    description="a campus with 240 APs and 5,600 clients producing about 60 events per second",
    duration_s=15 * MINUTE / 1000,
    inventory=campus.inventory,
    behaviour=behaviour,
    prefix_stable=True,
)
