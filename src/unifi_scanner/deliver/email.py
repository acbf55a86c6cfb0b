"""Report emails over SMTP (``aiosmtplib``): STARTTLS, implicit TLS or a plain local relay.

One message per report: ``multipart/alternative`` with the plain-text and the email HTML
renderings (and, optionally, the Markdown rendering attached), a subject that says at a
glance whether to open it (``[2 SEVERE] Home network — 29 Nov``). Recipients in ``email_bcc``
are given to the server only (RCPT TO), never written into a header.

Transient failures (connection refused or reset, timeouts, 4xx replies) are retried with a
capped exponential backoff and jitter; permanent ones (5xx replies, a refused login, an
untrusted certificate, a TLS mode the server does not speak) fail at once, with a one-line
:class:`EmailError` naming the server and what to change. The password is only ever handed
to ``aiosmtplib``: it is a :class:`~pydantic.SecretStr` everywhere else, and any server text
quoted in an error is scrubbed of it.
"""

from __future__ import annotations

import asyncio
import base64
import os
import re
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

import aiosmtplib

from unifi_scanner.controller.retry import Backoff
from unifi_scanner.deliver.files import DeliveryError
from unifi_scanner.deliver_config import EmailConfig, SmtpSecurity
from unifi_scanner.log import get_logger
from unifi_scanner.report.render import clean, render_email_html, render_markdown, render_text

log = get_logger(__name__)

Sleep = Callable[[float], Awaitable[None]]


class EmailError(DeliveryError):
    """An email could not be sent; the message is one line naming the server and the fix."""

    def __init__(self, message: str, *, permanent: bool, attempts: int) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.attempts = attempts


@dataclass(frozen=True, slots=True)
class EmailResult:
    """What the server accepted."""

    server: str
    accepted: tuple[str, ...]
    refused: dict[str, str] = field(default_factory=dict)
    attempts: int = 1

    def describe(self) -> str:
        text = f"sent to {len(self.accepted)} recipient(s) via {self.server}"
        if self.refused:
            text += "; refused: " + ", ".join(f"{a} ({r})" for a, r in self.refused.items())
        return text


# --- what the message says -------------------------------------------------------------------


def site_label(report: dict[str, Any]) -> str:
    """The site as people call it: its description when the report has one, else its name."""
    controller = report.get("controller") or {}
    for key in ("site_description", "site_desc", "description"):
        value = controller.get(key)
        if isinstance(value, str) and value.strip():
            return clean(value).strip()
    return f"{clean(controller.get('site', '?'))} site"


def period_label(report: dict[str, Any], tz: tzinfo) -> str:
    """``29 Nov`` for a day, ``29 Nov 14:00`` for a few hours, ``23–29 Nov`` for a week."""
    start = _moment(report["period"]["start"]).astimezone(tz)
    end = _moment(report["period"]["end"]).astimezone(tz)
    # A period ending at midnight is about the day before: 00:00–24:00 is "29 Nov", not 30.
    last = end - timedelta(microseconds=1) if end > start else end
    if end - start <= timedelta(hours=12):
        return f"{_day(end)} {end:%H:%M}"
    if end - start <= timedelta(hours=36):
        return _day(last)
    if (start.year, start.month) == (last.year, last.month):
        return f"{start.day}–{_day(last)}"
    return f"{_day(start)} – {_day(last)}"


def subject_for(report: dict[str, Any], tz: tzinfo, *, label: str | None = None) -> str:
    """``[2 SEVERE] Home network — 29 Nov``, ``[3 warnings] …`` or ``[OK] …``.

    Only the worst level is counted: the subject answers "do I need to open this now?";
    the body has the rest. Medium findings are "warnings" (they come with steps to fix);
    low ones are the normal life of a network and leave the report ``[OK]``.
    """
    counts = report.get("summary", {}).get("findings_by_severity", {})
    severe, medium = int(counts.get("severe", 0)), int(counts.get("medium", 0))
    if severe:
        tag = f"[{severe} SEVERE]"
    elif medium:
        tag = f"[{medium} warning{'' if medium == 1 else 's'}]"
    else:
        tag = "[OK]"
    name = _one_line(label) if label else site_label(report)
    return f"{tag} {name} — {period_label(report, tz)}"


def build_message(
    config: EmailConfig,
    report: dict[str, Any],
    *,
    tz: tzinfo,
    label: str | None = None,
    now: datetime | None = None,
) -> EmailMessage:
    """The message for ``report``: text + HTML alternatives, Markdown attached if configured."""
    message = EmailMessage()
    message["Subject"] = subject_for(report, tz, label=label)
    message["From"] = config.sender
    # With only Bcc recipients, say so rather than leave To empty (some filters score that).
    message["To"] = ", ".join(config.to) if config.to else "undisclosed-recipients:;"
    message["Date"] = format_datetime((now or datetime.now(tz)).astimezone(tz))
    message["Message-ID"] = make_msgid(domain=config.sender.rpartition("@")[2] or None)
    # RFC 3834: vacation responders and ticket systems must not answer a machine.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(render_text(report, tz))
    message.add_alternative(render_email_html(report, tz), subtype="html")
    if config.attach_markdown:
        message.add_attachment(
            render_markdown(report, tz).encode(),
            maintype="text",
            subtype="markdown",
            filename=attachment_name(report, tz),
        )
    return message


def attachment_name(report: dict[str, Any], tz: tzinfo) -> str:
    """``unifi-report-default-2026-11-29.md``: safe in every mail client and file system."""
    site = re.sub(r"[^A-Za-z0-9.-]+", "-", str(report.get("controller", {}).get("site", "")))
    end = _moment(report["period"]["end"]).astimezone(tz)
    return f"unifi-report-{site.strip('-') or 'site'}-{end:%Y-%m-%d}.md"


# --- sending ---------------------------------------------------------------------------------


async def send_report_email(
    config: EmailConfig,
    report: dict[str, Any],
    *,
    tz: tzinfo,
    label: str | None = None,
    sleep: Sleep = asyncio.sleep,
) -> EmailResult:
    """Send ``report`` to every recipient, retrying transient failures; EmailError if not."""
    return await send_message(config, build_message(config, report, tz=tz, label=label), sleep)


async def send_message(
    config: EmailConfig, message: EmailMessage, sleep: Sleep = asyncio.sleep
) -> EmailResult:
    """Deliver ``message`` to ``config``'s To and Bcc recipients (see the module docstring)."""
    backoff = Backoff(initial=config.retry_initial, maximum=config.retry_max)
    for attempt in range(1, config.attempts + 1):
        try:
            refused, _reply = await aiosmtplib.send(
                message,
                sender=config.sender,
                recipients=config.recipients,
                hostname=config.host,
                port=config.port,
                username=config.username,
                password=config.password.get_secret_value() if config.password else None,
                use_tls=config.security is SmtpSecurity.TLS,
                start_tls=config.security is SmtpSecurity.STARTTLS,
                timeout=config.timeout,
                tls_context=_tls_context(config),
                validate_certs=config.verify_tls,
            )
        except Exception as exc:  # classified below; nothing is swallowed silently
            transient, reason = _classify(exc, config)
            reason = _redact(reason, config)
            if not transient or attempt == config.attempts:
                tries = f" (after {attempt} attempts)" if attempt > 1 else ""
                raise EmailError(
                    f"email: {reason}{tries}", permanent=not transient, attempts=attempt
                ) from None
            delay = backoff.next()
            log.warning(
                "email not sent, retrying",
                server=config.server,
                error=reason,
                attempt=attempt,
                retry_in=round(delay, 2),
            )
            await sleep(delay)
            continue
        accepted = tuple(r for r in config.recipients if r not in refused)
        refusals = {
            r: _redact(f"{resp.code} {resp.message}", config) for r, resp in refused.items()
        }
        return EmailResult(config.server, accepted, refusals, attempt)
    raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover


def _tls_context(config: EmailConfig) -> ssl.SSLContext | None:
    if config.security is SmtpSecurity.PLAIN:
        return None
    if not config.verify_tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    cafile = str(config.ca_file) if config.ca_file is not None else None
    return ssl.create_default_context(cafile=cafile)


_LOGIN = "smtp_username and smtp_password (UNIFI_SMTP_USERNAME, UNIFI_SMTP_PASSWORD[_FILE])"
_MODE = "check smtp_security and smtp_port (starttls on 587, tls on 465, plain on 25)"


def _classify(exc: BaseException, config: EmailConfig) -> tuple[bool, str]:
    """(transient?, one line saying what happened at which server and what to do)."""
    server = config.server
    if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
        reply = f"{exc.code} {_one_line(exc.message)}"
        if 400 <= exc.code < 500:
            return True, f"{server} could not log in for now ({reply})"
        return (
            False,
            f"{server} refused the login for {config.username!r} ({reply}); check {_LOGIN}",
        )
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        codes = [r.code for r in exc.recipients]
        detail = "; ".join(
            f"{r.recipient}: {r.code} {_one_line(r.message)}" for r in exc.recipients
        )
        transient = any(400 <= code < 500 for code in codes)
        return transient, f"{server} refused every recipient ({detail}); check email_to/email_bcc"
    if isinstance(exc, aiosmtplib.SMTPSenderRefused):
        reply = f"{exc.code} {_one_line(exc.message)}"
        return exc.code < 500, (
            f"{server} refused the sender {exc.sender!r} ({reply}); set email_from to an "
            "address this server accepts for your login"
        )
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        reply = f"{exc.code} {_one_line(exc.message)}"
        if 400 <= exc.code < 500:
            return True, f"{server} answered {reply} (temporary)"
        return False, f"{server} answered {reply}"
    if isinstance(exc, aiosmtplib.SMTPNotSupported) or (
        type(exc) is aiosmtplib.SMTPException and "not supported" in str(exc)
    ):
        text = _one_line(str(exc))
        if "STARTTLS" in text:
            return False, (
                f"{server} does not offer STARTTLS; set smtp_security=tls if this port speaks "
                "TLS from the start (465), or plain for a relay on this host (25)"
            )
        if "AUTH" in text.upper():
            return False, (
                f"{server}: {text}; the server offers no login on this connection: use "
                "smtp_security starttls or tls, or unset smtp_username for a relay"
            )
        return False, f"{server}: {text}; {_MODE}"
    tls = _ssl_cause(exc)
    if isinstance(tls, ssl.SSLCertVerificationError):
        return False, (
            f"{server}: certificate not trusted ({_one_line(tls.verify_message or str(tls))}); "
            "set smtp_ca_file (UNIFI_SMTP_CA_FILE) to the server's CA certificate"
        )
    if tls is not None:
        return (
            False,
            f"{server}: TLS handshake failed ({_one_line(tls.reason or str(tls))}); {_MODE}",
        )
    if isinstance(exc, aiosmtplib.SMTPTimeoutError | TimeoutError):
        hint = (
            "; if this port speaks TLS from the start, set smtp_security=tls"
            if config.security is not SmtpSecurity.TLS
            else ""
        )
        return True, f"{server} did not answer within {config.timeout:g}s{hint}"
    if isinstance(exc, aiosmtplib.SMTPException | OSError):
        text = _os_reason(exc) or _one_line(str(exc)) or type(exc).__name__
        return True, (
            f"cannot reach {server} ({text}); check smtp_host and smtp_port "
            "(UNIFI_SMTP_HOST, UNIFI_SMTP_PORT) and that the mail server is running"
        )
    return False, f"{server}: unexpected {type(exc).__name__}: {_one_line(str(exc))}"


def _ssl_cause(exc: BaseException) -> ssl.SSLError | None:
    """The TLS error behind ``exc`` (aiosmtplib wraps handshake failures), if there is one."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _os_reason(exc: BaseException) -> str | None:
    """``Connection refused``: the system's word behind aiosmtplib's "Error connecting to"."""
    current: BaseException | None = exc
    for _ in range(5):
        if current is None:
            return None
        if isinstance(current, OSError) and current.errno:
            return os.strerror(current.errno)
        current = current.__cause__ or current.__context__
    return None


def _redact(text: str, config: EmailConfig) -> str:
    """``text`` without the password, as typed or as the base64 that AUTH sends."""
    if config.password is None:
        return text
    secret = config.password.get_secret_value()
    if not secret:
        return text
    forms = {secret, base64.b64encode(secret.encode()).decode()}
    if config.username:
        forms.add(base64.b64encode(f"\0{config.username}\0{secret}".encode()).decode())
    for form in forms:
        text = text.replace(form, "***")
    return text


def _one_line(text: object) -> str:
    return " ".join(clean(text).split())


def _moment(iso_text: str) -> datetime:
    return datetime.fromisoformat(iso_text.replace("Z", "+00:00"))


def _day(moment: datetime) -> str:
    return f"{moment.day} {moment:%b}"
