"""The single writer: collects what the sources hand over and commits it in small batches.

A batch is committed at most ``max_delay`` seconds after its first item arrived, or as soon
as it holds ``max_batch`` events, whichever comes first. SQLite work runs in a worker thread
so the event loop (and with it every WebSocket) keeps reading while a commit is under way.
A failed commit (disk full, database locked) keeps the batch and retries it; the sources
never notice.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from collections.abc import Mapping, Sequence
from typing import Any

from unifi_scanner.controller.models import Event
from unifi_scanner.controller.websocket import Gap
from unifi_scanner.log import get_logger
from unifi_scanner.store.sqlite import Batch, SQLiteStore

log = get_logger(__name__)


class BatchWriter:
    """An :class:`~unifi_scanner.collect.sink.EventSink` that persists into a store."""

    def __init__(
        self,
        store: SQLiteStore,
        *,
        max_delay: float = 0.25,
        max_batch: int = 1000,
        retry_delay: float = 1.0,
    ) -> None:
        self.store = store
        self.max_delay = max_delay
        self.max_batch = max_batch
        self.retry_delay = retry_delay
        self._pending = Batch()
        self._first_pending: float | None = None
        self._queued = 0  # items handed over so far
        self._committed = 0  # items committed so far
        self._wake = asyncio.Event()
        self._flush_now = False
        self._progress = asyncio.Condition()
        self._task: asyncio.Task[None] | None = None
        self.inserted = 0
        self.duplicates = 0
        self.failures = 0

    async def __aenter__(self) -> BatchWriter:
        self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="store-writer")

    async def close(self) -> None:
        """Commit everything handed over so far, then stop."""
        await self.flush()
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def flush(self) -> None:
        """Wait until everything handed over before this call is committed."""
        target = self._queued
        if self._task is None:
            self.start()
        self._flush_now = True
        self._wake.set()
        async with self._progress:
            await self._progress.wait_for(lambda: self._committed >= target)

    # -- EventSink -------------------------------------------------------------------------------

    def add_events(self, controller: str, events: Sequence[Event]) -> None:
        if events:
            self._pending.events.extend((controller, event) for event in events)
            self._handed_over(len(events))

    def add_devices(
        self, controller: str, site: str, records: Sequence[Mapping[str, Any]], time_ms: int
    ) -> None:
        self._pending.devices.append((controller, site, records, time_ms))
        self._handed_over(1)

    def add_clients(
        self, controller: str, site: str, records: Sequence[Mapping[str, Any]], time_ms: int
    ) -> None:
        self._pending.clients.append((controller, site, records, time_ms))
        self._handed_over(1)

    def add_gap(self, controller: str, gap: Gap) -> None:
        self._pending.gaps.append((controller, gap))
        self._handed_over(1)

    def _handed_over(self, count: int) -> None:
        self._queued += count
        if self._first_pending is None:
            self._first_pending = time.monotonic()
            self._wake.set()
        if len(self._pending.events) >= self.max_batch:
            self._wake.set()

    # -- the writer task ---------------------------------------------------------------------------

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            if self._first_pending is None:
                continue
            while not self._due():
                remaining = self.max_delay - (time.monotonic() - self._first_pending)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=max(remaining, 0.0))
                self._wake.clear()
            batch, size = self._pending, self._queued - self._committed
            self._pending = Batch()
            self._first_pending = None
            self._flush_now = False
            await self._commit(batch)
            async with self._progress:
                self._committed += size
                self._progress.notify_all()

    def _due(self) -> bool:
        assert self._first_pending is not None
        return (
            self._flush_now
            or len(self._pending.events) >= self.max_batch
            or time.monotonic() - self._first_pending >= self.max_delay
        )

    async def _commit(self, batch: Batch) -> None:
        while True:
            try:
                result = await asyncio.to_thread(self.store.write_batch, batch)
            except sqlite3.Error as exc:
                self.failures += 1
                log.error(
                    "cannot write to the event store, keeping events in memory and retrying",
                    path=str(self.store.path),
                    error=str(exc),
                    retry_in=self.retry_delay,
                )
                await asyncio.sleep(self.retry_delay)
                continue
            self.inserted += result.inserted
            self.duplicates += result.duplicates
            return
