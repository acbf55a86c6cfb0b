"""docs/settings.md is generated from the Settings model, and may not drift from it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from pydantic import Field, SecretStr

from unifi_scanner import settings_doc
from unifi_scanner.analyze.thresholds import Thresholds
from unifi_scanner.cli import main
from unifi_scanner.config import SECRET_FIELDS, ControllerConfig, Settings, SshConfig

DOC = Path(__file__).resolve().parents[1] / "docs" / "settings.md"


def test_docs_settings_md_is_what_the_code_generates() -> None:
    generated = settings_doc.markdown()
    written = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    assert written == generated, (
        "docs/settings.md differs from the Settings model (a setting, default or description "
        f"changed); regenerate it with:\n    {settings_doc.REGENERATE}\nand commit the result."
    )


def test_every_setting_is_documented_once_with_a_description() -> None:
    rows = [row for group in settings_doc.groups() for row in group.rows]
    flat_rows = [row for group in settings_doc.flat_groups() for row in group.rows]
    assert len(flat_rows) == len({row.key for row in flat_rows}), "a setting in two tables"
    flat = {row.key: row for row in flat_rows}
    assert set(flat) == set(Settings.model_fields)
    for name, row in flat.items():
        if name not in ("controllers", "thresholds"):
            assert row.env == f"UNIFI_{name.upper()}"
    by_title = {group.title: group for group in settings_doc.groups()}
    for title, model in (
        ("Several controllers: `controllers:` entries", ControllerConfig),
        ("SSH fallback per controller: `ssh:`", SshConfig),
    ):
        assert {row.key for row in by_title[title].rows} == set(model.model_fields)
    threshold_keys = {row.key for row in rows if row.key.startswith("thresholds.")}
    assert threshold_keys == set(_threshold_paths(Thresholds, "thresholds."))
    undocumented = [row.key for row in rows if not row.description.strip()]
    assert not undocumented, f"give these a description: {undocumented}"


def _threshold_paths(cls: type, prefix: str) -> list[str]:
    paths = []
    for item in dataclasses.fields(cls):
        default = getattr(cls(), item.name)
        if dataclasses.is_dataclass(default):
            paths += _threshold_paths(type(default), f"{prefix}{item.name}.")
        else:
            paths.append(f"{prefix}{item.name}")
    return paths


def test_secrets_are_marked_offer_a_file_and_show_no_default() -> None:
    flat = {row.key: row for group in settings_doc.flat_groups() for row in group.rows}
    for name in SECRET_FIELDS:
        row = flat[name]
        assert row.secret and row.secret_file_key and row.default == "—", name
    markdown = settings_doc.markdown()
    assert "`UNIFI_PASSWORD`, `UNIFI_PASSWORD_FILE`" in markdown
    assert "`UNIFI_SMTP_PASSWORD`, `UNIFI_SMTP_PASSWORD_FILE`" in markdown
    assert "**secret.** Password of that account." in markdown
    assert "`UNIFI_HOST_FILE`" not in markdown  # only secrets are read from files


def test_a_secret_default_is_never_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    class Leaky(Settings):
        probe_token: SecretStr = Field(
            default=SecretStr("hunter2-default"), description="A secret with a default."
        )

    monkeypatch.setattr(settings_doc, "Settings", Leaky)
    markdown = settings_doc.markdown()
    assert "hunter2" not in markdown
    assert "`probe_token`" in markdown and "**secret.** A secret with a default." in markdown


def test_a_new_setting_appears_without_anyone_filing_it(monkeypatch: pytest.MonkeyPatch) -> None:
    class Grown(Settings):
        frobnicate_every: float = Field(default=2.5, gt=0, description="How often to frobnicate.")

    monkeypatch.setattr(settings_doc, "Settings", Grown)
    markdown = settings_doc.markdown()
    row = "| `UNIFI_FROBNICATE_EVERY` | `frobnicate_every` | number, > 0 | `2.5` | How often"
    assert row in markdown
    assert markdown != DOC.read_text(encoding="utf-8")  # so the drift test would catch it


def test_the_document_does_not_depend_on_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    before = settings_doc.markdown()
    monkeypatch.setenv("TZ", "Pacific/Chatham")  # the timezone default follows TZ
    assert settings_doc.markdown() == before
    assert "Pacific/Chatham" not in before


def test_types_bounds_and_defaults_are_read_from_the_model() -> None:
    markdown = settings_doc.markdown()
    assert "| `UNIFI_PORT` | `port` | integer, 1–65535 | — |" in markdown
    assert "| `UNIFI_SMTP_SECURITY` | `smtp_security` | `starttls` / `tls` / `plain` |" in markdown
    assert "| `UNIFI_SITE` | `site` | list (comma-separated in the environment) | `default` |" in (
        markdown
    )
    assert "| `UNIFI_TIMEOUT` | `timeout` | number, > 0, ≤ 300 | `10` |" in markdown
    assert "| `thresholds.roaming.per_hour` | integer | `10` |" in markdown
    assert "| `host` | text | required |" in markdown  # a controllers: entry needs its host


def test_cli_prints_the_markdown_verbatim(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["settings", "--markdown"]) == 0
    assert capsys.readouterr().out == settings_doc.markdown()
    assert main(["settings"]) == 0
    plain = capsys.readouterr().out
    assert "password (UNIFI_PASSWORD, UNIFI_PASSWORD_FILE) [secret]:" in plain
    assert "|" not in plain.split("\n", 1)[0]
