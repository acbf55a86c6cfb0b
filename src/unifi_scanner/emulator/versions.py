"""Behaviour that depends on the emulated UniFi Network version (protocol reference §2 timeline).

Only the differences the scanner cares about are modelled. Each is a field of
`NetworkFeatures`, derived from the version string in one place, so that emulating another
release is a matter of adding a threshold here rather than scattering version checks through
the routes.

| version | change |
|---|---|
| 9.3.45 | `stat/ips/event` answers `[]`; threats appear in the system log (SECURITY) instead |
| 10.0.0 | `/status` loses `server_version`; `list/alarm` / `stat/alarm` are gone |
| 10.0.162 | `stat/event` answers `rc: ok` but receives no new events |
| 10.2.105 | `stat/event` and `stat/ips/event` answer 404 |
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


class IpsLog(enum.Enum):
    """How `stat/ips/event` behaves."""

    SERVED = "served"
    """Before 9.3.45: every IDS/IPS alert, filtered by `start`/`end`."""
    EMPTY = "empty"
    """9.3.45 – 10.2.104: `rc: ok` with no data; threats live in the system log."""
    GONE = "gone"
    """10.2.105 and later: 404 `api.err.NotFound`."""


_IPS_LOG_EMPTY_FROM = (9, 3, 45)
_ALARMS_GONE_FROM = (10, 0, 0)
_EVENT_LOG_FROZEN_FROM = (10, 0, 162)
_EVENT_LOG_GONE_FROM = (10, 2, 105)
_SYSTEM_LOG_FROM = (9, 0, 0)


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
    ips_log: IpsLog = IpsLog.GONE
    alarms: bool = False
    """Whether `list/alarm` / `stat/alarm` are served (9.x) or gone (10.x)."""
    system_log: bool = True
    """Whether the v2 `system-log/{class}` endpoint exists (9.0 and later)."""
    threats_in_system_log: bool = True
    """Whether IDS/IPS alerts appear in the system log's SECURITY category (9.3.45 on)."""
    status_has_version: bool = False
    """Whether classic `/status` still reports `server_version` (before 10.0)."""

    @property
    def previous_version(self) -> str:
        """The release before this one, as `stat/sysinfo` reports it after an update."""
        parts = parse_version(self.version)
        earlier = (*parts[:-1], max(0, parts[-1] - 7))
        return ".".join(str(part) for part in earlier)

    @property
    def build(self) -> str:
        """The `build` string that `stat/sysinfo` reports next to `version`."""
        return f"atag_{self.version}_{sum(parse_version(self.version)) * 977 % 100000:05d}"


def features_for(version: str) -> NetworkFeatures:
    """Return the feature set of UniFi Network `version`."""
    parsed = parse_version(version)
    if parsed >= _EVENT_LOG_GONE_FROM:
        event_log, ips_log = EventLog.GONE, IpsLog.GONE
    elif parsed >= _EVENT_LOG_FROZEN_FROM:
        event_log, ips_log = EventLog.FROZEN, IpsLog.EMPTY
    else:
        event_log = EventLog.SERVED
        ips_log = IpsLog.EMPTY if parsed >= _IPS_LOG_EMPTY_FROM else IpsLog.SERVED
    return NetworkFeatures(
        version=version,
        event_log=event_log,
        ips_log=ips_log,
        alarms=parsed < _ALARMS_GONE_FROM,
        system_log=parsed >= _SYSTEM_LOG_FROM,
        threats_in_system_log=parsed >= _IPS_LOG_EMPTY_FROM,
        status_has_version=parsed < _ALARMS_GONE_FROM,
    )
