"""The SSH fallback for one site: log files read over SFTP into the sink.

It engages only when neither the socket nor REST has delivered for ``fallback_after``
seconds, and disengages when the socket is back. Read positions are saved through the given
callbacks only after the events of a read were committed, so a crash re-reads lines (which
the store recognises) rather than skipping them.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from unifi_scanner.collect.sink import EventSink
from unifi_scanner.collect.status import ACTIVE, DOWN, STANDBY, SourceStatus
from unifi_scanner.controller.errors import ControllerError
from unifi_scanner.controller.logtail import FileCursor
from unifi_scanner.controller.ssh import SshLogSource, SshPoll
from unifi_scanner.log import get_logger

log = get_logger(__name__)

LoadCursors = Callable[[], Mapping[str, FileCursor]]
SaveCursors = Callable[[Mapping[str, FileCursor]], None]


@dataclass(frozen=True, slots=True)
class SshOptions:
    """What a site's collector needs to run the SSH fallback."""

    source: SshLogSource
    fallback_after: float
    flush: Callable[[], Awaitable[None]]
    load_cursors: LoadCursors
    save_cursors: SaveCursors


class SshFallback:
    """Watches the other sources and runs the SSH source while they are all down."""

    def __init__(
        self,
        source: SshLogSource,
        sink: EventSink,
        status: SourceStatus,
        *,
        controller: str,
        others_down: Callable[[], bool],
        fallback_after: float,
        flush: Callable[[], Awaitable[None]],
        load_cursors: LoadCursors,
        save_cursors: SaveCursors,
        check_every: float = 1.0,
    ) -> None:
        self.source = source
        self.sink = sink
        self.status = status
        self.controller = controller
        self._others_down = others_down
        self.fallback_after = fallback_after
        self._flush = flush
        self._load = load_cursors
        self._save = save_cursors
        self._check_every = check_every
        self.events = 0

    async def run(self) -> None:
        """Engage and disengage as the other sources come and go, until cancelled.

        Ends (with the status saying why) when the SSH server refuses the host key or the
        login: retrying would not help, and the other sources may still come back.
        """
        self.status.set("ssh", STANDBY)
        down_for = 0.0
        while True:
            await asyncio.sleep(self._check_every)
            down_for = down_for + self._check_every if self._others_down() else 0.0
            if down_for < self.fallback_after:
                continue
            if not await self._follow_while_needed():
                return
            down_for = 0.0

    async def _follow_while_needed(self) -> bool:
        """Follow the logs while the other sources are down; False after a fatal error."""
        self.status.set("ssh", ACTIVE, "websocket and REST unavailable")
        follower = asyncio.create_task(self.source.follow(self._store, self._load()))
        try:
            while not follower.done() and self._others_down():
                await asyncio.wait({follower}, timeout=self._check_every)
        finally:
            follower.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await follower
        if follower.cancelled():
            self.status.set("ssh", STANDBY, "websocket back")
            return True
        error = follower.exception()
        if isinstance(error, ControllerError):
            self.status.set("ssh", DOWN, str(error))
            log.error("ssh fallback failed", error=str(error))
            return False
        if error is not None:
            raise error
        return True

    async def _store(self, poll: SshPoll) -> None:
        if poll.events:
            self.sink.add_events(self.controller, poll.events)
            self.events += len(poll.events)
        await self._flush()
        self._save(poll.cursors)
