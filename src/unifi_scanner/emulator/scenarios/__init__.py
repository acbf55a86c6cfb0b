"""Registry of scenarios, by name. Add a module here and list its `SCENARIO`."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from unifi_scanner.emulator.scenario import Scenario
from unifi_scanner.emulator.scenarios import demo, steady

SCENARIOS: Mapping[str, Scenario] = MappingProxyType(
    {scenario.name: scenario for scenario in (demo.SCENARIO, steady.SCENARIO)}
)
"""Every playable scenario; `SCENARIOS[name].description` is a one-line summary."""

__all__ = ["SCENARIOS", "Scenario"]
