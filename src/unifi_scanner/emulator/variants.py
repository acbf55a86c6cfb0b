"""Switches for behaviours that no primary source confirmed, or that real controllers vary on.

The protocol reference marks some behaviours [UNCONFIRMED] or lists alternatives ("404 or 400",
"`TOKEN` or `UOS_TOKEN`"). The emulator picks one for each (the defaults below, chosen so that a
client that copes with the default also copes with the alternative where possible) and lets a
test or a user switch to the other, so that a client can be checked against both.

On the command line: `--variant NAME=VALUE` (repeatable), e.g. `--variant alarms_gone_status=400`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

COOKIE_NAMES = ("TOKEN", "UOS_TOKEN")
ALARMS_GONE_STATUSES = (404, 400)
MFA_CHALLENGE_STATUSES = (499, 401)


@dataclass(frozen=True)
class Variants:
    """One choice per uncertain behaviour; every default is documented in docs/emulator.md."""

    cookie_name: str = "TOKEN"
    """UniFi OS session cookie: `TOKEN` (common) or `UOS_TOKEN` (seen on some builds)."""
    partitioned_cookie: bool = False
    """Append UniFi OS 4's valueless `partitioned` flag to the session cookie."""
    updated_csrf_header: bool = False
    """Also send `X-Updated-CSRF-Token` (same value) wherever `X-CSRF-Token` is sent."""
    alarms_gone_status: int = 404
    """Network 10.x `list/alarm` / `stat/alarm`: 404 `api.err.NotFound` or 400
    `api.err.InvalidObject`."""
    api_key_websocket: bool = False
    """Whether `X-API-Key` opens the event WebSocket (default: no, the upgrade is refused 401)."""
    api_key_system_log: bool = True
    """Whether `X-API-Key` is accepted on the v2 system log."""
    mfa_cookie_required: bool = True
    """UniFi OS second factor: the retry must carry the `UBIC_2FA` cookie from the challenge."""
    mfa_challenge_status: int = 499
    """UniFi OS second-factor challenge: HTTP 499 `{"data":{"mfaCookie":…},"meta":{"rc":"ok"}}`,
    or 401 `{"code":"MFA_AUTH_REQUIRED","message":…,"data":{"mfaCookie":…}}`."""
    data_first_share: float = 0.1
    """Share of WebSocket frames serialised with `data` before `meta` (0 disables)."""
    system_log_event_ids: bool = False
    """Give system-log entries the `_id` of the legacy event they mirror (default: own ids)."""
    admin_login_subsystem: str = "admin"
    """`subsystem` of `EVT_AD_Login` events on the `super` site."""

    def __post_init__(self) -> None:
        if self.cookie_name not in COOKIE_NAMES:
            raise ValueError(f"cookie_name must be one of {COOKIE_NAMES}, got {self.cookie_name!r}")
        if self.alarms_gone_status not in ALARMS_GONE_STATUSES:
            raise ValueError(
                f"alarms_gone_status must be one of {ALARMS_GONE_STATUSES}, "
                f"got {self.alarms_gone_status!r}"
            )
        if self.mfa_challenge_status not in MFA_CHALLENGE_STATUSES:
            raise ValueError(
                f"mfa_challenge_status must be one of {MFA_CHALLENGE_STATUSES}, "
                f"got {self.mfa_challenge_status!r}"
            )
        if not 0.0 <= self.data_first_share <= 1.0:
            raise ValueError(f"data_first_share must be within 0..1, got {self.data_first_share}")
        if not self.admin_login_subsystem:
            raise ValueError("admin_login_subsystem must not be empty")

    @classmethod
    def parse(cls, items: Iterable[str]) -> Variants:
        """Build from `NAME=VALUE` strings (the `--variant` option); raise ValueError if bad."""
        fields = {f.name: f for f in dataclasses.fields(cls)}
        values: dict[str, Any] = {}
        for item in items:
            name, sep, raw = item.partition("=")
            name = name.strip().replace("-", "_")
            if not sep or name not in fields:
                known = ", ".join(sorted(fields))
                raise ValueError(f"unknown variant {item!r} (expected NAME=VALUE; names: {known})")
            values[name] = _convert(name, raw.strip(), type(getattr(cls(), name)))
        return cls(**values)


def _convert(name: str, raw: str, kind: type) -> Any:
    if kind is bool:
        if raw.lower() in ("1", "true", "yes", "on"):
            return True
        if raw.lower() in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"variant {name}: expected true or false, got {raw!r}")
    try:
        return kind(raw)
    except ValueError:
        raise ValueError(f"variant {name}: expected {kind.__name__}, got {raw!r}") from None
