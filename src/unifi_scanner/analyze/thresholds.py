"""Every tunable limit of the analysis, as one frozen tree with sane defaults.

The configuration maps onto it (``Thresholds(roaming=RoamingThresholds(per_hour=8))``); a field
left out keeps its default. Each field says what crossing it means in the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class RoamingThresholds:
    """Clients moving between access points and bands."""

    per_hour: int = 10
    """Roams between access points within any one hour that make ``excessive-roaming``."""
    ping_pong_return_s: int = 300
    """A roam back to the access point the client left at most this long ago is a bounce."""
    ping_pong_per_hour: int = 4
    """Bounces between the same two access points within an hour that make
    ``roaming-ping-pong``."""
    band_changes_per_hour: int = 6
    """Band changes on the same access point (``EVT_WU_RoamRadio``) within an hour that make
    ``band-flapping``."""


@dataclass(frozen=True, slots=True)
class ClientThresholds:
    """Client sessions and signal."""

    short_session_s: int = 60
    """A disconnect after a session shorter than this counts as a short session."""
    short_sessions_per_hour: int = 5
    """Short sessions of one client within an hour that make ``short-sessions``."""
    weak_signal_dbm: int = -75
    """Signal at or below this (dBm) is weak."""
    low_satisfaction_pct: int = 50
    """Client satisfaction (0–100) at or below this is poor."""
    sticky_min_s: int = 1800
    """A client staying this long on one access point with weak signal or poor satisfaction is
    ``sticky-client``."""


@dataclass(frozen=True, slots=True)
class DeviceThresholds:
    """Access points, switches and gateways coming and going."""

    flaps_per_hour: int = 3
    """Losses of contact within any one hour that turn ``device-offline`` into
    ``device-flapping``."""
    restarts_severe: int = 3
    """Unexplained restarts (``EVT_*_RestartedUnknown``) of one device in the period that make
    ``device-restarted`` severe instead of medium."""


@dataclass(frozen=True, slots=True)
class RadioThresholds:
    """Radio events."""

    radar_channel_change_window_s: int = 600
    """A channel change this soon after a radar hit is the move the radar forced."""


@dataclass(frozen=True, slots=True)
class IpsThresholds:
    """Intrusion detection and prevention."""

    source_min_hits: int = 10
    """Hits from one address (or two signatures or more) that give the address its own
    ``ips-source`` finding instead of being listed under each signature."""
    max_tracked_sources: int = 20_000
    """Distinct source addresses remembered; beyond that, new ones are counted together (a
    spoofed flood cannot exhaust memory)."""


@dataclass(frozen=True, slots=True)
class HealthThresholds:
    """Device health from ``stat/device`` snapshots: warning → medium, critical → severe."""

    temperature_warning_c: float = 80.0
    """Any temperature sensor at or above this (°C) is a warning."""
    temperature_critical_c: float = 95.0
    """Any sensor at or above this (°C), or the controller's ``overheating`` flag, is critical."""
    temperature_rise_c: float = 15.0
    """A device this much warmer at the end of the period than at its start is reported even
    below the warning level (a failing fan, a blocked vent, summer in the loft)."""
    temperature_trend_c: float = 15.0
    """A device this much warmer at the end of the period than in its earliest snapshots of the
    week before is reported even below the warning level: a slow drift no single report sees."""
    cpu_warning_pct: float = 85.0
    """CPU use at or above this for ``sustained_samples`` snapshots in a row is a warning."""
    cpu_critical_pct: float = 95.0
    memory_warning_pct: float = 90.0
    """Memory use at or above this for ``sustained_samples`` snapshots in a row is a warning."""
    memory_critical_pct: float = 97.0
    sustained_samples: int = 3
    """Consecutive snapshots a CPU, memory or channel-utilisation level must last: one busy
    minute is not a problem."""
    poe_warning_pct: float = 80.0
    """PoE draw (sum of the ports' ``poe_power``) at or above this share of the switch's
    ``total_max_power`` is a warning."""
    poe_critical_pct: float = 95.0
    channel_utilisation_warning_pct: float = 70.0
    """A radio's ``cu_total`` (airtime in use) at or above this is a warning."""
    channel_utilisation_critical_pct: float = 90.0
    uptime_long_days: int = 180
    """A device up longer than this has missed firmware updates and their security fixes."""


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The whole tree; ``Thresholds()`` is the default everywhere."""

    roaming: RoamingThresholds = field(default_factory=RoamingThresholds)
    clients: ClientThresholds = field(default_factory=ClientThresholds)
    devices: DeviceThresholds = field(default_factory=DeviceThresholds)
    radio: RadioThresholds = field(default_factory=RadioThresholds)
    ips: IpsThresholds = field(default_factory=IpsThresholds)
    health: HealthThresholds = field(default_factory=HealthThresholds)
    max_findings_per_rule: int = 10
    """Findings of one rule beyond this many are rolled into one site-wide finding that lists
    them (the most severe and frequent stay on their own): a report stays readable."""
