"""Log formats of UniFi wireless daemons, each turned into an ``EVT_*`` draft; shared pieces.

Pure functions, no I/O. A handler receives the match of its pattern (searched in the message
part of a line, after the header, see :mod:`.syslog_header`) and returns a :class:`Draft` (an
event without identity yet), ``None`` for a line that is understood but carries nothing the
rules use, or raises :class:`LineRejected` for a line in a known format that cannot be used.
The table that ties patterns to handlers is :data:`unifi_scanner.controller.syslog.PATTERNS`.

Drafts use the field names of the controller's own event documents (``user``, ``ap``,
``ap_name``, ``radio``, ``channel`` as a string, ``radar_channel`` …) so that the rules
cannot tell where an event came from. What a single device's log cannot know is left out
rather than guessed: a client's SSID, the AP a client roamed from, the band of a client event.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

from unifi_scanner.controller.syslog_header import LogLine

WU_CONNECTED = "EVT_WU_Connected"
WU_DISCONNECTED = "EVT_WU_Disconnected"
WU_ROAM = "EVT_WU_Roam"
AP_RADAR = "EVT_AP_RadarDetected"
AP_CHANNEL_CHANGED = "EVT_AP_ChannelChanged"

MAC = r"(?:[0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}"
_MAC_ONLY = re.compile(MAC)
_PARAM = re.compile(r"(\w+)=(\S+)")
_JSON = json.JSONDecoder()


class LineRejected(ValueError):
    """A line in a known format that cannot be used; the message says why in a few words."""


@dataclass(frozen=True, slots=True)
class LineScope:
    """What a handler may need beyond the line: the device the file belongs to, the zone."""

    device_mac: str | None
    device_name: str | None
    tz: tzinfo


@dataclass(frozen=True, slots=True)
class Draft:
    """An event before identity and time are settled; ``time_ms`` when the format has its own."""

    key: str
    subsystem: str
    msg: str
    fields: Mapping[str, Any]
    time_ms: int | None = None


Handler = Callable[[re.Match[str], LogLine, LineScope], Draft | None]


@dataclass(frozen=True, slots=True)
class Pattern:
    """One log format: where it was seen (``source``), how to find it, what it means."""

    name: str
    regex: re.Pattern[str]
    handler: Handler
    source: str


# -- UniFi station tracker ------------------------------------------------------------------

_STAHTD_KEYS = {"success": WU_CONNECTED, "sta_leave": WU_DISCONNECTED, "sta_roam": WU_ROAM}


def stahtd(match: re.Match[str], line: LogLine, scope: LineScope) -> Draft | None:
    """``stahtd[2786]: [STA-TRACKER].stahtd_dump_event(): {"message_type":"STA_ASSOC_TRACKER",…}``.

    Seen on UniFi APs from firmware 4.x to 6.x (elastic/integrations ``ubnt_unifi`` samples,
    criblpacks/cribl-ubiquiti-syslog samples, Observium ``tests/IncludesSyslogTest.php``).
    One JSON record per step of a client's connection. ``success`` (connected, address
    assigned), ``sta_leave`` (left) and ``sta_roam`` (roamed; which way is not said) become
    events; ``association``, ``failure``, ``soft failure``, ``fixup`` and ``dns timeout`` are
    steps without an ``EVT_*`` equivalent. Firmware 5.x appends `` - n2p, flags: 0x20`` after
    the object, so the object is decoded from its first brace, not to the end of the line.
    """
    record = json_object(line.message, match.end())
    user = _mac(record.get("mac"))
    if user is None:
        raise LineRejected("stahtd record without a client MAC")
    kind = record.get("event_type")
    key = _STAHTD_KEYS.get(kind) if isinstance(kind, str) else None
    if key is None:
        return None
    extra: dict[str, Any] = {"tracker_event": kind}
    if isinstance(record.get("vap"), str):
        extra["vap"] = record["vap"]
    if key == WU_DISCONNECTED:
        reason = record.get("sta_dc_reason")
        if isinstance(reason, str) and reason:
            extra["reason"] = reason
        code = record.get("disassoc_reason", record.get("deauth_reason"))
        if isinstance(code, (str, int)) and str(code).isdigit():
            extra["reason_code"] = str(code)
    return client_draft(key, user, line, scope, extra)


def wevent(match: re.Match[str], line: LogLine, scope: LineScope) -> Draft | None:
    """``wevent.ubnt_custom_event(): EVENT_STA_JOIN ath0: fc:64:ba:c1:7d:28 / 1`` (and LEAVE, IP).

    Older UniFi AP firmware (3.x/4.x; U7LR and BZ2LR lines in Observium
    ``tests/IncludesSyslogTest.php``). ``EVENT_STA_IP`` reports the client's address, which no
    rule reads.
    """
    what = match.group("what")
    if what == "IP":
        return None
    key = WU_CONNECTED if what == "JOIN" else WU_DISCONNECTED
    return client_draft(key, match.group("sta").lower(), line, scope, {"vap": match.group("iface")})


# -- hostapd --------------------------------------------------------------------------------


def hostapd_station(match: re.Match[str], line: LogLine, scope: LineScope) -> Draft | None:
    """``hostapd: wlan1: AP-STA-CONNECTED 06:fc:e4:4a:e5:05`` (and ``AP-STA-DISCONNECTED``).

    hostapd's control events (``src/common/wpa_ctrl.h``) as syslog shows them (OpenWrt logs in
    Catfriend1/openwrt-presence issue #7). Newer hostapd appends ``auth_alg=open`` and the
    like after the MAC (awilliams/wifi-presence PR #13); it is ignored.
    """
    key = WU_CONNECTED if match.group("what") == "CONNECTED" else WU_DISCONNECTED
    extra = {"vap": match.group("iface")} if match.group("iface") else {}
    return client_draft(key, match.group("sta").lower(), line, scope, extra)


def dfs_radar(match: re.Match[str], line: LogLine, scope: LineScope) -> Draft | None:
    """hostapd's radar report: ``wlan1: DFS-RADAR-DETECTED freq=5500 ht_enabled=1 …``.

    hostapd ``src/ap/dfs.c`` prints ``freq=%d ht_enabled=%d chan_offset=%d chan_width=%d
    cf1=%d cf2=%d``: the frequency, not the channel; the channel and band follow from it.
    """
    params = dict(_PARAM.findall(match.group("params")))
    freq = as_int(params.get("freq"))
    band = channel_of(freq) if freq is not None else None
    if freq is None or band is None:
        raise LineRejected("radar report without a usable frequency")
    channel, radio = band
    ap = scope_device(line, scope)
    fields: dict[str, Any] = {
        "radar_channel": channel,
        "channel": channel,
        "freq": str(freq),
        "radio": radio,
        **_device_fields(line, scope),
    }
    if match.group("iface"):
        fields["vap"] = match.group("iface")
    msg = f"AP[{ap or 'unknown'}] detected radar on channel {channel} ({freq} MHz)"
    return Draft(AP_RADAR, "wlan", msg, fields)


def dfs_new_channel(match: re.Match[str], line: LogLine, scope: LineScope) -> Draft | None:
    """``wlan1: DFS-NEW-CHANNEL freq=5660 chan=132 sec_chan=0``: hostapd leaving a DFS channel.

    hostapd ``src/ap/dfs.c`` prints ``"freq=%d chan=%d sec_chan=%d"`` when DFS forces a move
    (radar, or a failed channel availability check).
    """
    params = dict(_PARAM.findall(match.group("params")))
    freq, chan = as_int(params.get("freq")), as_int(params.get("chan"))
    band = channel_of(freq) if freq is not None else None
    if chan is None or band is None:
        raise LineRejected("DFS channel change without channel and frequency")
    ap = scope_device(line, scope)
    fields: dict[str, Any] = {
        "channel": str(chan),
        "channel_to": str(chan),
        "freq": str(freq),
        "radio": band[1],
        "reason": "dfs",
        **_device_fields(line, scope),
    }
    if match.group("iface"):
        fields["vap"] = match.group("iface")
    msg = f"AP[{ap or 'unknown'}] moved to channel {chan} ({band[1]}) because of DFS"
    return Draft(AP_CHANNEL_CHANGED, "wlan", msg, fields)


# -- shared pieces --------------------------------------------------------------------------


def client_draft(
    key: str, user: str, line: LogLine, scope: LineScope, extra: Mapping[str, Any]
) -> Draft:
    """A wireless client event, worded like the controller's ``msg``."""
    ap = scope_device(line, scope)
    where = f" AP[{ap}]" if ap else ""
    msg = {
        WU_CONNECTED: f"User[{user}] has connected to{where or ' the network'}",
        WU_DISCONNECTED: f"User[{user}] disconnected from{where or ' the network'}",
        WU_ROAM: f"User[{user}] roamed{' to' + where if where else ''}",
    }[key]
    return Draft(key, "wlan", msg, {"user": user, **_device_fields(line, scope), **extra})


def scope_device(line: LogLine, scope: LineScope) -> str | None:
    """The MAC of the device that wrote the line: its tag, else the file's device."""
    return line.device_mac or scope.device_mac


def channel_of(freq: int) -> tuple[str, str] | None:
    """Channel number (as text) and UniFi radio name for a frequency in MHz."""
    if freq == 2484:
        return "14", "ng"
    if 2412 <= freq <= 2472 and (freq - 2407) % 5 == 0:
        return str((freq - 2407) // 5), "ng"
    if 5150 <= freq <= 5895 and freq % 5 == 0:
        return str((freq - 5000) // 5), "na"
    if freq == 5935:
        return "2", "6e"
    if 5955 <= freq <= 7115 and (freq - 5950) % 5 == 0:
        return str((freq - 5950) // 5), "6e"
    return None


def _device_fields(line: LogLine, scope: LineScope) -> dict[str, Any]:
    ap = scope_device(line, scope)
    if ap is None:
        return {}
    name = line.host if line.device_mac else scope.device_name
    return {"ap": ap, "ap_name": name} if name else {"ap": ap}


def json_object(text: str, start: int) -> dict[str, Any]:
    begin = text.find("{", start)
    if begin < 0:
        raise LineRejected("no JSON object")
    try:
        value, _end = _JSON.raw_decode(text, begin)
    except (ValueError, RecursionError):
        raise LineRejected("malformed JSON") from None
    if not isinstance(value, dict):
        raise LineRejected("JSON is not an object")
    return value


def _mac(value: Any) -> str | None:
    if isinstance(value, str) and _MAC_ONLY.fullmatch(value):
        return value.lower()
    return None


def as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 12:
        return int(value)
    return None


def as_text(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    return str(value)
