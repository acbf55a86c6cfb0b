"""What a collector hands its results to. The store's writer is one; tests may use others.

Defined here, on the collecting side, so that collectors never import the store: data flows
one way, and the service wires a concrete sink in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from unifi_scanner.controller.models import Event
from unifi_scanner.controller.websocket import Gap


class EventSink(Protocol):
    """Non-blocking hand-off of collected data; implementations persist it soon after."""

    def add_events(self, controller: str, events: Sequence[Event]) -> None: ...

    def add_devices(
        self, controller: str, site: str, records: Sequence[Mapping[str, Any]], time_ms: int
    ) -> None: ...

    async def room(self) -> None:
        """Return when more can be handed over (a writer far behind may hold producers)."""

    def add_device_updates(
        self, controller: str, site: str, records: Sequence[Mapping[str, Any]], time_ms: int
    ) -> None:
        """Partial device records (changed fields only), merged into what is known."""

    def add_clients(
        self, controller: str, site: str, records: Sequence[Mapping[str, Any]], time_ms: int
    ) -> None: ...

    def add_gap(self, controller: str, gap: Gap) -> None: ...

    def add_gap_result(self, controller: str, gap: Gap, state: str, recovered: int) -> None:
        """What back-filling ``gap`` achieved (``filled``, ``unavailable``, ``failed``)."""
