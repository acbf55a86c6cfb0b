"""Behaviour that depends on the emulated UniFi Network version.

Only the differences the scanner cares about are modelled. Each is a field of
`NetworkFeatures`, derived from the version string in one place, so that emulating another
release is a matter of adding a threshold here rather than scattering version checks through
the routes.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

_VERSION_RE = re.compile(r"^\d+(\.\d+){1,3}$")


class EventLog(enum.Enum):
    """How `stat/event` (the legacy REST event log) behaves."""

    SERVED = "served"
    """Before 10.0.162: the log holds every event; `within`, `_start`, `_limit` apply."""
    FROZEN = "frozen"
    """10.0.162 – 10.2.104: answers `rc: ok` but receives no new events (we answer no data)."""
    GONE = "gone"
    """10.2.105 and later (10.3.58 included): the endpoint answers 404 `api.err.NotFound`."""


_EVENT_LOG_FROZEN_FROM = (10, 0, 162)
_EVENT_LOG_GONE_FROM = (10, 2, 105)


def parse_version(version: str) -> tuple[int, ...]:
    """Parse `"10.3.58"` into `(10, 3, 58)`; raise `ValueError` for anything else."""
    if not _VERSION_RE.match(version):
        raise ValueError(f"not a UniFi Network version: {version!r} (expected e.g. '10.3.58')")
    return tuple(int(part) for part in version.split("."))


@dataclass(frozen=True)
class NetworkFeatures:
    """What a given UniFi Network version serves, as far as the emulator models it."""

    version: str
    event_log: EventLog

    @property
    def build(self) -> str:
        """The `build` string that `stat/sysinfo` reports next to `version`."""
        return f"atag_{self.version}_{sum(parse_version(self.version)) * 977 % 100000:05d}"


def features_for(version: str) -> NetworkFeatures:
    """Return the feature set of UniFi Network `version`."""
    parsed = parse_version(version)
    if parsed >= _EVENT_LOG_GONE_FROM:
        event_log = EventLog.GONE
    elif parsed >= _EVENT_LOG_FROZEN_FROM:
        event_log = EventLog.FROZEN
    else:
        event_log = EventLog.SERVED
    return NetworkFeatures(version=version, event_log=event_log)
