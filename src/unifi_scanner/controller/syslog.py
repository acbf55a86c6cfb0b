"""Pure parsing of log lines read from UniFi consoles and devices: text in, events out.

No I/O here, so the SSH source, a future syslog receiver and the tests share one parser and it
can be fuzzed without a server. A line goes through three steps:

1. :func:`~.syslog_header.split_header` takes the stamp (RFC 3164 without year or zone, or
   ISO 8601), the hostname and the UniFi device tag off the front;
2. the first entry of :data:`PATTERNS` whose expression is found in the message decides what
   the line means (the formats and where they were seen are documented on each handler);
3. the draft becomes an :class:`~.models.Event` whose identity is
   :func:`~.frames.event_identity` of (site, key, time, subject MACs/IPs), so the same line read
   twice — after a reconnect, from the rotated copy of a file — is the same event.

Nothing here raises on input: every line is counted as an event, a duplicate, recognised but
without an event (``ignored``), recognised but unusable (``rejected``, with a short reason that
never echoes the line), or ``unmatched``. Adding a format is one handler and one table entry.

:class:`SyslogParser` remembers a little across lines of one file: one access point reports a
single join through several daemons (hostapd, ``stahtd``, ``wevent``), so a second report of
the same client event within :data:`DUPLICATE_WINDOW_MS` is dropped; and a disconnect that
follows a connect on the same AP gets the session ``duration`` the rules use.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any

from unifi_scanner.controller.frames import event_identity
from unifi_scanner.controller.models import Event
from unifi_scanner.controller.syslog_formats import (
    MAC,
    WU_CONNECTED,
    WU_DISCONNECTED,
    WU_ROAM,
    Draft,
    LineRejected,
    LineScope,
    Pattern,
    dfs_new_channel,
    dfs_radar,
    hostapd_station,
    stahtd,
    wevent,
)
from unifi_scanner.controller.syslog_header import split_header
from unifi_scanner.controller.syslog_suricata import (
    EVE_RECORD,
    FAST_ALERT,
    suricata_eve,
    suricata_fast,
)

#: Lines longer than this are rejected unread: no UniFi daemon writes them, and bounding the
#: input bounds the work of every pattern.
MAX_LINE_CHARS = 65_536
#: A second report of the same client event (same key, client and AP) within this window is
#: the same join or leave seen by another daemon.
DUPLICATE_WINDOW_MS = 10_000
#: How many clients the parser remembers for duplicates and session durations.
MAX_TRACKED_CLIENTS = 4096
#: Distinct rejection reasons kept per batch (each with its count).
MAX_REASONS = 32

PATTERNS: tuple[Pattern, ...] = (
    Pattern(
        "stahtd",
        re.compile(r"stahtd_dump_event\(\):\s*(?=\{)"),
        stahtd,
        "UniFi AP firmware 4.x-6.x: elastic/integrations ubnt_unifi samples, "
        "criblpacks/cribl-ubiquiti-syslog samples, Observium tests/IncludesSyslogTest.php",
    ),
    Pattern(
        "hostapd-station",
        re.compile(
            rf"(?:(?P<iface>[\w.-]+): )?AP-STA-(?P<what>CONNECTED|DISCONNECTED) (?P<sta>{MAC})"
        ),
        hostapd_station,
        "hostapd control events (src/common/wpa_ctrl.h) as logged by hostapd-based APs",
    ),
    Pattern(
        "hostapd-dfs-radar",
        re.compile(r"(?:(?P<iface>[\w.-]+): )?DFS-RADAR-DETECTED (?P<params>.*)"),
        dfs_radar,
        "hostapd src/ap/dfs.c",
    ),
    Pattern(
        "hostapd-dfs-new-channel",
        re.compile(r"(?:(?P<iface>[\w.-]+): )?DFS-NEW-CHANNEL (?P<params>.*)"),
        dfs_new_channel,
        "hostapd src/ap/dfs.c",
    ),
    Pattern(
        "wevent",
        re.compile(rf"EVENT_STA_(?P<what>JOIN|LEAVE|IP) (?P<iface>[\w.-]+): (?P<sta>{MAC})"),
        wevent,
        "UniFi AP firmware 3.x/4.x: Observium tests/IncludesSyslogTest.php",
    ),
    Pattern("suricata-fast", FAST_ALERT, suricata_fast, "Suricata src/alert-fastlog.c"),
    Pattern("suricata-eve", EVE_RECORD, suricata_eve, "Suricata EVE JSON format"),
)

_CLIENT_KEYS = frozenset({WU_CONNECTED, WU_DISCONNECTED, WU_ROAM})
_Subject = tuple[str, str | None]


@dataclass(frozen=True, slots=True)
class LineContext:
    """Where lines come from and how to read their stamps.

    ``received_ms`` is when the lines were read; it decides the year of stamps that have none.
    ``tz`` is the zone of stamps without an offset (the device's configured time zone).
    ``device_mac``/``device_name`` name the device whose file this is, for lines that do not
    carry a device tag themselves (a console's or an AP's own ``/var/log/messages``).
    """

    site: str
    tz: tzinfo
    received_ms: int
    device_mac: str | None = None
    device_name: str | None = None
    source: str = "ssh"


@dataclass(slots=True)
class ParsedLines:
    """The events of a batch of lines and what became of the others.

    ``lines == len(events) + duplicates + ignored + rejected + unmatched`` always holds.
    ``formats`` counts recognised lines by pattern name; ``reasons`` counts rejections.
    """

    events: list[Event] = field(default_factory=list)
    lines: int = 0
    duplicates: int = 0
    ignored: int = 0
    rejected: int = 0
    unmatched: int = 0
    formats: dict[str, int] = field(default_factory=dict)
    reasons: dict[str, int] = field(default_factory=dict)

    def reject(self, reason: str) -> None:
        self.rejected += 1
        if reason in self.reasons or len(self.reasons) < MAX_REASONS:
            self.reasons[reason] = self.reasons.get(reason, 0) + 1


class SyslogParser:
    """Turns the lines of one log file into events; keep one per file across polls."""

    def __init__(
        self,
        patterns: Iterable[Pattern] = PATTERNS,
        *,
        duplicate_window_ms: int = DUPLICATE_WINDOW_MS,
        max_tracked_clients: int = MAX_TRACKED_CLIENTS,
    ) -> None:
        self._patterns = tuple(patterns)
        self._window_ms = duplicate_window_ms
        self._max_tracked = max_tracked_clients
        self._last: OrderedDict[_Subject, tuple[str, int]] = OrderedDict()
        self._joined: OrderedDict[_Subject, int] = OrderedDict()

    def parse(self, lines: Iterable[str], context: LineContext) -> ParsedLines:
        """Parse ``lines`` (without or with their line ends) in file order."""
        result = ParsedLines()
        scope = LineScope(context.device_mac, context.device_name, context.tz)
        seen: set[str] = set()
        for text in lines:
            self._line(text, context, scope, result, seen)
        return result

    def _line(
        self,
        text: str,
        context: LineContext,
        scope: LineScope,
        out: ParsedLines,
        seen: set[str],
    ) -> None:
        out.lines += 1
        text = text.rstrip("\r\n")
        if not text.strip():
            out.ignored += 1
            return
        if len(text) > MAX_LINE_CHARS:
            out.reject("line too long")
            return
        line = split_header(text, tz=context.tz, reference_ms=context.received_ms)
        for pattern in self._patterns:
            match = pattern.regex.search(line.message)
            if match is None:
                continue
            out.formats[pattern.name] = out.formats.get(pattern.name, 0) + 1
            try:
                draft = pattern.handler(match, line, scope)
            except LineRejected as exc:
                out.reject(f"{pattern.name}: {exc}")
                return
            if draft is None:
                out.ignored += 1
                return
            time_ms = draft.time_ms if draft.time_ms is not None else line.time_ms
            if time_ms is None:
                out.reject(f"{pattern.name}: no usable time stamp")
                return
            event = self._event(draft, time_ms, context)
            if event is None or event.identity in seen:
                out.duplicates += 1
            else:
                seen.add(event.identity)
                out.events.append(event)
            return
        out.unmatched += 1

    def _event(self, draft: Draft, time_ms: int, context: LineContext) -> Event | None:
        doc: dict[str, Any] = dict(draft.fields)
        if draft.key in _CLIENT_KEYS and not self._track(draft.key, doc, time_ms):
            return None
        doc.update(
            key=draft.key,
            subsystem=draft.subsystem,
            time=time_ms,
            datetime=datetime.fromtimestamp(time_ms / 1000, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            msg=draft.msg,
        )
        return Event(
            identity=event_identity(doc, site=context.site, key=draft.key, time_ms=time_ms),
            key=draft.key,
            subsystem=draft.subsystem,
            site=context.site,
            time_ms=time_ms,
            received_ms=context.received_ms,
            source=context.source,
            payload=doc,
        )

    def _track(self, key: str, doc: dict[str, Any], time_ms: int) -> bool:
        """Remember a client event; ``False`` if it repeats the previous one for this client.

        Only the *previous* event counts: connect, disconnect, connect within seconds is a
        real short session and is kept; connect, connect is one join reported twice. A report
        with the very same time passes here: it has the same identity, so within a batch
        :meth:`parse` drops it by identity, and in a later batch it is what re-reading lines
        after a failed store looks like — dropping it then would lose the event (the store
        merges it if it did arrive).
        """
        user = doc.get("user")
        if not isinstance(user, str):
            return True
        ap = doc.get("ap")
        subject = (user, ap if isinstance(ap, str) else None)
        last = self._last.get(subject)
        if last is not None and last[0] == key and 0 < time_ms - last[1] <= self._window_ms:
            return False
        self._remember(self._last, subject, (key, time_ms))
        if key == WU_CONNECTED:
            self._remember(self._joined, subject, time_ms)
        elif key == WU_DISCONNECTED:
            joined = self._joined.pop(subject, None)
            if joined is not None and time_ms >= joined and "duration" not in doc:
                doc["duration"] = (time_ms - joined) // 1000
        return True

    def _remember(self, table: OrderedDict[_Subject, Any], subject: _Subject, value: Any) -> None:
        table[subject] = value
        table.move_to_end(subject)
        while len(table) > self._max_tracked:
            table.popitem(last=False)


def parse_lines(lines: Iterable[str], context: LineContext) -> ParsedLines:
    """Parse one batch with a fresh :class:`SyslogParser` (no memory of earlier batches)."""
    return SyslogParser().parse(lines, context)
