"""Delivery settings: flat environment variables, *_FILE secrets, one line per problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from unifi_scanner.config import ConfigError, load_settings
from unifi_scanner.deliver import Deliverer
from unifi_scanner.deliver_config import SmtpSecurity


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in list(os.environ):
        if name.startswith("UNIFI_"):
            monkeypatch.delenv(name)


def test_nothing_configured_means_files_only() -> None:
    settings = load_settings()
    assert settings.email_config() is None and settings.notify_config() is None
    assert settings.files_config().retention_days == 90


def test_email_from_environment_with_password_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = tmp_path / "smtp"
    secret.write_text("p4ss-w0rd\n")
    monkeypatch.setenv("UNIFI_SMTP_HOST", "smtp.example.com")
    monkeypatch.setenv("UNIFI_SMTP_SECURITY", "tls")
    monkeypatch.setenv("UNIFI_SMTP_USERNAME", "scanner@example.com")
    monkeypatch.setenv("UNIFI_SMTP_PASSWORD_FILE", str(secret))
    monkeypatch.setenv("UNIFI_EMAIL_TO", "ops@example.com, boss@example.com")
    monkeypatch.setenv("UNIFI_EMAIL_BCC", "audit@example.com")
    monkeypatch.setenv("UNIFI_TIMEZONE", "Europe/Berlin")
    settings = load_settings()
    email = settings.email_config()
    assert email is not None
    assert (email.host, email.port, email.security) == ("smtp.example.com", 465, SmtpSecurity.TLS)
    assert email.sender == "scanner@example.com"  # the login is an address: it is the sender
    assert email.to == ("ops@example.com", "boss@example.com") and email.bcc == (
        "audit@example.com",
    )
    assert email.password is not None and email.password.get_secret_value() == "p4ss-w0rd"
    for text in (repr(settings), str(settings), repr(email)):
        assert "p4ss-w0rd" not in text
    deliverer = Deliverer.from_settings(settings)
    assert deliverer.channels == ["email"] and str(deliverer.tz) == "Europe/Berlin"


def test_notify_urls_from_yaml_list(tmp_path: Path) -> None:
    config = tmp_path / "unifi.yaml"
    config.write_text(
        "notify_urls:\n  - ntfy://ntfy.example/home\n  - json://127.0.0.1:9/hook\n"
        "notify_immediate: true\nnotify_max_per_hour: 3\nreport_retention_days: 14\n"
    )
    settings = load_settings(config)
    notify = settings.notify_config()
    assert notify is not None and notify.immediate and notify.max_per_hour == 3
    assert notify.urls.get_secret_value() == "ntfy://ntfy.example/home, json://127.0.0.1:9/hook"
    assert "ntfy.example" not in repr(settings)
    assert settings.files_config().retention_days == 14


def test_bad_values_one_line_each(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNIFI_SMTP_PORT", "submission")
    monkeypatch.setenv("UNIFI_SMTP_SECURITY", "ssl")
    monkeypatch.setenv("UNIFI_EMAIL_TO", "ops@example.com, not-an-address")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    lines = caught.value.lines
    assert "smtp_port (UNIFI_SMTP_PORT): expected an integer, got 'submission'" in lines
    assert any(line.startswith("smtp_security (UNIFI_SMTP_SECURITY):") for line in lines)
    assert any("not-an-address" in line and "UNIFI_EMAIL_TO" in line for line in lines)


def test_unusable_combinations_are_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNIFI_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("UNIFI_SMTP_SECURITY", "plain")
    monkeypatch.setenv("UNIFI_SMTP_PASSWORD", "hunter2")
    settings = load_settings()
    with pytest.raises(ConfigError) as caught:
        settings.email_config()
    text = "\n".join(caught.value.lines)
    assert "email_from (UNIFI_EMAIL_FROM): required" in text
    assert "email_to (UNIFI_EMAIL_TO): at least one recipient" in text
    assert "set both to log in, or neither" in text
    assert "plain would send the SMTP password unencrypted" in text
    assert "hunter2" not in text
