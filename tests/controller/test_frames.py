"""The pure frame parser: real shapes, odd shapes, garbage."""

from __future__ import annotations

import contextlib

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from unifi_scanner.controller.frames import (
    FrameError,
    event_identity,
    event_time_ms,
    events_from_frame,
    parse_frame,
)

CONNECTED = {
    "_id": "5ee9e572b4b5a1e8a3c1d2f0",
    "user": "d8:4c:90:aa:bb:01",
    "ssid": "Extra Fast",
    "ap": "b4:fb:e4:00:00:01",
    "radio": "na",
    "channel": "36",
    "key": "EVT_WU_Connected",
    "subsystem": "wlan",
    "site_id": "574e86d2e4b0a7d4c2a0e8a1",
    "time": 1592386923851,
    "datetime": "2020-06-17T09:42:03Z",
    "msg": 'User[d8:4c:90:aa:bb:01] has connected to AP[b4:fb:e4:00:00:01] with SSID "Extra '
    'Fast" on "channel 36(na)"',
}
ROAM = {
    "user": "60:b7:00:00:00:02",
    "ap_from": "f4:92:00:00:00:01",
    "ap_to": "78:45:00:00:00:02",
    "radio_from": "na",
    "radio_to": "na",
    "channel_from": "60",
    "channel_to": "100",
    "ssid": "X",
    "key": "EVT_WU_Roam",
    "subsystem": "wlan",
    "is_negative": False,
    "time": 1643382084230,
    "datetime": "2022-01-28T15:01:24Z",
    "msg": "User[…] roams from AP[…] to AP[…]",
    "_id": "61f4055446b2a40a9e0e44a1",
}


def frame(*events: dict[str, object], message: str = "events") -> str:
    return orjson.dumps({"meta": {"rc": "ok", "message": message}, "data": list(events)}).decode()


def test_every_event_of_a_multi_event_frame_is_parsed() -> None:
    parsed = events_from_frame(parse_frame(frame(CONNECTED, ROAM)), site="default", received_ms=1)
    assert [e.key for e in parsed.events] == ["EVT_WU_Connected", "EVT_WU_Roam"]
    assert parsed.rejected == 0
    first = parsed.events[0]
    assert first.identity == CONNECTED["_id"]
    assert first.time_ms == 1592386923851
    assert first.received_ms == 1
    assert first.subsystem == "wlan"
    assert first.site == "default"
    assert first.text("channel") == "36"


def test_data_before_meta_and_data_as_object_are_accepted() -> None:
    raw = '{"data": ' + orjson.dumps(CONNECTED).decode() + ', "meta": {"message": "events"}}'
    parsed = events_from_frame(parse_frame(raw), site="s", received_ms=0)
    assert [e.identity for e in parsed.events] == [CONNECTED["_id"]]


def test_non_event_frames_carry_no_events() -> None:
    sync = parse_frame(frame({"mac": "aa"}, message="sta:sync"))
    assert sync.message == "sta:sync"
    assert events_from_frame(sync, site="s", received_ms=0).events == []


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "empty frame"),
        ("   ", "empty frame"),
        ("pong", "not JSON"),
        ("[1, 2]", "expected a JSON object"),
        ('{"data": []}', "no meta object"),
        ('{"meta": {"rc": "ok"}, "data": []}', "meta.message missing"),
    ],
)
def test_unusable_frames_say_why(raw: str, reason: str) -> None:
    with pytest.raises(FrameError, match=reason):
        parse_frame(raw)


def test_bad_events_are_rejected_without_losing_the_good_ones() -> None:
    no_time = {"key": "EVT_WU_Connected", "user": "aa:bb"}
    no_key = {"time": 1592386923851}
    parsed = events_from_frame(
        parse_frame(frame(no_time, CONNECTED, no_key, "junk")),  # type: ignore[arg-type]
        site="s",
        received_ms=5,
    )
    assert [e.key for e in parsed.events] == ["EVT_WU_Connected"]
    assert parsed.rejected == 2
    assert "without a usable time" in parsed.reasons[0]


def test_receipt_time_is_never_used_as_event_time() -> None:
    doc = {"key": "EVT_WU_Connected", "datetime": "2020-06-17T09:42:03Z"}
    assert event_time_ms(doc) == 1592386923000
    ips = {"key": "EVT_IPS_IpsAlert", "timestamp": 1592386923}
    assert event_time_ms(ips) == 1592386923000
    assert event_time_ms({"key": "x", "time": "1592386923851"}) == 1592386923851
    assert event_time_ms({"key": "x", "time": 12}) is None


def test_identity_without_id_is_stable_and_specific() -> None:
    doc = {k: v for k, v in ROAM.items() if k != "_id"}
    one = event_identity(doc, site="default", key="EVT_WU_Roam", time_ms=1643382084230)
    again = event_identity(dict(doc), site="default", key="EVT_WU_Roam", time_ms=1643382084230)
    other_site = event_identity(doc, site="branch", key="EVT_WU_Roam", time_ms=1643382084230)
    other_client = event_identity(
        {**doc, "user": "60:b7:00:00:00:03"},
        site="default",
        key="EVT_WU_Roam",
        time_ms=1643382084230,
    )
    assert one == again
    assert one.startswith("h:")
    assert len({one, other_site, other_client}) == 3


def test_object_id_is_case_insensitive() -> None:
    upper = event_identity({"_id": CONNECTED["_id"].upper()}, site="s", key="k", time_ms=0)
    assert upper == CONNECTED["_id"]


@given(st.one_of(st.text(), st.binary()))
def test_arbitrary_input_only_ever_raises_frame_error(raw: str | bytes) -> None:
    with contextlib.suppress(FrameError):
        parse_frame(raw)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats()
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


@given(
    st.dictionaries(
        st.sampled_from(["key", "time", "datetime", "timestamp", "_id", "user", "subsystem", "ap"]),
        json_values,
    )
)
def test_arbitrary_event_documents_never_crash_the_frame(doc: dict[str, object]) -> None:
    raw = orjson.dumps(
        {"meta": {"message": "events"}, "data": [doc]}, option=orjson.OPT_NON_STR_KEYS
    )
    parsed = events_from_frame(parse_frame(raw), site="s", received_ms=0)
    assert len(parsed.events) + parsed.rejected == 1
