"""Which sources feed a site right now, logged once whenever that changes.

``check``, the report and (later) the health endpoint read it; the log gets one line per
change ("fallback engaged", "websocket back"), never one per event.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from unifi_scanner.log import get_logger

log = get_logger(__name__)

#: Source states.
ACTIVE = "active"
DOWN = "down"
UNAVAILABLE = "unavailable"
STANDBY = "standby"


@dataclass(slots=True)
class SourceStatus:
    """Per source name (``websocket``, ``rest``, ``ssh``): its state and why."""

    site: str
    states: dict[str, tuple[str, str]] = field(default_factory=dict)
    changed_ms: dict[str, int] = field(default_factory=dict)
    """When each source entered its current state (epoch ms), for "down for 12 minutes"."""

    def set(self, source: str, state: str, reason: str = "") -> None:
        if self.states.get(source, ("", ""))[0] == state:
            return
        self.states[source] = (state, reason)
        self.changed_ms[source] = time.time_ns() // 1_000_000
        log.info("event source changed", site=self.site, source=source, state=state, reason=reason)

    def state(self, source: str) -> str | None:
        entry = self.states.get(source)
        return entry[0] if entry else None

    def feeding(self) -> list[str]:
        """The sources currently delivering events."""
        return [name for name, (state, _reason) in self.states.items() if state == ACTIVE]
