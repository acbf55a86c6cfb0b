"""Logins to the controller: the event socket of the pseudo-site ``super``, into the sink.

A login to the controller is not an event of any one site: UniFi announces it
(``EVT_AD_Login``, with the admin's name and address) on the socket of the controller-level
site ``super``. It is stored under that site name, and every site's report reads it: whoever
administers the controller administers every site on it.

This socket only adds to what the sites' sockets bring, so it never stops anything else. An
account that is not a super admin is refused it, and a controller may not offer it at all.
A refused handshake is not answered by logging in again (that would only lengthen the list
of logins): it is tried again a few times, a while apart (the session may simply have
expired; the sites' sockets renew it), and then left alone with one warning.
"""

from __future__ import annotations

import asyncio

from unifi_scanner.collect.router import FrameRouter, FrameStats
from unifi_scanner.collect.sink import EventSink
from unifi_scanner.controller.errors import ControllerError, SocketRefused
from unifi_scanner.controller.session import ControllerSession
from unifi_scanner.controller.websocket import EventStream
from unifi_scanner.log import get_logger

log = get_logger(__name__)

SUPER_SITE = "super"
"""Where UniFi sends controller-level events, and the site they are stored under."""

MAX_REFUSALS = 3
"""Refused handshakes in a row (without a socket opening in between) before giving up."""


class AdminFeed:
    """Follows the ``super`` site's event socket of one controller until cancelled."""

    def __init__(
        self,
        session: ControllerSession,
        sink: EventSink,
        *,
        controller: str,
        compression: bool = True,
        silence_timeout: float | None = 300.0,
        retry_after: float = 60.0,
    ) -> None:
        self.router = FrameRouter(sink, controller=controller, site=SUPER_SITE)
        self.stream = EventStream(
            session,
            SUPER_SITE,
            on_frame=self.router.handle_frame,
            compression=compression,
            silence_timeout=silence_timeout,
            backpressure=sink.room,
            refusals_end=True,
        )
        self._controller = controller
        self._retry_after = retry_after
        self.given_up: str | None = None
        """Why the socket is no longer tried (a one-line message), once it is not."""

    @property
    def stats(self) -> FrameStats:
        return self.router.stats

    async def run(self) -> None:
        """Follow the socket; return (never raise) when it is refused for good or the
        controller conversation itself failed (the sites' followers report that)."""
        refusals, opened = 0, self.stream.connections
        while True:
            try:
                await self.stream.run()
            except SocketRefused as exc:
                if self.stream.connections != opened:
                    refusals, opened = 0, self.stream.connections
                refusals += 1
                if refusals >= MAX_REFUSALS:
                    self.given_up = (
                        f"{exc}; admin logins are not followed (this account may not be "
                        "allowed to see controller-level events)"
                    )
                    log.warning(
                        "admin logins not followed", controller=self._controller, error=str(exc)
                    )
                    return
                log.info(
                    "admin login socket refused",
                    controller=self._controller,
                    status=exc.status,
                    retry_in=self._retry_after * refusals,
                )
                await asyncio.sleep(self._retry_after * refusals)
            except ControllerError as exc:
                self.given_up = str(exc)
                log.info("admin login socket stopped", controller=self._controller, error=str(exc))
                return
