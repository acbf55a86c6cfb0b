"""The header of a log line: when it was written and by which UniFi device.

Pure functions, no I/O. Headers seen on UniFi gear (sources cited where they are used):

- RFC 3164 stamps without year or zone, ``Jul  5 14:29:55``, optionally after a ``<PRI>``.
  Busybox ``syslogd`` (UniFi access points) writes local files as
  ``<stamp> <hostname> <facility>.<priority> <message>`` (``syslogd.c``, ``timestamp_and_log``:
  ``"%s %.64s %s %s\\n"``), or ``<stamp> <message>`` with ``-S``.
- ISO 8601 stamps with an offset, ``2026-08-10T12:35:47-07:00``, as the first word of lines in
  UniFi OS ``/var/log/ulog/threat.log`` (the ``ucg-dash2`` monitor for a UCG Ultra reads the
  first word of each line as such a stamp).
- A UniFi device tag after the hostname, naming the device's MAC and firmware:
  ``0123456789aa,U6-Lite-6.7.17+15512:`` (6.x firmware, ``elastic/integrations``
  ``packages/ubnt_unifi`` samples), ``802aa849de91,UAP-AC-Lite-5.43.46+12754:``
  (``criblpacks/cribl-ubiquiti-syslog`` samples), ``U7LR,44d9e7f618f2,v4.3.21.11325:`` and
  ``("BZ2LR,00272250c119,v3.7.8.5016")`` (older firmware, Observium
  ``tests/IncludesSyslogTest.php``), ``UDM-RDC,f2e3fac05cfb,udm-1.11.0.3921`` (a UDM Pro, LogZilla
  Ubiquiti app notes).

A stamp without a year gets the latest year that does not put it more than
:data:`FUTURE_SLACK` after the moment the line was read: ``Dec 31 23:59:58`` read on 1 January
belongs to the year before, ``Jan  1 00:30:00`` read at 23:00 on 31 December (a device clock
running ahead) to the year after. A stamp without a zone is read in the zone the caller names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

#: How far past the reading moment a stamp may lie (device clocks run ahead) before it is
#: taken to belong to the previous year.
FUTURE_SLACK = timedelta(days=1)

# Earliest and latest plausible event times (2010 .. 2100) in ms: anything else is garbage.
MIN_MS = 1_262_304_000_000
MAX_MS = 4_102_444_800_000

_MONTHS = {
    name: number
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}

_HEADER = re.compile(
    r"^(?:<\d{1,3}>\s*)?"
    r"(?:(?P<mon>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +(?P<day>\d{1,2}) "
    r"(?P<hms>\d{2}:\d{2}:\d{2})(?:\.\d{1,9})?"
    r"|(?P<iso>\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?))"
    r"\s+(?P<rest>.*)$",
    re.DOTALL,
)
# ``0123456789aa,U6-Lite-6.7.17+15512:`` — MAC, model, firmware (6.x and later).
_TAG_MAC_FIRST = re.compile(
    r"(?P<mac>[0-9A-Fa-f]{12}),(?P<model>[A-Za-z0-9][\w-]*?)-"
    r"(?P<version>\d+\.\d+\.\d+(?:\.\d+)?(?:\+\d+)?):"
)
# ``U7LR,44d9e7f618f2,v4.3.21.11325:`` / ``("BZ2LR,00272250c119,v3.7.8.5016")``.
_TAG_MODEL_FIRST = re.compile(
    r'\(?"?(?P<model>[A-Za-z0-9][\w-]*),(?P<mac>[0-9A-Fa-f]{12}),'
    r'(?P<version>[A-Za-z-]*\d[\w.+-]*?)"?\)?:?(?=\s|$)'
)
_FACILITY_PRIORITY = re.compile(r"[a-z0-9]+\.[a-z]+")
# Only the first words of a line can hold the device tag; bounding the search keeps a long
# message from being scanned for one.
_TAG_WINDOW = 160


@dataclass(frozen=True, slots=True)
class LogLine:
    """One line split into its header and its message.

    ``time_ms`` is ``None`` when the line has no stamp this module knows (Suricata's own
    formats carry theirs inside the message). ``device_mac`` comes from a UniFi device tag,
    ``host`` from the word before the tag or the first word of a plain syslog line.
    """

    text: str
    message: str
    time_ms: int | None
    host: str | None = None
    device_mac: str | None = None
    device_model: str | None = None


def split_header(text: str, *, tz: tzinfo, reference_ms: int) -> LogLine:
    """Split ``text`` into stamp, host, device tag and message; never raises."""
    match = _HEADER.match(text)
    if match is None:
        return LogLine(text=text, message=text, time_ms=None)
    if match.group("iso") is not None:
        time_ms = iso_ms(match.group("iso"), tz)
    else:
        time_ms = bsd_ms(
            match.group("mon"), int(match.group("day")), match.group("hms"), tz, reference_ms
        )
    rest = match.group("rest")
    window = rest[:_TAG_WINDOW]
    tag = _TAG_MAC_FIRST.search(window) or _TAG_MODEL_FIRST.search(window)
    if tag is not None:
        before = window[: tag.start()].split()
        # The tag follows at most the hostname; deeper in the line it is message text.
        if len(before) <= 1:
            return LogLine(
                text=text,
                message=rest[tag.end() :].lstrip(" :"),
                time_ms=time_ms,
                host=before[0] if before else None,
                device_mac=colon_mac(tag.group("mac")),
                device_model=tag.group("model"),
            )
    host, message = _plain_host(rest)
    return LogLine(text=text, message=message, time_ms=time_ms, host=host)


def bsd_ms(month: str, day: int, hms: str, tz: tzinfo, reference_ms: int) -> int | None:
    """An RFC 3164 stamp (no year, no zone) in epoch ms, or ``None`` if it names no date."""
    hour, minute, second = (int(part) for part in hms.split(":"))
    reference = datetime.fromtimestamp(reference_ms / 1000, tz=tz)
    # Latest first: a device clock slightly ahead at New Year stamps the next year's date.
    for year in (reference.year + 1, reference.year, reference.year - 1):
        try:
            moment = datetime(year, _MONTHS[month], day, hour, minute, second, tzinfo=tz)
        except ValueError:
            continue  # 29 February outside a leap year, day 31 of a short month, hour 24
        if moment <= reference + FUTURE_SLACK:
            return plausible_ms(int(moment.timestamp() * 1000))
    return None


def iso_ms(text: str, tz: tzinfo) -> int | None:
    """An ISO 8601 stamp in epoch ms; without an offset it is read in ``tz``."""
    try:
        moment = datetime.fromisoformat(text.replace(",", "."))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    try:
        return plausible_ms(int(moment.timestamp() * 1000))
    except (OverflowError, ValueError):
        return None


def colon_mac(value: str) -> str:
    """``802aa849de91`` → ``80:2a:a8:49:de:91``; a MAC with separators is only lower-cased."""
    compact = value.lower().replace(":", "").replace("-", "")
    if len(compact) != 12:
        return value.lower()
    return ":".join(compact[i : i + 2] for i in range(0, 12, 2))


def _plain_host(rest: str) -> tuple[str | None, str]:
    """``UDM-Pro mcad[5277]: …`` → host ``UDM-Pro``; busybox adds ``user.info`` after it."""
    words = rest.split(" ", 2)
    first = words[0]
    if len(words) < 2 or not first or first.endswith(":") or "[" in first:
        return None, rest
    if len(words) == 3 and _FACILITY_PRIORITY.fullmatch(words[1]):
        return first, words[2]
    return first, rest[len(first) + 1 :]


def plausible_ms(ms: int) -> int | None:
    """``ms`` if it lies between 2010 and 2100, else ``None`` (a garbled or unset clock)."""
    return ms if MIN_MS <= ms <= MAX_MS else None
