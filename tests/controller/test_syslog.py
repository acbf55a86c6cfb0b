"""The pure log-line parser: real line formats in, events the rules understand out."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unifi_scanner.controller.frames import event_identity
from unifi_scanner.controller.models import Event
from unifi_scanner.controller.syslog import (
    PATTERNS,
    LineContext,
    ParsedLines,
    SyslogParser,
    parse_lines,
)
from unifi_scanner.controller.syslog_formats import (
    AP_CHANNEL_CHANGED,
    AP_RADAR,
    WU_CONNECTED,
    WU_DISCONNECTED,
    WU_ROAM,
    channel_of,
)
from unifi_scanner.controller.syslog_header import split_header
from unifi_scanner.controller.syslog_suricata import IPS_ALERT


def ms(
    year: int,
    month: int,
    day: int,
    hour: int = 0,
    minute: int = 0,
    second: int = 0,
    tz: ZoneInfo | None = None,
) -> int:
    moment = datetime(year, month, day, hour, minute, second, tzinfo=tz or UTC)
    return int(moment.timestamp() * 1000)


READ_AT = ms(2025, 7, 6)
UTC_CONTEXT = LineContext(site="default", tz=UTC, received_ms=READ_AT)


def parse(*lines: str, context: LineContext = UTC_CONTEXT) -> ParsedLines:
    return parse_lines(lines, context)


def only(*lines: str, context: LineContext = UTC_CONTEXT) -> Event:
    result = parse(*lines, context=context)
    assert len(result.events) == 1, result
    return result.events[0]


def balanced(result: ParsedLines) -> bool:
    parts = result.duplicates + result.ignored + result.rejected + result.unmatched
    return result.lines == len(result.events) + parts


# -- UniFi station tracker (stahtd) ---------------------------------------------------------

# elastic/integrations, packages/ubnt_unifi test-logs-filestream-other.json (a U6-Lite, 6.7.17)
STAHTD_LEAVE = (
    "Jul  5 14:29:55 unifi-ap3 0123456789aa,U6-Lite-6.7.17+15512: stahtd: stahtd[2786]: "
    '[STA-TRACKER].stahtd_dump_event(): {"message_type":"STA_ASSOC_TRACKER",'
    '"mac":"01:23:45:01:f2:b8","vap":"ra0","event_type":"sta_leave","assoc_status":"0",'
    '"event_id":"0","sta_dc_reason":"sta left","disassoc_reason":"8"}'
)
# criblpacks/cribl-ubiquiti-syslog samples (a UAP-AC-Lite, 5.43.46): trailing text after JSON
STAHTD_FAILURE = (
    "<14>Nov  2 09:43:59 802aa8863d4f,UAP-AC-Lite-5.43.46+12754: : stahtd[1924]: "
    '[STA-TRACKER].stahtd_dump_event(): {"message_type":"STA_ASSOC_TRACKER",'
    '"mac":"34:d2:70:9b:3d:77","vap":"ath0","event_type":"failure","assoc_status":"2048",'
    '"event_id":"1","auth_ts":"955871.773289"} - n2whtctrl, flags: 0x800'
)
# Observium tests/IncludesSyslogTest.php (a UAP-AC-LR, 6.5.28)
STAHTD_ROAM = (
    "Mar  6 15:43:20 44d9e7f618f2,UAP-AC-LR-6.5.28+14491: stahtd: stahtd[15573]: "
    '[STA-TRACKER].stahtd_dump_event(): {"message_type":"STA_ASSOC_TRACKER",'
    '"mac":"d4:57:63:d6:a0:c3","vap":"ath4","event_type":"sta_roam","assoc_status":"0",'
    '"event_id":"1"}'
)


def stahtd_line(stamp: str, event_type: str, mac: str = "5a:1c:3e:10:20:01") -> str:
    return (
        f"{stamp} UDR stahtd[2786]: [STA-TRACKER].stahtd_dump_event(): "
        f'{{"message_type":"STA_ASSOC_TRACKER","mac":"{mac}","vap":"wifi1ap5",'
        f'"event_type":"{event_type}","assoc_status":"0","event_id":"2"}}'
    )


def test_stahtd_leave_is_a_disconnect_on_the_tagged_access_point() -> None:
    event = only(STAHTD_LEAVE)
    assert event.key == WU_DISCONNECTED
    assert event.subsystem == "wlan"
    assert event.time_ms == ms(2025, 7, 5, 14, 29, 55)
    payload = event.payload
    assert payload["user"] == "01:23:45:01:f2:b8"
    assert payload["ap"] == "01:23:45:67:89:aa"  # from the device tag
    assert payload["ap_name"] == "unifi-ap3"
    assert payload["reason"] == "sta left" and payload["reason_code"] == "8"
    assert payload["datetime"] == "2025-07-05T14:29:55Z"
    assert payload["msg"] == "User[01:23:45:01:f2:b8] disconnected from AP[01:23:45:67:89:aa]"


def test_stahtd_success_is_a_connect() -> None:
    event = only(stahtd_line("Jul  5 14:01:17", "success"))
    assert event.key == WU_CONNECTED
    assert "ap" not in event.payload  # nothing says which device wrote the line


def test_stahtd_roam_is_a_roam_without_inventing_where_from() -> None:
    event = only(STAHTD_ROAM)
    assert event.key == WU_ROAM
    assert event.payload["ap"] == "44:d9:e7:f6:18:f2"
    assert "ap_from" not in event.payload and "ap_to" not in event.payload


def test_stahtd_steps_without_an_event_are_ignored_not_unmatched() -> None:
    result = parse(STAHTD_FAILURE, stahtd_line("Jul  5 14:01:16", "association"))
    assert not result.events
    assert (result.ignored, result.unmatched, result.rejected) == (2, 0, 0)


def test_stahtd_with_broken_json_is_rejected_with_a_reason() -> None:
    result = parse('Jul  5 14:01:16 UDR stahtd[1]: stahtd_dump_event(): {"mac": ')
    assert result.rejected == 1
    assert result.reasons == {"stahtd: malformed JSON": 1}


# -- hostapd --------------------------------------------------------------------------------


def test_hostapd_station_events_with_the_file_s_device() -> None:
    context = LineContext(
        site="default",
        tz=UTC,
        received_ms=READ_AT,
        device_mac="74:ac:b9:aa:00:01",
        device_name="Dream Router",
    )
    result = parse(
        "Aug 21 04:32:18 WifiAP-01 hostapd: wlan1-1: AP-STA-CONNECTED 06:fc:e4:4a:e5:05",
        "Aug 21 04:32:18 WifiAP-01 hostapd: wlan1-1: STA 06:fc:e4:4a:e5:05 IEEE 802.11: "
        "associated (aid 4)",
        "Aug 21 05:02:18 WifiAP-01 hostapd: wlan1-1: AP-STA-DISCONNECTED 06:fc:e4:4a:e5:05",
        context=context,
    )
    connected, disconnected = result.events
    assert (connected.key, disconnected.key) == (WU_CONNECTED, WU_DISCONNECTED)
    assert connected.payload["ap"] == "74:ac:b9:aa:00:01"
    assert connected.payload["ap_name"] == "Dream Router"
    assert connected.payload["vap"] == "wlan1-1"
    assert disconnected.payload["duration"] == 1800
    assert connected.time_ms == ms(2024, 8, 21, 4, 32, 18)  # August 2025 is still ahead
    assert result.unmatched == 1


def test_newer_hostapd_suffix_after_the_mac_is_tolerated() -> None:
    event = only(
        "Jul  5 14:01:17 UDR hostapd[5343]: wifi1ap5: AP-STA-CONNECTED "
        "04:ab:00:12:34:56 auth_alg=open"
    )
    assert event.payload["user"] == "04:ab:00:12:34:56"


def test_radar_and_the_forced_channel_change() -> None:
    # hostapd src/ap/dfs.c message formats; the line prefix as OpenWrt logs hostapd.
    result = parse(
        "<30>Apr 30 12:34:56 AC-HD hostapd: wlan1: DFS-RADAR-DETECTED freq=5500 "
        "ht_enabled=1 chan_offset=0 chan_width=0 cf1=5500 cf2=0",
        "<30>Apr 30 12:35:01 AC-HD hostapd: wlan1: DFS-NEW-CHANNEL freq=5660 chan=132 sec_chan=0",
        context=LineContext(
            site="default", tz=UTC, received_ms=READ_AT, device_mac="78:45:58:00:00:01"
        ),
    )
    radar, moved = result.events
    assert radar.key == AP_RADAR
    assert radar.payload["ap"] == "78:45:58:00:00:01"
    assert radar.payload["radar_channel"] == "100"
    assert radar.payload["freq"] == "5500" and radar.payload["radio"] == "na"
    assert radar.payload["msg"] == "AP[78:45:58:00:00:01] detected radar on channel 100 (5500 MHz)"
    assert moved.key == AP_CHANNEL_CHANGED
    assert moved.payload["channel_to"] == "132" and moved.payload["channel"] == "132"


def test_radar_report_without_frequency_is_rejected() -> None:
    result = parse("Apr 30 12:34:56 AC-HD hostapd: wlan1: DFS-RADAR-DETECTED freq=abc")
    assert result.rejected == 1 and not result.events


@pytest.mark.parametrize(
    ("freq", "expected"),
    [
        (2412, ("1", "ng")),
        (2484, ("14", "ng")),
        (5180, ("36", "na")),
        (5825, ("165", "na")),
        (5955, ("1", "6e")),
        (6115, ("33", "6e")),
        (5935, ("2", "6e")),
        (3000, None),
    ],
)
def test_frequencies_map_to_channels_and_radios(freq: int, expected: tuple[str, str]) -> None:
    assert channel_of(freq) == expected


# -- wevent (older firmware) ----------------------------------------------------------------


def test_wevent_join_and_leave_with_the_old_device_tag() -> None:
    # Observium tests/IncludesSyslogTest.php: U7LR 3.7.17 and BZ2LR 3.7.8 lines.
    result = parse(
        'Oct  6 18:21:22 ("U7LR,44d9e7f618f2,v3.7.17.5220") libubnt[16915]: '
        "wevent.ubnt_custom_event(): EVENT_STA_JOIN ath0: fc:64:ba:c1:7d:28 / 1",
        "Oct  6 18:25:22 U7LR,44d9e7f618f2,v4.3.21.11325: libubnt[16915]: "
        "wevent.ubnt_custom_event(): EVENT_STA_IP ath0: fc:64:ba:c1:7d:28 / 192.168.1.50",
        'Oct  6 18:31:22 ("U7LR,44d9e7f618f2,v3.7.17.5220") syslog: '
        "wevent.ubnt_custom_event(): EVENT_STA_LEAVE ath0: fc:64:ba:c1:7d:28 / 3",
    )
    joined, left = result.events
    assert (joined.key, left.key) == (WU_CONNECTED, WU_DISCONNECTED)
    assert joined.payload["ap"] == left.payload["ap"] == "44:d9:e7:f6:18:f2"
    assert left.payload["duration"] == 600
    assert result.ignored == 1  # EVENT_STA_IP


# -- Suricata -------------------------------------------------------------------------------


def test_fast_log_alert_dropped_in_ips_mode() -> None:
    event = only(
        "07/05/2025-14:20:11.104512  [Drop] [**] [1:2402000:7012] ET DROP Dshield Block "
        "Listed Source group 1 [**] [Classification: Misc Attack] [Priority: 2] {TCP} "
        "185.220.101.45:44231 -> 192.168.1.10:22"
    )
    payload = event.payload
    assert event.key == IPS_ALERT and event.subsystem == "www"
    assert payload["inner_alert_signature"] == "ET DROP Dshield Block Listed Source group 1"
    assert payload["inner_alert_signature_id"] == "2402000"
    assert payload["inner_alert_severity"] == "2"
    assert payload["inner_alert_category"] == "Misc Attack"
    assert payload["inner_alert_action"] == "blocked"
    assert (payload["src_ip"], payload["src_port"]) == ("185.220.101.45", 44231)
    assert (payload["dest_ip"], payload["dest_port"]) == ("192.168.1.10", 22)
    assert payload["proto"] == "TCP"
    assert event.time_ms == ms(2025, 7, 5, 14, 20, 11)
    assert payload["timestamp"] == event.time_ms // 1000


def test_fast_log_stamp_is_local_time() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    context = LineContext(site="default", tz=berlin, received_ms=READ_AT)
    # clong/DetectionLab issue #190: an alert only detected (no action prefix).
    event = only(
        "02/01/2019-07:49:35.688758  [**] [1:2100498:7] GPL ATTACK_RESPONSE id check "
        "returned root [**] [Classification: Potentially Bad Traffic] [Priority: 2] {TCP} "
        "217.160.0.187:80 -> 192.168.38.105:41612",
        context=context,
    )
    assert event.time_ms == ms(2019, 2, 1, 7, 49, 35, tz=berlin)
    assert event.payload["inner_alert_action"] == "allowed"


def test_fast_log_would_drop_is_not_blocked_and_ipv6_ports_split() -> None:
    event = only(
        "07/05/2025-14:20:11.000001  [wDrop] [**] [1:2010935:3] ET SCAN Suspicious inbound "
        "to MSSQL port 1433 [**] [Classification: Potentially Bad Traffic] [Priority: 2] "
        "{TCP} 2001:db8::7:51000 -> 2001:db8::1:1433"
    )
    assert event.payload["inner_alert_action"] == "allowed"
    assert event.payload["src_ip"] == "2001:db8::7"
    assert event.payload["dest_port"] == 1433


def test_eve_alert_and_other_eve_records() -> None:
    # docs.suricata.io "Eve JSON Format" example record; a stats record is skipped.
    result = parse(
        '{"timestamp":"2017-04-07T22:24:37.251547+0100","flow_id":586497171462735,'
        '"event_type":"alert","src_ip":"192.168.2.14","src_port":50096,'
        '"dest_ip":"209.53.113.5","dest_port":80,"proto":"TCP","alert":{"action":"blocked",'
        '"gid":1,"signature_id":2018358,"rev":10,"signature":"ET HUNTING GENERIC SUSPICIOUS '
        'POST to Dotted Quad with Fake Browser 1","category":"Potentially Bad Traffic",'
        '"severity":2},"app_proto":"http"}',
        '{"timestamp":"2018-04-16T17:02:00.000396+0500","event_type":"stats","stats":{}}',
    )
    (event,) = result.events
    assert result.ignored == 1
    assert event.time_ms == ms(2017, 4, 7, 21, 24, 37) + 251
    assert event.payload["inner_alert_signature_id"] == "2018358"
    assert event.payload["inner_alert_action"] == "blocked"
    assert event.payload["app_proto"] == "http"


def test_eve_alert_after_a_syslog_prefix() -> None:
    event = only(
        "2025-07-05T16:12:00+02:00 UCG-Ultra suricata[2101]: "
        '{"timestamp":"2025-07-05T16:12:00.123+0200","event_type":"alert",'
        '"src_ip":"45.148.10.1","src_port":4444,"dest_ip":"192.168.1.5","dest_port":23,'
        '"proto":"TCP","alert":{"action":"blocked","gid":1,"signature_id":2024897,"rev":3,'
        '"signature":"ET SCAN Telnet","category":"Attempted Information Leak","severity":2}}'
    )
    assert event.time_ms == ms(2025, 7, 5, 14, 12) + 123


# -- time stamps ----------------------------------------------------------------------------


def test_new_year_rollover_puts_december_lines_in_the_previous_year() -> None:
    context = LineContext(site="s", tz=UTC, received_ms=ms(2026, 1, 1, 0, 0, 10))
    event = only(stahtd_line("Dec 31 23:59:58", "success"), context=context)
    assert event.time_ms == ms(2025, 12, 31, 23, 59, 58)
    assert only(stahtd_line("Jan  1 00:00:05", "success"), context=context).time_ms == ms(
        2026, 1, 1, 0, 0, 5
    )


def test_device_clock_slightly_ahead_stays_in_the_current_year() -> None:
    context = LineContext(site="s", tz=UTC, received_ms=ms(2025, 12, 31, 23, 0))
    event = only(stahtd_line("Jan  1 00:30:00", "success"), context=context)
    assert event.time_ms == ms(2026, 1, 1, 0, 30)


def test_february_29_falls_back_to_the_last_leap_year() -> None:
    context = LineContext(site="s", tz=UTC, received_ms=ms(2025, 3, 1))
    assert only(stahtd_line("Feb 29 12:00:00", "success"), context=context).time_ms == ms(
        2024, 2, 29, 12
    )


def test_stamps_without_zone_are_read_in_the_given_zone() -> None:
    brisbane = ZoneInfo("Australia/Brisbane")
    context = LineContext(site="s", tz=brisbane, received_ms=READ_AT)
    event = only(STAHTD_LEAVE, context=context)
    assert event.time_ms == ms(2025, 7, 5, 4, 29, 55)  # UTC+10


def test_header_variants() -> None:
    busybox = split_header(
        "Nov  2 09:43:55 LoftAP6 daemon.info stahtd: stahtd[10213]: x", tz=UTC, reference_ms=READ_AT
    )
    assert (busybox.host, busybox.message) == ("LoftAP6", "stahtd: stahtd[10213]: x")
    tagged = split_header(
        "<30>Nov  2 09:43:55 LoftAP6 f492bfa5743c,U6-Lite-5.60.16+13023: stahtd: y",
        tz=UTC,
        reference_ms=READ_AT,
    )
    assert (tagged.host, tagged.device_mac, tagged.device_model) == (
        "LoftAP6",
        "f4:92:bf:a5:74:3c",
        "U6-Lite",
    )
    assert tagged.message == "stahtd: y"
    udm = split_header(
        "Jul  3 13:58:21 UDM-RDC,f2e3fac05cfb,udm-1.11.0.3921 mcad: z", tz=UTC, reference_ms=READ_AT
    )
    assert udm.device_mac == "f2:e3:fa:c0:5c:fb" and udm.message == "mcad: z"
    bare = split_header("no stamp here", tz=UTC, reference_ms=READ_AT)
    assert bare.time_ms is None and bare.message == "no stamp here"


def test_a_line_without_a_usable_stamp_is_rejected_not_given_the_read_time() -> None:
    result = parse(
        "wevent.ubnt_custom_event(): EVENT_STA_JOIN ath0: fc:64:ba:c1:7d:28 / 1",
        "1999-01-01T00:00:00Z UDR hostapd: wlan0: AP-STA-CONNECTED fc:64:ba:c1:7d:28",
    )
    assert result.rejected == 2 and not result.events


# -- identity, duplicates, counting ---------------------------------------------------------


def test_the_same_line_always_has_the_same_identity() -> None:
    first = only(STAHTD_LEAVE)
    again = only(STAHTD_LEAVE)
    assert first.identity == again.identity
    assert first.identity == event_identity(
        first.payload, site="default", key=first.key, time_ms=first.time_ms
    )
    other_site = only(STAHTD_LEAVE, context=LineContext(site="b", tz=UTC, received_ms=READ_AT))
    assert other_site.identity != first.identity


def test_one_join_reported_by_two_daemons_is_one_event() -> None:
    result = parse(
        "Jul  5 14:01:17 UDR hostapd[5343]: wifi1ap5: AP-STA-CONNECTED 5a:1c:3e:10:20:01",
        stahtd_line("Jul  5 14:01:18", "success"),
    )
    assert [e.key for e in result.events] == [WU_CONNECTED]
    assert result.duplicates == 1


def test_lines_read_again_after_a_failed_store_give_the_same_events() -> None:
    parser = SyslogParser()
    lines = [
        "Jul  5 14:01:17 UDR hostapd[5343]: wifi1ap5: AP-STA-CONNECTED 5a:1c:3e:10:20:01",
        stahtd_line("Jul  5 14:01:40", "sta_leave"),
    ]
    first = parser.parse(lines, UTC_CONTEXT)
    again = parser.parse(lines, UTC_CONTEXT)
    assert [e.identity for e in again.events] == [e.identity for e in first.events]
    assert again.duplicates == 0


def test_a_real_short_session_is_not_mistaken_for_a_duplicate() -> None:
    result = parse(
        stahtd_line("Jul  5 14:01:17", "success"),
        stahtd_line("Jul  5 14:01:19", "sta_leave"),
        stahtd_line("Jul  5 14:01:21", "success"),
    )
    assert [e.key for e in result.events] == [WU_CONNECTED, WU_DISCONNECTED, WU_CONNECTED]
    assert result.events[1].payload["duration"] == 2


def test_parser_remembers_sessions_across_batches() -> None:
    parser = SyslogParser()
    parser.parse([stahtd_line("Jul  5 14:00:00", "success")], UTC_CONTEXT)
    later = parser.parse([stahtd_line("Jul  5 14:10:00", "sta_leave")], UTC_CONTEXT)
    assert later.events[0].payload["duration"] == 600


def test_counts_add_up_on_a_mixed_batch() -> None:
    result = parse(
        STAHTD_LEAVE,
        STAHTD_FAILURE,
        "",
        "Jul  5 14:12:30 UDR earlyoom[1722]: mem avail:   685 of  3946 MiB",
        "x" * 70_000,
    )
    assert (len(result.events), result.ignored, result.unmatched, result.rejected) == (1, 2, 1, 1)
    assert result.formats == {"stahtd": 2}
    assert "line too long" in result.reasons
    assert balanced(result)


def test_every_pattern_names_its_source() -> None:
    assert all(pattern.source for pattern in PATTERNS)
    assert len({pattern.name for pattern in PATTERNS}) == len(PATTERNS)


# -- nothing raises -------------------------------------------------------------------------

_PIECES = [
    "Jul  5 14:01:17 ",
    "<30>",
    "2025-07-05T14:01:17+02:00 ",
    "f492bfa5743c,U6-Lite-6.7.17+15512: ",
    '("U7LR,44d9e7f618f2,v3.7.17.5220") ',
    "stahtd_dump_event(): ",
    '{"mac":"5a:1c:3e:10:20:01","event_type":"success"}',
    '{"event_type":"alert","alert":{"signature_id":1},"timestamp":"x"}',
    "[" * 50,
    "{" * 50,
    "AP-STA-CONNECTED 5a:1c:3e:10:20:01",
    "DFS-RADAR-DETECTED freq=",
    "DFS-NEW-CHANNEL freq=5180 chan=",
    "EVENT_STA_JOIN ath0: 5a:1c:3e:10:20:01",
    "[Drop] [**] [1:2:3] sig [**] [Priority: 1] {TCP} a:1 -> b:",
    "99/99/9999-99:99:99 ",
    "Feb 30 25:61:61 ",
    "9" * 30,
    "\x00\ud800\n",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(), max_size=8))
def test_arbitrary_text_never_raises(lines: list[str]) -> None:
    assert balanced(parse(*lines))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_PIECES) | st.text(max_size=20), max_size=8), max_size=6))
def test_plausible_fragments_never_raise(lines: list[list[str]]) -> None:
    result = parse(*("".join(parts) for parts in lines))
    assert balanced(result)
    for event in result.events:
        assert event.identity and event.key.startswith("EVT_")
