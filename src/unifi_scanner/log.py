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


class _StderrFactory:
    """Writes to ``stream``, or to whatever ``sys.stderr`` is at the moment of logging.

    Resolving stderr late matters: a logger bound to a stream that was later closed (a
    test's capture, a detached terminal) would raise inside the WebSocket loop.
    """

    def __init__(self, stream: Any = None) -> None:
        self._stream = stream

    def __call__(self, *args: Any) -> structlog.PrintLogger:
        return structlog.PrintLogger(file=self._stream or sys.stderr)


def configure(level: str = "info", *, stream: Any = None, json: bool = False) -> None:
    """Send logs to stderr (stdout stays for command output): for people, or JSON lines."""
    numeric = getattr(logging, level.upper(), logging.INFO)
    renderer: Any = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            redact,
            structlog.processors.TimeStamper(fmt="iso" if json else "%H:%M:%S", utc=json),
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=_StderrFactory(stream),
        cache_logger_on_first_use=False,
    )


def get_logger(name: str) -> Any:
    """A logger tagged with the module that logs.

    Lazy: modules call this at import time, before :func:`configure` has run, and the
    configuration in force when a message is logged is the one that applies.
    """
    return structlog.get_logger(component=name.rsplit(".", 1)[-1])
