"""What the intrusion rules keep of the hits: per source address, per signature, a flow.

:class:`~.ips.IpsAlerts` files every hit under its source address and signature; a
:class:`Flow` adds them up (count, how many were blocked, the worst priority, where they went)
so that memory grows with distinct sources and signatures, not with hits. The source's place
(``srcipGeo``) is kept once per address: it is what tells two addresses of one network apart
as two organisations (:mod:`.ips_sources`).
"""

from __future__ import annotations

import functools
import ipaddress
from dataclasses import dataclass, field

from unifi_scanner.analyze.et import EtCategory
from unifi_scanner.controller.models import Event

#: Source bucket of hits beyond ``max_tracked_sources`` distinct addresses.
OVERFLOW = "*"
MAX_TARGETS = 16


@functools.lru_cache(maxsize=65_536)
def is_internal(address: str) -> bool:
    """Private, loopback or link-local: a device on this side of the gateway (cached: the
    same addresses come back in every finding that lists them)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return ip.is_private or ip.is_loopback or ip.is_link_local


@dataclass(slots=True)
class Flow:
    """Hits of one signature from one source."""

    first_ms: int
    last_ms: int
    count: int = 0
    blocked: int = 0
    worst: int = 3
    targets: dict[str, int] = field(default_factory=dict)

    def merge(self, other: Flow) -> None:
        self.first_ms = min(self.first_ms, other.first_ms)
        self.last_ms = max(self.last_ms, other.last_ms)
        self.count += other.count
        self.blocked += other.blocked
        self.worst = min(self.worst, other.worst)
        for target, count in other.targets.items():
            if target in self.targets or len(self.targets) < MAX_TARGETS:
                self.targets[target] = self.targets.get(target, 0) + count


@dataclass(frozen=True, slots=True)
class Signature:
    text: str
    classtype: str
    word: str
    category: EtCategory


@dataclass(slots=True)
class Source:
    place: str | None
    flows: dict[str, Flow] = field(default_factory=dict)


def place_of(event: Event) -> str | None:
    """``China, Chinanet`` from ``srcipGeo`` (an object, or ``[]`` when empty)."""
    geo = event.payload.get("srcipGeo")
    parts = []
    if isinstance(geo, dict):
        for name in ("country_name", "organization"):
            value = geo.get(name)
            if isinstance(value, str) and value:
                parts.append(value)
    if not parts:
        country = event.text("srcipCountry")
        if country and country.lower() not in ("false", "none"):
            parts.append(country)
    return ", ".join(parts) or None
