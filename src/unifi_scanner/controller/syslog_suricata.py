"""Suricata alert formats (UniFi gateways run Suricata for IDS/IPS), as ``EVT_IPS_IpsAlert``.

Pure functions, no I/O; the handler contract is that of :mod:`.syslog_formats`. Fields follow
the controller's own IPS events (``inner_alert_signature``, ``inner_alert_signature_id``,
``inner_alert_severity`` = Suricata priority, ``inner_alert_category`` = classification,
``inner_alert_action``, ``src_ip``/``src_port``/``dest_ip``/``dest_port``, ``proto``, and
``timestamp`` in seconds), so the IPS rules treat them like alerts fetched over REST.
"""

from __future__ import annotations

import re
from datetime import datetime, tzinfo
from typing import Any

from unifi_scanner.controller.syslog_formats import (
    Draft,
    LineRejected,
    LineScope,
    as_int,
    as_text,
    json_object,
)
from unifi_scanner.controller.syslog_header import LogLine, iso_ms, plausible_ms

IPS_ALERT = "EVT_IPS_IpsAlert"

# Suricata's fast.log stamp, local time: ``02/01/2019-07:49:35.688758`` (month/day/year).
_FAST_STAMP = re.compile(
    r"^(?P<month>\d{2})/(?P<day>\d{2})/(?P<year>\d{4}|\d{2})-"
    r"(?P<hour>\d{2}):(?P<minute>\d{2}):(?P<second>\d{2})"
)

#: ``[**] [1:2100498:7] GPL ATTACK_RESPONSE id check returned root [**] [Classification:
#: Potentially Bad Traffic] [Priority: 2] {TCP} 217.160.0.187:80 -> 192.168.38.105:41612``
#: (a fast.log line quoted in clong/DetectionLab issue #190), optionally after ``[Drop] ``.
#: The signature text is bounded so that a hostile line cannot make the search quadratic.
FAST_ALERT = re.compile(
    r"(?:\[(?P<action>Drop|wDrop)\] )?(?:\[\*\*\] )?"
    r"\[(?P<gid>\d+):(?P<sid>\d+):(?P<rev>\d+)\] (?P<sig>.{1,1024}?) "
    r"(?:\[\*\*\] )?(?:\[Classification: (?P<cls>[^\]]*)\] )?"
    r"\[Priority: (?P<prio>\d+)\] \{(?P<proto>[^}]*)\} (?P<src>\S+) -> (?P<dst>\S+)"
)

#: Any EVE record; the handler keeps the alerts.
EVE_RECORD = re.compile(r'"event_type"\s*:\s*"[a-z_]+"')


def suricata_fast(match: re.Match[str], line: LogLine, scope: LineScope) -> Draft | None:
    """A Suricata ``fast.log`` alert line (``src/alert-fastlog.c``), or its syslog twin.

    ``%s  %s[**] [gid:sid:rev] msg [**] [Classification: %s] [Priority: %u] {proto} src:port ->
    dst:port`` where the second ``%s`` is ``[Drop] `` (dropped, IPS mode), ``[wDrop] `` (would
    have been dropped: IDS mode, let through) or empty. The syslog output
    (``alert-syslog.c``) is the same without stamp and ``[**]``.
    """
    source_ip, source_port = endpoint(match.group("src"))
    dest_ip, dest_port = endpoint(match.group("dst"))
    action = "blocked" if match.group("action") == "Drop" else "allowed"
    # A fast.log line has no syslog header: its own stamp starts the line.
    time_ms = fast_stamp_ms(line.text, scope.tz) if line.time_ms is None else None
    return ips_draft(
        signature=match.group("sig"),
        sid=match.group("sid"),
        gid=match.group("gid"),
        rev=match.group("rev"),
        category=match.group("cls") or "",
        priority=match.group("prio"),
        action=action,
        proto=match.group("proto"),
        app_proto=None,
        source=(source_ip, source_port),
        dest=(dest_ip, dest_port),
        time_ms=time_ms,
    )


def suricata_eve(match: re.Match[str], line: LogLine, scope: LineScope) -> Draft | None:
    """A Suricata EVE JSON record (``eve.json``), possibly after a syslog prefix.

    Only ``event_type: alert`` records become events (Suricata docs, "Eve JSON Format":
    ``alert.action`` ``allowed``/``blocked``, ``signature_id``, ``signature``, ``category``,
    ``severity``); flow, dns, stats … records are understood and skipped.
    """
    start = line.message.find("{")
    record = json_object(line.message, max(start, 0))
    if record.get("event_type") != "alert":
        return None
    alert = record.get("alert")
    if not isinstance(alert, dict) or alert.get("signature_id") is None:
        raise LineRejected("EVE alert without an alert object")
    stamp = record.get("timestamp")
    time_ms = iso_ms(stamp, scope.tz) if isinstance(stamp, str) else None
    return ips_draft(
        signature=str(alert.get("signature") or ""),
        sid=str(alert.get("signature_id")),
        gid=as_text(alert.get("gid")),
        rev=as_text(alert.get("rev")),
        category=str(alert.get("category") or ""),
        priority=as_text(alert.get("severity")),
        action=str(alert.get("action") or "allowed"),
        proto=as_text(record.get("proto")),
        app_proto=as_text(record.get("app_proto")),
        source=(as_text(record.get("src_ip")), as_int(record.get("src_port"))),
        dest=(as_text(record.get("dest_ip")), as_int(record.get("dest_port"))),
        time_ms=time_ms,
    )


def ips_draft(
    *,
    signature: str,
    sid: str,
    gid: str | None,
    rev: str | None,
    category: str,
    priority: str | None,
    action: str,
    proto: str | None,
    app_proto: str | None,
    source: tuple[str | None, int | None],
    dest: tuple[str | None, int | None],
    time_ms: int | None,
) -> Draft:
    """An ``EVT_IPS_IpsAlert`` with the ``inner_alert_*`` fields the controller uses."""
    fields: dict[str, Any] = {
        "inner_alert_signature": signature,
        "inner_alert_signature_id": sid,
        "inner_alert_category": category,
        "inner_alert_action": action,
    }
    optional: dict[str, Any] = {
        "inner_alert_gid": gid,
        "inner_alert_rev": rev,
        "inner_alert_severity": priority,
        "proto": proto,
        "app_proto": app_proto,
        "src_ip": source[0],
        "src_port": source[1],
        "dest_ip": dest[0],
        "dest_port": dest[1],
    }
    fields.update({name: value for name, value in optional.items() if value is not None})
    if time_ms is not None:
        fields["timestamp"] = time_ms // 1000  # seconds, as in the controller's IPS events
    where = f" from {source[0]} to {dest[0]}" if source[0] and dest[0] else ""
    msg = f"IPS alert ({action}): {signature}{where}"
    return Draft(IPS_ALERT, "www", msg, fields, time_ms)


def fast_stamp_ms(text: str, tz: tzinfo) -> int | None:
    """The local-time stamp that starts a fast.log line, in epoch ms."""
    match = _FAST_STAMP.match(text)
    if match is None:
        return None
    year = int(match.group("year"))
    year = year + 2000 if year < 100 else year
    try:
        moment = datetime(
            year,
            int(match.group("month")),
            int(match.group("day")),
            int(match.group("hour")),
            int(match.group("minute")),
            int(match.group("second")),
            tzinfo=tz,
        )
    except ValueError:
        return None
    return plausible_ms(int(moment.timestamp() * 1000))


def endpoint(text: str) -> tuple[str, int | None]:
    """``1.2.3.4:80`` / ``2001:db8::1:80`` (Suricata prints IPv6 without brackets)."""
    address, _, port = text.rpartition(":")
    return (address, as_int(port)) if address else (text, None)
