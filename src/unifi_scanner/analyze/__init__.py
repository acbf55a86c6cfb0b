"""Turning stored events and snapshots into findings: the rule catalogue and its engine."""

from unifi_scanner.analyze.engine import Analysis, analyze, covered_keys
from unifi_scanner.analyze.findings import MAX_RELATED as MAX_RELATED_SUBJECTS
from unifi_scanner.analyze.findings import Category, Finding, Severity, Subject
from unifi_scanner.analyze.inventory import Inventory
from unifi_scanner.analyze.status import Comparison, Resolved, Status, compare
from unifi_scanner.analyze.thresholds import (
    ClientThresholds,
    DeviceThresholds,
    HealthThresholds,
    IpsThresholds,
    RadioThresholds,
    RoamingThresholds,
    Thresholds,
)

__all__ = [
    "MAX_RELATED_SUBJECTS",
    "Analysis",
    "Category",
    "ClientThresholds",
    "Comparison",
    "DeviceThresholds",
    "Finding",
    "HealthThresholds",
    "Inventory",
    "IpsThresholds",
    "RadioThresholds",
    "Resolved",
    "RoamingThresholds",
    "Severity",
    "Status",
    "Subject",
    "Thresholds",
    "analyze",
    "compare",
    "covered_keys",
]
