"""Report emails against a real aiosmtpd server on loopback: modes, auth, failures, format."""

from __future__ import annotations

import socket
import time
from datetime import UTC
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import SecretStr

from tests.deliver.conftest import MakeSmtp, Tls, make_report
from unifi_scanner.deliver.email import EmailError, build_message, send_report_email, subject_for
from unifi_scanner.deliver_config import EmailConfig, SmtpSecurity

BERLIN = ZoneInfo("Europe/Berlin")
PASSWORD = "correct horse battery staple"


def config(port: int, **overrides: Any) -> EmailConfig:
    values: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": port,
        "security": SmtpSecurity.PLAIN,
        "sender": "scanner@example.test",
        "to": ("ops@example.test",),
        "timeout": 5.0,
        "retry_initial": 0.01,
        "retry_max": 0.05,
    }
    values.update(overrides)
    return EmailConfig(**values)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_plain_relay_delivers_text_and_html_alternatives(
    smtp: MakeSmtp, report: dict[str, Any]
) -> None:
    server = await smtp("plain")
    result = await send_report_email(config(server.port), report, tz=BERLIN)
    assert result.accepted == ("ops@example.test",) and result.attempts == 1
    (message,) = server.messages
    assert message.get_content_type() == "multipart/alternative"
    parts = [part.get_content_type() for part in message.iter_parts()]
    assert parts == ["text/plain", "text/html"]
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "Kitchen AP" in text and "Kitchen AP" in html and "<html" in html.lower()
    assert message["Subject"] == "[2 SEVERE] default site — 30 Nov"  # Berlin: ends 01:00
    assert message["Auto-Submitted"] == "auto-generated"
    assert server.envelopes[0].mail_from == "scanner@example.test"


async def test_bcc_recipients_get_it_but_are_never_in_a_header(
    smtp: MakeSmtp, report: dict[str, Any]
) -> None:
    server = await smtp("plain")
    cfg = config(server.port, to=("ops@example.test",), bcc=("boss@example.test", "x@example.test"))
    await send_report_email(cfg, report, tz=UTC)
    envelope = server.envelopes[0]
    assert sorted(envelope.rcpt_tos) == ["boss@example.test", "ops@example.test", "x@example.test"]
    raw = bytes(envelope.original_content or b"").decode()
    assert "boss@example.test" not in raw and "x@example.test" not in raw
    assert "bcc" not in {key.lower() for key in server.messages[0]}


async def test_only_bcc_says_undisclosed_recipients(smtp: MakeSmtp, report: dict[str, Any]) -> None:
    server = await smtp("plain")
    await send_report_email(config(server.port, to=(), bcc=("a@example.test",)), report, tz=UTC)
    assert server.envelopes[0].rcpt_tos == ["a@example.test"]
    assert "undisclosed-recipients" in str(server.messages[0]["To"])


async def test_markdown_attachment(smtp: MakeSmtp, report: dict[str, Any]) -> None:
    server = await smtp("plain")
    await send_report_email(config(server.port, attach_markdown=True), report, tz=BERLIN)
    (message,) = server.messages
    assert message.get_content_type() == "multipart/mixed"
    body, attachment = list(message.iter_parts())
    assert body.get_content_type() == "multipart/alternative"
    assert attachment.get_content_type() == "text/markdown"
    assert attachment.get_filename() == "unifi-report-default-2025-11-30.md"
    content = attachment.get_content()
    assert content.startswith("# UniFi network report") and "Kitchen AP" in content


async def test_starttls_with_login(smtp: MakeSmtp, tls: Tls, report: dict[str, Any]) -> None:
    server = await smtp("starttls", users={"scanner": PASSWORD})
    cfg = config(
        server.port,
        security=SmtpSecurity.STARTTLS,
        ca_file=tls.ca_file,
        username="scanner",
        password=SecretStr(PASSWORD),
    )
    result = await send_report_email(cfg, report, tz=UTC)
    assert result.accepted == ("ops@example.test",)
    assert server.logins == [("scanner", PASSWORD)]
    assert len(server.messages) == 1


async def test_implicit_tls_with_login(smtp: MakeSmtp, tls: Tls, report: dict[str, Any]) -> None:
    server = await smtp("tls", users={"scanner": PASSWORD})
    cfg = config(
        server.port,
        security=SmtpSecurity.TLS,
        ca_file=tls.ca_file,
        username="scanner",
        password=SecretStr(PASSWORD),
    )
    await send_report_email(cfg, report, tz=UTC)
    assert len(server.messages) == 1 and server.logins == [("scanner", PASSWORD)]


async def test_refused_login_is_permanent_clear_and_never_shows_the_password(
    smtp: MakeSmtp, tls: Tls, report: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    server = await smtp("starttls", users={"scanner": "another password"})
    cfg = config(
        server.port,
        security=SmtpSecurity.STARTTLS,
        ca_file=tls.ca_file,
        username="scanner",
        password=SecretStr(PASSWORD),
        attempts=4,
    )
    with pytest.raises(EmailError) as caught:
        await send_report_email(cfg, report, tz=UTC)
    error = caught.value
    assert error.permanent and error.attempts == 1
    # One connection: a refused password is not tried again (aiosmtplib may offer it once
    # per mechanism the server lists, PLAIN then LOGIN, within that connection).
    assert server.connections == 1 and 1 <= len(server.logins) <= 2
    message = str(error)
    assert "\n" not in message
    assert f"127.0.0.1:{server.port} refused the login for 'scanner'" in message
    assert "535" in message and "UNIFI_SMTP_PASSWORD" in message
    captured = capsys.readouterr()
    for text in (message, repr(error), repr(cfg), str(cfg), captured.out, captured.err):
        assert PASSWORD not in text
    assert not server.messages


async def test_untrusted_certificate_is_permanent_and_says_which_setting(
    smtp: MakeSmtp, report: dict[str, Any]
) -> None:
    server = await smtp("starttls")
    cfg = config(server.port, security=SmtpSecurity.STARTTLS)  # no ca_file: system trust
    with pytest.raises(EmailError) as caught:
        await send_report_email(cfg, report, tz=UTC)
    assert caught.value.permanent and caught.value.attempts == 1
    assert "certificate not trusted" in str(caught.value)
    assert "UNIFI_SMTP_CA_FILE" in str(caught.value)


async def test_implicit_tls_against_a_starttls_port_says_to_check_the_mode(
    smtp: MakeSmtp, tls: Tls, report: dict[str, Any]
) -> None:
    server = await smtp("starttls")
    cfg = config(server.port, security=SmtpSecurity.TLS, ca_file=tls.ca_file, timeout=2.0)
    with pytest.raises(EmailError) as caught:
        await send_report_email(cfg, report, tz=UTC)
    assert "smtp_security" in str(caught.value)
    assert not server.messages


async def test_server_down_is_retried_then_fails_clearly(report: dict[str, Any]) -> None:
    port = free_port()
    delays: list[float] = []

    async def sleep(delay: float) -> None:
        delays.append(delay)

    cfg = config(port, attempts=4, retry_initial=1.0, retry_max=3.0)
    with pytest.raises(EmailError) as caught:
        await send_report_email(cfg, report, tz=UTC, sleep=sleep)
    error = caught.value
    assert not error.permanent and error.attempts == 4
    assert f"cannot reach 127.0.0.1:{port}" in str(error) and "after 4 attempts" in str(error)
    assert "UNIFI_SMTP_HOST" in str(error)
    # Capped exponential backoff with ±25 % jitter: about 1, 2, then 3 (the cap) seconds.
    assert len(delays) == 3
    for delay, base in zip(delays, (1.0, 2.0, 3.0), strict=True):
        assert base * 0.75 <= delay <= base * 1.25


async def test_transient_4xx_is_retried_until_accepted(
    smtp: MakeSmtp, report: dict[str, Any]
) -> None:
    server = await smtp("plain")
    server.fail_next = 2
    started = time.monotonic()
    result = await send_report_email(config(server.port, attempts=4), report, tz=UTC)
    assert result.attempts == 3
    assert len(server.messages) == 1
    assert time.monotonic() - started < 5


async def test_4xx_that_never_clears_gives_up_after_the_attempts(
    smtp: MakeSmtp, report: dict[str, Any]
) -> None:
    server = await smtp("plain")
    server.fail_next = 10
    with pytest.raises(EmailError) as caught:
        await send_report_email(config(server.port, attempts=3), report, tz=UTC)
    assert "451" in str(caught.value) and "after 3 attempts" in str(caught.value)
    assert server.fail_next == 7 and not server.messages


def test_subject_by_severity_site_and_period() -> None:
    severe = make_report(severe=True)
    quiet = make_report(severe=False)
    assert subject_for(severe, UTC) == "[2 SEVERE] default site — 29 Nov"
    assert subject_for(quiet, UTC) == "[OK] default site — 29 Nov"
    # In Berlin the period ends at 01:00 on 30 Nov: the date follows the zone.
    assert subject_for(quiet, BERLIN).endswith("— 30 Nov")
    labelled = {**quiet, "controller": {**quiet["controller"], "site_description": "Home network"}}
    assert subject_for(labelled, UTC) == "[OK] Home network — 29 Nov"
    assert subject_for(quiet, UTC, label="Office\nBcc: evil@example.test") == (
        "[OK] Office Bcc: evil@example.test — 29 Nov"
    )
    medium = {**quiet, "summary": {**quiet["summary"], "findings_by_severity": {"medium": 3}}}
    assert subject_for(medium, UTC).startswith("[3 warnings] ")
    one = {**quiet, "summary": {**quiet["summary"], "findings_by_severity": {"medium": 1}}}
    assert subject_for(one, UTC).startswith("[1 warning] ")
    week = make_report(severe=False, hours=24 * 7)
    assert subject_for(week, UTC).endswith("— 29 Nov – 5 Dec")
    hourly = make_report(severe=False, hours=1)
    assert subject_for(hourly, UTC).endswith("— 29 Nov 01:00")


def test_message_headers(tmp_path: Path, report: dict[str, Any]) -> None:
    message = build_message(config(25), report, tz=BERLIN)
    assert message["From"] == "scanner@example.test"
    assert message["To"] == "ops@example.test"
    assert message["Message-ID"].endswith("@example.test>")
    assert message["Date"]


async def test_starttls_against_a_server_without_it_is_permanent(
    smtp: MakeSmtp, tls: Tls, report: dict[str, Any]
) -> None:
    server = await smtp("plain")
    cfg = config(server.port, security=SmtpSecurity.STARTTLS, ca_file=tls.ca_file)
    with pytest.raises(EmailError) as caught:
        await send_report_email(cfg, report, tz=UTC)
    assert caught.value.permanent and caught.value.attempts == 1
    assert "does not offer STARTTLS" in str(caught.value)
    assert server.connections == 1 and not server.messages
