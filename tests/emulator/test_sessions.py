"""Sessions over real sockets: expiry, sliding renewal, API keys, second factors, rate limits."""

from __future__ import annotations

import asyncio

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from unifi_scanner.emulator import Variants
from unifi_scanner.emulator import totp as emulator_totp
from unifi_scanner.emulator.ratelimit import LoginLimiter

from .emulator_support import (
    MakeEmulator,
    OpenApi,
    events_url,
    jwt_parts,
    network,
    read_until_closed,
    tls_context,
    totp,
)

SECRET = "JBSWY3DPEHPK3PXP"
API_KEY = "emulator-api-key-1"
STA = "/api/s/default/stat/sta"
LOGIN = {"username": "admin", "password": "emulator-password"}


class FakeTime:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


async def test_an_expired_session_gets_401_and_its_socket_1008(
    make_emulator: MakeEmulator, open_api: OpenApi
) -> None:
    # 3 s: long enough to open the socket on a busy machine, short enough to wait for.
    emulator = await make_emulator(scenario="steady", speed=60.0, session_lifetime=3.0)
    api = await open_api(emulator)
    assert api.token is not None
    _, payload = jwt_parts(api.token)
    assert payload["exp"] - payload["iat"] == 3
    headers = api.cookie_header
    async with connect(
        events_url(emulator), ssl=tls_context(emulator), additional_headers=headers
    ) as ws:
        with pytest.raises(ConnectionClosed) as closed:
            await read_until_closed(ws, silence=8.0)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1008  # closed by the controller once the session ended
    response = await api.client.get(network(emulator, STA))
    assert response.status_code == 401
    assert emulator.live_sessions == 0


async def test_answers_slide_the_session_forward(
    make_emulator: MakeEmulator, open_api: OpenApi
) -> None:
    emulator = await make_emulator(scenario="steady", speed=60.0, session_lifetime=2.0)
    api = await open_api(emulator)
    first_token = api.token
    for _ in range(6):  # 2.4 s in all, longer than one lifetime; the jar takes each new cookie
        await asyncio.sleep(0.4)
        response = await api.client.get(network(emulator, STA))
        assert response.status_code == 200
        assert response.headers["X-CSRF-Token"] == api.csrf
    stale = await api.client.get(network(emulator, STA), headers={"Cookie": f"TOKEN={first_token}"})
    assert stale.status_code == 401  # the login's own token has expired meanwhile


async def test_api_keys_on_unifi_os(make_emulator: MakeEmulator, open_api: OpenApi) -> None:
    emulator = await make_emulator(scenario="steady", api_keys=(API_KEY,))
    api = await open_api(emulator, login=False)
    key = {"X-API-Key": API_KEY}
    listed = await api.client.get(network(emulator, STA), headers=key)
    assert listed.status_code == 200
    assert "set-cookie" not in listed.headers  # no session, nothing to slide
    posted = await api.client.post(
        network(emulator, "/api/s/default/stat/device"), json={"macs": []}, headers=key
    )
    assert posted.status_code == 200  # no CSRF without a cookie session
    wrong = await api.client.get(network(emulator, STA), headers={"X-API-Key": "nope"})
    assert wrong.status_code == 401
    info = await api.client.get("/proxy/network/integration/v1/info", headers=key)
    assert info.json() == {"applicationVersion": "10.3.58"}
    sites = (await api.client.get("/proxy/network/integration/v1/sites", headers=key)).json()
    assert sites["totalCount"] == 1
    assert sites["data"][0]["internalReference"] == "default"
    logged_in = await open_api(emulator)
    cookie_only = await logged_in.client.get("/proxy/network/integration/v1/info")
    assert cookie_only.status_code == 401  # the integration API takes API keys only
    body = {"timestampFrom": 0, "timestampTo": 2**42}
    system_log = network(emulator, "/v2/api/site/default/system-log/all")
    assert (await api.client.post(system_log, json=body, headers=key)).status_code == 200
    with pytest.raises(InvalidStatus) as refused:
        async with connect(events_url(emulator), ssl=tls_context(emulator), additional_headers=key):
            pass
    assert refused.value.response.status_code == 401  # default variant: not on the socket


async def test_api_key_variants(make_emulator: MakeEmulator, open_api: OpenApi) -> None:
    variants = Variants(api_key_websocket=True, api_key_system_log=False)
    emulator = await make_emulator(scenario="steady", api_keys=(API_KEY,), variants=variants)
    api = await open_api(emulator, login=False)
    key = {"X-API-Key": API_KEY}
    async with connect(
        events_url(emulator), ssl=tls_context(emulator), additional_headers=key
    ) as ws:
        assert '"sta:sync"' in str(await asyncio.wait_for(ws.recv(), 3))
    body = {"timestampFrom": 0, "timestampTo": 2**42}
    system_log = network(emulator, "/v2/api/site/default/system-log/all")
    assert (await api.client.post(system_log, json=body, headers=key)).status_code == 401


async def test_unifi_os_second_factor(make_emulator: MakeEmulator, open_api: OpenApi) -> None:
    emulator = await make_emulator(scenario="steady", totp_secret=SECRET)
    api = await open_api(emulator, login=False)
    challenge = await api.client.post("/api/auth/login", json=LOGIN)
    assert challenge.status_code == 499
    body = challenge.json()
    assert body["meta"] == {"rc": "ok"}
    mfa_cookie = body["data"]["mfaCookie"].split(";", 1)[0]
    assert mfa_cookie.startswith("UBIC_2FA=")
    assert "set-cookie" not in challenge.headers  # the client sets it itself
    without_cookie = await api.client.post("/api/auth/login", json=LOGIN | {"token": totp(SECRET)})
    assert without_cookie.status_code == 499  # a code alone is not enough
    cookie = {"Cookie": mfa_cookie}
    wrong_code = "000000" if totp(SECRET) != "000000" else "111111"
    wrong = await api.client.post(
        "/api/auth/login", json=LOGIN | {"token": wrong_code}, headers=cookie
    )
    assert wrong.status_code == 403
    assert wrong.json()["code"] == "AUTHENTICATION_FAILED"
    accepted = await api.client.post(
        "/api/auth/login", json=LOGIN | {"token": totp(SECRET)}, headers=cookie
    )
    assert accepted.status_code == 200
    assert accepted.cookies["TOKEN"]
    assert emulator.login_attempts == {"success": 1, "failure": 1}


async def test_second_factor_variants(make_emulator: MakeEmulator, open_api: OpenApi) -> None:
    lenient = Variants(mfa_cookie_required=False)
    emulator = await make_emulator(scenario="steady", totp_secret=SECRET, variants=lenient)
    api = await open_api(emulator, login=False)
    accepted = await api.client.post("/api/auth/login", json=LOGIN | {"token": totp(SECRET)})
    assert accepted.status_code == 200
    as_401 = Variants(mfa_challenge_status=401)
    other = await make_emulator(scenario="steady", totp_secret=SECRET, variants=as_401)
    api = await open_api(other, login=False)
    challenge = await api.client.post("/api/auth/login", json=LOGIN)
    assert challenge.status_code == 401
    assert challenge.json()["code"] == "MFA_AUTH_REQUIRED"
    cookie = {"Cookie": challenge.json()["data"]["mfaCookie"].split(";", 1)[0]}
    body = LOGIN | {"token": totp(SECRET)}
    assert (await api.client.post("/api/auth/login", json=body, headers=cookie)).status_code == 200


async def test_classic_second_factor(make_emulator: MakeEmulator, open_api: OpenApi) -> None:
    emulator = await make_emulator(scenario="steady", flavour="classic", totp_secret=SECRET)
    api = await open_api(emulator, login=False)
    required = await api.client.post("/api/login", json=LOGIN)
    assert required.status_code == 400
    assert required.json()["meta"] == {"rc": "error", "msg": "api.err.Ubic2faTokenRequired"}
    wrong_code = "000000" if totp(SECRET) != "000000" else "111111"
    wrong = await api.client.post("/api/login", json=LOGIN | {"ubic_2fa_token": wrong_code})
    assert wrong.json()["meta"]["msg"] == "api.err.Invalid"
    accepted = await api.client.post("/api/login", json=LOGIN | {"ubic_2fa_token": totp(SECRET)})
    assert accepted.status_code == 200
    assert accepted.cookies["unifises"]


async def test_failed_logins_hit_the_rate_limit(
    make_emulator: MakeEmulator, open_api: OpenApi
) -> None:
    emulator = await make_emulator(scenario="steady", login_failure_limit=3, login_window=60.0)
    api = await open_api(emulator, login=False)
    wrong = LOGIN | {"password": "wrong"}
    statuses = [
        (await api.client.post("/api/auth/login", json=wrong)).status_code for _ in range(3)
    ]
    assert statuses == [403, 403, 403]
    limited = await api.client.post("/api/auth/login", json=LOGIN)  # even the right password
    assert limited.status_code == 429
    assert limited.json()["code"] == "AUTHENTICATION_FAILED_LIMIT_REACHED"
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert emulator.login_attempts == {"success": 0, "failure": 4}


async def test_successful_logins_are_limited_too(
    make_emulator: MakeEmulator, open_api: OpenApi
) -> None:
    emulator = await make_emulator(
        scenario="steady", flavour="classic", login_success_limit=2, login_window=60.0
    )
    api = await open_api(emulator, login=False)
    statuses = [(await api.client.post("/api/login", json=LOGIN)).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    limited = await api.client.post("/api/login", json=LOGIN)
    assert limited.json()["meta"] == {"rc": "error", "msg": "api.err.LoginRateLimited"}
    assert "Retry-After" in limited.headers


def test_limiter_window_slides() -> None:
    clock = FakeTime(1000.0)
    limiter = LoginLimiter(failures=2, successes=None, window_s=60.0, clock=clock)
    limiter.record("a", success=False)
    clock.now += 20
    limiter.record("a", success=False)
    assert limiter.retry_after("a") == 40  # the first failure leaves the window in 40 s
    assert limiter.retry_after("b") is None  # per peer
    for _ in range(5):
        limiter.record("a", success=True)  # successes are unlimited here
    clock.now += 40
    assert limiter.retry_after("a") is None
    limiter.refuse_for(5.5)
    assert limiter.retry_after("b") == 6
    assert limiter.refusal_left() == pytest.approx(5.5)


@pytest.mark.parametrize("offset", [-30, 0, 30])
def test_totp_accepts_one_step_of_skew(offset: int) -> None:
    at = 1_800_000_000.0
    assert emulator_totp.verify(SECRET, totp(SECRET, at + offset), at)
    assert not emulator_totp.verify(SECRET, totp(SECRET, at + 90), at)


def test_totp_matches_the_rfc_6238_vector() -> None:
    rfc_secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # "12345678901234567890"
    assert totp(rfc_secret, 59) == "287082"  # RFC 6238 appendix B, last 6 of 94287082
    assert emulator_totp.code_at(rfc_secret, 59) == "287082"
    assert emulator_totp.code_at(rfc_secret, 1_111_111_109) == "081804"


async def test_cookie_variants(make_emulator: MakeEmulator, open_api: OpenApi) -> None:
    variants = Variants(cookie_name="UOS_TOKEN", partitioned_cookie=True, updated_csrf_header=True)
    emulator = await make_emulator(scenario="steady", variants=variants)
    api = await open_api(emulator, login=False)
    login = await api.client.post("/api/auth/login", json=LOGIN)
    assert login.headers["set-cookie"].startswith("UOS_TOKEN=")
    assert login.headers["set-cookie"].endswith("; httponly; partitioned")
    assert login.headers["X-Updated-CSRF-Token"] == login.headers["X-CSRF-Token"]
    token = login.headers["set-cookie"].split(";", 1)[0].split("=", 1)[1]
    path = network(emulator, STA)
    assert (await api.client.get(path, headers={"Cookie": f"UOS_TOKEN={token}"})).status_code == 200
    assert (await api.client.get(path, headers={"Cookie": f"TOKEN={token}"})).status_code == 401


def test_variants_parse_and_validate() -> None:
    parsed = Variants.parse(
        ["alarms-gone-status=400", "api_key_websocket=yes", "data_first_share=0.5"]
    )
    assert (parsed.alarms_gone_status, parsed.api_key_websocket, parsed.data_first_share) == (
        400, True, 0.5
    )  # fmt: skip
    for bad, message in (
        (["nonsense"], "unknown variant"),
        (["cookie_name=SESSION"], "cookie_name"),
        (["alarms_gone_status=500"], "alarms_gone_status"),
        (["api_key_websocket=maybe"], "true or false"),
        (["data_first_share=2"], "data_first_share"),
    ):
        with pytest.raises(ValueError, match=message):
            Variants.parse(bad)
