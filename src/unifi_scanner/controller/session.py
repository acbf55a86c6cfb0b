"""A logged-in session with one controller: kind detection, login, CSRF, cookies, TLS.

One :class:`ControllerSession` owns one ``httpx.AsyncClient`` and one ``ssl.SSLContext``; the
event WebSocket reuses both the context and the session's cookies, so REST and the socket
follow the same TLS policy and the same login.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import ssl
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import httpx
import orjson
from pydantic import SecretStr

from unifi_scanner.controller.errors import (
    ConnectionFailed,
    ControllerResponseError,
    LoginFailed,
    LoginRateLimited,
    SessionExpired,
    TLSVerificationFailed,
    UnknownSite,
)
from unifi_scanner.controller.models import Flavour
from unifi_scanner.log import get_logger

log = get_logger(__name__)

#: Without Retry-After, a rate-limited login waits at least this long (seconds).
MIN_LOGIN_BACKOFF = 60.0

_warned_insecure = False


def make_ssl_context(*, verify: bool = True, ca_file: Path | None = None) -> ssl.SSLContext:
    """The TLS policy shared by REST and the WebSocket."""
    global _warned_insecure
    if not verify:
        if not _warned_insecure:
            _warned_insecure = True
            log.warning(
                "tls verification disabled",
                hint="anyone on the path to the controller can read the session; "
                "prefer UNIFI_CA_FILE with the controller's certificate",
            )
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    return ssl.create_default_context(cafile=str(ca_file) if ca_file else None)


class ControllerSession:
    """Cookies, CSRF token and login state for one controller URL.

    Use as an async context manager, or call :meth:`open` and :meth:`aclose`.
    """

    def __init__(
        self,
        url: str,
        *,
        username: str,
        password: SecretStr,
        ssl_context: ssl.SSLContext | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.url = url.rstrip("/")
        self.username = username
        self._password = password
        self.ssl_context = ssl_context or make_ssl_context()
        self._client = httpx.AsyncClient(
            base_url=self.url,
            verify=self.ssl_context,
            timeout=timeout,
            follow_redirects=False,
            headers={"Accept": "application/json"},
        )
        self.flavour: Flavour | None = None
        self._csrf: str | None = None
        self._logged_in = False
        self._login_lock = asyncio.Lock()
        self._login_generation = 0
        self.logins = 0

    def __repr__(self) -> str:
        return f"ControllerSession(url={self.url!r}, username={self.username!r}, password=***)"

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def open(self) -> None:
        """Detect the controller kind and log in."""
        if self.flavour is None:
            self.flavour = await self.detect_flavour()
        await self.login()

    async def aclose(self) -> None:
        """Log out (best effort: the session dies with the process anyway) and close."""
        if self._logged_in and self.flavour is not None:
            path = "/api/auth/logout" if self.flavour is Flavour.UNIFI_OS else "/api/logout"
            with contextlib.suppress(httpx.HTTPError):
                await self._client.post(path, headers=self._csrf_header(), timeout=3.0)
            self._logged_in = False
        await self._client.aclose()

    # -- kind and login ------------------------------------------------------------------

    async def detect_flavour(self) -> Flavour:
        """UniFi OS answers ``GET /`` with 200, a classic controller with 302 to /manage."""
        response = await self._send("GET", "/")
        # Probe cookies confuse some consoles' login endpoint; start from a clean jar.
        self._client.cookies.clear()
        if response.status_code == 200:
            return Flavour.UNIFI_OS
        if response.status_code in (301, 302, 303, 307, 308):
            return Flavour.CLASSIC
        raise ControllerResponseError(
            f"{self.url} does not look like a UniFi controller (GET / answered HTTP "
            f"{response.status_code}); check UNIFI_HOST and UNIFI_PORT"
        )

    async def login(self, *, unless_newer_than: int | None = None) -> None:
        """Log in with the configured account; raises :class:`LoginFailed` and friends.

        ``unless_newer_than`` is the login generation a caller saw fail: if another task has
        logged in since, that fresh session is used instead of logging in yet again.
        """
        async with self._login_lock:
            if (
                unless_newer_than is not None
                and self._logged_in
                and self._login_generation != unless_newer_than
            ):
                return
            await self._login_once()
            self._login_generation += 1

    @property
    def login_generation(self) -> int:
        """Increases with every successful login."""
        return self._login_generation

    async def _login_once(self) -> None:
        if self.flavour is None:
            self.flavour = await self.detect_flavour()
        body: dict[str, Any] = {
            "username": self.username,
            "password": self._password.get_secret_value(),
        }
        if self.flavour is Flavour.UNIFI_OS:
            body["rememberMe"] = True
            path = "/api/auth/login"
        else:
            path = "/api/login"
        self._client.cookies.clear()
        self._csrf = None
        self._logged_in = False
        self.logins += 1
        response = await self._send("POST", path, json=body)
        status = response.status_code
        if status == 429:
            raise LoginRateLimited(_retry_after(response))
        if status in (400, 401, 403):
            raise LoginFailed(
                f"the controller rejected the login of user {self.username!r} (HTTP {status}): "
                "check UNIFI_USERNAME and UNIFI_PASSWORD; use a local admin account, not a "
                "UI.com cloud account with two-factor authentication"
            )
        if status == 499:
            raise LoginFailed(
                f"user {self.username!r} needs a second factor (two-factor authentication); "
                "use a local admin account without it"
            )
        if status != 200:
            raise ControllerResponseError(
                f"login at {self.url}{path} answered HTTP {status}; is this a UniFi controller?"
            )
        self._csrf = self._csrf_from(response)
        self._logged_in = True
        log.info("logged in", url=self.url, flavour=str(self.flavour), user=self.username)

    def _csrf_from(self, response: httpx.Response) -> str | None:
        token: str | None = response.headers.get("X-Updated-CSRF-Token") or response.headers.get(
            "X-CSRF-Token"
        )
        if token:
            return token
        # Classic controllers put it in a cookie; UniFi OS also inside the TOKEN JWT.
        for cookie in self._client.cookies.jar:
            if cookie.name == "csrf_token" and cookie.value:
                return cookie.value
            if cookie.name in ("TOKEN", "UOS_TOKEN") and cookie.value:
                claim = _jwt_claim(cookie.value, "csrfToken")
                if claim:
                    return claim
        return self._csrf

    # -- requests --------------------------------------------------------------------------

    def network_path(self, path: str) -> str:
        """Where a Network application path (``/api/s/…``) lives on this kind of controller."""
        path = path if path.startswith("/") else f"/{path}"
        return f"/proxy/network{path}" if self.flavour is Flavour.UNIFI_OS else path

    async def request(
        self, method: str, path: str, *, json: Any = None, site: str | None = None
    ) -> httpx.Response:
        """Send a Network API request, logging in again once if the session expired.

        ``api.err.NoSiteContext`` also comes with 401 but means a wrong site name: it raises
        :class:`UnknownSite` instead of looping on logins.
        """
        if not self._logged_in:
            await self.login()
        full = self.network_path(path)
        generation = self._login_generation
        for attempt in (1, 2):
            response = await self._send(method, full, json=json, headers=self._csrf_header(method))
            self._refresh_csrf(response)
            if response.status_code != 401:
                return response
            if _error_message(response) == "api.err.NoSiteContext":
                raise UnknownSite(site or "?")
            if attempt == 2:
                break
            log.info("session expired, logging in again", url=self.url)
            await self.login(unless_newer_than=generation)
            generation = self._login_generation
        raise SessionExpired(
            f"{self.url} still answers 401 Unauthorized after a fresh login: the account "
            f"{self.username!r} may lack access to the Network application"
        )

    async def get_json(self, path: str, *, site: str | None = None) -> Any:
        return _decode(await self.request("GET", path, site=site))

    async def post_json(self, path: str, body: Any, *, site: str | None = None) -> Any:
        return _decode(await self.request("POST", path, json=body, site=site))

    async def get_public(self, path: str) -> httpx.Response:
        """A request outside the Network application that needs no login (``/api/system``)."""
        return await self._send("GET", path)

    def _csrf_header(self, method: str = "POST") -> dict[str, str]:
        if method.upper() == "GET" or not self._csrf:
            return {}
        return {"X-CSRF-Token": self._csrf}

    def _refresh_csrf(self, response: httpx.Response) -> None:
        # UniFi OS slides the session: a re-issued TOKEN lands in the jar by itself, the
        # CSRF token that goes with it comes in a header.
        token = response.headers.get("X-Updated-CSRF-Token") or response.headers.get("X-CSRF-Token")
        if token:
            self._csrf = token

    async def _send(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        try:
            return await self._client.request(method, path, json=json, headers=headers)
        except httpx.ConnectError as exc:
            reason = _tls_reason(exc)
            if reason is not None:
                raise TLSVerificationFailed(self.url, reason) from None
            raise ConnectionFailed(
                f"cannot connect to {self.url} ({_short(exc)}); check UNIFI_HOST and "
                "UNIFI_PORT and that the controller is running"
            ) from None
        except httpx.TimeoutException:
            raise ConnectionFailed(
                f"{self.url} did not answer {method} {path} in time; the controller may be "
                "overloaded or unreachable (raise UNIFI_TIMEOUT if it is just slow)"
            ) from None
        except httpx.HTTPError as exc:
            raise ConnectionFailed(f"talking to {self.url} failed: {_short(exc)}") from None

    # -- WebSocket ---------------------------------------------------------------------------

    def websocket_url(self, site: str) -> str:
        """``wss://…/wss/s/{site}/events`` for this kind of controller."""
        scheme = "wss" if self.url.startswith("https://") else "ws"
        base = scheme + self.url[self.url.index("://") :]
        return base + self.network_path(f"/wss/s/{site}/events")

    def websocket_headers(self) -> dict[str, str]:
        """The session's cookies (and CSRF token) for the WebSocket handshake."""
        cookie = "; ".join(f"{c.name}={c.value}" for c in self._client.cookies.jar if c.value)
        headers = {"Cookie": cookie}
        if self._csrf:
            headers["X-CSRF-Token"] = self._csrf
        return headers

    def invalidate(self) -> None:
        """Forget the login so the next request logs in again (socket told us it expired)."""
        self._logged_in = False


def _decode(response: httpx.Response) -> Any:
    try:
        return orjson.loads(response.content) if response.content else None
    except orjson.JSONDecodeError:
        raise ControllerResponseError(
            f"{response.request.url.path} answered HTTP {response.status_code} with a body "
            "that is not JSON"
        ) from None


def _error_message(response: httpx.Response) -> str | None:
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return None
    meta = body.get("meta") if isinstance(body, dict) else None
    msg = meta.get("msg") if isinstance(meta, dict) else None
    return msg if isinstance(msg, str) else None


def _retry_after(response: httpx.Response) -> float:
    try:
        return max(float(response.headers.get("Retry-After", "")), 1.0)
    except ValueError:
        return MIN_LOGIN_BACKOFF


def _jwt_claim(token: str, claim: str) -> str | None:
    try:
        payload = token.split(".")[1]
        data = orjson.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError, orjson.JSONDecodeError):
        return None
    value = data.get(claim) if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def _tls_reason(exc: BaseException) -> str | None:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return str(seen.verify_message or seen.reason or "certificate not trusted")
        if isinstance(seen, ssl.SSLError):
            return str(seen.reason or seen)
        seen = seen.__cause__ or seen.__context__
    return None


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:200]
