"""Typed records for what a controller sends: the event document, sites, sysinfo."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar, dataclass_transform


class Flavour(enum.StrEnum):
    """Which kind of controller answers: a UniFi OS console or a classic Network Application."""

    UNIFI_OS = "unifi-os"
    CLASSIC = "classic"


def ms_to_datetime(ms: int) -> datetime:
    """Epoch milliseconds (the controller's unit for event ``time``) as an aware UTC datetime."""
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


_T = TypeVar("_T")


@dataclass_transform(frozen_default=True)
def hot_record(cls: type[_T]) -> type[_T]:
    """A frozen dataclass for the type checker, a plain slotted one at run time.

    For records built once per frame or event received, stored or analysed: a frozen
    dataclass's ``__init__`` sets each field through ``object.__setattr__`` (2.7 µs for an
    :class:`Event` against 0.6). Assignment to a field is still an error under mypy, which
    is where it is caught.
    """
    return dataclass(slots=True, unsafe_hash=True)(cls)


@hot_record
class Event:
    """One controller event (``EVT_*`` document) as it was received.

    ``time_ms`` is the controller's own event time; ``received_ms`` is when this process got it.
    The two are never interchanged: a report places events by ``time_ms`` only.
    """

    identity: str
    key: str
    subsystem: str
    site: str
    time_ms: int
    received_ms: int
    source: str
    payload: Mapping[str, Any]

    @property
    def time(self) -> datetime:
        return ms_to_datetime(self.time_ms)

    @property
    def received_at(self) -> datetime:
        return ms_to_datetime(self.received_ms)

    def text(self, field: str) -> str | None:
        """A payload field as text (controllers send channels and ports as str or int)."""
        value = self.payload.get(field)
        if value is None or isinstance(value, (dict, list)):
            return None
        return str(value)


@dataclass(frozen=True, slots=True)
class Site:
    """A site of the controller: ``name`` is the short name used in URLs, ``desc`` the label."""

    id: str
    name: str
    desc: str


@dataclass(frozen=True, slots=True)
class SysInfo:
    """What ``stat/sysinfo`` says about the Network application."""

    version: str
    hostname: str
    timezone: str | None
    name: str | None
