"""Notifications through apprise to a real webhook receiver on loopback."""

from __future__ import annotations

from datetime import UTC
from typing import Any

import pytest
from pydantic import SecretStr

from tests.deliver.conftest import Webhook, make_report
from tests.factories import KITCHEN, MINUTE, OFFICE, SWITCH, T0, connected, event, ips, lost_contact
from unifi_scanner.analyze import Inventory, Severity
from unifi_scanner.deliver.notify import ImmediateNotifier, Notifier, NotifyError, judge
from unifi_scanner.deliver_config import NotifyConfig


def notifier(urls: str, **overrides: Any) -> Notifier:
    return Notifier(NotifyConfig(urls=SecretStr(urls), timeout=10, **overrides))


class Clock:
    """A monotonic clock the test moves by hand (rate limits span an hour)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_report_with_severe_findings_is_notified(webhook: Webhook) -> None:
    sent = await notifier(webhook.url("reports")).notify_report(
        make_report(), UTC, where="https://reports.example/home/latest.html"
    )
    assert sent == "notified 1 URL(s)"
    (message,) = webhook.received
    assert message["path"] == "/reports"
    assert message["title"] == "[2 SEVERE] default site — 29 Nov"
    assert message["type"] == "failure"
    lines = message["message"].splitlines()
    assert lines[0] == "2 severe, 0 medium, 0 low findings in 2 events"
    assert "• Kitchen AP (U6-Lite) is offline" in lines
    assert "• Office AP (U6-Lite) is offline" in lines
    assert lines[-1] == "Full report: https://reports.example/home/latest.html"


async def test_report_without_severe_findings_is_not_notified(webhook: Webhook) -> None:
    assert await notifier(webhook.url()).notify_report(make_report(severe=False), UTC) is None
    assert webhook.received == []


async def test_every_url_gets_it(webhook: Webhook) -> None:
    await notifier(f"{webhook.url('a')}, {webhook.url('b')}").send("title", "body")
    assert sorted(m["path"] for m in webhook.received) == ["/a", "/b"]


async def test_failure_names_the_url_without_its_secret(webhook: Webhook) -> None:
    webhook.status = 500
    url = f"json://alice:s3cr3t-token@127.0.0.1:{webhook.port}/hook"
    with pytest.raises(NotifyError) as caught:
        await notifier(url).send("title", "body")
    text = str(caught.value)
    assert "1 of 1 URL(s) failed" in text and f"127.0.0.1:{webhook.port}" in text
    assert "s3cr3t-token" not in text and "\n" not in text
    assert len(webhook.received) == 1


def test_an_url_apprise_does_not_know_is_refused_at_once() -> None:
    with pytest.raises(NotifyError, match="none of the notify_urls"):
        notifier("nosuchservice://whatever")


def test_severity_comes_from_the_rule_catalogue() -> None:
    assert judge(event("EVT_AP_Isolated", T0, ap=KITCHEN)) == ("ap-isolated", Severity.SEVERE)
    assert judge(event("EVT_GW_DhcpPoolExhausted", T0)) == (
        "dhcp-pool-exhausted",
        Severity.SEVERE,
    )
    assert judge(connected("aa:bb:cc:00:00:01", KITCHEN, T0)) == (
        "client-activity",
        Severity.LOW,
    )
    rule, severity = judge(lost_contact(KITCHEN, T0))
    assert (rule, severity) == ("device-offline", Severity.SEVERE)
    assert judge(ips(T0, severity=1))[1] is Severity.SEVERE
    assert judge(ips(T0, severity=3))[1] is Severity.LOW


async def test_immediate_notification_is_deduplicated_and_rate_limited(webhook: Webhook) -> None:
    clock = Clock()
    inventory = Inventory([{"mac": KITCHEN, "name": "Kitchen AP"}])
    immediate = ImmediateNotifier(
        notifier(webhook.url("now"), max_per_hour=2, dedup_minutes=30),
        inventory=inventory,
        label_for=lambda e: "Home network",
        tz=UTC,
        clock=clock,
    )
    assert not await immediate.handle(connected("aa:bb:cc:00:00:01", KITCHEN, T0))  # low
    assert await immediate.handle(lost_contact(KITCHEN, T0))
    clock.now += 60
    assert not await immediate.handle(lost_contact(KITCHEN, T0 + MINUTE))  # same AP again
    assert immediate.duplicates == 1
    assert await immediate.handle(lost_contact(OFFICE, T0 + 2 * MINUTE))
    clock.now += 60
    # Two sent this hour: a third device is held back, not sent.
    assert not await immediate.handle(event("EVT_SW_Lost_Contact", T0 + 3 * MINUTE, sw=SWITCH))
    assert immediate.rate_limited == 1
    assert len(webhook.received) == 2

    first = webhook.received[0]
    assert first["title"] == "SEVERE: Kitchen AP lost contact with the controller"
    assert first["message"].splitlines() == [
        "Home network · 29 Nov 00:00 UTC",
        "rule: device-offline",
    ]

    clock.now += 3600  # an hour later the budget is back, and the dedup window is over
    assert await immediate.handle(lost_contact(KITCHEN, T0 + 70 * MINUTE))
    last = webhook.received[-1]["message"]
    assert "(1 more severe event(s) held back by the rate limit)" in last
    assert immediate.sent == 3


async def test_submit_queues_and_the_worker_sends(webhook: Webhook) -> None:
    immediate = ImmediateNotifier(notifier(webhook.url(), max_per_hour=10), tz=UTC)
    immediate.start()
    try:
        assert immediate.submit(lost_contact(KITCHEN, T0))
        assert not immediate.submit(lost_contact(KITCHEN, T0 + 1000))  # duplicate
        assert immediate.submit(ips(T0, severity=1))
        assert not immediate.submit(ips(T0, severity=2))  # medium: not immediate
        await immediate.drain()
    finally:
        await immediate.aclose()
    titles = [m["title"] for m in webhook.received]
    assert titles == [
        "SEVERE: Kitchen AP (U6-Lite) lost contact with the controller",  # named by the event
        "SEVERE: Intrusion blocked: ET SCAN Suspicious inbound to MSSQL port 1433 "
        "from 185.220.101.4 to 192.168.1.20",
    ]


async def test_a_failed_immediate_notification_is_counted_not_raised(webhook: Webhook) -> None:
    webhook.status = 503
    immediate = ImmediateNotifier(notifier(webhook.url()), tz=UTC)
    assert not await immediate.handle(lost_contact(KITCHEN, T0))
    assert immediate.failed == 1 and immediate.last_error is not None
