"""Turning report values into safe, readable words: times in a zone, names, counts.

Every string that came from a controller (names, signatures, messages) is untrusted.
:func:`clean` strips control and bidirectional-override characters so a hostile hostname cannot
rewrite a terminal or reorder a line; :func:`one_line` also folds line breaks and tabs, so a
name cannot start a line of its own and pose as a heading in text or Markdown; :func:`clip`
keeps a 10 kB hostname from filling a page (the whole value stays in ``report.json``).
Escaping for HTML and Markdown is the renderers' job; these helpers only make text plain.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"\s+")

SEVERITIES = ("severe", "medium", "low")
SEVERITY_LABELS = {"severe": "Severe", "medium": "Medium", "low": "Low"}


def clean(text: object) -> str:
    """Text without control characters or bidi overrides (safe for terminals and mail)."""
    return _UNSAFE.sub("", str(text))


def one_line(text: object) -> str:
    """:func:`clean` text on one line: line breaks and tabs become single spaces."""
    return _SPACES.sub(" ", clean(text)).strip()


def clip(text: object, limit: int) -> str:
    """:func:`one_line` text of at most ``limit`` characters, ending in ``…`` when cut."""
    flat = one_line(text)
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


#: The longest unbroken run of characters shown: a word longer than this cannot be wrapped
#: on a phone, so it is cut (names inside a sentence included).
WORD_LIMIT = 48
_LONG_WORD = re.compile(rf"\S{{{WORD_LIMIT + 1},}}")


def tame(text: object, limit: int) -> str:
    """:func:`one_line` text, no word longer than :data:`WORD_LIMIT`, at most ``limit`` long."""
    flat = _LONG_WORD.sub(lambda m: m.group(0)[: WORD_LIMIT - 1] + "…", one_line(text))
    return clip(flat, limit)


def zone(name: str | None) -> tzinfo:
    """The IANA zone ``name`` (``Europe/Berlin``); UTC for None, ``""`` or an unknown name.

    A report must render even when it names a zone this machine does not know: its times
    are then shown in UTC, and :func:`zone_label` says so.
    """
    if not name or name.upper() == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def moment(iso_text: str, tz: tzinfo | None = None) -> datetime:
    """An ISO 8601 time of the report (``…Z``) in ``tz`` (the machine's zone when None)."""
    return datetime.fromisoformat(iso_text.replace("Z", "+00:00")).astimezone(tz)


def local_time(iso_text: str, tz: tzinfo | None = None, *, with_date: bool = True) -> str:
    """``Sat 28 Nov 2026 14:05`` in ``tz`` (the machine's zone when None)."""
    return moment(iso_text, tz).strftime("%a %d %b %Y %H:%M" if with_date else "%H:%M")


def span(first: str, last: str, tz: tzinfo | None = None) -> str:
    """``Sat 28 Nov 2026 14:05`` or ``… 14:05 – 16:40`` or across days in full."""
    a, b = moment(first, tz), moment(last, tz)
    if a.replace(second=0, microsecond=0) == b.replace(second=0, microsecond=0):
        return local_time(first, tz)
    if a.date() == b.date():
        return f"{local_time(first, tz)} – {b.strftime('%H:%M')}"
    return f"{local_time(first, tz)} – {local_time(last, tz)}"


def zone_label(tz: tzinfo | None = None) -> str:
    """``Europe/Berlin`` for an IANA zone, else its abbreviation (``UTC``, ``CET``)."""
    key = getattr(tz, "key", None)
    if isinstance(key, str) and key:
        return key
    now = datetime.now().astimezone(tz)
    return now.strftime("%Z") or now.strftime("UTC%z")


def flavour_label(flavour: str) -> str:
    """How people call the kind of controller."""
    return {"unifi-os": "UniFi OS", "classic": "classic controller"}.get(flavour, clean(flavour))


def count(value: int) -> str:
    """``1,234``."""
    return f"{value:,}"


def percent(value: float | None) -> str:
    """``42 %`` (rounded); ``–`` when unknown."""
    return "–" if value is None else f"{round(value)} %"


def celsius(value: float | None) -> str:
    """``61 °C``; ``–`` when unknown."""
    return "–" if value is None else f"{round(value)} °C"


def uptime(seconds: float | None) -> str:
    """``52 d``, ``7 h``, ``12 min``; ``–`` when unknown."""
    if seconds is None:
        return "–"
    if seconds >= 2 * 86_400:
        return f"{int(seconds // 86_400)} d"
    if seconds >= 3_600:
        return f"{int(seconds // 3_600)} h"
    return f"{int(seconds // 60)} min"
