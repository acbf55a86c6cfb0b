"""Structured logging (structlog) with secrets redacted before anything is rendered."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

_SECRET_KEY = re.compile(r"pass(word)?|secret|token|cookie|api[_-]?key|authorization", re.I)
_REDACTED = "***"


def redact(_logger: Any, _method: str, event_dict: MutableMapping[str, Any]) -> Any:
    """Replace the value of every field whose name looks secret, however it was passed."""
    for key in list(event_dict):
        if _SECRET_KEY.search(key):
            event_dict[key] = _REDACTED
    return event_dict


def configure(level: str = "info", *, stream: Any = None) -> None:
    """Send human-readable logs to stderr (stdout stays for command output)."""
    numeric = getattr(logging, level.upper(), logging.INFO)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            redact,
            structlog.processors.TimeStamper(fmt="%H:%M:%S", utc=False),
            structlog.dev.ConsoleRenderer(colors=False),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=structlog.PrintLoggerFactory(file=stream or sys.stderr),
        cache_logger_on_first_use=False,
    )


def get_logger(name: str) -> Any:
    """A bound logger tagged with the module that logs."""
    return structlog.get_logger(name).bind(component=name.rsplit(".", 1)[-1])
