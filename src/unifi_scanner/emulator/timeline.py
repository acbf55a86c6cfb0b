"""A scenario's output: events at scenario offsets plus the network state over time.

A `Timeline` is pure data built from a seed: nothing in it refers to wall time. `render`
anchors it at an absolute start time, producing the event documents exactly as they go on the
wire. The `StateHistory` answers "who was connected where, which device was up (and in which
state, on which firmware), which channel was a radio on, how hot was a switch" at any offset,
so that REST snapshots and sync frames agree with the events a client has seen so far.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from unifi_scanner.emulator.ids import object_id
from unifi_scanner.emulator.inventory import Inventory

T = TypeVar("T")


@dataclass(frozen=True)
class TimelineEvent:
    """One event, `offset_ms` after the scenario start, on site `site` (short name)."""

    offset_ms: int
    site: str
    key: str
    subsystem: str
    fields: Mapping[str, Any]
    msg: str
    is_negative: bool = False
    seconds_fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class Placement:
    """Where a connected client is. Wireless: `ap`/`radio`/`ssid`; wired: `switch`/`port`."""

    since_ms: int  # start of the current session
    ap: str | None = None
    radio: str | None = None
    ssid: str | None = None
    signal: int | None = None  # dBm
    switch: str | None = None
    port: int | None = None
    roam_count: int = 0


@dataclass(frozen=True)
class DeviceStatus:
    """Whether a device is reachable, since when, its `state` code and firmware.

    `state` follows stat/device: 0 disconnected, 1 connected, 4 upgrading, … (protocol
    reference §5). `version` None means the inventory's version still applies.
    """

    up: bool
    since_ms: int
    state: int = 1
    version: str | None = None

    def moved(self, since_ms: int, *, up: bool, state: int) -> DeviceStatus:
        """The status after a change at `since_ms`, keeping the firmware."""
        return DeviceStatus(up, since_ms, state, self.version)


class Track(Generic[T]):
    """A value that changes at increasing offsets; `at(t)` is the value in force at `t`."""

    def __init__(self, initial: T) -> None:
        self._offsets: list[int] = []
        self._values: list[T] = []
        self._initial = initial

    def set(self, offset_ms: int, value: T) -> None:
        """Record that the value becomes `value` at `offset_ms` (offsets must not decrease)."""
        if self._offsets and offset_ms < self._offsets[-1]:
            raise ValueError("track changes must be recorded in time order")
        self._offsets.append(offset_ms)
        self._values.append(value)

    def at(self, offset_ms: int) -> T:
        """The value in force at `offset_ms` (changes at exactly `offset_ms` included)."""
        index = bisect.bisect_right(self._offsets, offset_ms)
        return self._values[index - 1] if index else self._initial

    def last_change_before(self, offset_ms: int) -> int | None:
        """Offset of the last change at or before `offset_ms`, if any."""
        index = bisect.bisect_right(self._offsets, offset_ms)
        return self._offsets[index - 1] if index else None

    @property
    def changes(self) -> int:
        """How many changes were recorded."""
        return len(self._offsets)


class Ramp:
    """A quantity that moves linearly between points (a drifting temperature, a PoE draw).

    Before the first point it is 0; after the last it stays at the last value.
    """

    def __init__(self) -> None:
        self._offsets: list[int] = []
        self._values: list[float] = []

    def at(self, offset_ms: int) -> float:
        """The value at `offset_ms`, interpolated between the surrounding points."""
        index = bisect.bisect_right(self._offsets, offset_ms)
        if index == 0:
            return 0.0
        if index == len(self._offsets):
            return self._values[-1]
        (t0, t1), (v0, v1) = (
            self._offsets[index - 1 : index + 1],
            self._values[index - 1 : index + 1],
        )
        return v0 + (v1 - v0) * (offset_ms - t0) / (t1 - t0)

    def towards(self, now_ms: int, value: float, over_ms: int) -> None:
        """From `now_ms` (holding the current value), move to `value` within `over_ms`."""
        if self._offsets and now_ms < self._offsets[-1]:
            raise ValueError("a ramp can only be extended forward in time")
        current = self.at(now_ms)
        if not self._offsets or self._offsets[-1] != now_ms:
            self._offsets.append(now_ms)
            self._values.append(current)
        self._offsets.append(now_ms + max(1, over_ms))
        self._values.append(value)


@dataclass
class StateHistory:
    """Per-client placements, per-device status and per-radio channels over time, plus
    drifting levels (`levels[(device, name)]`), on/off conditions (`flags[(device, name)]`,
    e.g. `overheating`, `poe-cut:7`) and each gateway's active WAN interface."""

    clients: dict[str, Track[Placement | None]] = field(default_factory=dict)
    devices: dict[str, Track[DeviceStatus]] = field(default_factory=dict)
    channels: dict[tuple[str, str], Track[int]] = field(default_factory=dict)
    levels: dict[tuple[str, str], Ramp] = field(default_factory=dict)
    flags: dict[tuple[str, str], Track[bool]] = field(default_factory=dict)
    wan: dict[str, Track[str]] = field(default_factory=dict)

    def level(self, device: str, name: str, offset_ms: int) -> float:
        """Drift of quantity `name` on `device` at `offset_ms` (0 when it never drifted)."""
        ramp = self.levels.get((device, name))
        return ramp.at(offset_ms) if ramp else 0.0

    def flag(self, device: str, name: str, offset_ms: int) -> bool:
        """Whether condition `name` holds for `device` at `offset_ms`."""
        track = self.flags.get((device, name))
        return track.at(offset_ms) if track else False

    def active_wan(self, gateway: str, offset_ms: int) -> str | None:
        """The WAN interface `gateway` routes through at `offset_ms` (None: its only one)."""
        track = self.wan.get(gateway)
        return track.at(offset_ms) if track else None

    def placement(self, client: str, offset_ms: int) -> Placement | None:
        """Where client `client` (handle) is at `offset_ms`, or None when disconnected."""
        track = self.clients.get(client)
        return track.at(offset_ms) if track else None

    def status(self, device: str, offset_ms: int) -> DeviceStatus:
        """Status of device `device` (handle) at `offset_ms`."""
        return self.devices[device].at(offset_ms)

    def channel(self, device: str, radio: str, offset_ms: int) -> int:
        """Channel of `device`'s radio `radio` at `offset_ms`."""
        return self.channels[(device, radio)].at(offset_ms)


def format_datetime(time_ms: int) -> str:
    """`YYYY-MM-DDTHH:MM:SSZ` in UTC, as in the `datetime` field of events."""
    moment = dt.datetime.fromtimestamp(time_ms / 1000, dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Timeline:
    """Everything a scenario produced for one seed."""

    scenario: str
    seed: int
    duration_ms: int
    inventory: Inventory
    events: tuple[TimelineEvent, ...]
    history: StateHistory

    def truncated(self, duration_ms: int) -> Timeline:
        """This timeline cut at `duration_ms` (events at or after it are dropped)."""
        if duration_ms >= self.duration_ms:
            return self
        offsets = [event.offset_ms for event in self.events]
        kept = self.events[: bisect.bisect_left(offsets, duration_ms)]
        return dataclasses.replace(self, duration_ms=duration_ms, events=kept)

    def render_event(self, index: int, start_ms: int) -> dict[str, Any]:
        """The wire document of event `index` when the scenario starts at `start_ms`."""
        event = self.events[index]
        time_ms = start_ms + event.offset_ms
        site = self.inventory.site(event.site)
        if site is None:  # pragma: no cover - Simulation only emits for known sites
            raise KeyError(event.site)
        document = dict(event.fields)
        for name in event.seconds_fields:
            document[name] = time_ms // 1000
        document |= {
            "key": event.key,
            "subsystem": event.subsystem,
            "is_negative": event.is_negative,
            "site_id": site.id,
            "time": time_ms,
            "datetime": format_datetime(time_ms),
            "msg": event.msg,
            # Timestamp part from the event time; the rest from scenario, seed and position,
            # so replaying the same seed from the same start reproduces the same ids.
            "_id": object_id(time_ms // 1000, self.scenario, self.seed, index),
        }
        return document

    def render(self, start_ms: int) -> list[dict[str, Any]]:
        """All event documents, in time order, for a scenario starting at `start_ms`."""
        return [self.render_event(index, start_ms) for index in range(len(self.events))]
