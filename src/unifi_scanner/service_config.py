"""Service-mode settings: when reports go out, what the first one covers, health endpoint, logs.

Flat settings like the rest (``UNIFI_SCHEDULE``, ``schedule:`` in YAML), mixed into
:class:`~unifi_scanner.config.Settings` by :class:`ServiceSettings`.
"""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator

from unifi_scanner.schedule import PRESETS, Schedule, ScheduleError


class ServiceSettings(BaseModel):
    """The settings of ``unifi-scanner serve`` and ``unifi-scanner run``."""

    schedule: str = Field(
        default="daily_8am",
        description=(
            "When reports go out: a 5-field cron expression in `timezone`, or one of "
            + ", ".join(p for p in PRESETS if not p.startswith("@"))
            + "."
        ),
    )
    lookback_hours: float = Field(
        default=24.0,
        gt=0,
        le=24 * 90,
        description="What the first report of a site covers (later ones: since the last).",
    )
    settle_seconds: float = Field(
        default=120.0,
        ge=0,
        le=3600,
        description="Before a report, wait up to this long for sockets and back-fills.",
    )
    health_host: str = Field(
        default="127.0.0.1", description="Address of /healthz and /metrics (serve)."
    )
    health_port: int = Field(
        default=9120, ge=0, le=65535, description="Their port; 0 turns the endpoint off."
    )
    degraded_after_minutes: float = Field(
        default=10.0,
        gt=0,
        description="/healthz says degraded when a site's WebSocket is down this long.",
    )
    log_format: str = Field(
        default="console", pattern="^(console|json)$", description="console or json."
    )

    @field_validator("schedule")
    @classmethod
    def _schedule_parses(cls, value: str) -> str:
        try:
            Schedule.parse(value, "UTC")
        except ScheduleError as exc:
            raise ValueError(str(exc)) from None
        return value
