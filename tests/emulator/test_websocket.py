"""The event WebSocket over real TLS with the `websockets` client library."""

from __future__ import annotations

import asyncio
import json
import re
import time

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, ConnectionClosedError, InvalidStatus

from unifi_scanner.emulator import Emulator, Variants

from .emulator_support import (
    MakeEmulator,
    OpenApi,
    event_ids,
    events_url,
    read_frames,
    read_until_closed,
    tls_context,
)


@pytest.fixture
async def steady(make_emulator: MakeEmulator) -> Emulator:
    return await make_emulator(scenario="steady", speed=600.0, push_interval=0.05)


async def test_upgrade_without_a_session_is_refused_with_401(
    steady: Emulator, open_api: OpenApi
) -> None:
    context = tls_context(steady)
    with pytest.raises(InvalidStatus) as refused:
        async with connect(events_url(steady), ssl=context):
            pass
    assert refused.value.response.status_code == 401
    api = await open_api(steady)
    assert api.token is not None
    forged = {"Cookie": f"TOKEN={api.token[:-3]}abc"}
    with pytest.raises(InvalidStatus) as forged_refused:
        async with connect(events_url(steady), ssl=context, additional_headers=forged):
            pass
    assert forged_refused.value.response.status_code == 401


async def test_demo_day_streams_every_event_with_the_real_envelope(
    make_emulator: MakeEmulator, open_api: OpenApi
) -> None:
    # The demo day in 1.2 s, clock waiting for the first socket, ending at the present moment.
    emulator = await make_emulator(
        scenario="demo", speed=72_000.0, wait_for_client=True, end_at_now=True, push_interval=0.05
    )
    api = await open_api(emulator)
    assert emulator.scenario_start_ms is None  # waiting for the first event socket
    url = events_url(emulator, query="?clients=v2")
    async with connect(url, ssl=tls_context(emulator), additional_headers=api.cookie_header) as ws:
        assert ws.response is not None
        negotiated = ws.response.headers.get("Sec-WebSocket-Extensions", "")
        await asyncio.wait_for(emulator.wait_finished(), 15)
        frames = await read_frames(ws, time.monotonic() + 0.5)
    finished_ms = time.time() * 1000
    assert "permessage-deflate" in negotiated
    kinds = [frame["meta"]["message"] for frame in frames]
    assert kinds[:2] == ["client:sync", "device:sync"]  # a snapshot greets every socket
    assert "sta:sync" not in kinds  # ?clients=v2 turns client updates into client:sync
    assert kinds.count("client:sync") >= 2
    assert kinds.count("device:sync") >= 2
    assert "device:update" in kinds
    events_frames = [frame for frame in frames if frame["meta"]["message"] == "events"]
    for frame in events_frames:
        assert frame["meta"] == {"rc": "ok", "message": "events"}
        assert set(frame) == {"meta", "data"}
    assert max(len(frame["data"]) for frame in events_frames) > 1
    received = event_ids(frames)
    assert len(received) == emulator.events_total  # connected from the start: nothing missed
    assert received == [record["_id"] for record in emulator.sent]
    events = [e for frame in events_frames for e in frame["data"]]
    # Scenario time, not send time: a whole day went by in ~3 wall seconds, ending now.
    assert events[-1]["time"] - events[0]["time"] > 22 * 3_600_000
    assert emulator.scenario_end_ms is not None
    assert abs(emulator.scenario_end_ms - finished_ms) < 3_000
    assert events[-1]["time"] <= emulator.scenario_end_ms
    assert all(isinstance(e["channel"], str) for e in events if "channel" in e)
    stations = next(frame for frame in frames if frame["meta"]["message"] == "client:sync")
    assert all(isinstance(s["channel"], int) for s in stations["data"] if not s["is_wired"])
    assert {"id", "display_name", "last_ip", "last_uplink_mac", "status", "type"} <= set(
        stations["data"][0]
    )
    devices = next(frame for frame in frames if frame["meta"]["message"] == "device:sync")
    assert {d["name"] for d in devices["data"]} >= {"Kitchen AP", "Garage AP", "Core Switch"}


async def test_sent_log_lists_exactly_what_the_sockets_received(
    steady: Emulator, open_api: OpenApi
) -> None:
    api = await open_api(steady)
    context = tls_context(steady)
    headers = api.cookie_header
    async with (
        connect(events_url(steady), ssl=context, additional_headers=headers) as first,
        connect(events_url(steady), ssl=context, additional_headers=headers) as second,
    ):
        deadline = time.monotonic() + 0.6
        one, two = await asyncio.gather(read_frames(first, deadline), read_frames(second, deadline))
        # Close from the server side and read to the close frame: whatever the emulator wrote
        # (and logged as sent) before closing reaches the client before the close frame.
        assert await steady.close_websockets(1000) == 2
        one += await read_frames(first, time.monotonic() + 3)
        two += await read_frames(second, time.monotonic() + 3)
    sent = (await api.client.get("/__emulator__/sent")).json()["sent"]
    assert sent == steady.sent
    ids = [record["_id"] for record in sent]
    assert len(ids) == len(set(ids))  # each event once, however many sockets got it
    received = set(event_ids(one)) | set(event_ids(two))
    assert received == set(ids)
    assert len(ids) >= 10
    by_id = {e["_id"]: e for f in one + two if f["meta"]["message"] == "events" for e in f["data"]}
    for record in sent:
        assert set(record) == {"_id", "key", "site", "time", "sent_at"}
        assert record["site"] == "default"
        assert record["key"] == by_id[record["_id"]]["key"]
        assert record["time"] == by_id[record["_id"]]["time"]
        assert record["sent_at"] >= record["time"] - 7 * 86_400_000


async def test_text_ping_gets_text_pong(steady: Emulator, open_api: OpenApi) -> None:
    api = await open_api(steady)
    url = events_url(steady)
    async with connect(url, ssl=tls_context(steady), additional_headers=api.cookie_header) as ws:
        await ws.send("ping")
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            message = await asyncio.wait_for(ws.recv(), 3)
            if message == "pong":
                break
        else:
            pytest.fail("no pong")
        await asyncio.wait_for(await ws.ping(), 3)  # protocol ping answered too


async def test_unknown_site_socket_is_silent(steady: Emulator, open_api: OpenApi) -> None:
    api = await open_api(steady)
    url = events_url(steady, site="Default")  # the description, not the short name
    async with connect(url, ssl=tls_context(steady), additional_headers=api.cookie_header) as ws:
        await ws.send("ping")
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(ws.recv(), 0.3)
        await asyncio.wait_for(await ws.ping(), 3)  # open, just silent


async def test_drop_websockets_gives_an_abnormal_close(steady: Emulator, open_api: OpenApi) -> None:
    api = await open_api(steady)
    url = events_url(steady)
    async with connect(url, ssl=tls_context(steady), additional_headers=api.cookie_header) as ws:
        await asyncio.wait_for(ws.recv(), 3)
        response = await api.client.post("/__emulator__/faults", json={"fault": "drop-websockets"})
        assert response.status_code == 200
        assert response.json() == {"fault": "drop-websockets", "dropped": 1}
        with pytest.raises(ConnectionClosedError) as closed:
            await read_until_closed(ws)
        assert closed.value.rcvd is None  # no close frame came
        assert ws.close_code == 1006


async def test_python_api_drop_and_reconnect(steady: Emulator, open_api: OpenApi) -> None:
    api = await open_api(steady)
    url = events_url(steady)
    context = tls_context(steady)
    async with connect(url, ssl=context, additional_headers=api.cookie_header) as ws:
        before = await read_frames(ws, time.monotonic() + 0.25)
        assert await steady.drop_websockets() == 1
        with pytest.raises(ConnectionClosedError):
            await read_until_closed(ws)
    await asyncio.sleep(0.25)  # events falling due now reach nobody
    async with connect(url, ssl=context, additional_headers=api.cookie_header) as ws:
        after = await read_frames(ws, time.monotonic() + 0.25)
    first, second = event_ids(before), event_ids(after)
    assert first and second
    assert set(first).isdisjoint(second)
    received = set(first) | set(second)
    assert received <= {record["_id"] for record in steady.sent}


async def test_unknown_fault_is_rejected(steady: Emulator, open_api: OpenApi) -> None:
    api = await open_api(steady, login=False)
    response = await api.client.post("/__emulator__/faults", json={"fault": "meteor"})
    assert response.status_code == 400
    assert response.text.count("\n") == 1
    assert "meteor" in response.text


async def test_logout_closes_the_sockets_of_the_session(
    steady: Emulator, open_api: OpenApi
) -> None:
    api = await open_api(steady)
    url = events_url(steady)
    async with connect(url, ssl=tls_context(steady), additional_headers=api.cookie_header) as ws:
        await asyncio.wait_for(ws.recv(), 3)
        logout = await api.client.post("/api/auth/logout", headers={"X-CSRF-Token": api.csrf or ""})
        assert logout.status_code == 200
        with pytest.raises(ConnectionClosed) as closed:
            await read_until_closed(ws)
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 1008


async def test_event_documents_on_the_wire(steady: Emulator, open_api: OpenApi) -> None:
    api = await open_api(steady)
    url = events_url(steady)
    async with connect(url, ssl=tls_context(steady), additional_headers=api.cookie_header) as ws:
        frames = await read_frames(ws, time.monotonic() + 0.4)
    events = [e for f in frames if f["meta"]["message"] == "events" for e in f["data"]]
    assert events
    site_id = (await api.client.get("/proxy/network/api/self/sites")).json()["data"][0]["_id"]
    for event in events:
        assert re.match(r"^[0-9a-f]{24}$", event["_id"])
        assert event["site_id"] == site_id
        assert event["time"] > 1_600_000_000_000
        assert event["key"].startswith("EVT_")
        if event["key"] == "EVT_WU_Connected":
            assert isinstance(event["channel"], str)
            assert event["msg"].startswith(f"User[{event['user']}] has connected to AP[")


async def test_compression_can_be_switched_off(
    make_emulator: MakeEmulator, open_api: OpenApi
) -> None:
    emulator = await make_emulator(scenario="steady", websocket_compression=False)
    api = await open_api(emulator)
    url = events_url(emulator)
    async with connect(url, ssl=tls_context(emulator), additional_headers=api.cookie_header) as ws:
        assert ws.response is not None
        assert "Sec-WebSocket-Extensions" not in ws.response.headers  # offered, not accepted
        assert '"sta:sync"' in str(await asyncio.wait_for(ws.recv(), 3))


async def test_device_updates_carry_changed_fields_only(
    steady: Emulator, open_api: OpenApi
) -> None:
    api = await open_api(steady)
    url = events_url(steady)
    async with connect(url, ssl=tls_context(steady), additional_headers=api.cookie_header) as ws:
        frames = await read_frames(ws, time.monotonic() + 0.6)
    devices = next(f for f in frames if f["meta"]["message"] == "device:sync")["data"]
    by_mac = {device["mac"]: device for device in devices}
    updates = [f for f in frames if f["meta"]["message"] == "device:update"]
    assert updates
    for update in updates:
        assert set(update["meta"]) == {"rc", "message", "mac"}
        (changed,) = update["data"]
        full = by_mac[update["meta"]["mac"]]
        assert changed
        assert set(changed) < set(full)  # a part of the record, never all of it
        assert "model" not in changed
        assert "mac" not in changed
    assert any("system-stats" in u["data"][0] or "uptime" in u["data"][0] for u in updates)


@pytest.mark.parametrize(("share", "expected"), [(0.0, "none"), (0.25, "some"), (1.0, "all")])
async def test_data_comes_before_meta_at_times(
    make_emulator: MakeEmulator, open_api: OpenApi, share: float, expected: str
) -> None:
    emulator = await make_emulator(
        scenario="steady",
        speed=600.0,
        push_interval=0.05,
        variants=Variants(data_first_share=share),
    )
    api = await open_api(emulator)
    url = events_url(emulator)
    texts: list[str] = []
    async with connect(url, ssl=tls_context(emulator), additional_headers=api.cookie_header) as ws:
        deadline = time.monotonic() + 0.5
        while (left := deadline - time.monotonic()) > 0:
            try:
                texts.append(str(await asyncio.wait_for(ws.recv(), left)))
            except TimeoutError:
                break
    assert len(texts) >= 8
    first = [text.split('"', 2)[1] for text in texts]
    assert set(first) <= {"meta", "data"}
    data_first = first.count("data")
    if expected == "none":
        assert data_first == 0
    elif expected == "all":
        assert data_first == len(texts)
    else:
        assert 0 < data_first < len(texts)


async def test_super_site_carries_admin_logins(steady: Emulator, open_api: OpenApi) -> None:
    api = await open_api(steady)
    url = events_url(steady, site="super")
    async with connect(url, ssl=tls_context(steady), additional_headers=api.cookie_header) as ws:
        await open_api(steady)  # a second login, announced on the super site
        message = json.loads(await asyncio.wait_for(ws.recv(), 3))
        await ws.send("ping")
        assert await asyncio.wait_for(ws.recv(), 3) == "pong"
        quiet = await read_frames(ws, time.monotonic() + 0.3)
    assert message["meta"] == {"rc": "ok", "message": "events"}
    (login,) = message["data"]
    assert login["key"] == "EVT_AD_Login"
    assert login["admin"] == "admin"
    assert login["ip"] == "127.0.0.1"
    assert login["subsystem"] == "admin"
    assert login["msg"] == "Admin[admin] log in from 127.0.0.1"
    assert quiet == []  # no syncs, no scenario traffic on the super site
    assert login["_id"] in {record["_id"] for record in steady.sent}
    assert steady.scenario_start_ms is not None
