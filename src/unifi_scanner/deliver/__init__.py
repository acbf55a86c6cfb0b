"""Delivering reports: files (dated, ``latest.*``, retention), email, notifications.

The service calls :class:`Deliverer` (see :mod:`.dispatch`); the one-shot commands keep
writing flat files with :func:`write_reports`.
"""

from unifi_scanner.deliver.dispatch import (
    ChannelResult,
    Deliverer,
    DeliveryHealth,
    DeliveryOutcome,
    PendingDelivery,
    report_files,
)
from unifi_scanner.deliver.files import (
    DeliveryError,
    PublishedReport,
    publish_reports,
    write_reports,
)

__all__ = [
    "ChannelResult",
    "Deliverer",
    "DeliveryError",
    "DeliveryHealth",
    "DeliveryOutcome",
    "PendingDelivery",
    "PublishedReport",
    "publish_reports",
    "report_files",
    "write_reports",
]
