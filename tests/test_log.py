"""Logs: one JSON object per line when asked, secrets redacted in both renderings."""

from __future__ import annotations

import io

import orjson
import pytest

from unifi_scanner import log as logging_setup


@pytest.fixture(autouse=True)
def _restore_logging() -> object:
    yield None
    logging_setup.configure("warning")  # the default for everything else


@pytest.mark.parametrize("as_json", [True, False])
def test_secrets_are_redacted_in_every_format(as_json: bool) -> None:
    stream = io.StringIO()
    logging_setup.configure("info", stream=stream, json=as_json)
    logging_setup.get_logger("unifi_scanner.test").info(
        "logged in", user="scanner", password="hunter2", api_key="k-123", cookie="TOKEN=abc"
    )
    text = stream.getvalue()
    for secret in ("hunter2", "k-123", "TOKEN=abc"):
        assert secret not in text
    if as_json:
        (line,) = text.splitlines()
        record = orjson.loads(line)
        assert record["event"] == "logged in" and record["user"] == "scanner"
        assert record["password"] == "***" and record["level"] == "info"
        assert record["timestamp"].endswith("Z")
    else:
        assert "logged in" in text and "user=scanner" in text


def test_log_format_setting_switches_to_json(monkeypatch: pytest.MonkeyPatch) -> None:
    from unifi_scanner.config import ConfigError, load_settings

    monkeypatch.setenv("UNIFI_LOG_FORMAT", "json")
    assert load_settings().log_format == "json"
    monkeypatch.setenv("UNIFI_LOG_FORMAT", "xml")
    with pytest.raises(ConfigError, match="log_format"):
        load_settings()
