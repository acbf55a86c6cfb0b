"""The service wiring in-process: severe events reach notifications the moment they are
stored, through the writer's tap; SIGHUP-style reloads keep it working."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from pydantic import SecretStr

from tests.deliver.conftest import Webhook, webhook  # noqa: F401 - fixture
from tests.factories import KITCHEN, T0, connected, lost_contact
from unifi_scanner.config import Settings
from unifi_scanner.runtime import ServiceRuntime


@pytest.fixture
def settings(tmp_path: Path, no_unifi_env: pytest.MonkeyPatch) -> Settings:
    return Settings(
        host="127.0.0.1",
        username="admin",
        password="pw",
        store=tmp_path / "events.db",
        report_dir=tmp_path / "reports",
        timezone="UTC",
        health_port=0,
    )


async def test_severe_events_are_notified_as_they_are_stored(
    settings: Settings,
    webhook: Webhook,  # noqa: F811 - the fixture imported above
) -> None:
    settings = settings.model_copy(
        update={"notify_urls": SecretStr(webhook.url("now")), "notify_immediate": True}
    )
    runtime = ServiceRuntime(settings)
    runtime.writer.start()
    runtime._start_immediate()
    try:
        runtime.writer.add_events("https://127.0.0.1", [connected("aa:bb", KITCHEN, T0)])
        runtime.writer.add_events("https://127.0.0.1", [lost_contact(KITCHEN, T0 + 1000)])
        async with asyncio.timeout(10):
            while not webhook.received:
                await asyncio.sleep(0.05)
        await runtime.writer.flush()
    finally:
        if runtime.immediate is not None:
            await runtime.immediate.aclose()
        await runtime.writer.close()
        runtime.store.close()
    (message,) = webhook.received  # the connect is not severe; the lost AP is
    assert "Kitchen AP" in message["title"] + message["message"]
    assert sum(runtime.events.counts.values()) == 2
