"""When reports go out: 5-field cron expressions and named presets, in an IANA time zone.

``minute hour day-of-month month day-of-week`` with ``*``, lists (``1,15``), ranges
(``1-5``), steps (``*/15``, ``8-18/2``) and names (``mon``, ``jan``); day of week 0 or 7 is
Sunday. As in Vixie cron, when both day fields are restricted a day matching either runs.

Times are local to the schedule's zone, and daylight-saving changes are handled the way
people expect: a time that does not exist that day (02:30 when clocks jump from 02:00 to
03:00) still runs, as long after the jump as it would have been (03:30), and a time that
happens twice (the autumn hour) runs once, the first time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

PRESETS = {
    "hourly": "0 * * * *",
    "daily_8am": "0 8 * * *",
    "daily_6pm": "0 18 * * *",
    "weekly_monday_8am": "0 8 * * 1",
    "weekly_friday_5pm": "0 17 * * 5",
    "@hourly": "0 * * * *",
    "@daily": "0 0 * * *",
    "@weekly": "0 0 * * 0",
    "@monthly": "0 0 1 * *",
}

_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
# (name, lowest, highest, names for the values from `lowest` on)
_FIELDS = (
    ("minute", 0, 59, None),
    ("hour", 0, 23, None),
    ("day of month", 1, 31, None),
    ("month", 1, 12, _MONTHS),
    ("day of week", 0, 7, _DAYS),
)
_SEARCH_DAYS = 366 * 8  # long enough for "29 Feb on a Monday"


class ScheduleError(ValueError):
    """A schedule that cannot be understood; the message says what is wrong."""


@dataclass(frozen=True)
class Schedule:
    """A parsed schedule: use :meth:`parse`, then :meth:`next_after`."""

    expression: str
    zone: ZoneInfo
    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]  # 0 = Sunday
    any_day: bool
    any_weekday: bool

    @classmethod
    def parse(cls, text: str, zone: str | ZoneInfo) -> Schedule:
        """A preset name (``daily_8am``…) or a 5-field cron expression, in ``zone``."""
        expression = PRESETS.get(text.strip().lower(), text.strip())
        parts = expression.split()
        if len(parts) != 5:
            raise ScheduleError(
                f"schedule {text!r}: expected 5 fields (minute hour day month weekday) or one "
                f"of {', '.join(p for p in PRESETS if not p.startswith('@'))}"
            )
        values = [
            _parse_field(part, *spec, original=text)
            for part, spec in zip(parts, _FIELDS, strict=True)
        ]
        weekdays = frozenset(0 if day == 7 else day for day in values[4])
        return cls(
            expression=expression,
            zone=zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone),
            minutes=tuple(sorted(values[0])),
            hours=tuple(sorted(values[1])),
            days=frozenset(values[2]),
            months=frozenset(values[3]),
            weekdays=weekdays,
            any_day=parts[2] == "*",
            any_weekday=parts[4] == "*",
        )

    def next_after(self, moment: datetime) -> datetime:
        """The first run strictly after ``moment`` (aware), as an aware time in the zone."""
        after = moment.astimezone(UTC)
        local = after.astimezone(self.zone).replace(tzinfo=None, second=0, microsecond=0)
        for day in self._days_from(local.date()):
            for hour in self.hours:
                for minute in self.minutes:
                    naive = datetime(day.year, day.month, day.day, hour, minute)
                    if naive < local:
                        continue
                    # fold=0: the first of a repeated hour; in a skipped hour, the old offset
                    # (02:30 becomes 03:30).
                    instant = naive.replace(tzinfo=self.zone, fold=0).astimezone(UTC)
                    if instant > after:
                        return instant.astimezone(self.zone)
        raise ScheduleError(f"schedule {self.expression!r} never runs")

    def describe(self) -> str:
        return f"{self.expression} ({self.zone.key})"

    def _days_from(self, first: date) -> Iterator[date]:
        for offset in range(_SEARCH_DAYS):
            day = first + timedelta(days=offset)
            if day.month in self.months and self._day_matches(day):
                yield day

    def _day_matches(self, day: date) -> bool:
        weekday = (day.weekday() + 1) % 7  # Python: Monday 0; cron: Sunday 0
        if self.any_day and self.any_weekday:
            return True
        if self.any_day:
            return weekday in self.weekdays
        if self.any_weekday:
            return day.day in self.days
        return day.day in self.days or weekday in self.weekdays


def _parse_field(
    part: str, name: str, low: int, high: int, names: list[str] | None, *, original: str
) -> set[int]:
    result: set[int] = set()
    for item in part.split(","):
        body, _, step_text = item.partition("/")
        try:
            step = int(step_text) if step_text else 1
        except ValueError:
            step = 0
        if step < 1:
            raise ScheduleError(f"schedule {original!r}: bad step {item!r} in the {name} field")
        if body == "*":
            first, last = low, high
        elif "-" in body:
            start, _, end = body.partition("-")
            first, last = _value(start, name, names, original), _value(end, name, names, original)
        else:
            first = _value(body, name, names, original)
            last = high if step_text else first
        if not low <= first <= last <= high:
            raise ScheduleError(
                f"schedule {original!r}: {item!r} is outside {low}-{high} in the {name} field"
            )
        result.update(range(first, last + 1, step))
    return result


def _value(text: str, name: str, names: list[str] | None, original: str) -> int:
    if names is not None and text.lower()[:3] in names and not text.isdigit():
        offset = 1 if names is _MONTHS else 0
        return names.index(text.lower()[:3]) + offset
    try:
        return int(text)
    except ValueError:
        raise ScheduleError(f"schedule {original!r}: {text!r} is not a valid {name}") from None


async def sleep_until(moment: datetime, *, clock: Callable[[], float] = time.time) -> None:
    """Sleep until the wall clock reaches ``moment``.

    In short steps against the wall clock rather than one long monotonic sleep: after the
    machine was suspended, the monotonic clock has not moved, but the run is due.
    """
    target = moment.timestamp()
    while (left := target - clock()) > 0:  # noqa: ASYNC110 - polling the wall clock is the point
        await asyncio.sleep(min(left, 30.0))
