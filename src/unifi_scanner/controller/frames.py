"""Pure parsing of WebSocket frames and event documents: text in, typed events out.

No I/O here, so the live socket, ``replay``, REST polling and the tests share one parser and
it can be fuzzed without a server. Everything is untrusted: a frame that cannot be used raises
:class:`FrameError` (one short reason, no payload echoed); an event that cannot be used inside
an otherwise good frame is counted as rejected, never fatal to the frame.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson

from unifi_scanner.controller.models import Event, hot_record

#: ``meta.message`` of a frame that carries ``EVT_*`` documents.
EVENTS_MESSAGE = "events"

#: Payload fields naming the devices and clients an event is about, used for the stable
#: identity of events that arrive without an ``_id``.
SUBJECT_FIELDS = (
    "user",
    "guest",
    "ap",
    "ap_from",
    "ap_to",
    "sw",
    "gw",
    "dm",
    "xg",
    "src_ip",
    "dest_ip",
    "inner_alert_signature_id",
)

_OBJECT_ID = re.compile(r"[0-9a-fA-F]{24}")
# Earliest and latest plausible event times (2010 .. 2100) in ms: anything else is garbage.
_MIN_MS = 1_262_304_000_000
_MAX_MS = 4_102_444_800_000


class FrameError(ValueError):
    """A frame that cannot be used at all; the message says why in a few words."""


@hot_record  # one per frame received: a frozen dataclass costs a microsecond more
class Frame:
    """A decoded WebSocket message: ``meta.message`` and its ``data`` as a list of objects."""

    message: str
    meta: Mapping[str, Any]
    data: list[dict[str, Any]]


@dataclass(slots=True)
class ParsedEvents:
    """The events of one frame, and how many of its documents were unusable and why."""

    events: list[Event] = field(default_factory=list)
    rejected: int = 0
    reasons: list[str] = field(default_factory=list)


def parse_frame(raw: str | bytes) -> Frame:
    """Decode one WebSocket text frame into a :class:`Frame`.

    Tolerates what controllers really send: ``data`` before ``meta``, ``data`` as an object
    instead of a list, unknown keys, and non-object entries in ``data`` (dropped).
    """
    try:
        doc = orjson.loads(raw)
    except orjson.JSONDecodeError:
        # Only now: stripping a good frame would copy it, for every frame received.
        raise FrameError("empty frame" if not raw.strip() else "not JSON") from None
    if not isinstance(doc, dict):
        raise FrameError(f"expected a JSON object, got {type(doc).__name__}")
    meta = doc.get("meta")
    if not isinstance(meta, dict):
        raise FrameError("no meta object")
    message = meta.get("message")
    if not isinstance(message, str):
        raise FrameError("meta.message missing")
    data = doc.get("data", [])
    if isinstance(data, dict):
        items = [data]
    elif isinstance(data, list):
        items = [item for item in data if isinstance(item, dict)]
    else:
        items = []
    return Frame(message=message, meta=meta, data=items)


def events_from_frame(
    frame: Frame, *, site: str, received_ms: int, source: str = "websocket"
) -> ParsedEvents:
    """The events carried by an ``events`` frame (none for any other message type)."""
    result = ParsedEvents()
    if frame.message != EVENTS_MESSAGE:
        return result
    events = result.events
    for doc in frame.data:
        # The common shape (str key, int ms time, ObjectId) without the general path's calls:
        # this loop runs for every event the scanner ever receives.
        key, time_ms, object_id = doc.get("key"), doc.get("time"), doc.get("_id")
        if (
            type(key) is str
            and key
            and type(time_ms) is int
            and _MIN_MS <= time_ms <= _MAX_MS
            and type(object_id) is str
            and len(object_id) == 24
            and _OBJECT_ID.fullmatch(object_id)
        ):
            subsystem = doc.get("subsystem")
            events.append(
                Event(
                    object_id.lower(),
                    key,
                    subsystem if type(subsystem) is str else "",
                    site,
                    time_ms,
                    received_ms,
                    source,
                    doc,
                )
            )
            continue
        try:
            events.append(parse_event(doc, site=site, received_ms=received_ms, source=source))
        except FrameError as exc:
            result.rejected += 1
            result.reasons.append(str(exc))
    return result


def parse_event(doc: Mapping[str, Any], *, site: str, received_ms: int, source: str) -> Event:
    """One ``EVT_*`` document as an :class:`Event`; raises :class:`FrameError` if unusable.

    The event time is the controller's: ``time`` (ms), else ``datetime``, else ``timestamp``
    (seconds, IPS events). An event without any of them is rejected: receipt time is never
    substituted, because that would silently move events in the report.
    """
    key = doc.get("key")
    if not isinstance(key, str) or not key:
        raise FrameError("event without key")
    time_ms = event_time_ms(doc)
    if time_ms is None:
        raise FrameError(f"{key} without a usable time")
    subsystem = doc.get("subsystem")
    return Event(
        identity=event_identity(doc, site=site, key=key, time_ms=time_ms),
        key=key,
        subsystem=subsystem if isinstance(subsystem, str) else "",
        site=site,
        time_ms=time_ms,
        received_ms=received_ms,
        source=source,
        payload=doc,
    )


def event_time_ms(doc: Mapping[str, Any]) -> int | None:
    """The event's own time in epoch ms, from whichever field the controller filled."""
    raw = doc.get("time")
    ms = _as_int(raw)
    if ms is not None and _MIN_MS <= ms <= _MAX_MS:
        return ms
    text = doc.get("datetime")
    if isinstance(text, str):
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            parsed = None
        if parsed is not None:
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=UTC)
            ms = int(parsed.timestamp() * 1000)
            if _MIN_MS <= ms <= _MAX_MS:
                return ms
    seconds = _as_int(doc.get("timestamp"))
    if seconds is not None and _MIN_MS <= seconds * 1000 <= _MAX_MS:
        return seconds * 1000
    return None


def event_identity(doc: Mapping[str, Any], *, site: str, key: str, time_ms: int) -> str:
    """The controller's ``_id`` when it has one, else a stable hash of what the event is.

    The hash covers (site, key, time, subject MACs/IPs), so the same event seen again — after
    a reconnect, or from another source — gets the same identity.
    """
    object_id = doc.get("_id")
    if isinstance(object_id, str) and _OBJECT_ID.fullmatch(object_id):
        return object_id.lower()
    parts = [site, key, str(time_ms)]
    for name in SUBJECT_FIELDS:
        value = doc.get(name)
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            parts.append(f"{name}={str(value).lower()}")
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=12).hexdigest()
    return f"h:{digest}"


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None
