"""Credentials and the login conversations of both controller kinds.

UniFi OS: ``POST /api/auth/login``; a second factor answers HTTP 499 with an ``mfaCookie``,
after which the same request is sent again with that cookie and ``"token": <TOTP>``.
Classic: ``POST /api/login``; a second factor answers ``api.err.Ubic2faTokenRequired``, after
which the request is sent again with ``"ubic_2fa_token"``. Every refusal becomes a
:class:`LoginFailed` whose message says which setting to check; a 429 becomes
:class:`LoginRateLimited` with the wait the controller asked for.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson
from pydantic import SecretStr

from unifi_scanner.controller.errors import (
    ControllerResponseError,
    LoginFailed,
    LoginRateLimited,
)
from unifi_scanner.controller.models import Flavour
from unifi_scanner.controller.totp import TotpSecretError, totp

#: Without Retry-After, a rate-limited login waits at least this long (seconds).
MIN_LOGIN_BACKOFF = 60.0

Send = Callable[[str, dict[str, Any], dict[str, str] | None], Awaitable[httpx.Response]]


@dataclass(frozen=True)
class Credentials:
    """How to authenticate; ``repr`` never shows a secret."""

    username: str | None = None
    password: SecretStr | None = field(default=None, repr=False)
    api_key: SecretStr | None = field(default=None, repr=False)
    totp_secret: SecretStr | None = field(default=None, repr=False)

    @property
    def uses_api_key(self) -> bool:
        return self.api_key is not None and self.password is None


def login_path(flavour: Flavour) -> str:
    return "/api/auth/login" if flavour is Flavour.UNIFI_OS else "/api/login"


def logout_path(flavour: Flavour) -> str:
    return "/api/auth/logout" if flavour is Flavour.UNIFI_OS else "/api/logout"


async def log_in(
    flavour: Flavour, credentials: Credentials, send: Send, url: str
) -> httpx.Response:
    """Run the login conversation; the successful response, or an exception that explains."""
    if credentials.username is None or credentials.password is None:
        raise LoginFailed("no username/password configured (UNIFI_USERNAME, UNIFI_PASSWORD)")
    user = credentials.username
    body: dict[str, Any] = {
        "username": user,
        "password": credentials.password.get_secret_value(),
    }
    if flavour is Flavour.UNIFI_OS:
        body["rememberMe"] = True
    path = login_path(flavour)
    response = await send(path, body, None)
    second_factor = _second_factor(flavour, response)
    if second_factor is not None:
        if credentials.totp_secret is None:
            raise LoginFailed(
                f"user {user!r} logs in with a second factor (two-factor authentication): "
                "set UNIFI_TOTP_SECRET to the account's TOTP secret, or use a local admin "
                "account without two-factor login"
            )
        try:
            code = totp(credentials.totp_secret.get_secret_value())
        except TotpSecretError as exc:
            raise LoginFailed(str(exc)) from None
        headers: dict[str, str] | None = None
        if flavour is Flavour.UNIFI_OS:
            body["token"] = code
            if second_factor:
                headers = {"Cookie": second_factor}
        else:
            body["ubic_2fa_token"] = code
        response = await send(path, body, headers)
        if _second_factor(flavour, response) is not None or response.status_code in (400, 401, 403):
            raise LoginFailed(
                f"the controller rejected the second-factor code for user {user!r}: check "
                "UNIFI_TOTP_SECRET and that this machine's clock is right"
            )
    _raise_for_login(response, user, url, path)
    return response


def _second_factor(flavour: Flavour, response: httpx.Response) -> str | None:
    """The MFA cookie to send back ("" when none) if the controller asks for a code."""
    body = _json(response)
    if flavour is Flavour.UNIFI_OS and response.status_code == 499:
        data = body.get("data") if isinstance(body, dict) else None
        cookie = data.get("mfaCookie") if isinstance(data, dict) else None
        return cookie.split(";", 1)[0] if isinstance(cookie, str) else ""
    meta = body.get("meta") if isinstance(body, dict) else None
    if isinstance(meta, dict) and meta.get("msg") == "api.err.Ubic2faTokenRequired":
        return ""
    return None


def _raise_for_login(response: httpx.Response, user: str, url: str, path: str) -> None:
    status = response.status_code
    if status == 200:
        return
    if status == 429:
        raise LoginRateLimited(retry_after(response))
    if status in (400, 401, 403):
        raise LoginFailed(
            f"the controller rejected the login of user {user!r} (HTTP {status}): check "
            "UNIFI_USERNAME and UNIFI_PASSWORD; use a local admin account, not a UI.com "
            "cloud account"
        )
    if status in (404, 405):
        raise ControllerResponseError(
            f"{url}{path} does not exist (HTTP {status}): the port may belong to another "
            "service; check UNIFI_PORT"
        )
    raise ControllerResponseError(
        f"login at {url}{path} answered HTTP {status}; the controller may be starting up "
        "or overloaded"
    )


def retry_after(response: httpx.Response) -> float:
    """Seconds the controller asks us to wait (``Retry-After``), at least one."""
    try:
        return max(float(response.headers.get("Retry-After", "")), 1.0)
    except ValueError:
        return MIN_LOGIN_BACKOFF


def _json(response: httpx.Response) -> Any:
    try:
        return orjson.loads(response.content) if response.content else None
    except orjson.JSONDecodeError:
        return None
