"""Configuration: environment (``UNIFI_*``), a YAML file, and ``UNIFI_<NAME>_FILE`` secrets.

Precedence, highest first: values passed in code (command-line options), environment
variables, secrets read from ``*_FILE`` paths, the YAML file, defaults.

One controller is described by the flat settings (``UNIFI_HOST``, ``UNIFI_USERNAME`` …);
several by a ``controllers:`` list in the YAML file, each entry with its own credentials,
TLS policy and sites. :meth:`Settings.controller_configs` gives the list either way.

Every problem is reported at once, one line per field, by :class:`ConfigError`; the
command-line layer prints those lines and exits with code 2. Secret values never appear in
those lines, in ``repr`` or in logs (they are :class:`pydantic.SecretStr`).
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path
from typing import Annotated, Any, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
)
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from unifi_scanner.deliver_config import DELIVERY_SECRET_FIELDS, DeliverySettings
from unifi_scanner.service_config import ServiceSettings

ENV_PREFIX = "UNIFI_"
CONFIG_ENV = "UNIFI_CONFIG"

#: Fields that may be given as ``UNIFI_<NAME>_FILE`` / ``<name>_file:`` (a path to the value).
SECRET_FIELDS = (
    "password",
    "api_key",
    "totp_secret",
    "ssh_password",
    "ssh_key_passphrase",
    *DELIVERY_SECRET_FIELDS,
)

#: ``UNIFI_SITE=all`` follows every site the account can see.
ALL_SITES = "all"

_FINGERPRINT = re.compile(r"^[0-9a-f]{64}$")


def local_zone_name() -> str:
    """This machine's IANA zone (``TZ``, ``/etc/timezone``, ``/etc/localtime``), else ``UTC``.

    Reports name their zone, so an abbreviation like ``CET`` (ambiguous, and not a key
    ``zoneinfo`` accepts) is never the default: only a name ``zoneinfo`` knows.
    """
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    with contextlib.suppress(OSError):
        candidates.append(Path("/etc/timezone").read_text().strip())
    with contextlib.suppress(OSError):
        target = str(Path("/etc/localtime").resolve())
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    for name in candidates:
        if name and not name.startswith("/"):
            try:
                ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
            return name
    return "UTC"


def _check_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("expected an IANA time zone name like Europe/Berlin or UTC") from None
    return value


class ConfigError(Exception):
    """The configuration is unusable; ``lines`` says what is wrong, one line per field."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def _split_sites(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


def _check_host(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if not value or "/" in value or " " in value:
        raise ValueError("expected a bare host name or IP address, e.g. 192.168.1.1")
    return value


def _check_fingerprint(value: str | None) -> str | None:
    if value is None:
        return None
    normalised = value.strip().lower().replace(":", "")
    if not _FINGERPRINT.match(normalised):
        raise ValueError("expected a SHA-256 fingerprint: 64 hex digits (colons allowed)")
    return normalised


Sites = Annotated[list[str], NoDecode]


class SshConfig(BaseModel):
    """The SSH fallback: log files read over SFTP when neither the socket nor REST works.

    See docs/ssh.md for which files each device type keeps and how host keys are pinned.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    host: str = Field(description="SSH host (the console or a device).")
    port: int = Field(default=22, ge=1, le=65535, description="SSH port.")
    username: str = Field(default="root", min_length=1, description="SSH account.")
    password: SecretStr | None = Field(default=None, description="SSH password.")
    key_file: Path | None = Field(default=None, description="Private key file.")
    key_passphrase: SecretStr | None = Field(
        default=None, description="Passphrase of the private key."
    )
    known_hosts: Path | None = Field(default=None, description="OpenSSH known_hosts file.")
    host_key: str | None = Field(
        default=None, description="Pinned host key(s): public key lines or SHA256: prints."
    )
    paths: list[str] = Field(
        default_factory=lambda: ["/var/log/messages"], description="Absolute log paths."
    )
    poll_interval: float = Field(default=30.0, gt=0, description="Seconds between reads.")
    max_read_bytes: int = Field(
        default=1024 * 1024, ge=1024, description="Bytes read at most per file and read."
    )
    start_at_end: bool = Field(
        default=False, description="Without a stored position, skip what the files hold."
    )
    device_mac: str | None = Field(
        default=None, description="MAC of the device that owns the files."
    )
    device_name: str | None = Field(default=None, description="Name of that device.")
    timezone: str | None = Field(default=None, description="Zone of the log time stamps.")
    fallback_after: float = Field(
        default=120.0, ge=0, description="Seconds without socket and REST before SSH engages."
    )


class ConnectionOptions(BaseModel):
    """How to reach and read one controller: TLS policy, timeouts, socket behaviour."""

    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    verify_ssl: bool = Field(default=True, description="Verify the controller's certificate.")
    ca_file: Path | None = Field(
        default=None, description="PEM file of the CA (or self-signed certificate) to trust."
    )
    tls_fingerprint: str | None = Field(
        default=None,
        description="Pin the controller's certificate by its SHA-256 fingerprint (hex).",
    )
    timeout: float = Field(default=10.0, gt=0, le=300, description="REST timeout in seconds.")
    ws_compression: bool = Field(
        default=True, description="permessage-deflate on the event socket (off for old hosts)."
    )
    ws_silence_timeout: float = Field(
        default=300.0,
        ge=5,
        le=86400,
        description="Seconds without any frame before the event socket is probed and renewed.",
    )
    rest_poll_interval: float = Field(
        default=300.0,
        ge=0,
        description="Seconds between REST history polls beside the socket (0: only back-fill).",
    )


class ControllerConfig(ConnectionOptions):
    """One controller to follow, with its own credentials, TLS policy and sites."""

    name: str | None = Field(default=None, description="Label used in logs and reports.")
    host: str = Field(description="Controller host name or IP address (no scheme, no path).")
    port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="HTTPS port; unset: try 443, then 8443, then 11443.",
    )
    username: str | None = Field(default=None, description="Local admin account name.")
    password: SecretStr | None = Field(default=None, description="Password of that account.")
    api_key: SecretStr | None = Field(
        default=None, description="UniFi OS API key (X-API-Key) instead of username/password."
    )
    totp_secret: SecretStr | None = Field(
        default=None, description="Base32 TOTP secret for an account with two-factor login."
    )
    site: Sites = Field(
        default_factory=lambda: ["default"],
        description="Site short name, a comma-separated list, or 'all'.",
    )
    ssh: SshConfig | None = Field(default=None, description="SSH fallback (see docs/ssh.md).")

    @field_validator("host")
    @classmethod
    def _host_is_bare(cls, value: str | None) -> str | None:
        return _check_host(value)

    @field_validator("tls_fingerprint")
    @classmethod
    def _fingerprint_is_sha256(cls, value: str | None) -> str | None:
        return _check_fingerprint(value)

    @field_validator("site", mode="before")
    @classmethod
    def _sites_from_text(cls, value: Any) -> Any:
        return _split_sites(value)

    @property
    def label(self) -> str:
        return self.name or (self.host if self.port is None else f"{self.host}:{self.port}")

    @property
    def all_sites(self) -> bool:
        return ALL_SITES in self.site


class Settings(BaseSettings, DeliverySettings, ServiceSettings):
    """Everything the scanner needs to know, validated at start."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        extra="forbid",
        validate_default=True,
        hide_input_in_errors=True,
    )

    host: str | None = Field(
        default=None, description="Controller host name or IP address (no scheme, no path)."
    )
    port: int | None = Field(
        default=None, ge=1, le=65535, description="HTTPS port; unset: try 443, 8443, 11443."
    )
    username: str | None = Field(default=None, description="Local admin account name.")
    password: SecretStr | None = Field(default=None, description="Password of that account.")
    api_key: SecretStr | None = Field(
        default=None, description="UniFi OS API key (X-API-Key) instead of username/password."
    )
    totp_secret: SecretStr | None = Field(
        default=None, description="Base32 TOTP secret for an account with two-factor login."
    )
    site: Sites = Field(
        default_factory=lambda: ["default"],
        description="Site short name, a comma-separated list, or 'all'.",
    )
    verify_ssl: bool = Field(default=True, description="Verify the controller's certificate.")
    ca_file: Path | None = Field(
        default=None, description="PEM file of the CA (or self-signed certificate) to trust."
    )
    tls_fingerprint: str | None = Field(
        default=None,
        description="Pin the controller's certificate by its SHA-256 fingerprint (hex).",
    )
    timeout: float = Field(default=10.0, gt=0, le=300, description="REST timeout in seconds.")
    ws_compression: bool = Field(
        default=True, description="permessage-deflate on the event socket (off for old hosts)."
    )
    ws_silence_timeout: float = Field(
        default=300.0,
        ge=5,
        le=86400,
        description="Seconds without any frame before the event socket is probed and renewed.",
    )
    rest_poll_interval: float = Field(
        default=300.0,
        ge=0,
        description="Seconds between REST history polls beside the socket (0: only back-fill).",
    )
    ssh_host: str | None = Field(default=None, description="SSH fallback host (unset: off).")
    ssh_port: int = Field(default=22, ge=1, le=65535, description="SSH port.")
    ssh_username: str = Field(default="root", min_length=1, description="SSH account.")
    ssh_password: SecretStr | None = Field(default=None, description="SSH password.")
    ssh_key_file: Path | None = Field(default=None, description="SSH private key file.")
    ssh_key_passphrase: SecretStr | None = Field(
        default=None, description="Passphrase of the SSH private key."
    )
    ssh_known_hosts: Path | None = Field(default=None, description="OpenSSH known_hosts file.")
    ssh_host_key: str | None = Field(
        default=None, description="Pinned host key(s): public key lines or SHA256: prints."
    )
    ssh_paths: Sites = Field(
        default_factory=lambda: ["/var/log/messages"], description="Log paths, comma-separated."
    )
    ssh_poll_interval: float = Field(default=30.0, gt=0, description="Seconds between reads.")
    ssh_timezone: str | None = Field(default=None, description="Zone of log time stamps.")
    ssh_device_mac: str | None = Field(
        default=None, description="MAC of the device that owns the files."
    )
    ssh_fallback_after: float = Field(
        default=120.0, ge=0, description="Seconds without socket and REST before SSH engages."
    )
    controllers: list[ControllerConfig] = Field(
        default_factory=list,
        description="Several controllers (YAML only), each with its own host, credentials, sites.",
    )
    store: Path = Field(
        default=Path("unifi-scanner.db"), description="SQLite file where events are kept."
    )
    retention_days: float = Field(
        default=90.0, gt=0, description="Events older than this many days are deleted."
    )
    snapshot_retention_days: float = Field(
        default=30.0, gt=0, description="Device/client health snapshots are kept this long."
    )
    store_max_mb: int = Field(
        default=2048, ge=10, description="Size budget of the store; the oldest events go first."
    )
    commit_delay_ms: int = Field(
        default=250,
        ge=1,
        le=60_000,
        description="Milliseconds an event may wait before it is committed to the store.",
    )
    commit_batch: int = Field(
        default=1000,
        ge=1,
        le=1_000_000,
        description="Events are committed as soon as this many are waiting (or the delay ends).",
    )
    backlog_max: int = Field(
        default=200_000,
        ge=1000,
        description="Events held in memory while the store is unavailable (then oldest dropped).",
    )
    report_dir: Path = Field(default=Path("reports"), description="Where reports are written.")
    timezone: str = Field(
        default_factory=lambda: local_zone_name(),
        description="IANA time zone reports show times in (default: this machine's zone).",
    )
    thresholds: dict[str, Any] = Field(
        default_factory=dict,
        description="Analysis limits (YAML only), e.g. {roaming: {per_hour: 8}}; see below.",
    )
    log_level: str | None = Field(
        default=None,
        description="debug, info, warning or error (default: info for collect/serve, else warning)",
    )

    # Set by load_settings() for the duration of one construction; see settings_customise_sources.
    _yaml_data: ClassVar[dict[str, Any]] = {}

    @field_validator("host")
    @classmethod
    def _host_is_bare(cls, value: str | None) -> str | None:
        return _check_host(value)

    @field_validator("tls_fingerprint")
    @classmethod
    def _fingerprint_is_sha256(cls, value: str | None) -> str | None:
        return _check_fingerprint(value)

    @field_validator("site", mode="before")
    @classmethod
    def _sites_from_text(cls, value: Any) -> Any:
        return _split_sites(value)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        return _check_zone(value)

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.lower()
        if value not in {"debug", "info", "warning", "error"}:
            raise ValueError("expected one of debug, info, warning, error")
        return value

    def analysis_thresholds(self) -> Any:
        """The configured :class:`~unifi_scanner.analyze.thresholds.Thresholds`."""
        from unifi_scanner.thresholds_config import thresholds_from

        return thresholds_from(self.thresholds)[0]

    def controller_configs(self) -> list[ControllerConfig]:
        """The controllers to follow; :class:`ConfigError` says what is missing for each."""
        if self.controllers and self.host is not None:
            raise ConfigError(
                [
                    "host (UNIFI_HOST) and controllers: set either one controller (host, "
                    "username, …) or a list of controllers in the config file, not both"
                ]
            )
        if self.controllers:
            configs = list(self.controllers)
        elif self.host is not None:
            flat = {
                name: getattr(self, name)
                for name in ControllerConfig.model_fields
                if name not in ("name", "ssh") and name in type(self).model_fields
            }
            if self.ssh_host is not None:
                flat["ssh"] = SshConfig(
                    host=self.ssh_host,
                    port=self.ssh_port,
                    username=self.ssh_username,
                    password=self.ssh_password,
                    key_file=self.ssh_key_file,
                    key_passphrase=self.ssh_key_passphrase,
                    known_hosts=self.ssh_known_hosts,
                    host_key=self.ssh_host_key,
                    paths=self.ssh_paths,
                    poll_interval=self.ssh_poll_interval,
                    timezone=self.ssh_timezone,
                    device_mac=self.ssh_device_mac,
                    fallback_after=self.ssh_fallback_after,
                )
            configs = [ControllerConfig(**flat)]
        else:
            raise ConfigError([_line("host", "required to connect to a controller")])
        errors: list[str] = []
        for index, config in enumerate(configs):
            where = "" if not self.controllers else f"controllers[{index}]."
            if config.api_key is None and (config.username is None or config.password is None):
                for name in ("username", "password"):
                    if getattr(config, name) is None:
                        errors.append(
                            f"{where}{name}"
                            + ("" if where else f" ({ENV_PREFIX}{name.upper()})")
                            + ": required to connect to a controller (or set api_key)"
                        )
            if config.ca_file is not None and not config.ca_file.is_file():
                errors.append(f"{where}ca_file: no such file: {config.ca_file}")
            if config.ssh is not None:
                errors += _ssh_problems(config.ssh, f"{where}ssh." if where else "ssh_")
        if errors:
            raise ConfigError(errors)
        return configs

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (
            init_settings,
            env_settings,
            _SecretFileSource(settings_cls, os.environ),
            InitSettingsSource(settings_cls, init_kwargs=dict(cls._yaml_data)),
        )


class _SecretFileSource(PydanticBaseSettingsSource):
    """Reads ``UNIFI_<NAME>_FILE`` (e.g. a Docker or systemd credential) for secret fields."""

    def __init__(self, settings_cls: type[BaseSettings], environ: os._Environ[str]) -> None:
        super().__init__(settings_cls)
        self._environ = environ

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        errors: list[str] = []
        for name in SECRET_FIELDS:
            var = f"{ENV_PREFIX}{name.upper()}_FILE"
            path = self._environ.get(var)
            if not path:
                continue
            try:
                values[name] = _read_secret_file(Path(path))
            except ValueError as exc:
                errors.append(f"{var}: {exc}")
        if errors:
            raise ConfigError(errors)
        return values


def _ssh_problems(ssh: SshConfig, where: str) -> list[str]:
    """What the SSH source would refuse, said now rather than at its first connection."""
    from unifi_scanner.controller.ssh_hostkeys import SshConfigError

    try:
        ssh_settings(ssh)
    except SshConfigError as exc:
        return [f"{where.rstrip('_.')}: {exc}"]
    return []


def ssh_settings(ssh: SshConfig) -> Any:
    """The :class:`~unifi_scanner.controller.ssh_settings.SshSettings` for ``ssh``."""
    from unifi_scanner.controller.ssh_settings import SshSettings

    return SshSettings(
        host=ssh.host,
        username=ssh.username,
        port=ssh.port,
        password=ssh.password,
        key_file=ssh.key_file,
        key_passphrase=ssh.key_passphrase,
        known_hosts=ssh.known_hosts,
        host_key=ssh.host_key,
        paths=tuple(ssh.paths),
        poll_interval=ssh.poll_interval,
        max_read_bytes=ssh.max_read_bytes,
        start_at_end=ssh.start_at_end,
        device_mac=ssh.device_mac,
        device_name=ssh.device_name,
        timezone=ssh.timezone,
    )


def _read_secret_file(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror or exc}") from None
    # A trailing newline from `echo secret > file` is never part of the secret.
    value = text.rstrip("\r\n")
    if not value:
        raise ValueError(f"{path} is empty")
    return value


def _line(field: str, message: str) -> str:
    return f"{field} ({ENV_PREFIX}{field.upper()}): {message}"


def _secrets_from_files(entry: dict[Any, Any], where: str, errors: list[str]) -> dict[str, Any]:
    """Lower-case keys; ``<secret>_file: path`` replaced by the secret read from ``path``."""
    values: dict[str, Any] = {}
    for key, value in entry.items():
        name = str(key).lower()
        secret = name.removesuffix("_file")
        if name.endswith("_file") and secret in SECRET_FIELDS:
            try:
                values[secret] = _read_secret_file(Path(str(value)))
            except ValueError as exc:
                errors.append(f"{where}{name}: {exc}")
        else:
            values[name] = value
    return values


def _ssh_secrets_from_files(entry: dict[Any, Any], where: str, errors: list[str]) -> dict[str, Any]:
    """``password_file`` / ``key_passphrase_file`` inside an ``ssh:`` mapping."""
    values: dict[str, Any] = {}
    for key, value in entry.items():
        name = str(key).lower()
        if name in ("password_file", "key_passphrase_file"):
            try:
                values[name.removesuffix("_file")] = _read_secret_file(Path(str(value)))
            except ValueError as exc:
                errors.append(f"{where}{name}: {exc}")
        else:
            values[name] = value
    return values


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError([f"config file {path}: cannot read it: {exc.strerror or exc}"]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        at = f" at line {where.line + 1}" if where is not None else ""
        raise ConfigError([f"config file {path}: not valid YAML{at}"]) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError([f"config file {path}: expected a mapping of setting: value"])
    errors: list[str] = []
    values = _secrets_from_files(data, "", errors)
    controllers = values.get("controllers")
    if isinstance(controllers, list):
        values["controllers"] = [
            _secrets_from_files(entry, f"controllers[{index}].", errors)
            if isinstance(entry, dict)
            else entry
            for index, entry in enumerate(controllers)
        ]
        for index, entry in enumerate(values["controllers"]):
            ssh = entry.get("ssh") if isinstance(entry, dict) else None
            if isinstance(ssh, dict):
                entry["ssh"] = _ssh_secrets_from_files(ssh, f"controllers[{index}].ssh.", errors)
    if errors:
        raise ConfigError([f"{line} (config file {path})" for line in errors])
    return values


def _describe(error: Any) -> str:
    """Turn one pydantic error into 'field (ENV): what is expected, got what'."""
    loc = [part for part in error.get("loc", ()) if not str(part).startswith("function-")]
    field = str(loc[-1]) if loc else "settings"
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if len(loc) > 1:
        label = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc[1:])
        label = f"{loc[0]}{label}"
    else:
        label = f"{field} ({ENV_PREFIX}{field.upper()})"
    if kind == "extra_forbidden":
        name = label.split(" (")[0]
        return f"{name}: unknown setting (check the spelling; the README lists every setting)"
    if kind == "value_error":
        message = str(ctx.get("error", "invalid value"))
    elif kind in _EXPECTED:
        message = f"expected {_EXPECTED[kind]}"
    elif kind in _BOUNDS:
        message = f"expected a value {_BOUNDS[kind]} {next(iter(ctx.values()), '?')}"
    elif kind == "missing":
        message = "required"
    else:
        message = str(error.get("msg", "invalid value")).lower()
    if field not in SECRET_FIELDS and "input" in error and kind != "missing":
        message += f", got {error['input']!r}"
    return f"{label}: {message}"


_EXPECTED = {
    "int_parsing": "an integer",
    "int_type": "an integer",
    "int_from_float": "an integer",
    "float_parsing": "a number",
    "float_type": "a number",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
    "string_type": "a text value",
    "string_too_short": "a non-empty value",
    "path_type": "a file path",
    "list_type": "a list",
    "model_type": "a mapping of setting: value",
}
_BOUNDS = {
    "greater_than_equal": ">=",
    "less_than_equal": "<=",
    "greater_than": ">",
    "less_than": "<",
}


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Build :class:`Settings` from every source, or raise :class:`ConfigError`.

    ``config_file`` (else ``$UNIFI_CONFIG``) names a YAML file of ``setting: value`` pairs
    (``password_file: /run/secrets/unifi`` is accepted too). ``overrides`` come from
    command-line options and win over everything else; ``None`` values are ignored.
    """
    if config_file is None and os.environ.get(CONFIG_ENV):
        config_file = Path(os.environ[CONFIG_ENV])
    yaml_data = _read_yaml(config_file) if config_file is not None else {}
    init = {key: value for key, value in overrides.items() if value is not None}
    Settings._yaml_data = yaml_data
    try:
        settings = Settings(**init)
    except ValidationError as exc:
        raise ConfigError([_describe(error) for error in exc.errors()]) from None
    finally:
        Settings._yaml_data = {}
    from unifi_scanner.thresholds_config import thresholds_from

    _tree, errors = thresholds_from(settings.thresholds)
    if errors:
        raise ConfigError(errors)
    return settings
