"""Small pieces with injected clocks: sessions, the scenario clock, configuration, versions."""

from __future__ import annotations

import pytest

from unifi_scanner.emulator import EmulatorConfig
from unifi_scanner.emulator.auth import Account, JwtCodec, SessionManager
from unifi_scanner.emulator.clock import ScenarioClock
from unifi_scanner.emulator.cookies import unifi_os_cookie
from unifi_scanner.emulator.timeline import Ramp
from unifi_scanner.emulator.versions import EventLog, features_for

from .emulator_support import jwt_parts


class FakeTime:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_jwt_round_trip_and_tampering() -> None:
    codec = JwtCodec(b"k" * 32)
    token = codec.encode({"a": 1})
    assert codec.decode(token) == {"a": 1}
    header, payload, signature = token.split(".")
    assert codec.decode(f"{header}.{payload}.{signature[:-2]}xx") is None
    assert JwtCodec(b"other").decode(token) is None
    unsigned = b'{"alg":"none"}'.hex()
    assert codec.decode(f"{unsigned}.{payload}.") is None
    assert codec.decode("not-a-token") is None


def test_sessions_slide_expire_and_revoke() -> None:
    wall = FakeTime(1_800_000_000.0)
    sessions = SessionManager(60.0, clock=wall)
    account = Account("admin", "pw")
    session, first = sessions.issue(account)
    assert sessions.verify(first) == session
    wall.now += 50
    renewed = sessions.token_for(session)  # what an authenticated answer re-issues
    _, payload = jwt_parts(renewed)
    assert payload["exp"] == int(wall.now) + 60
    wall.now += 20  # 70 s after login: the first token is stale, the renewed one is not
    assert sessions.verify(first) is None
    assert sessions.verify(renewed) == session
    assert sessions.revoke(session.jti)
    assert sessions.verify(renewed) is None
    assert not sessions.revoke(session.jti)


def test_account_compares_both_fields() -> None:
    account = Account("admin", "secret")
    assert account.matches("admin", "secret")
    assert not account.matches("admin", "Secret")
    assert not account.matches("root", "secret")
    assert "secret" not in repr(account)


def test_cookie_flags_depend_on_tls() -> None:
    secure = unifi_os_cookie("t", name="TOKEN", secure=True)
    assert secure == "TOKEN=t; path=/; samesite=none; secure; httponly"
    assert unifi_os_cookie("t", name="TOKEN", secure=False) == "TOKEN=t; path=/; httponly"
    partitioned = unifi_os_cookie("t", name="UOS_TOKEN", secure=True, partitioned=True)
    assert partitioned == "UOS_TOKEN=t; path=/; samesite=none; secure; httponly; partitioned"


def test_clock_end_at_now_places_the_end_at_the_end_of_playback() -> None:
    wall, mono = FakeTime(1_800_000_000.0), FakeTime(100.0)
    day_ms = 86_400_000
    clock = ScenarioClock(day_ms, 4320.0, end_at_now=True, wall=wall, monotonic=mono)
    assert clock.offset_ms() == 0
    assert clock.start_ms is None
    assert clock.start()
    assert not clock.start()
    playback_s = 86_400 / 4320.0  # 20 s
    assert clock.end_ms == round((wall.now + playback_s) * 1000)
    mono.now += 10
    assert clock.offset_ms() == day_ms // 2
    assert not clock.finished()
    mono.now += 10
    assert clock.finished()
    assert clock.offset_ms() == day_ms
    assert clock.now_ms() == clock.end_ms
    mono.now += 5  # after the end, absolute time follows the wall clock
    assert clock.now_ms() == clock.end_ms + 5000
    assert clock.offset_ms() == day_ms


def test_clock_without_end_at_now_starts_now() -> None:
    wall, mono = FakeTime(1_800_000_000.0), FakeTime(0.0)
    clock = ScenarioClock(60_000, 1.0, end_at_now=False, wall=wall, monotonic=mono)
    clock.start()
    assert clock.start_ms == 1_800_000_000_000
    mono.now += 1.5
    assert clock.now_ms() == 1_800_000_001_500
    assert clock.wall_seconds_until(3_000) == pytest.approx(1.5)


def test_config_hides_the_password_and_validates() -> None:
    config = EmulatorConfig(password="hunter2")
    assert "hunter2" not in repr(config)
    assert config.username == "admin"
    assert config.scenario == "demo"
    assert config.seed == 1
    assert config.speed == 1.0
    with pytest.raises(ValueError, match="unknown scenario"):
        EmulatorConfig(scenario="nope")
    with pytest.raises(ValueError, match="speed"):
        EmulatorConfig(speed=0)
    with pytest.raises(ValueError, match="version"):
        EmulatorConfig(network_version="ten")
    with pytest.raises(ValueError, match="flavour"):
        EmulatorConfig(flavour="cloud")
    with pytest.raises(ValueError, match="API keys"):
        EmulatorConfig(flavour="classic", api_keys=("k",))
    with pytest.raises(ValueError, match="base32"):
        EmulatorConfig(totp_secret="not base32!")
    keyed = EmulatorConfig(api_keys=("secret-key",), totp_secret="JBSWY3DPEHPK3PXP")
    assert "secret-key" not in repr(keyed)
    assert "JBSWY3DPEHPK3PXP" not in repr(keyed)


@pytest.mark.parametrize(
    ("version", "mode"),
    [("9.5.21", EventLog.SERVED), ("10.0.162", EventLog.FROZEN), ("10.1.68", EventLog.FROZEN),
     ("10.2.105", EventLog.GONE), ("10.3.58", EventLog.GONE), ("11.0.1", EventLog.GONE)],
)  # fmt: skip
def test_event_log_depends_on_the_version(version: str, mode: EventLog) -> None:
    assert features_for(version).event_log is mode


def test_ramps_interpolate_and_hold() -> None:
    ramp = Ramp()
    assert ramp.at(5_000) == 0.0
    ramp.towards(1_000, 10.0, 1_000)  # 0 at t=1000, 10 at t=2000
    assert ramp.at(500) == 0.0
    assert ramp.at(1_500) == pytest.approx(5.0)
    assert ramp.at(9_000) == 10.0
    ramp.towards(3_000, 0.0, 2_000)  # hold 10 until 3000, back to 0 at 5000
    assert ramp.at(2_500) == 10.0
    assert ramp.at(4_000) == pytest.approx(5.0)
    with pytest.raises(ValueError, match="forward"):
        ramp.towards(4_000, 1.0, 10)
