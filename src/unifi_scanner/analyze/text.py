"""Small helpers for plain-English text: counts, durations, lists of names, radio bands."""

from __future__ import annotations

from collections.abc import Sequence


def times(count: int) -> str:
    """``once``, ``twice``, ``3 times``."""
    return "once" if count == 1 else "twice" if count == 2 else f"{count} times"


def article(noun: str) -> str:
    """``a`` or ``an`` for the noun as it is spoken (good enough for our own nouns)."""
    return "an" if noun[:1].lower() in "aeio" else "a"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``1 client``, ``4 clients``."""
    word = singular if count == 1 else (plural_form or f"{singular}s")
    return f"{count} {word}"


def duration(seconds: float) -> str:
    """``45 s``, ``21 min``, ``2 h 5 min``, ``3 d 4 h``."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def names(items: Sequence[str], *, limit: int = 5) -> str:
    """``A``, ``A and B``, ``A, B and C``, ``A, B, C, D, E and 7 more``."""
    if not items:
        return "none"
    if len(items) == 1:
        return items[0]
    if len(items) <= limit:
        return f"{', '.join(items[:-1])} and {items[-1]}"
    return f"{', '.join(items[:limit])} and {len(items) - limit} more"


#: ``radio`` codes of events and records to the band people know.
BANDS = {"ng": "2.4 GHz", "na": "5 GHz", "6e": "6 GHz"}


def band(radio: str | None) -> str:
    """``5 GHz`` for ``na``; unknown codes as they came, ``an unknown band`` for none."""
    if not radio:
        return "an unknown band"
    return BANDS.get(radio, radio)


def number(value: float) -> str:
    """``66`` or ``66.5``: no trailing ``.0``."""
    rounded = round(value, 1)
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:.1f}"


def channels(numbers: Sequence[str]) -> str:
    """``channel 36``, ``channels 36 and 149``: the noun once, in the number it needs
    ("channel 36 and channel 149" reads like two different things)."""
    if not numbers:
        return "an unrecorded channel"
    return f"{'channel' if len(numbers) == 1 else 'channels'} {names(list(numbers))}"


def ports(numbers: Sequence[str]) -> str:
    """``port 5``, ``ports 3 and 5``, ``ports 1, 2, 3, 4, 5 and 9 more``."""
    if not numbers:
        return "an unrecorded port"
    return f"{'port' if len(numbers) == 1 else 'ports'} {names(list(numbers))}"
