"""Delivering reports: files now; email and notifications later."""

from unifi_scanner.deliver.files import write_reports

__all__ = ["write_reports"]
