"""Registry of scenarios, by name. Add a module here and list its `SCENARIO`."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from unifi_scanner.emulator.scenario import Scenario
from unifi_scanner.emulator.scenarios import (
    ap_outage,
    demo,
    dfs_radar,
    firmware_rollout,
    flaky_controller,
    home_evening,
    ips_attack,
    large_site,
    office_day,
    overheating,
    poe_overload,
    roam_storm,
    steady,
    wan_failover,
)

SCENARIOS: Mapping[str, Scenario] = MappingProxyType(
    {
        module.SCENARIO.name: module.SCENARIO
        for module in (
            demo,
            steady,
            office_day,
            home_evening,
            roam_storm,
            ap_outage,
            ips_attack,
            dfs_radar,
            overheating,
            poe_overload,
            wan_failover,
            firmware_rollout,
            large_site,
            flaky_controller,
        )
    }
)
"""Every playable scenario; `SCENARIOS[name].description` is a one-line summary."""

__all__ = ["SCENARIOS", "Scenario"]
