"""Talking to a UniFi Network controller: session and login, REST, the event WebSocket.

Everything here is about the wire; nothing here knows about storage, analysis or reports.
"""

from unifi_scanner.controller.errors import (
    ConnectionFailed,
    ControllerError,
    EndpointUnavailable,
    LoginFailed,
    LoginRateLimited,
    SessionExpired,
    TLSVerificationFailed,
    UnknownSite,
)
from unifi_scanner.controller.models import Event, Flavour
from unifi_scanner.controller.rest import NetworkApi
from unifi_scanner.controller.session import ControllerSession
from unifi_scanner.controller.websocket import EventStream

__all__ = [
    "ConnectionFailed",
    "ControllerError",
    "ControllerSession",
    "EndpointUnavailable",
    "Event",
    "EventStream",
    "Flavour",
    "LoginFailed",
    "LoginRateLimited",
    "NetworkApi",
    "SessionExpired",
    "TLSVerificationFailed",
    "UnknownSite",
]
