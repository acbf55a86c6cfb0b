"""A logged-in session with one controller: kind detection, login, CSRF, cookies, retries.

One :class:`ControllerSession` owns one ``httpx.AsyncClient`` and one ``ssl.SSLContext``; the
event WebSocket reuses both the context and the session's cookies, so REST and the socket
follow the same TLS policy and the same login. The session logs in once and reuses it;
a 401 leads to exactly one fresh login before giving up with a clear error.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import ssl
from collections.abc import Callable
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
from unifi_scanner.controller.login import Credentials, log_in, logout_path
from unifi_scanner.controller.models import Flavour
from unifi_scanner.controller.retry import Backoff
from unifi_scanner.controller.tls import make_ssl_context
from unifi_scanner.log import get_logger

log = get_logger(__name__)

#: HTTP statuses worth repeating a safe request for: the controller is busy or restarting.
RETRY_STATUSES = frozenset({500, 502, 503, 504})

__all__ = ["ControllerSession", "Credentials"]


class ControllerSession:
    """Cookies, CSRF token and login state for one controller URL.

    Use as an async context manager, or call :meth:`open` and :meth:`aclose`.
    ``wait_when_rate_limited``: a long-running service waits out a 429 on login (as long as
    ``Retry-After`` says) instead of failing; a one-shot command reports it.
    ``retries``: how many times a safe request (GET, or a read-only POST) is repeated after a
    transport error, a timeout or a 5xx, with capped exponential backoff and jitter.
    """

    def __init__(
        self,
        url: str,
        *,
        credentials: Credentials | None = None,
        username: str | None = None,
        password: SecretStr | None = None,
        ssl_context: ssl.SSLContext | None = None,
        timeout: float = 10.0,
        wait_when_rate_limited: bool = False,
        retries: int = 3,
        retry_backoff: Callable[[], Backoff] | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self.credentials = credentials or Credentials(username=username, password=password)
        self.ssl_context = ssl_context or make_ssl_context()
        headers = {"Accept": "application/json"}
        if self.credentials.uses_api_key:
            assert self.credentials.api_key is not None
            headers["X-API-Key"] = self.credentials.api_key.get_secret_value()
        self._client = httpx.AsyncClient(
            base_url=self.url,
            verify=self.ssl_context,
            timeout=timeout,
            follow_redirects=False,
            headers=headers,
        )
        self.wait_when_rate_limited = wait_when_rate_limited
        self.retries = retries
        self._retry_backoff = retry_backoff or (lambda: Backoff(initial=0.5, maximum=8.0))
        self.flavour: Flavour | None = None
        self._csrf: str | None = None
        self._logged_in = False
        self._login_lock = asyncio.Lock()
        self._login_generation = 0
        self.logins = 0

    @property
    def username(self) -> str | None:
        return self.credentials.username

    def __repr__(self) -> str:
        who = "api-key" if self.credentials.uses_api_key else repr(self.username)
        return f"ControllerSession(url={self.url!r}, user={who}, secrets=***)"

    async def __aenter__(self) -> Self:
        try:
            await self.open()
        except BaseException:
            await self.aclose()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def open(self) -> None:
        """Detect the controller kind and log in (or check the API key)."""
        if self.flavour is None:
            self.flavour = await self.detect_flavour()
        await self.login()

    async def aclose(self) -> None:
        """Log out (best effort: the session dies with the process anyway) and close."""
        if self._logged_in and self.flavour is not None and not self.credentials.uses_api_key:
            with contextlib.suppress(httpx.HTTPError):
                await self._client.post(
                    logout_path(self.flavour), headers=self._csrf_header(), timeout=3.0
                )
        self._logged_in = False
        await self._client.aclose()

    # -- kind and login --------------------------------------------------------------------

    async def detect_flavour(self) -> Flavour:
        """UniFi OS answers ``GET /`` with 200, a classic controller with 302 to /manage."""
        response = await self._send("GET", "/", idempotent=True)
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

    @property
    def login_generation(self) -> int:
        """Increases with every successful login."""
        return self._login_generation

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
            while True:
                try:
                    await self._login_once()
                    break
                except LoginRateLimited as exc:
                    if not self.wait_when_rate_limited:
                        raise
                    log.warning(str(exc), url=self.url)
                    await asyncio.sleep(exc.retry_after)
            self._login_generation += 1

    async def _login_once(self) -> None:
        if self.flavour is None:
            self.flavour = await self.detect_flavour()
        self._csrf = None
        self._logged_in = False
        if self.credentials.uses_api_key:
            await self._check_api_key()
            self._logged_in = True
            return
        self._client.cookies.clear()
        self.logins += 1

        async def send(
            path: str, body: dict[str, Any], headers: dict[str, str] | None
        ) -> httpx.Response:
            return await self._send("POST", path, json=body, headers=headers)

        response = await log_in(self.flavour, self.credentials, send, self.url)
        self._csrf = self._csrf_from(response)
        self._logged_in = True
        log.info("logged in", url=self.url, flavour=str(self.flavour), user=self.username)

    async def _check_api_key(self) -> None:
        if self.flavour is not Flavour.UNIFI_OS:
            raise LoginFailed(
                "API keys exist only on UniFi OS consoles; this is a classic controller: set "
                "UNIFI_USERNAME and UNIFI_PASSWORD instead of UNIFI_API_KEY"
            )
        response = await self._send("GET", "/proxy/network/status", idempotent=True)
        if response.status_code in (401, 403):
            raise LoginFailed(
                f"the controller rejected the API key (HTTP {response.status_code}): create a "
                "new one under UniFi OS → Settings → Control Plane → Integrations and set "
                "UNIFI_API_KEY"
            )
        if response.status_code >= 400:
            raise ControllerResponseError(
                f"checking the API key at {self.url} answered HTTP {response.status_code}"
            )

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

    # -- requests ----------------------------------------------------------------------------

    def network_path(self, path: str) -> str:
        """Where a Network application path (``/api/s/…``) lives on this kind of controller."""
        path = path if path.startswith("/") else f"/{path}"
        return f"/proxy/network{path}" if self.flavour is Flavour.UNIFI_OS else path

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        site: str | None = None,
        idempotent: bool | None = None,
    ) -> httpx.Response:
        """Send a Network API request, logging in again once if the session expired.

        ``api.err.NoSiteContext`` also comes with 401 but means a wrong site name: it raises
        :class:`UnknownSite` instead of looping on logins. ``idempotent`` (default: GET only)
        allows repeating the request after transport errors and 5xx answers.
        """
        if not self._logged_in:
            await self.login()
        full = self.network_path(path)
        safe = method.upper() == "GET" if idempotent is None else idempotent
        generation = self._login_generation
        for attempt in (1, 2):
            response = await self._send(
                method, full, json=json, headers=self._csrf_header(method), idempotent=safe
            )
            self._refresh_csrf(response)
            if response.status_code != 401:
                return response
            if _error_message(response) == "api.err.NoSiteContext":
                raise UnknownSite(site or "?")
            if attempt == 2 or self.credentials.uses_api_key:
                break
            log.info("session expired, logging in again", url=self.url)
            await self.login(unless_newer_than=generation)
            generation = self._login_generation
        if self.credentials.uses_api_key:
            raise LoginFailed(f"the controller rejected the API key for {path} (HTTP 401)")
        raise SessionExpired(
            f"{self.url} still answers 401 Unauthorized after a fresh login: the account "
            f"{self.username!r} may lack access to the Network application"
        )

    async def get_json(self, path: str, *, site: str | None = None) -> Any:
        return _decode(await self.request("GET", path, site=site))

    async def post_json(
        self, path: str, body: Any, *, site: str | None = None, idempotent: bool = False
    ) -> Any:
        return _decode(
            await self.request("POST", path, json=body, site=site, idempotent=idempotent)
        )

    async def get_public(self, path: str) -> httpx.Response:
        """A request outside the Network application that needs no login (``/api/system``)."""
        return await self._send("GET", path, idempotent=True)

    def _csrf_header(self, method: str = "POST") -> dict[str, str]:
        if method.upper() == "GET" or not self._csrf:
            return {}
        return {"X-CSRF-Token": self._csrf}

    def _refresh_csrf(self, response: httpx.Response) -> None:
        # UniFi OS slides the session: a re-issued TOKEN lands in the jar by itself, the
        # CSRF token that goes with it comes in a header (X-Updated-CSRF-Token preferred).
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
        idempotent: bool = False,
    ) -> httpx.Response:
        """One request; repeated on transport errors and 5xx only when ``idempotent``."""
        attempts = 1 + (self.retries if idempotent else 0)
        backoff = self._retry_backoff()
        for attempt in range(1, attempts + 1):
            try:
                response = await self._client.request(method, path, json=json, headers=headers)
            except httpx.ConnectError as exc:
                reason = _tls_reason(exc)
                if reason is not None:
                    raise TLSVerificationFailed(self.url, reason) from None
                failure: ConnectionFailed = ConnectionFailed(
                    f"cannot connect to {self.url} ({_short(exc)}); check UNIFI_HOST and "
                    "UNIFI_PORT and that the controller is running"
                )
            except httpx.TimeoutException:
                failure = ConnectionFailed(
                    f"{self.url} did not answer {method} {path} in time; the controller may "
                    "be overloaded or unreachable (raise UNIFI_TIMEOUT if it is just slow)"
                )
            except httpx.HTTPError as exc:
                failure = ConnectionFailed(f"talking to {self.url} failed: {_short(exc)}")
            else:
                if response.status_code not in RETRY_STATUSES or attempt == attempts:
                    return response
                failure = ConnectionFailed(f"{path} answered HTTP {response.status_code}")
            if attempt == attempts:
                raise failure
            delay = backoff.next()
            log.info(
                "retrying", url=self.url, path=path, reason=str(failure), seconds=round(delay, 2)
            )
            await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    # -- WebSocket -------------------------------------------------------------------------

    def websocket_url(self, site: str) -> str:
        """``wss://…/wss/s/{site}/events`` for this kind of controller."""
        scheme = "wss" if self.url.startswith("https://") else "ws"
        base = scheme + self.url[self.url.index("://") :]
        return base + self.network_path(f"/wss/s/{site}/events")

    def websocket_headers(self) -> dict[str, str]:
        """The session's cookies (and CSRF token, or API key) for the WebSocket handshake."""
        headers: dict[str, str] = {}
        cookie = "; ".join(f"{c.name}={c.value}" for c in self._client.cookies.jar if c.value)
        if cookie:
            headers["Cookie"] = cookie
        if self._csrf:
            headers["X-CSRF-Token"] = self._csrf
        if self.credentials.uses_api_key:
            assert self.credentials.api_key is not None
            headers["X-API-Key"] = self.credentials.api_key.get_secret_value()
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
