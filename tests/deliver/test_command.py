"""``unifi-scanner deliver --test / --retry`` against a real SMTP server and webhook."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.deliver.conftest import MakeSmtp, Webhook, make_report
from unifi_scanner.cli import build_parser
from unifi_scanner.commands import deliver
from unifi_scanner.config import ConfigError
from unifi_scanner.deliver import report_files, write_reports


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith("UNIFI_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("UNIFI_REPORT_DIR", str(tmp_path / "reports"))
    monkeypatch.setenv("UNIFI_TIMEZONE", "UTC")


async def test_deliver_test_sends_the_newest_report_everywhere(
    tmp_path: Path,
    smtp: MakeSmtp,
    webhook: Webhook,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    quiet = make_report(severe=False)
    write_reports(tmp_path / "reports", report_files(quiet, None))
    server = await smtp("plain")
    monkeypatch.setenv("UNIFI_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("UNIFI_SMTP_PORT", str(server.port))
    monkeypatch.setenv("UNIFI_SMTP_SECURITY", "plain")
    monkeypatch.setenv("UNIFI_EMAIL_FROM", "scanner@example.test")
    monkeypatch.setenv("UNIFI_EMAIL_TO", "ops@example.test")
    monkeypatch.setenv("UNIFI_NOTIFY_URLS", webhook.url())

    args = build_parser().parse_args(["deliver", "--test"])
    assert await deliver.run(args) == 0
    output = capsys.readouterr().out
    assert "email  ok" in output and "notify ok" in output
    assert server.messages[0]["Subject"] == "[OK] default site — 29 Nov"
    assert webhook.received[0]["title"] == "[OK] default site — 29 Nov"  # sent even so: a test
    assert not (tmp_path / "reports" / "pending-deliveries.json").exists()

    webhook.status = 500
    assert await deliver.run(args) == 1
    assert "notify FAILED" in capsys.readouterr().out
    assert not (tmp_path / "reports" / "pending-deliveries.json").exists()  # a test, not owed


async def test_deliver_without_a_channel_or_a_report_says_what_to_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(ConfigError, match="no channel configured"):
        await deliver.run(build_parser().parse_args(["deliver", "--test"]))
    monkeypatch.setenv("UNIFI_NOTIFY_URLS", "json://127.0.0.1:9/x")
    with pytest.raises(ConfigError, match="no report under"):
        await deliver.run(build_parser().parse_args(["deliver", "--test"]))


async def test_deliver_retry_with_nothing_pending(capsys: pytest.CaptureFixture[str]) -> None:
    assert await deliver.run(build_parser().parse_args(["deliver", "--retry"])) == 0
    assert "no pending deliveries" in capsys.readouterr().out


def test_test_and_retry_are_exclusive() -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["deliver", "--test", "--retry"])
