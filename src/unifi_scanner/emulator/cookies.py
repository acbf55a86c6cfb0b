"""`Set-Cookie` values of both flavours, flag for flag as the controllers send them.

- UniFi OS: `TOKEN=<JWT>; path=/; samesite=none; secure; httponly`, lower case, optionally
  with UniFi OS 4's valueless `partitioned` flag (which Python < 3.13's cookie parser rejects)
  and, on some builds, named `UOS_TOKEN` (`Variants`).
- Classic: `unifises=<32 chars>; Path=/; Secure; HttpOnly` and `csrf_token=<32 chars>;
  Path=/; Secure` (readable by scripts, which echo it in `X-Csrf-Token`).

Without TLS (`--plain-http`) a client would refuse to send a `secure` cookie and browsers
reject `samesite=none` without `secure`, so plain-HTTP mode drops both.
"""

from __future__ import annotations

CLASSIC_SESSION = "unifises"
CLASSIC_CSRF = "csrf_token"
MFA_COOKIE = "UBIC_2FA"
_EXPIRED = "expires=Thu, 01 Jan 1970 00:00:00 GMT; max-age=0"


def unifi_os_cookie(token: str, *, name: str, secure: bool, partitioned: bool = False) -> str:
    """The session cookie of a UniFi OS console."""
    flags = "path=/; samesite=none; secure; httponly" if secure else "path=/; httponly"
    if partitioned and secure:
        flags += "; partitioned"
    return f"{name}={token}; {flags}"


def unifi_os_clear(*, name: str, secure: bool, partitioned: bool = False) -> str:
    """The cookie that removes the UniFi OS session on logout."""
    flags = unifi_os_cookie("", name=name, secure=secure, partitioned=partitioned).split("; ", 1)[1]
    return f"{name}=; {_EXPIRED}; {flags}"


def classic_cookies(session_id: str, csrf_token: str, *, secure: bool) -> list[str]:
    """The two cookies of a classic login."""
    secure_flag = "; Secure" if secure else ""
    return [
        f"{CLASSIC_SESSION}={session_id}; Path=/{secure_flag}; HttpOnly",
        f"{CLASSIC_CSRF}={csrf_token}; Path=/{secure_flag}",
    ]


def classic_clear(*, secure: bool) -> list[str]:
    """The cookies that remove a classic session on logout."""
    secure_flag = "; Secure" if secure else ""
    return [
        f"{CLASSIC_SESSION}=; {_EXPIRED}; Path=/{secure_flag}; HttpOnly",
        f"{CLASSIC_CSRF}=; {_EXPIRED}; Path=/{secure_flag}",
    ]
