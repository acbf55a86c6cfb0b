"""Delivery end to end: files, a real SMTP server, a real webhook; failures kept and retried."""

from __future__ import annotations

import socket
from datetime import UTC
from pathlib import Path
from typing import Any

import orjson
import pytest
from pydantic import SecretStr

from tests.deliver.conftest import MakeSmtp, Webhook, make_report
from unifi_scanner.deliver import Deliverer, DeliveryError
from unifi_scanner.deliver.dispatch import PENDING_FILE
from unifi_scanner.deliver_config import EmailConfig, FilesConfig, NotifyConfig, SmtpSecurity


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def deliverer(root: Path, smtp_port: int | None, hook: Webhook | None, **email: Any) -> Deliverer:
    mail = (
        EmailConfig(
            host="127.0.0.1",
            port=smtp_port,
            security=SmtpSecurity.PLAIN,
            sender="scanner@example.test",
            to=("ops@example.test",),
            timeout=5,
            attempts=2,
            retry_initial=0.01,
            retry_max=0.02,
            **email,
        )
        if smtp_port is not None
        else None
    )
    notify = (
        NotifyConfig(urls=SecretStr(hook.url()), report_base_url="https://nas.example/reports/")
        if hook is not None
        else None
    )
    return Deliverer(FilesConfig(directory=root), tz=UTC, email=mail, notify=notify)


async def test_a_report_goes_to_files_mail_and_notification(
    tmp_path: Path, smtp: MakeSmtp, webhook: Webhook
) -> None:
    server = await smtp("plain")
    d = deliverer(tmp_path, server.port, webhook)
    outcome = await d.deliver(make_report(), label="Home network")

    assert outcome.ok
    assert [r.channel for r in outcome.results] == ["files", "email", "notify"]
    site = tmp_path / "192.0.2.1-default"
    dated = site / "2025-11-30T0000+0000"
    assert outcome.published.directory == dated
    names = sorted(p.name for p in dated.iterdir())
    assert names == ["report.html", "report.json", "report.md", "report.txt"]
    assert (site / "latest.html").resolve() == (dated / "report.html").resolve()

    (message,) = server.messages
    assert message["Subject"] == "[2 SEVERE] Home network — 29 Nov"
    (note,) = webhook.received
    assert note["title"] == "[2 SEVERE] Home network — 29 Nov"
    assert note["message"].splitlines()[-1] == (
        "Full report: https://nas.example/reports/192.0.2.1-default/2025-11-30T0000+0000/report.html"
    )
    health = d.health()
    assert health.ok and health.problems == [] and health.pending == 0
    assert (
        health.channels["email"].detail
        == "sent to 1 recipient(s) via " + f"127.0.0.1:{server.port}"
    )
    assert d.counts[("email", "ok")] == 1
    assert not (tmp_path / PENDING_FILE).exists()


async def test_nothing_severe_means_no_notification_but_mail_still_goes(
    tmp_path: Path, smtp: MakeSmtp, webhook: Webhook
) -> None:
    server = await smtp("plain")
    d = deliverer(tmp_path, server.port, webhook)
    outcome = await d.deliver(make_report(severe=False))
    assert outcome.ok
    notify = next(r for r in outcome.results if r.channel == "notify")
    assert not notify.attempted
    assert webhook.received == [] and "notify" not in d.last
    assert server.messages[0]["Subject"].startswith("[OK] default site")


async def test_a_failed_channel_keeps_the_report_and_is_retried_later(
    tmp_path: Path, smtp: MakeSmtp, webhook: Webhook
) -> None:
    port = free_port()  # the mail server is down
    d = deliverer(tmp_path, port, webhook)
    outcome = await d.deliver(make_report())

    assert not outcome.ok
    email = next(r for r in outcome.results if r.channel == "email")
    assert not email.ok and "cannot reach" in email.detail and "after 2 attempts" in email.detail
    assert len(webhook.received) == 1  # the other channel was not held back
    assert (outcome.published.directory / "report.json").is_file()  # nothing lost
    record = orjson.loads((tmp_path / PENDING_FILE).read_bytes())
    (entry,) = record["pending"]
    assert entry["channel"] == "email" and entry["attempts"] == 1
    assert entry["report"] == "192.0.2.1-default/2025-11-30T0000+0000"
    health = d.health()
    assert not health.ok and health.pending == 1
    assert health.problems[0].startswith("email delivery failed: email: cannot reach")

    # Still down: the retry fails and counts.
    (again,) = await d.retry_pending()
    assert not again.ok
    assert orjson.loads((tmp_path / PENDING_FILE).read_bytes())["pending"][0]["attempts"] == 2

    # The server comes back on its port: the pending mail goes, the record empties.
    server = await smtp("plain", port=port)
    (done,) = await d.retry_pending()
    assert done.ok and done.report == "192.0.2.1-default/2025-11-30T0000+0000"
    (message,) = server.messages
    assert message["Subject"] == "[2 SEVERE] default site — 29 Nov"
    assert not (tmp_path / PENDING_FILE).exists()
    assert d.health().ok
    assert len(webhook.received) == 1  # the notification is not sent twice


async def test_a_pending_report_is_not_pruned_and_one_that_vanished_is_dropped(
    tmp_path: Path, webhook: Webhook
) -> None:
    webhook.status = 500
    d = deliverer(tmp_path, None, webhook)
    first = await d.deliver(make_report())
    assert not first.ok and len(d.pending()) == 1
    webhook.status = 200
    # A much later report with a 1-day retention: the pending one must survive the pruning.
    d.files = FilesConfig(directory=tmp_path, retention_days=1)
    later = make_report(severe=False)
    later["period"] = {"start": "2026-01-01T00:00:00Z", "end": "2026-01-02T00:00:00Z"}
    await d.deliver(later)
    assert first.published.directory.is_dir()

    for path in first.published.directory.iterdir():
        path.unlink()
    first.published.directory.rmdir()
    assert await d.retry_pending() == []
    assert d.pending() == []


async def test_a_damaged_pending_record_does_not_stop_delivery(
    tmp_path: Path, smtp: MakeSmtp
) -> None:
    (tmp_path / PENDING_FILE).write_text("{not json")
    server = await smtp("plain")
    outcome = await deliverer(tmp_path, server.port, None).deliver(make_report())
    assert outcome.ok and len(server.messages) == 1


async def test_the_files_channel_failing_raises_and_is_recorded(tmp_path: Path) -> None:
    blocker = tmp_path / "blocked"
    blocker.write_text("a file where the report directory should be")
    d = deliverer(blocker, None, None)
    with pytest.raises(DeliveryError, match="cannot write reports"):
        await d.deliver(make_report())
    assert not d.last["files"].ok and not d.health().ok


def test_timezone_names_the_dated_directory(tmp_path: Path) -> None:
    from zoneinfo import ZoneInfo

    d = Deliverer(FilesConfig(directory=tmp_path), tz=ZoneInfo("America/New_York"))
    published = d.publish(make_report(), tmp_path / "site")
    assert published.directory.name == "2025-11-29T1900-0500"
    assert d.channels == []


def test_immediate_notifier_only_when_asked(tmp_path: Path, webhook: Webhook) -> None:
    assert deliverer(tmp_path, None, webhook).immediate_notifier() is None
    d = Deliverer(
        FilesConfig(directory=tmp_path),
        tz=UTC,
        notify=NotifyConfig(urls=SecretStr(webhook.url()), immediate=True, max_per_hour=2),
    )
    immediate = d.immediate_notifier()
    assert immediate is not None and immediate.notifier is d.notifier
