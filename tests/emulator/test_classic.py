"""The classic (self-hosted) controller flavour over real HTTPS and WSS."""

from __future__ import annotations

import asyncio
import re

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from unifi_scanner.emulator import Emulator

from .emulator_support import MakeEmulator, OpenApi, events_url, read_until_closed, tls_context

LOGIN_REQUIRED = {"data": [], "meta": {"msg": "api.err.LoginRequired", "rc": "error"}}
INVALID = {"meta": {"rc": "error", "msg": "api.err.Invalid"}, "data": []}
SESSION_COOKIE = re.compile(r"^unifises=([0-9a-f]{32}); Path=/; Secure; HttpOnly$")
CSRF_COOKIE = re.compile(r"^csrf_token=([0-9a-f]{32}); Path=/; Secure$")


@pytest.fixture
async def classic(make_emulator: MakeEmulator) -> Emulator:
    return await make_emulator(
        scenario="steady", flavour="classic", speed=600.0, network_version="9.3.45"
    )


async def test_root_redirects_to_manage(classic: Emulator, open_api: OpenApi) -> None:
    api = await open_api(classic, login=False)
    root = await api.client.get("/")
    assert root.status_code == 302
    assert root.headers["Location"] == "/manage"
    manage = await api.client.get("/manage")
    assert manage.status_code == 200
    assert manage.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize(("version", "reported"), [("9.3.45", True), ("10.0.162", False)])
async def test_status_needs_no_login(
    make_emulator: MakeEmulator, open_api: OpenApi, version: str, reported: bool
) -> None:
    emulator = await make_emulator(scenario="steady", flavour="classic", network_version=version)
    api = await open_api(emulator, login=False)
    body = (await api.client.get("/status")).json()
    assert body["data"] == []
    assert body["meta"]["rc"] == "ok"
    assert body["meta"]["up"] is True
    assert ("server_version" in body["meta"]) is reported
    if reported:
        assert body["meta"]["server_version"] == version


async def test_login_sets_both_cookies(classic: Emulator, open_api: OpenApi) -> None:
    api = await open_api(classic, login=False)
    response = await api.client.post(
        "/api/login",
        json={"username": "admin", "password": classic.config.password, "remember": True},
    )
    assert response.status_code == 200
    assert response.json() == {"meta": {"rc": "ok"}, "data": []}
    session_cookie, csrf_cookie = response.headers.get_list("set-cookie")
    assert SESSION_COOKIE.match(session_cookie), session_cookie
    assert CSRF_COOKIE.match(csrf_cookie), csrf_cookie
    assert "X-CSRF-Token" not in response.headers
    assert classic.login_attempts == {"success": 1, "failure": 0}


async def test_bad_logins_are_400_invalid(classic: Emulator, open_api: OpenApi) -> None:
    api = await open_api(classic, login=False)
    wrong = await api.client.post("/api/login", json={"username": "admin", "password": "x"})
    assert wrong.status_code == 400
    assert wrong.json() == INVALID
    malformed = await api.client.post("/api/login", content=b"{nope")
    assert malformed.status_code == 400
    assert malformed.json() == INVALID
    unifi_os_path = await api.client.post("/api/auth/login", json={"username": "admin"})
    assert unifi_os_path.status_code == 401  # no such login here: just another guarded path
    assert unifi_os_path.json() == LOGIN_REQUIRED
    assert classic.login_attempts == {"success": 0, "failure": 2}


async def test_network_api_without_prefix(classic: Emulator, open_api: OpenApi) -> None:
    anonymous = await open_api(classic, login=False)
    for path in ("/api/s/default/stat/sta", "/api/self", "/api/self/sites"):
        response = await anonymous.client.get(path)
        assert response.status_code == 401
        assert response.json() == LOGIN_REQUIRED
    api = await open_api(classic)
    (admin,) = (await api.client.get("/api/self")).json()["data"]
    assert admin["name"] == "admin"
    devices = (await api.client.get("/api/s/default/stat/device")).json()["data"]
    assert len(devices) == 7
    posted = await api.client.post("/api/s/default/stat/device", json={"macs": [devices[0]["mac"]]})
    assert posted.status_code == 200  # classic controllers check no CSRF header
    assert "set-cookie" not in posted.headers  # the session slides server-side
    (info,) = (await api.client.get("/api/s/default/stat/sysinfo")).json()["data"]
    assert info["version"] == "9.3.45"
    assert info["https_port"] == 8443
    nowhere = await api.client.get("/api/s/Default/stat/sta")
    assert nowhere.status_code == 401
    assert nowhere.json()["meta"]["msg"] == "api.err.NoSiteContext"
    assert (await api.client.get("/proxy/network/api/self/sites")).status_code == 404


async def test_event_socket_needs_the_cookies(classic: Emulator, open_api: OpenApi) -> None:
    with pytest.raises(InvalidStatus) as refused:
        async with connect(events_url(classic), ssl=tls_context(classic)):
            pass
    assert refused.value.response.status_code == 401
    api = await open_api(classic)
    assert events_url(classic).endswith(f":{classic.port}/wss/s/default/events")
    async with connect(
        events_url(classic), ssl=tls_context(classic), additional_headers=api.cookie_header
    ) as ws:
        assert '"sta:sync"' in str(await asyncio.wait_for(ws.recv(), 3))
        logout = await api.client.post("/api/logout")
        assert logout.status_code == 200
        assert logout.json() == {"meta": {"rc": "ok"}, "data": []}
        with pytest.raises(ConnectionClosed) as closed:
            await read_until_closed(ws)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1008
    assert (await api.client.get("/api/self")).status_code == 401


async def test_browser_logout_redirects(classic: Emulator, open_api: OpenApi) -> None:
    api = await open_api(classic)
    response = await api.client.get("/logout")
    assert response.status_code == 302
    assert response.headers["Location"] == "/manage"
    assert (await api.client.get("/api/self")).status_code == 401
