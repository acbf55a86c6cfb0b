"""Faults, injected through the control API over real sockets, and on the scenario clock."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, ConnectionClosedError, InvalidStatus

from unifi_scanner.emulator import FAULTS, Emulator, FaultSpec, ScheduledFault
from unifi_scanner.emulator.control import is_loopback

from .emulator_support import (
    Api,
    MakeEmulator,
    OpenApi,
    events_url,
    network,
    read_frames,
    read_until_closed,
    tls_context,
)

FAULTS_PATH = "/__emulator__/faults"


@pytest.fixture
async def steady(make_emulator: MakeEmulator) -> Emulator:
    return await make_emulator(scenario="steady", speed=600.0, push_interval=0.05)


async def inject(api: Api, fault: str, **params: Any) -> dict[str, Any]:
    response = await api.client.post(FAULTS_PATH, json={"fault": fault, **params})
    assert response.status_code == 200, response.text
    body = response.json()
    assert isinstance(body, dict)
    return body


def socket(emulator: Emulator, api: Api, **options: Any) -> Any:
    url = events_url(emulator)
    return connect(url, ssl=tls_context(emulator), additional_headers=api.cookie_header, **options)


async def first_frame(ws: ClientConnection) -> None:
    await asyncio.wait_for(ws.recv(), 3)


async def test_catalogue_lists_every_fault_with_its_parameters(
    steady: Emulator, open_api: OpenApi
) -> None:
    api = await open_api(steady, login=False)
    status = (await api.client.get(FAULTS_PATH)).json()
    assert set(status["catalogue"]) == set(FAULTS)
    close = status["catalogue"]["close-websockets"]
    assert close["params"]["code"]["required"] is True
    assert 1011 in close["params"]["code"]["choices"]
    assert status["active"] == []
    assert status["history"] == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"fault": "meteor"}, "unknown fault 'meteor'"),
        ({"fault": "close-websockets"}, "'code' is required"),
        ({"fault": "close-websockets", "code": 1234}, "code must be one of"),
        ({"fault": "slow-responses", "delay": "soon"}, "delay must be a number"),
        ({"fault": "drop-websockets", "colour": "red"}, "unknown parameter 'colour'"),
        (["drop-websockets"], "body must be a JSON object"),
    ],
)
async def test_bad_requests_get_one_line(
    steady: Emulator, open_api: OpenApi, body: Any, message: str
) -> None:
    api = await open_api(steady, login=False)
    response = await api.client.post(FAULTS_PATH, json=body)
    assert response.status_code == 400
    assert response.text.count("\n") == 1
    assert message in response.text


@pytest.mark.parametrize("code", [1000, 1001, 1008, 1011])
async def test_close_websockets_with_a_code(steady: Emulator, open_api: OpenApi, code: int) -> None:
    api = await open_api(steady)
    async with socket(steady, api) as ws:
        await first_frame(ws)
        result = await inject(api, "close-websockets", code=code, reason="maintenance")
        expected = {"fault": "close-websockets", "code": code, "reason": "maintenance"}
        assert result == expected | {"closed": 1}
        with pytest.raises(ConnectionClosed) as closed:
            await read_until_closed(ws)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == code
    assert closed.value.rcvd.reason == "maintenance"


async def test_drop_is_an_abnormal_close_and_can_target_a_site(
    steady: Emulator, open_api: OpenApi
) -> None:
    api = await open_api(steady)
    async with socket(steady, api) as ws:
        await first_frame(ws)
        assert (await inject(api, "drop-websockets", site="elsewhere"))["dropped"] == 0
        assert (await inject(api, "drop-websockets", site="default"))["dropped"] == 1
        with pytest.raises(ConnectionClosedError) as closed:
            await read_until_closed(ws)
    assert closed.value.rcvd is None
    assert ws.close_code == 1006


async def test_silent_socket_stays_open_but_answers_nothing(
    steady: Emulator, open_api: OpenApi
) -> None:
    api = await open_api(steady)
    async with socket(steady, api, ping_interval=None) as ws:
        await first_frame(ws)
        assert (await inject(api, "silence-websockets"))["silenced"] == 1
        await read_frames(ws, time.monotonic() + 0.3)  # what was already in flight
        await ws.send("ping")
        pong_waiter = await ws.ping()
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(ws.recv(), 0.5)  # no events, no syncs, no text pong
        assert not pong_waiter.done()  # protocol pings go unanswered too
        assert steady.open_websockets == 1  # and the server has not closed it
    # A new socket is served normally.
    async with socket(steady, api) as fresh:
        greeting = [json.loads(await asyncio.wait_for(fresh.recv(), 3)) for _ in range(2)]
    assert [f["meta"]["message"] for f in greeting] == ["sta:sync", "device:sync"]


async def test_bad_frames_reach_the_client_as_they_are(steady: Emulator, open_api: OpenApi) -> None:
    api = await open_api(steady)
    async with socket(steady, api, max_size=None) as ws:
        await first_frame(ws)
        for fault in ("malformed-frame", "empty-frame"):
            assert (await inject(api, fault))["sent"] == 1
        unknown = await inject(api, "unknown-message", message="speed-test:progress")
        assert unknown["sent"] == 1
        oversize = await inject(api, "oversize-frame")
        assert oversize["bytes"] > 4 * 1024 * 1024
        texts: list[str] = []
        while not any(len(text) > 4 * 1024 * 1024 for text in texts):  # the oversize one is last
            message = await asyncio.wait_for(ws.recv(), 3)
            assert isinstance(message, str)
            texts.append(message)
    assert "" in texts
    malformed = [t for t in texts if t.startswith('{"meta"') and not t.endswith("}")]
    assert malformed
    with pytest.raises(json.JSONDecodeError):
        json.loads(malformed[0])
    unknown_frames = [json.loads(t) for t in texts if '"speed-test:progress"' in t]
    assert unknown_frames[0]["meta"] == {"rc": "ok", "message": "speed-test:progress"}
    big = json.loads(texts[-1])
    assert len(texts[-1]) > 4 * 1024 * 1024
    assert big["meta"]["message"] == "sta:sync"
    assert {c["mac"] for c in big["data"]} <= {c["mac"] for c in big["data"][:50]}


async def test_expired_sessions_get_401_and_their_sockets_1008(
    steady: Emulator, open_api: OpenApi
) -> None:
    api = await open_api(steady)
    async with socket(steady, api) as ws:
        await first_frame(ws)
        result = await inject(api, "expire-sessions")
        assert result["expired"] == 1
        assert result["closed"] == 1
        with pytest.raises(ConnectionClosed) as closed:
            await read_until_closed(ws)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1008
    response = await api.client.get(network(steady, "/api/s/default/stat/sta"))
    assert response.status_code == 401
    assert response.json()["meta"]["msg"] == "api.err.LoginRequired"
    with pytest.raises(InvalidStatus) as refused:
        async with socket(steady, api):
            pass
    assert refused.value.response.status_code == 401
    again = await open_api(steady)  # a new login works
    assert (await again.client.get(network(steady, "/api/s/default/stat/sta"))).status_code == 200


async def test_refuse_logins_answers_429_with_retry_after(
    steady: Emulator, open_api: OpenApi
) -> None:
    api = await open_api(steady, login=False)
    await inject(api, "refuse-logins", seconds=30)
    body = {"username": "admin", "password": steady.config.password}
    response = await api.client.post("/api/auth/login", json=body)
    assert response.status_code == 429
    assert response.json() == {
        "code": "AUTHENTICATION_FAILED_LIMIT_REACHED",
        "message": "You've reached the login attempt limit",
    }
    assert 28 <= int(response.headers["Retry-After"]) <= 30
    status = (await api.client.get(FAULTS_PATH)).json()
    assert [a["fault"] for a in status["active"]] == ["refuse-logins"]
    await inject(api, "clear")
    assert (await api.client.post("/api/auth/login", json=body)).status_code == 200


async def test_restart_drops_everything_then_needs_a_new_login(
    steady: Emulator, open_api: OpenApi
) -> None:
    api = await open_api(steady)
    control = await open_api(steady, login=False)
    async with socket(steady, api) as ws:
        await first_frame(ws)
        result = await inject(control, "restart", seconds=0.6)
        assert result["status"] == 502
        assert result["dropped"] == 1
        assert result["expired"] == 1
        with pytest.raises(ConnectionClosedError):
            await read_until_closed(ws)
    assert ws.close_code == 1006
    during = await api.client.get(network(steady, "/api/s/default/stat/sta"))
    assert during.status_code == 502
    assert "502 Bad Gateway" in during.text
    login = await api.client.post("/api/auth/login", json={"username": "admin", "password": "x"})
    assert login.status_code == 502
    await asyncio.sleep(0.7)
    after = await api.client.get(network(steady, "/api/s/default/stat/sta"))
    assert after.status_code == 401  # back, but the old session is gone
    fresh = await open_api(steady)
    assert (await fresh.client.get(network(steady, "/api/s/default/stat/sta"))).status_code == 200


async def test_a_classic_restart_answers_503(
    make_emulator: MakeEmulator, open_api: OpenApi
) -> None:
    emulator = await make_emulator(scenario="steady", flavour="classic")
    api = await open_api(emulator)
    assert (await emulator.restart(seconds=30))["status"] == 503
    fresh = await open_api(emulator, login=False)  # the old connections were cut
    for path in ("/status", "/api/self", "/"):
        assert (await fresh.client.get(path)).status_code == 503
    await emulator.inject_fault("clear")
    back = await fresh.client.get("/api/self", headers=api.cookie_header)
    assert back.status_code == 401  # back up, but the session did not survive


async def test_restart_cuts_idle_keep_alive_connections(
    steady: Emulator, open_api: OpenApi
) -> None:
    api = await open_api(steady)
    assert (await api.client.get(network(steady, "/api/self/sites"))).status_code == 200
    result = await steady.restart(seconds=0.3)
    assert result["connections"] >= 1  # the idle keep-alive connection of `api`
    await asyncio.sleep(0.4)
    response = await api.client.get(network(steady, "/api/self/sites"))
    assert response.status_code == 401  # httpx reconnected; the session did not survive


async def test_slow_responses_for_a_path_then_cleared(steady: Emulator, open_api: OpenApi) -> None:
    api = await open_api(steady)
    await inject(api, "slow-responses", delay=0.4, path="stat/health")
    started = time.monotonic()
    await api.client.get(network(steady, "/api/s/default/stat/health"))
    slow = time.monotonic() - started
    started = time.monotonic()
    await api.client.get(network(steady, "/api/s/default/stat/sysinfo"))
    fast = time.monotonic() - started
    assert slow >= 0.4 > fast
    status = (await api.client.get(FAULTS_PATH)).json()
    assert status["active"] == [{"fault": "slow-responses", "delay": 0.4, "path": "stat/health"}]
    await inject(api, "clear")
    assert (await api.client.get(FAULTS_PATH)).json()["active"] == []


async def test_rest_errors_for_a_count(steady: Emulator, open_api: OpenApi) -> None:
    api = await open_api(steady)
    await inject(api, "rest-errors", status=503, count=2)
    path = network(steady, "/api/s/default/stat/sysinfo")
    statuses = [(await api.client.get(path)).status_code for _ in range(3)]
    assert statuses == [503, 503, 200]
    await inject(api, "rest-errors")  # default: one 500 with the legacy envelope
    failed = await api.client.get(path)
    assert failed.status_code == 500
    assert failed.json() == {"meta": {"rc": "error", "msg": "api.err.ServerError"}, "data": []}
    assert (await api.client.get(path)).status_code == 200


async def test_control_api_keeps_answering_during_faults(
    steady: Emulator, open_api: OpenApi
) -> None:
    api = await open_api(steady, login=False)
    await inject(api, "rest-errors", status=500, seconds=30)
    await inject(api, "restart", seconds=30)
    assert (await api.client.get("/__emulator__/sent")).status_code == 200
    history = (await api.client.get(FAULTS_PATH)).json()["history"]
    assert [entry["fault"] for entry in history] == ["rest-errors", "restart"]
    assert all(entry["scheduled"] is False for entry in history)
    await inject(api, "clear")
    assert (await api.client.get("/api/system")).status_code == 200


@pytest.mark.parametrize(
    ("peer", "allowed"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("192.168.1.20", False),
        ("::ffff:10.0.0.1", False),
        ("fe80::1", False),
        (None, False),
        ("not-an-address", False),
    ],
)
def test_faults_answer_loopback_peers_only(peer: str | None, allowed: bool) -> None:
    # Tests bind loopback only, so the peer check itself is tested directly.
    assert is_loopback(peer) is allowed


async def test_scheduled_faults_strike_on_the_scenario_clock(
    make_emulator: MakeEmulator, open_api: OpenApi
) -> None:
    # Ten scenario minutes per wall second: the drop comes 0.2 s after the clock starts.
    schedule = (
        ScheduledFault(120.0, FaultSpec.of("drop-websockets")),
        ScheduledFault(240.0, FaultSpec.of("expire-sessions")),
    )
    emulator = await make_emulator(
        scenario="steady", speed=600.0, wait_for_client=True, faults=schedule, push_interval=0.05
    )
    api = await open_api(emulator)
    pending = (await api.client.get(FAULTS_PATH)).json()["scheduled"]
    assert [p["fault"] for p in pending] == ["drop-websockets", "expire-sessions"]
    async with socket(emulator, api) as ws:
        with pytest.raises(ConnectionClosedError):
            await read_until_closed(ws)
    assert ws.close_code == 1006
    await asyncio.sleep(0.4)
    history = emulator.faults_injected
    assert [h["fault"] for h in history] == ["drop-websockets", "expire-sessions"]
    assert all(h["scheduled"] for h in history)
    assert history[0]["offset_ms"] >= 120_000
    assert (await api.client.get(network(emulator, "/api/self/sites"))).status_code == 401


def test_fault_specs_parse_from_the_command_line_form() -> None:
    spec = ScheduledFault.parse("90:close-websockets:code=1011,reason=overloaded")
    assert spec.at_s == 90
    expected = {"fault": "close-websockets", "code": 1011, "reason": "overloaded"}
    assert spec.fault.as_dict() == expected
    assert FaultSpec.parse("oversize-frame").get("size") == 4 * 1024 * 1024 + 64 * 1024
    with pytest.raises(ValueError, match="AT:NAME"):
        ScheduledFault.parse("soon:drop-websockets")
    with pytest.raises(ValueError, match="at least"):
        FaultSpec.parse("restart:seconds=-1")
