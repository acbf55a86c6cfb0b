"""Which event sources a controller offers, decided from its Network application version.

The WebSocket carries events on every version and is always used. For history and
back-fill: Network 9.x serves WiFi events over ``stat/event``; from 10.0.162 ``stat/event``
stops receiving new events and from 10.2.105/10.3.58 it answers 404, while the v2
``system-log`` is the REST source of events on 10.x.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_VERSION = re.compile(r"^\s*v?(\d+)\.(\d+)(?:\.(\d+))?")


@dataclass(frozen=True, order=True, slots=True)
class NetworkVersion:
    major: int
    minor: int
    patch: int = 0

    @classmethod
    def parse(cls, text: str) -> NetworkVersion | None:
        """``10.3.58`` (or ``v9.3.45``, ``10.0.162-abc``); None if it is not a version."""
        match = _VERSION.match(text or "")
        if match is None:
            return None
        major, minor, patch = match.groups()
        return cls(int(major), int(minor), int(patch or 0))

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"


STAT_EVENT_FROZEN = NetworkVersion(10, 0, 162)


@dataclass(frozen=True, slots=True)
class EventSources:
    """Where events come from for one controller, and why (shown by ``check``)."""

    websocket: bool
    stat_event: bool
    system_log: bool
    reason: str

    @property
    def names(self) -> list[str]:
        chosen = ["websocket"] if self.websocket else []
        if self.stat_event:
            chosen.append("stat/event")
        if self.system_log:
            chosen.append("system-log")
        return chosen


def event_sources(version: str) -> EventSources:
    """The sources to use for a controller reporting Network ``version``."""
    parsed = NetworkVersion.parse(version)
    if parsed is None:
        return EventSources(
            websocket=True,
            stat_event=True,
            system_log=True,
            reason=f"unknown Network version {version!r}: WebSocket, and both REST sources "
            "are tried",
        )
    if parsed < STAT_EVENT_FROZEN:
        return EventSources(
            websocket=True,
            stat_event=True,
            system_log=False,
            reason=f"Network {parsed} still serves WiFi events over stat/event",
        )
    return EventSources(
        websocket=True,
        stat_event=False,
        system_log=True,
        reason=f"Network {parsed} sends WiFi events only over the WebSocket; the v2 system "
        "log holds the history",
    )
