"""Per access point: how many clients it served, how often they joined and roamed.

Fed with wireless connects (``EVT_WU/WG_Connected``: ``ap``, ``user``/``guest``) and roams
(``EVT_WU/WG_Roam``: ``ap_from`` → ``ap_to``). Memory is bounded: at most
:data:`MAX_ACCESS_POINTS` access points and :data:`MAX_CLIENTS_PER_AP` distinct clients each
are remembered (beyond that a client count is a lower bound, and says so).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from unifi_scanner.controller.models import Event

MAX_ACCESS_POINTS = 5_000
MAX_CLIENTS_PER_AP = 20_000


@dataclass(slots=True)
class ApLoad:
    """What one access point saw in the period."""

    connects: int = 0
    roams_in: int = 0
    roams_out: int = 0
    clients: set[str] = field(default_factory=set)
    clients_capped: bool = False

    def serve(self, client: object) -> None:
        if client.__class__ is not str or not client:
            return
        if len(self.clients) < MAX_CLIENTS_PER_AP:
            self.clients.add(client.lower())
        elif client.lower() not in self.clients:
            self.clients_capped = True


class AccessPointLoad:
    """Connects, distinct clients and roams per access point MAC (lower case)."""

    def __init__(self) -> None:
        self.aps: dict[str, ApLoad] = {}
        self.untracked = 0
        """Events about access points beyond :data:`MAX_ACCESS_POINTS` (counted, not kept)."""

    def _ap(self, mac: object) -> ApLoad | None:
        if mac.__class__ is not str or not mac:
            return None
        key: str = mac.lower()
        load = self.aps.get(key)
        if load is None:
            if len(self.aps) >= MAX_ACCESS_POINTS:
                self.untracked += 1
                return None
            load = self.aps[key] = ApLoad()
        return load

    def connected(self, event: Event) -> None:
        payload = event.payload
        load = self._ap(payload.get("ap"))
        if load is not None:
            load.connects += 1
            load.serve(payload.get("user") or payload.get("guest"))

    def roamed(self, event: Event) -> None:
        payload = event.payload
        source = self._ap(payload.get("ap_from"))
        if source is not None:
            source.roams_out += 1
        target = self._ap(payload.get("ap_to"))
        if target is not None:
            target.roams_in += 1
            target.serve(payload.get("user") or payload.get("guest"))
