"""Shared helpers for the analysis tests: a known inventory and a one-day period."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest

from tests.factories import (
    GARAGE,
    GATEWAY,
    IPAD,
    KITCHEN,
    LAPTOP,
    MINUTE,
    OFFICE,
    PHONE,
    SWITCH,
    T0,
)
from unifi_scanner.analyze import Analysis, Finding, Inventory, analyze
from unifi_scanner.controller.models import Event

DAY = 24 * 60 * MINUTE

DEVICES = [
    {"mac": KITCHEN, "name": "Kitchen AP", "model": "UAL6", "type": "uap"},
    {"mac": OFFICE, "name": "Office AP", "model": "U7PG2", "type": "uap"},
    {"mac": GARAGE, "name": "Garage AP", "model": "UALR6v2", "type": "uap"},
    {"mac": SWITCH, "name": "Loft Switch", "model": "US8P60", "type": "usw"},
    {"mac": GATEWAY, "name": "Dream Machine", "model": "UDMPRO", "type": "udm"},
]
CLIENTS = [
    {"mac": IPAD, "name": "Living-room iPad", "hostname": "iPad", "ip": "192.168.1.50"},
    {"mac": LAPTOP, "hostname": "work-laptop", "ip": "192.168.1.51"},
    {"mac": PHONE, "name": "Bob's Pixel", "hostname": "Pixel-8", "ip": "192.168.1.52"},
]


def inventory() -> Inventory:
    return Inventory(DEVICES, CLIENTS)


def run(events: Iterable[Event], **kwargs: Any) -> Analysis:
    """Analyse ``events`` (sorted by time) over the day from T0, with the known inventory."""
    kwargs.setdefault("inventory", inventory())
    return analyze(
        sorted(events, key=lambda e: e.time_ms),
        site="default",
        period_start_ms=T0,
        period_end_ms=T0 + DAY,
        **kwargs,
    )


def rule(analysis: Analysis, rule_id: str) -> list[Finding]:
    return [finding for finding in analysis.findings if finding.rule == rule_id]


def one(analysis: Analysis, rule_id: str) -> Finding:
    (finding,) = rule(analysis, rule_id)
    return finding


@pytest.fixture
def known_inventory() -> Inventory:
    return inventory()
