"""Configuration: environment (``UNIFI_*``), a YAML file, and ``UNIFI_<NAME>_FILE`` secrets.

Precedence, highest first: values passed in code (command-line options), environment
variables, secrets read from ``*_FILE`` paths, the YAML file, defaults.

Every problem is reported at once, one line per field, by :class:`ConfigError`; the
command-line layer prints those lines and exits with code 2. Secret values never appear in
those lines, in ``repr`` or in logs (they are :class:`pydantic.SecretStr`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, ClassVar

import yaml
from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

ENV_PREFIX = "UNIFI_"
CONFIG_ENV = "UNIFI_CONFIG"

#: Fields that may be given as ``UNIFI_<NAME>_FILE`` (a path whose content is the value).
SECRET_FIELDS = ("password", "api_key")


class ConfigError(Exception):
    """The configuration is unusable; ``lines`` says what is wrong, one line per field."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


class Settings(BaseSettings):
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
        default=None, ge=1, le=65535, description="Controller HTTPS port (UniFi OS 443)."
    )
    username: str | None = Field(default=None, description="Local admin account name.")
    password: SecretStr | None = Field(default=None, description="Password of that account.")
    api_key: SecretStr | None = Field(
        default=None, description="UniFi OS API key (reserved; login uses username/password)."
    )
    site: str = Field(default="default", min_length=1, description="Site short name.")
    verify_ssl: bool = Field(default=True, description="Verify the controller's certificate.")
    ca_file: Path | None = Field(
        default=None, description="PEM file of the CA (or self-signed certificate) to trust."
    )
    timeout: float = Field(default=10.0, gt=0, le=300, description="REST timeout in seconds.")
    store: Path = Field(
        default=Path("unifi-scanner.db"), description="SQLite file where events are kept."
    )
    report_dir: Path = Field(default=Path("reports"), description="Where reports are written.")
    log_level: str = Field(default="info", description="debug, info, warning or error.")

    # Set by load_settings() for the duration of one construction; see settings_customise_sources.
    _yaml_data: ClassVar[dict[str, Any]] = {}

    @field_validator("host")
    @classmethod
    def _host_is_bare(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if not value or "/" in value or " " in value:
            raise ValueError("expected a bare host name or IP address, e.g. 192.168.1.1")
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        value = value.lower()
        if value not in {"debug", "info", "warning", "error"}:
            raise ValueError("expected one of debug, info, warning, error")
        return value

    @property
    def controller_url(self) -> str:
        """``https://host[:port]`` of the controller (requires ``host``)."""
        if self.host is None:
            raise ConfigError([_line("host", "required to connect to a controller")])
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"https://{host}" if self.port in (None, 443) else f"https://{host}:{self.port}"

    def require_controller(self) -> None:
        """Raise :class:`ConfigError` unless the settings name a controller and credentials."""
        missing = [
            _line(name, "required to connect to a controller")
            for name in ("host", "username", "password")
            if getattr(self, name) is None
        ]
        if self.ca_file is not None and not self.ca_file.is_file():
            missing.append(_line("ca_file", f"no such file: {self.ca_file}"))
        if missing:
            raise ConfigError(missing)

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
    values: dict[str, Any] = {}
    for key, value in data.items():
        name = str(key).lower()
        if name.endswith("_file") and name[: -len("_file")] in SECRET_FIELDS:
            try:
                values[name[: -len("_file")]] = _read_secret_file(Path(str(value)))
            except ValueError as exc:
                errors.append(f"{name} (config file {path}): {exc}")
        else:
            values[name] = value
    if errors:
        raise ConfigError(errors)
    return values


def _describe(error: Any) -> str:
    """Turn one pydantic error into 'field (ENV): what is expected, got what'."""
    loc = error.get("loc", ())
    field = str(loc[0]) if loc else "settings"
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        return f"{field}: unknown setting (check the spelling; the README lists every setting)"
    if kind == "value_error":
        message = str(ctx.get("error", "invalid value"))
    elif kind in _EXPECTED:
        message = f"expected {_EXPECTED[kind]}"
    elif kind in _BOUNDS:
        message = f"expected a value {_BOUNDS[kind]} {next(iter(ctx.values()), '?')}"
    else:
        message = str(error.get("msg", "invalid value")).lower()
    if field not in SECRET_FIELDS and "input" in error:
        message += f", got {error['input']!r}"
    return _line(field, message)


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
        return Settings(**init)
    except ValidationError as exc:
        raise ConfigError([_describe(error) for error in exc.errors()]) from None
    finally:
        Settings._yaml_data = {}
