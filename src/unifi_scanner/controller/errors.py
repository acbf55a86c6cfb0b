"""Errors a controller conversation can end in, each with a one-line message and its fix.

Messages never include secrets: no passwords, cookies, tokens or CSRF values.
"""

from __future__ import annotations

from collections.abc import Sequence


class ControllerError(Exception):
    """Base class; ``str(error)`` is a one-line message that says what to do."""


class ConnectionFailed(ControllerError):
    """The controller could not be reached (refused, timed out, DNS, TLS handshake)."""


class TLSVerificationFailed(ConnectionFailed):
    """The controller's certificate is not trusted."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(
            f"cannot verify the TLS certificate of {url} ({reason}); UniFi consoles use "
            "self-signed certificates: run 'unifi-scanner check --trust' to pin this one, "
            "or set UNIFI_CA_FILE to the controller's certificate"
        )
        self.url = url
        self.reason = reason


class LoginFailed(ControllerError):
    """The controller rejected the credentials."""


class LoginRateLimited(ControllerError):
    """The controller refuses logins for a while (429 AUTHENTICATION_FAILED_LIMIT_REACHED)."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(
            f"the controller is rate-limiting logins; waiting {retry_after:.0f} s before trying "
            "again (too many logins in a short time; make sure no other tool is looping)"
        )
        self.retry_after = retry_after


class SessionExpired(ControllerError):
    """The session stayed unauthorised even after logging in again."""


class UnknownSite(ControllerError):
    """The site name is not one the controller knows (``api.err.NoSiteContext``)."""

    def __init__(self, site: str, known: Sequence[str] = ()) -> None:
        hint = f"; sites on this controller: {', '.join(known)}" if known else ""
        super().__init__(
            f"the controller has no site named {site!r} (use the short name from the URL "
            f"/manage/site/<name>/, not the description){hint}"
        )
        self.site = site
        self.known = tuple(known)


class EndpointUnavailable(ControllerError):
    """The endpoint does not exist on this controller version (e.g. stat/event on 10.3+)."""

    def __init__(self, path: str, status: int) -> None:
        super().__init__(f"{path} is not available on this controller (HTTP {status})")
        self.path = path
        self.status = status


class SocketRefused(ControllerError):
    """The controller answered a WebSocket handshake with an HTTP error."""

    def __init__(self, url: str, site: str, status: int) -> None:
        super().__init__(f"{url} refused the event WebSocket of site {site!r} (HTTP {status})")
        self.url = url
        self.site = site
        self.status = status


class ControllerResponseError(ControllerError):
    """The controller answered something this client does not understand."""
