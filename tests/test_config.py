"""Configuration from environment, YAML and *_FILE secrets; errors one line per field."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from unifi_scanner.config import ConfigError, load_settings

SECRET = "s3cr3t-Pa55word"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(__import__("os").environ):
        if name.startswith("UNIFI_"):
            monkeypatch.delenv(name)


def test_defaults() -> None:
    settings = load_settings()
    assert settings.site == ["default"]
    assert settings.verify_ssl is True
    assert settings.store == Path("unifi-scanner.db")
    assert settings.report_dir == Path("reports")


def test_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNIFI_HOST", "192.168.1.1")
    monkeypatch.setenv("UNIFI_PORT", "8443")
    monkeypatch.setenv("UNIFI_USERNAME", "scanner")
    monkeypatch.setenv("UNIFI_PASSWORD", SECRET)
    monkeypatch.setenv("UNIFI_SITE", "branch01")
    monkeypatch.setenv("UNIFI_VERIFY_SSL", "false")
    monkeypatch.setenv("UNIFI_STORE", "/var/lib/unifi-scanner/events.db")
    monkeypatch.setenv("UNIFI_REPORT_DIR", "/srv/reports")
    settings = load_settings()
    (controller,) = settings.controller_configs()
    assert (controller.host, controller.port) == ("192.168.1.1", 8443)
    assert controller.site == ["branch01"]
    assert controller.verify_ssl is False
    assert settings.password is not None and settings.password.get_secret_value() == SECRET
    assert settings.site == ["branch01"]
    assert settings.verify_ssl is False
    assert settings.store == Path("/var/lib/unifi-scanner/events.db")
    assert settings.report_dir == Path("/srv/reports")
    assert SECRET not in repr(settings)
    assert SECRET not in repr(controller)
    assert SECRET not in str(settings.model_dump())


def test_yaml_file_and_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "unifi.yaml"
    config.write_text("host: unifi.lan\nsite: office\nusername: yaml-user\n")
    monkeypatch.setenv("UNIFI_USERNAME", "env-user")
    settings = load_settings(config)
    assert settings.host == "unifi.lan"
    assert settings.site == ["office"]
    assert settings.username == "env-user"  # environment beats the file
    assert load_settings(config, site="cli-site").site == ["cli-site"]  # options beat both
    monkeypatch.setenv("UNIFI_CONFIG", str(config))
    assert load_settings().host == "unifi.lan"


def test_secret_from_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret_file = tmp_path / "password"
    secret_file.write_text(SECRET + "\n")
    monkeypatch.setenv("UNIFI_PASSWORD_FILE", str(secret_file))
    settings = load_settings()
    assert settings.password is not None
    assert settings.password.get_secret_value() == SECRET
    config = tmp_path / "c.yaml"
    config.write_text(f"password_file: {secret_file}\n")
    monkeypatch.delenv("UNIFI_PASSWORD_FILE")
    assert load_settings(config).password.get_secret_value() == SECRET  # type: ignore[union-attr]


def test_unreadable_secret_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("UNIFI_PASSWORD_FILE", str(tmp_path / "missing"))
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert caught.value.lines == [
        f"UNIFI_PASSWORD_FILE: cannot read {tmp_path / 'missing'}: No such file or directory"
    ]


def test_every_bad_field_gets_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNIFI_PORT", "eighty")
    monkeypatch.setenv("UNIFI_VERIFY_SSL", "perhaps")
    monkeypatch.setenv("UNIFI_HOST", "https://unifi.lan/")
    monkeypatch.setenv("UNIFI_PASSWORD", SECRET)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    lines = caught.value.lines
    assert lines == [
        "host (UNIFI_HOST): expected a bare host name or IP address, e.g. 192.168.1.1, "
        "got 'https://unifi.lan/'",
        "port (UNIFI_PORT): expected an integer, got 'eighty'",
        "verify_ssl (UNIFI_VERIFY_SSL): expected true or false, got 'perhaps'",
    ]


def test_out_of_range_and_unknown_yaml_keys(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("port: 70000\nhots: typo\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(config)
    assert caught.value.lines == [
        "port (UNIFI_PORT): expected a value <= 65535, got 70000",
        "hots: unknown setting (check the spelling; the README lists every setting)",
    ]


def test_broken_yaml(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("host: [unclosed\n")
    with pytest.raises(ConfigError, match=r"not valid YAML at line 2"):
        load_settings(config)


def test_missing_controller_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings().controller_configs()
    assert caught.value.lines == ["host (UNIFI_HOST): required to connect to a controller"]
    monkeypatch.setenv("UNIFI_HOST", "unifi.lan")
    with pytest.raises(ConfigError) as caught:
        load_settings().controller_configs()
    assert [line.split(":")[0] for line in caught.value.lines] == [
        "username (UNIFI_USERNAME)",
        "password (UNIFI_PASSWORD)",
    ]
    monkeypatch.setenv("UNIFI_API_KEY", "key")  # an API key alone is enough
    assert load_settings().controller_configs()[0].api_key is not None


def test_site_lists_and_all(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNIFI_SITE", "default, branch01,")
    assert load_settings().site == ["default", "branch01"]
    monkeypatch.setenv("UNIFI_SITE", "all")
    monkeypatch.setenv("UNIFI_HOST", "unifi.lan")
    monkeypatch.setenv("UNIFI_API_KEY", "key")
    assert load_settings().controller_configs()[0].all_sites


def test_several_controllers_from_yaml(tmp_path: Path) -> None:
    secret = tmp_path / "branch.secret"
    secret.write_text("branch-pass\n")
    config = tmp_path / "c.yaml"
    config.write_text(
        "controllers:\n"
        "  - name: home\n"
        "    host: 192.168.1.1\n"
        "    username: scanner\n"
        f"    password: {SECRET}\n"
        "    site: [default, garage]\n"
        f"    tls_fingerprint: '{':'.join(['AB:CD:EF:01:23:45:67:89'] * 4)}'\n"
        "  - host: branch.example.net\n"
        "    port: 8443\n"
        "    username: scanner\n"
        f"    password_file: {secret}\n"
        "    ws_compression: false\n"
    )
    home, branch = load_settings(config).controller_configs()
    assert home.label == "home"
    assert home.site == ["default", "garage"]
    assert home.tls_fingerprint == "abcdef0123456789" * 4
    assert branch.label == "branch.example.net:8443"
    assert branch.password is not None
    assert branch.password.get_secret_value() == "branch-pass"
    assert branch.ws_compression is False
    assert SECRET not in repr(home)


def test_errors_inside_the_controller_list_name_the_entry(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text(
        "controllers:\n"
        "  - host: a.lan\n    port: seventy\n    username: u\n    password: p\n"
        "  - host: b.lan\n    tls_fingerprint: nope\n    username: u\n"
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(config).controller_configs()
    assert caught.value.lines == [
        "controllers[0].port: expected an integer, got 'seventy'",
        "controllers[1].tls_fingerprint: expected a SHA-256 fingerprint: 64 hex digits "
        "(colons allowed), got 'nope'",
    ]
    config.write_text("host: a.lan\ncontrollers:\n  - host: b.lan\n    api_key: k\n")
    with pytest.raises(ConfigError, match="not both"):
        load_settings(config).controller_configs()


def test_cli_exits_2_with_one_line_per_field_and_no_traceback(tmp_path: Path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "UNIFI_PORT": "0",
        "UNIFI_TIMEOUT": "soon",
        "UNIFI_PASSWORD": SECRET,
        "UNIFI_STORE": str(tmp_path / "e.db"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "unifi_scanner", "collect"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "config error: port (UNIFI_PORT): expected a value >= 1, got '0'",
        "config error: timeout (UNIFI_TIMEOUT): expected a number, got 'soon'",
    ]
    assert "Traceback" not in result.stderr
    assert SECRET not in result.stderr + result.stdout
