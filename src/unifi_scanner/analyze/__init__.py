"""Turning stored events into findings: the rule catalogue and the engine that runs it."""

from unifi_scanner.analyze.aggregate import Thresholds
from unifi_scanner.analyze.engine import Analysis, analyze
from unifi_scanner.analyze.findings import Category, Finding, Severity, Subject
from unifi_scanner.analyze.inventory import Inventory

__all__ = [
    "Analysis",
    "Category",
    "Finding",
    "Inventory",
    "Severity",
    "Subject",
    "Thresholds",
    "analyze",
]
