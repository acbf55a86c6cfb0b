"""A client session to an emulator, trusting its certificate, as the tests open them."""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr

from unifi_scanner.controller import ControllerSession
from unifi_scanner.controller.tls import make_ssl_context
from unifi_scanner.emulator import Emulator


def session_for(emulator: Emulator, password: str = "pw", **kwargs: Any) -> ControllerSession:
    """A :class:`ControllerSession` to ``emulator`` as ``admin`` (``kwargs`` go on to it)."""
    return ControllerSession(
        emulator.url,
        username="admin",
        password=SecretStr(password),
        ssl_context=make_ssl_context(ca_file=emulator.ca_file),
        **kwargs,
    )
