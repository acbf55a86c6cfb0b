"""Delivery settings: report files, email (SMTP) and notifications (apprise URLs).

They are flat settings like the rest (``UNIFI_SMTP_HOST``, ``smtp_host:`` in YAML), mixed
into :class:`~unifi_scanner.config.Settings` by :class:`DeliverySettings`; secrets
(``smtp_password``, ``notify_urls``) may come from ``UNIFI_<NAME>_FILE`` like the controller
password. :meth:`DeliverySettings.email_config` and friends turn them into the models the
:mod:`unifi_scanner.deliver` package takes, and raise
:class:`~unifi_scanner.config.ConfigError` with one line per problem when a combination is
unusable (a mail server without recipients, a password over an unencrypted connection).
"""

from __future__ import annotations

import enum
import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic_settings import NoDecode

#: What a delivery setting's secret fields are called (``UNIFI_<NAME>_FILE`` works for each).
DELIVERY_SECRET_FIELDS = ("smtp_password", "notify_urls")

_ADDRESS = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+$")


class SmtpSecurity(enum.StrEnum):
    """How the SMTP connection is protected."""

    STARTTLS = "starttls"
    """Plain connection upgraded with STARTTLS before anything else (submission, port 587)."""
    TLS = "tls"
    """TLS from the first byte ("implicit TLS", SMTPS, port 465)."""
    PLAIN = "plain"
    """No encryption: only for a relay on the same host or a trusted local network (port 25)."""

    @property
    def default_port(self) -> int:
        return {"starttls": 587, "tls": 465, "plain": 25}[self.value]


class EmailConfig(BaseModel):
    """Where and how report emails go."""

    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    host: str
    port: int = Field(ge=1, le=65535)
    security: SmtpSecurity = SmtpSecurity.STARTTLS
    username: str | None = None
    password: SecretStr | None = None
    sender: str
    to: tuple[str, ...] = ()
    bcc: tuple[str, ...] = ()
    ca_file: Path | None = None
    verify_tls: bool = True
    timeout: float = Field(default=30.0, gt=0)
    attach_markdown: bool = False
    attempts: int = Field(default=4, ge=1)
    retry_initial: float = Field(default=2.0, ge=0)
    """First delay between attempts, seconds; doubles up to :attr:`retry_max` (± jitter)."""
    retry_max: float = Field(default=60.0, ge=0)

    @property
    def server(self) -> str:
        """``host:port`` as error messages name it."""
        return f"{self.host}:{self.port}"

    @property
    def recipients(self) -> list[str]:
        return [*self.to, *self.bcc]


class NotifyConfig(BaseModel):
    """Short notifications through apprise URLs."""

    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    urls: SecretStr
    """One or more apprise URLs separated by commas or spaces (they often hold tokens)."""
    reports: bool = True
    immediate: bool = False
    max_per_hour: int = Field(default=6, ge=1)
    dedup_minutes: float = Field(default=60.0, ge=0)
    timeout: float = Field(default=15.0, gt=0)
    report_base_url: str | None = None


class FilesConfig(BaseModel):
    """The dated report directories: where, and how long they are kept."""

    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    directory: Path
    retention_days: float = Field(default=90.0, ge=0)
    """Dated reports older than this are deleted; 0 keeps them forever."""


def _split_list(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in re.split(r"[,;\s]+", value) if part.strip()]
    return value


def _join_urls(value: Any) -> Any:
    # A YAML list of URLs is one secret string for apprise (it splits on commas itself).
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return value


Addresses = Annotated[list[str], NoDecode]


class DeliverySettings(BaseModel):
    """The flat delivery settings; :class:`~unifi_scanner.config.Settings` inherits them."""

    smtp_host: str | None = Field(default=None, description="SMTP server (unset: no email).")
    smtp_port: int | None = Field(
        default=None, ge=1, le=65535, description="SMTP port (default 587, 465 for tls, 25 plain)."
    )
    smtp_security: SmtpSecurity = Field(
        default=SmtpSecurity.STARTTLS,
        description="starttls, tls (implicit, SMTPS) or plain (local relay only).",
    )
    smtp_username: str | None = Field(default=None, description="SMTP login (unset: no AUTH).")
    smtp_password: SecretStr | None = Field(default=None, description="SMTP password.")
    smtp_ca_file: Path | None = Field(
        default=None, description="PEM of the CA to trust for the SMTP server's certificate."
    )
    smtp_verify_ssl: bool = Field(default=True, description="Verify the SMTP certificate.")
    smtp_timeout: float = Field(default=30.0, gt=0, le=600, description="SMTP timeout, seconds.")
    smtp_attempts: int = Field(
        default=4, ge=1, le=20, description="Tries per email on transient failures."
    )
    email_from: str | None = Field(
        default=None, description="Sender address (default: smtp_username if it is an address)."
    )
    email_to: Addresses = Field(
        default_factory=list, description="Recipients (To), comma-separated."
    )
    email_bcc: Addresses = Field(
        default_factory=list, description="Hidden recipients (Bcc), comma-separated."
    )
    email_attach_markdown: bool = Field(
        default=False, description="Attach the report as Markdown (report.md)."
    )
    notify_urls: SecretStr | None = Field(
        default=None, description="apprise URLs (ntfy://, slack://, json://…), comma-separated."
    )
    notify_reports: bool = Field(
        default=True, description="Notify when a report has severe findings."
    )
    notify_immediate: bool = Field(
        default=False, description="Notify as soon as a severe event arrives."
    )
    notify_max_per_hour: int = Field(
        default=6, ge=1, le=3600, description="Immediate notifications per hour, at most."
    )
    notify_dedup_minutes: float = Field(
        default=60.0,
        ge=0,
        description="Minutes before the same rule and subject are notified again.",
    )
    notify_timeout: float = Field(
        default=15.0, gt=0, le=600, description="Timeout per notification, seconds."
    )
    report_base_url: str | None = Field(
        default=None, description="URL where report_dir is served (links in notifications)."
    )
    report_retention_days: float = Field(
        default=90.0, ge=0, description="Dated reports are deleted after this (0: never)."
    )

    @field_validator("email_to", "email_bcc", mode="before")
    @classmethod
    def _addresses_from_text(cls, value: Any) -> Any:
        return _split_list(value)

    @field_validator("email_to", "email_bcc")
    @classmethod
    def _addresses_look_right(cls, value: list[str]) -> list[str]:
        bad = [address for address in value if not _ADDRESS.match(address)]
        if bad:
            raise ValueError(f"expected e-mail addresses like ops@example.com, got {bad[0]!r}")
        return value

    @field_validator("email_from")
    @classmethod
    def _sender_looks_right(cls, value: str | None) -> str | None:
        if value is not None and not _ADDRESS.match(value.strip()):
            raise ValueError("expected an e-mail address like scanner@example.com")
        return value.strip() if value is not None else None

    @field_validator("smtp_host")
    @classmethod
    def _bare_host(cls, value: str | None) -> str | None:
        if value is not None and (not value.strip() or "/" in value or " " in value.strip()):
            raise ValueError("expected a bare host name or IP address, e.g. smtp.example.com")
        return value.strip() if value is not None else None

    @field_validator("notify_urls", mode="before")
    @classmethod
    def _urls_from_list(cls, value: Any) -> Any:
        return _join_urls(value)

    def email_config(self) -> EmailConfig | None:
        """The email channel, None when ``smtp_host`` is unset; ConfigError when unusable."""
        from unifi_scanner.config import ConfigError

        if self.smtp_host is None:
            return None
        problems: list[str] = []
        sender = self.email_from
        if sender is None and self.smtp_username and _ADDRESS.match(self.smtp_username):
            sender = self.smtp_username
        if sender is None:
            problems.append("email_from (UNIFI_EMAIL_FROM): required to send email")
        if not self.email_to and not self.email_bcc:
            problems.append(
                "email_to (UNIFI_EMAIL_TO): at least one recipient (or email_bcc) is required"
            )
        if (self.smtp_username is None) != (self.smtp_password is None):
            problems.append(
                "smtp_username and smtp_password (UNIFI_SMTP_USERNAME, UNIFI_SMTP_PASSWORD): "
                "set both to log in, or neither"
            )
        if self.smtp_password is not None and self.smtp_security is SmtpSecurity.PLAIN:
            problems.append(
                "smtp_security (UNIFI_SMTP_SECURITY): plain would send the SMTP password "
                "unencrypted; use starttls or tls"
            )
        if self.smtp_ca_file is not None and not self.smtp_ca_file.is_file():
            problems.append(f"smtp_ca_file (UNIFI_SMTP_CA_FILE): no such file: {self.smtp_ca_file}")
        if problems:
            raise ConfigError(problems)
        assert sender is not None
        return EmailConfig(
            host=self.smtp_host,
            port=self.smtp_port or self.smtp_security.default_port,
            security=self.smtp_security,
            username=self.smtp_username,
            password=self.smtp_password,
            sender=sender,
            to=tuple(self.email_to),
            bcc=tuple(self.email_bcc),
            ca_file=self.smtp_ca_file,
            verify_tls=self.smtp_verify_ssl,
            timeout=self.smtp_timeout,
            attach_markdown=self.email_attach_markdown,
            attempts=self.smtp_attempts,
        )

    def notify_config(self) -> NotifyConfig | None:
        """The notification channel, None when no apprise URL is configured."""
        if self.notify_urls is None or not self.notify_urls.get_secret_value().strip():
            return None
        return NotifyConfig(
            urls=self.notify_urls,
            reports=self.notify_reports,
            immediate=self.notify_immediate,
            max_per_hour=self.notify_max_per_hour,
            dedup_minutes=self.notify_dedup_minutes,
            timeout=self.notify_timeout,
            report_base_url=self.report_base_url,
        )

    def files_config(self) -> FilesConfig:
        """Where dated reports go (``report_dir``) and how long they stay."""
        directory = getattr(self, "report_dir", Path("reports"))
        return FilesConfig(directory=directory, retention_days=self.report_retention_days)
