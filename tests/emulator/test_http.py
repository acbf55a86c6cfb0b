"""REST and authentication over real HTTPS, as a third-party UniFi client sees them."""

from __future__ import annotations

import asyncio
import re
import time
import uuid

import pytest

from unifi_scanner.emulator import Emulator

from .emulator_support import Api, MakeEmulator, OpenApi, jwt_parts

NETWORK = "/proxy/network/api/s/default"
LOGIN_REQUIRED = {"meta": {"rc": "error", "msg": "api.err.LoginRequired"}, "data": []}
NOT_FOUND = {"meta": {"rc": "error", "msg": "api.err.NotFound"}, "data": []}
UNAUTHORIZED = {"error": {"code": 401, "message": "Unauthorized"}}
COOKIE = re.compile(r"^TOKEN=([^;]+); path=/; samesite=none; secure; httponly$")


def cookie(token: str) -> dict[str, str]:
    return {"Cookie": f"TOKEN={token}"}


@pytest.fixture
async def steady(make_emulator: MakeEmulator) -> Emulator:
    return await make_emulator(scenario="steady", speed=60.0)


async def test_root_answers_200_html_like_unifi_os(steady: Emulator, open_api: OpenApi) -> None:
    api = await open_api(steady, login=False)
    response = await api.client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")


async def test_system_is_readable_without_login(steady: Emulator, open_api: OpenApi) -> None:
    api = await open_api(steady, login=False)
    system = (await api.client.get("/api/system")).json()
    assert system["hardware"]["shortname"] == "UDMPRO"
    assert system["name"] == "Dream Machine Pro"
    assert re.match(r"^[0-9A-F]{12}$", system["mac"])
    assert system["deviceState"] == "setup"


async def test_login_success_shape(steady: Emulator, open_api: OpenApi) -> None:
    api = await open_api(steady, login=False)
    response = await api.client.post(
        "/api/auth/login",
        json={"username": "admin", "password": steady.config.password, "rememberMe": True},
    )
    assert response.status_code == 200
    user = response.json()
    assert "meta" not in user
    assert "data" not in user
    assert user["username"] == "admin"
    assert user["isOwner"] is True
    assert user["unique_id"]
    assert user["first_name"]
    assert user["roles"]
    (set_cookie,) = response.headers.get_list("set-cookie")
    match = COOKIE.match(set_cookie)
    assert match, set_cookie
    csrf = response.headers["X-CSRF-Token"]
    uuid.UUID(csrf)
    header, payload = jwt_parts(match.group(1))
    assert header["alg"] == "HS256"
    assert list(payload) == ["userId", "csrfToken", "jti", "passwordRevision", "iat", "exp"]
    assert payload["csrfToken"] == csrf
    assert payload["userId"] == user["unique_id"]
    assert payload["exp"] - payload["iat"] == 3600
    assert abs(payload["iat"] - time.time()) < 5  # wall-clock epoch seconds
    assert steady.login_attempts == {"success": 1, "failure": 0}


async def test_session_lifetime_is_configurable(
    make_emulator: MakeEmulator, open_api: OpenApi
) -> None:
    emulator = await make_emulator(scenario="steady", session_lifetime=120.0)
    api = await open_api(emulator)
    assert api.token is not None
    _, payload = jwt_parts(api.token)
    assert payload["exp"] - payload["iat"] == 120


async def test_login_failures_are_counted(steady: Emulator, open_api: OpenApi) -> None:
    api = await open_api(steady, login=False)
    wrong = await api.client.post("/api/auth/login", json={"username": "admin", "password": "x"})
    assert wrong.status_code == 403
    assert wrong.json() == {"code": "AUTHENTICATION_FAILED", "message": "Authentication failed"}
    assert "set-cookie" not in wrong.headers
    malformed = await api.client.post("/api/auth/login", content=b"{not json")
    assert malformed.status_code == 400
    assert malformed.json()["message"]
    missing = await api.client.post("/api/auth/login", json={"username": "admin"})
    assert missing.status_code == 400
    assert steady.login_attempts == {"success": 0, "failure": 3}


async def test_users_self_needs_a_session(steady: Emulator, open_api: OpenApi) -> None:
    anonymous = await open_api(steady, login=False)
    response = await anonymous.client.get("/api/users/self")
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED
    api = await open_api(steady)
    assert (await api.client.get("/api/users/self")).json()["username"] == "admin"


async def test_network_api_requires_a_valid_token(steady: Emulator, open_api: OpenApi) -> None:
    anonymous = await open_api(steady, login=False)
    response = await anonymous.client.get(f"{NETWORK}/stat/sta")
    assert response.status_code == 401
    assert response.json() == LOGIN_REQUIRED
    api = await open_api(steady)
    assert api.token is not None
    forged = api.token[:-4] + ("AAAA" if not api.token.endswith("AAAA") else "BBBB")
    response = await anonymous.client.get(f"{NETWORK}/stat/sta", headers=cookie(forged))
    assert response.status_code == 401


async def test_non_get_needs_the_csrf_token(steady: Emulator, open_api: OpenApi) -> None:
    api = await open_api(steady)
    body: dict[str, list[str]] = {"macs": []}
    refused = await api.client.post(f"{NETWORK}/stat/device", json=body)
    assert refused.status_code == 403
    assert refused.json() == {"message": "Invalid CSRF Token"}
    assert api.csrf is not None
    wrong = await api.client.post(
        f"{NETWORK}/stat/device", json=body, headers={"X-CSRF-Token": str(uuid.uuid4())}
    )
    assert wrong.status_code == 403
    accepted = await api.client.post(
        f"{NETWORK}/stat/device", json=body, headers={"X-CSRF-Token": api.csrf}
    )
    assert accepted.status_code == 200


async def test_authenticated_answers_reissue_the_session(
    steady: Emulator, open_api: OpenApi
) -> None:
    api = await open_api(steady)
    assert api.token is not None
    _, first = jwt_parts(api.token)
    response = await api.client.get("/proxy/network/api/self/sites")
    match = COOKIE.match(response.headers["set-cookie"])
    assert match
    _, renewed = jwt_parts(match.group(1))
    assert response.headers["X-CSRF-Token"] == api.csrf
    assert renewed["jti"] == first["jti"]
    assert renewed["csrfToken"] == first["csrfToken"]
    assert renewed["exp"] >= first["exp"]
    assert renewed["exp"] - renewed["iat"] == 3600


async def test_logout_needs_csrf_and_ends_the_session(steady: Emulator, open_api: OpenApi) -> None:
    api = await open_api(steady)
    assert api.token is not None
    refused = await api.client.post("/api/auth/logout")
    assert refused.status_code == 403
    response = await api.client.post("/api/auth/logout", headers={"X-CSRF-Token": api.csrf or ""})
    assert response.status_code == 200
    anonymous = await open_api(steady, login=False)
    after = await anonymous.client.get(f"{NETWORK}/stat/sta", headers=cookie(api.token))
    assert after.status_code == 401
    assert after.json() == LOGIN_REQUIRED


async def test_self_sites(steady: Emulator, open_api: OpenApi) -> None:
    api = await open_api(steady)
    body = (await api.client.get("/proxy/network/api/self/sites")).json()
    assert body["meta"] == {"rc": "ok"}
    (site,) = body["data"]
    assert site["name"] == "default"
    assert site["desc"] == "Default"
    assert site["role"] == "admin"
    assert re.match(r"^[0-9a-f]{24}$", site["_id"])
    assert {"attr_hidden_id", "attr_no_delete"} <= set(site)


async def test_unknown_site_has_no_site_context(steady: Emulator, open_api: OpenApi) -> None:
    api = await open_api(steady)
    for path in ("stat/device", "stat/sysinfo", "stat/event", "anything"):
        response = await api.client.get(f"/proxy/network/api/s/Default/{path}")
        assert response.status_code == 401
        assert response.json() == {
            "meta": {"rc": "error", "msg": "api.err.NoSiteContext"},
            "data": [],
        }


async def test_devices(steady: Emulator, open_api: OpenApi) -> None:
    api = await open_api(steady)
    devices = (await api.client.get(f"{NETWORK}/stat/device")).json()["data"]
    assert {d["type"] for d in devices} == {"udm", "usw", "uap"}
    assert len(devices) == 7
    for device in devices:
        for name in ("_id", "mac", "model", "name", "version", "serial", "uptime", "last_seen"):
            assert name in device, name
        assert device["state"] == 1
        assert device["adopted"] is True
        assert isinstance(device["system-stats"]["cpu"], str)
        assert isinstance(device["system-stats"]["mem"], str)
        float(device["system-stats"]["cpu"])
        assert isinstance(device["upgradable"], bool)
    kitchen = next(d for d in devices if d["name"] == "Kitchen AP")
    assert kitchen["model"] == "UAL6"
    assert {r["radio"] for r in kitchen["radio_table_stats"]} == {"ng", "na"}
    assert all(isinstance(r["channel"], int) for r in kitchen["radio_table_stats"])
    core = next(d for d in devices if d["name"] == "Core Switch")
    assert core["total_max_power"] == 250
    assert isinstance(core["general_temperature"], int)
    powered = [p for p in core["port_table"] if p["poe_enable"]]
    assert powered
    assert all(isinstance(p["poe_power"], str) and float(p["poe_power"]) > 0 for p in powered)
    gateway = next(d for d in devices if d["type"] == "udm")
    assert gateway["temperatures"][0]["type"] == "cpu"


async def test_device_filter_by_mac(steady: Emulator, open_api: OpenApi) -> None:
    api = await open_api(steady)
    devices = (await api.client.get(f"{NETWORK}/stat/device")).json()["data"]
    wanted = devices[2]["mac"].upper()
    response = await api.client.post(
        f"{NETWORK}/stat/device", json={"macs": [wanted]}, headers={"X-CSRF-Token": api.csrf or ""}
    )
    assert [d["mac"] for d in response.json()["data"]] == [devices[2]["mac"]]
    bad = await api.client.post(
        f"{NETWORK}/stat/device", json={"macs": "nope"}, headers={"X-CSRF-Token": api.csrf or ""}
    )
    assert bad.status_code == 400


async def test_clients(steady: Emulator, open_api: OpenApi) -> None:
    api = await open_api(steady)
    clients = (await api.client.get(f"{NETWORK}/stat/sta")).json()["data"]
    assert clients
    for client in clients:
        for name in ("mac", "ip", "oui", "is_wired", "is_guest", "uptime", "first_seen"):
            assert name in client, name
        assert client["first_seen"] <= client["last_seen"] < 10**10  # epoch seconds
        if client["is_wired"]:
            assert "sw_mac" in client
        else:
            assert isinstance(client["channel"], int)
            assert client["radio"] in {"ng", "na"}
            assert client["rssi"] > 0
            assert client["signal"] < 0
            assert 0 <= client["satisfaction"] <= 100
            assert {"essid", "bssid", "ap_mac", "noise"} <= set(client)
    assert any("name" in c for c in clients) and any("hostname" in c for c in clients)


async def test_health(steady: Emulator, open_api: OpenApi) -> None:
    api = await open_api(steady)
    health = (await api.client.get(f"{NETWORK}/stat/health")).json()["data"]
    assert [h["subsystem"] for h in health] == ["wlan", "wan", "www", "lan", "vpn"]
    www = health[2]
    assert {"latency", "xput_up", "xput_down", "status"} <= set(www)


async def test_unknown_paths_are_404(steady: Emulator, open_api: OpenApi) -> None:
    api = await open_api(steady)
    for path in (f"{NETWORK}/stat/nothing", "/proxy/network/api/nothing", "/proxy/network/x"):
        response = await api.client.get(path)
        assert response.status_code == 404
        assert response.json() == NOT_FOUND


async def test_state_follows_scenario_time(make_emulator: MakeEmulator, open_api: OpenApi) -> None:
    # Cut the demo day at 14:15, ten minutes into the Garage AP outage, and play it fast.
    emulator = await make_emulator(scenario="demo", speed=200_000.0, duration=14.25 * 3600)
    await emulator.wait_finished()
    await asyncio.sleep(0.1)  # let the clock pass the (event-free) end of the cut
    api: Api = await open_api(emulator)
    devices = {
        d["name"]: d for d in (await api.client.get(f"{NETWORK}/stat/device")).json()["data"]
    }
    garage = devices["Garage AP"]
    assert garage["state"] == 0
    assert garage["num_sta"] == 0
    assert devices["Kitchen AP"]["state"] == 1
    office_5ghz = next(r for r in devices["Office AP"]["radio_table"] if r["radio"] == "na")
    assert office_5ghz["channel"] == 44  # moved off DFS channel 100 after the 09:40 radar hit
    port = next(p for p in devices["Core Switch"]["port_table"] if p["name"] == "Garage AP")
    assert port["up"] is False
    assert port["poe_power"] == "0.00"
    clients = (await api.client.get(f"{NETWORK}/stat/sta")).json()["data"]
    assert garage["mac"] not in {c.get("ap_mac") for c in clients}
    wlan = (await api.client.get(f"{NETWORK}/stat/health")).json()["data"][0]
    assert wlan["num_disconnected"] == 1
    assert wlan["status"] == "warning"


async def test_plain_http_drops_the_secure_flag(
    make_emulator: MakeEmulator, open_api: OpenApi
) -> None:
    emulator = await make_emulator(scenario="steady", plain_http=True)
    assert emulator.url.startswith("http://127.0.0.1:")
    api = await open_api(emulator)
    response = await api.client.get("/proxy/network/api/self/sites")
    assert response.status_code == 200  # the cookie came back over plain HTTP
    assert "secure" not in response.headers["set-cookie"]


async def test_configuration_and_known_clients(steady: Emulator, open_api: OpenApi) -> None:
    api = await open_api(steady)
    (admin,) = (await api.client.get("/proxy/network/api/self")).json()["data"]
    assert admin["name"] == "admin"
    known = (await api.client.get(f"{NETWORK}/rest/user")).json()["data"]
    connected = (await api.client.get(f"{NETWORK}/stat/sta")).json()["data"]
    assert len(known) == 25  # every client the site knows, connected or not
    assert {c["mac"] for c in connected} < {c["mac"] for c in known}
    assert all(k["first_seen"] <= k["last_seen"] for k in known)
    everyone = (await api.client.get(f"{NETWORK}/stat/alluser")).json()["data"]
    assert [c["mac"] for c in everyone] == [c["mac"] for c in known]
    wlans = (await api.client.get(f"{NETWORK}/rest/wlanconf")).json()["data"]
    assert {w["name"] for w in wlans} == {"HomeNet", "HomeNet-IoT", "HomeNet-Guest"}
    assert all("x_passphrase" not in w and w["security"] == "wpapsk" for w in wlans)
    networks = (await api.client.get(f"{NETWORK}/rest/networkconf")).json()["data"]
    assert {(n["name"], n.get("vlan")) for n in networks} == {
        ("Default", None), ("IoT", 20), ("Guest", 30)
    }  # fmt: skip
    for empty in ("rest/portforward", "rest/dpiapp", "rest/dpigroup", "rest/firewallrule"):
        assert (await api.client.get(f"{NETWORK}/{empty}")).json() == {"meta": {"rc": "ok"},
                                                                       "data": []}  # fmt: skip
