"""Small pure pieces of the controller client: TOTP, versions, backoff, cookies."""

from __future__ import annotations

import httpx
import pytest

from unifi_scanner.controller.retry import Backoff
from unifi_scanner.controller.totp import TotpSecretError, totp
from unifi_scanner.controller.versions import NetworkVersion, event_sources


def test_totp_matches_rfc_6238_vectors() -> None:
    # RFC 6238 appendix B, SHA-1, secret "12345678901234567890" (base32 below).
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    assert totp(secret, at=59, digits=8) == "94287082"
    assert totp(secret, at=1111111109, digits=8) == "07081804"
    assert totp(secret.lower(), at=59) == "287082"  # case and length as apps show it
    with pytest.raises(TotpSecretError, match="not a base32 secret"):
        totp("not base32!")


@pytest.mark.parametrize(
    ("version", "stat_event", "system_log"),
    [
        ("9.3.45", True, False),
        ("10.0.161", True, False),
        ("10.0.162", False, True),
        ("10.3.58", False, True),
    ],
)
def test_event_sources_follow_the_network_version(
    version: str, stat_event: bool, system_log: bool
) -> None:
    sources = event_sources(version)
    assert sources.websocket
    assert (sources.stat_event, sources.system_log) == (stat_event, system_log)
    assert version.split(".")[0] in sources.reason


def test_unknown_version_tries_everything() -> None:
    sources = event_sources("development")
    assert sources.names == ["websocket", "stat/event", "system-log"]
    assert NetworkVersion.parse("v10.2.105-beta") == NetworkVersion(10, 2, 105)
    assert NetworkVersion.parse("") is None


def test_backoff_grows_to_a_cap_with_jitter() -> None:
    fixed = Backoff(initial=1, maximum=8, jitter=0.25, rng=lambda: 0.5)
    assert [fixed.next() for _ in range(6)] == [1, 2, 4, 8, 8, 8]
    fixed.reset()
    assert fixed.next() == 1
    low = Backoff(initial=1, maximum=8, jitter=0.25, rng=lambda: 0.0)
    high = Backoff(initial=1, maximum=8, jitter=0.25, rng=lambda: 1.0)
    assert (low.next(), high.next()) == (0.75, 1.25)


def test_partitioned_cookie_flag_is_accepted_on_this_python() -> None:
    # UniFi OS 4 adds a valueless `partitioned` flag that http.cookies rejects before 3.13;
    # the client's cookie jar (http.cookiejar via httpx) must still keep the TOKEN.
    request = httpx.Request("POST", "https://192.168.1.1/api/auth/login")
    response = httpx.Response(
        200,
        headers=[
            ("Set-Cookie", "TOKEN=a.b.c; path=/; samesite=none; secure; httponly; partitioned")
        ],
        request=request,
    )
    jar = httpx.Cookies()
    jar.extract_cookies(response)
    assert jar.get("TOKEN") == "a.b.c"
