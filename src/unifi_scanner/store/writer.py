"""The single writer: collects what the sources hand over and commits it in small batches.

A batch is committed at most ``max_delay`` seconds after its first item arrived, or as soon
as it holds ``max_batch`` events, whichever comes first: the commit starts early by as long
as recent commits took, so that it is durable by then, not merely begun. SQLite work runs
in a worker thread so the event loop (and with it every WebSocket) keeps reading while a
commit is under way.
A failed commit (disk full, database locked) keeps the batch and retries it; the sources
never notice. While the store is unavailable, newer events wait in a bounded backlog; past
``max_backlog`` the oldest waiting events are dropped and counted, so memory stays bounded
and the stream stays alive. With a :class:`~.retention.Retention`, the writer also prunes
the store now and then, between batches.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from collections.abc import Callable, Mapping, Sequence
from itertools import repeat
from typing import Any

from unifi_scanner.controller.models import Event
from unifi_scanner.controller.websocket import Gap
from unifi_scanner.log import get_logger
from unifi_scanner.store.retention import Retention
from unifi_scanner.store.sqlite import Batch, SQLiteStore

log = get_logger(__name__)

ERROR_LOG_EVERY_S = 60.0
CHECKPOINT_EVERY_ITEMS = 4000
CHECKPOINT_EVERY_S = 2.0
WAL_RESTART_PAGES = 4096  # 64 MiB of 16 KiB pages


class BatchWriter:
    """An :class:`~unifi_scanner.collect.sink.EventSink` that persists into a store."""

    def __init__(
        self,
        store: SQLiteStore,
        *,
        max_delay: float = 0.25,
        max_batch: int = 1000,
        retry_delay: float = 1.0,
        max_backlog: int = 200_000,
        retention: Retention | None = None,
        prune_interval: float = 3600.0,
    ) -> None:
        self.store = store
        self.max_delay = max_delay
        self.max_batch = max_batch
        self.retry_delay = retry_delay
        self.max_backlog = max_backlog
        self.retention = retention
        self.prune_interval = prune_interval
        # Two batches waiting: enough to keep the writer busy, short enough that an event
        # waits for at most about two commits at full speed.
        self.high_water = max(2 * max_batch, 1000)
        """Pending events beyond which :meth:`room` holds producers back."""
        self._last_prune: float | None = None
        self._last_error_log = 0.0
        self._checkpointing: asyncio.Task[None] | None = None
        self._checkpointed_at = 0
        self._last_checkpoint = time.monotonic()
        self._restart_wal = False
        self._pending = Batch()
        self._first_pending: float | None = None
        self._commit_s = 0.0  # how long commits take lately (a decaying maximum)
        self._queued = 0  # items handed over so far
        self._committed = 0  # items committed (or dropped) so far
        self._wake = asyncio.Event()
        self._flush_now = False
        self._progress = asyncio.Condition()
        self._task: asyncio.Task[None] | None = None
        self.inserted = 0
        self.duplicates = 0
        self.failures = 0
        self.dropped = 0
        self.rejected = 0
        self.pruned = 0
        self.last_error: str | None = None
        self.on_commit: Callable[[int], None] | None = None
        self.taps: list[Callable[[str, Sequence[Event]], None]] = []
        """Called with every event list handed over (counters, immediate notifications)."""
        """Called after each commit with the number of items committed (or dropped) so far."""

    async def __aenter__(self) -> BatchWriter:
        self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="store-writer")

    async def close(self, timeout: float | None = 30.0) -> None:
        """Commit everything handed over so far, then stop.

        If the store stays unusable for ``timeout`` seconds, what is still pending is given
        up (and said so) rather than holding the process forever.
        """
        try:
            async with asyncio.timeout(timeout):
                await self.flush()
        except TimeoutError:
            lost = self._queued - self._committed
            log.error(
                "giving up on events that could not be written",
                path=str(self.store.path),
                events=lost,
                error=self.last_error,
            )
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        if self._checkpointing is not None:
            await asyncio.gather(self._checkpointing, return_exceptions=True)
            self._checkpointing = None

    async def flush(self) -> None:
        """Wait until everything handed over before this call is committed."""
        target = self._queued
        if self._task is None:
            self.start()
        self._flush_now = True
        self._wake.set()
        async with self._progress:
            await self._progress.wait_for(lambda: self._committed >= target or self._dead())

    @property
    def queued(self) -> int:
        """Items (events, device and client lists, gaps) handed over so far."""
        return self._queued

    @property
    def committed(self) -> int:
        """Items committed so far (dropped ones included: they will never be written)."""
        return self._committed

    def _dead(self) -> bool:
        return self._task is not None and self._task.done()

    # -- EventSink -------------------------------------------------------------------------------

    async def room(self) -> None:
        """Wait while the writer is far behind a healthy store: backpressure for producers.

        Without it, a producer faster than the disk (a replay, a large back-fill, a burst)
        would fill the backlog meant for an unavailable store, and the backlog drops the
        oldest events. While the store is failing this returns at once: the socket must stay
        alive, and the bounded backlog is what protects memory then.
        """
        if len(self._pending.events) < self.high_water or self.last_error is not None:
            return
        self._wake.set()
        async with self._progress:
            await self._progress.wait_for(
                lambda: (
                    len(self._pending.events) < self.high_water
                    or self.last_error is not None
                    or self._dead()
                )
            )

    def add_events(self, controller: str, events: Sequence[Event]) -> None:
        for tap in self.taps:
            tap(controller, events)
        if events:
            self._pending.events += zip(repeat(controller), events, strict=False)
            self._handed_over(len(events))

    def add_devices(
        self, controller: str, site: str, records: Sequence[Mapping[str, Any]], time_ms: int
    ) -> None:
        self._pending.devices.append((controller, site, records, time_ms))
        self._handed_over(1)

    def add_device_updates(
        self, controller: str, site: str, records: Sequence[Mapping[str, Any]], time_ms: int
    ) -> None:
        self._pending.device_updates.append((controller, site, records, time_ms))
        self._handed_over(1)

    def add_clients(
        self, controller: str, site: str, records: Sequence[Mapping[str, Any]], time_ms: int
    ) -> None:
        self._pending.clients.append((controller, site, records, time_ms))
        self._handed_over(1)

    def add_gap(self, controller: str, gap: Gap) -> None:
        self._pending.gaps.append((controller, gap))
        self._handed_over(1)

    def add_gap_result(self, controller: str, gap: Gap, state: str, recovered: int) -> None:
        self._pending.gap_results.append((controller, gap, state, recovered))
        self._handed_over(1)

    def _handed_over(self, count: int) -> None:
        self._queued += count
        excess = len(self._pending.events) - self.max_backlog
        if excess > 0:
            # The store has been failing for a while: keep the newest, count the rest.
            del self._pending.events[:excess]
            self.dropped += excess
            self._committed += excess
            if self.dropped == excess or self.dropped % 10_000 < excess:
                log.error(
                    "event backlog full, dropping the oldest waiting events",
                    path=str(self.store.path),
                    dropped_so_far=self.dropped,
                    backlog=self.max_backlog,
                )
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
                remaining = self._deadline() - (time.monotonic() - self._first_pending)
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(max(remaining, 0.0)):
                        await self._wake.wait()
                self._wake.clear()
            batch, size = self._pending, self._queued - self._committed
            self._pending = Batch()
            self._first_pending = None
            self._flush_now = False
            started = time.monotonic()
            await self._commit(batch)
            self._commit_s = max(time.monotonic() - started, self._commit_s * 0.9)
            async with self._progress:
                self._committed += size
                self._progress.notify_all()
            if self.on_commit is not None:
                self.on_commit(self._committed)
            self._maybe_checkpoint()
            await self._maybe_prune()

    def _due(self) -> bool:
        assert self._first_pending is not None
        return (
            self._flush_now
            or len(self._pending.events) >= self.max_batch
            or time.monotonic() - self._first_pending >= self._deadline()
        )

    def _deadline(self) -> float:
        """Seconds after a batch's first item at which its commit starts."""
        return self.max_delay - min(self._commit_s, self.max_delay / 2)

    def _maybe_checkpoint(self) -> None:
        """Start a WAL checkpoint beside the writer when enough has been committed."""
        if self._checkpointing is not None and not self._checkpointing.done():
            return
        due = self._committed - self._checkpointed_at >= CHECKPOINT_EVERY_ITEMS or (
            self._committed > self._checkpointed_at
            and time.monotonic() - self._last_checkpoint >= CHECKPOINT_EVERY_S
        )
        if due:
            self._checkpointed_at = self._committed
            self._last_checkpoint = time.monotonic()
            self._checkpointing = asyncio.create_task(self._checkpoint(), name="store-checkpoint")

    async def _checkpoint(self) -> None:
        try:
            wal_pages, copied = await asyncio.to_thread(
                self.store.checkpoint, restart=self._restart_wal
            )
        except sqlite3.Error as exc:
            log.warning("WAL checkpoint failed", path=str(self.store.path), error=str(exc))
            return
        # Passive checkpoints that never catch up (a writer that never pauses) would let the
        # WAL grow without end: past the limit, the next one waits for a gap and restarts it.
        self._restart_wal = wal_pages > WAL_RESTART_PAGES and copied < wal_pages

    async def _maybe_prune(self) -> None:
        if self.retention is None:
            return
        now = time.monotonic()
        if self._last_prune is not None and now - self._last_prune < self.prune_interval:
            return
        self._last_prune = now
        try:
            result = await asyncio.to_thread(
                self.store.prune, time.time_ns() // 1_000_000, self.retention
            )
        except sqlite3.Error as exc:
            log.error("pruning the event store failed", path=str(self.store.path), error=str(exc))
            return
        self.pruned += result.removed
        if result.removed:
            log.info(
                "event store pruned",
                events=result.events,
                snapshots=result.snapshots,
                size_mb=round(result.size_bytes / 1e6, 1),
            )

    async def _commit(self, batch: Batch) -> None:
        while True:
            try:
                result = await asyncio.to_thread(self.store.write_batch, batch)
            except (sqlite3.OperationalError, sqlite3.DatabaseError) as exc:
                if isinstance(exc, sqlite3.IntegrityError | sqlite3.ProgrammingError):
                    await self._commit_one_by_one(batch, exc)
                    return
                self.failures += 1
                # A full disk can last hours: say it when it starts or changes, then once a
                # minute, not at every retry.
                now = time.monotonic()
                if str(exc) != self.last_error or now - self._last_error_log >= ERROR_LOG_EVERY_S:
                    self._last_error_log = now
                    log.error(
                        "cannot write to the event store, keeping events in memory and retrying",
                        path=str(self.store.path),
                        error=str(exc),
                        hint=_hint(exc),
                        retry_in=self.retry_delay,
                        failures=self.failures,
                    )
                self.last_error = str(exc)
                async with self._progress:
                    self._progress.notify_all()  # producers held by room() go on: backlog now
                await asyncio.sleep(self.retry_delay)
                continue
            except Exception as exc:  # a record this code cannot store: isolate it
                await self._commit_one_by_one(batch, exc)
                return
            self.inserted += result.inserted
            self.duplicates += result.duplicates
            if self.last_error is not None:
                log.info("event store writable again", path=str(self.store.path))
                self.last_error = None
            return

    async def _commit_one_by_one(self, batch: Batch, cause: BaseException) -> None:
        """Write the batch item by item, so one unstorable record does not sink the rest."""
        log.error(
            "a batch could not be stored; writing its records one by one",
            path=str(self.store.path),
            error=f"{type(cause).__name__}: {cause}",
        )
        singles = [Batch(events=[item]) for item in batch.events]
        singles += [Batch(devices=[item]) for item in batch.devices]
        singles += [Batch(device_updates=[item]) for item in batch.device_updates]
        singles += [Batch(clients=[item]) for item in batch.clients]
        singles += [Batch(gaps=[item]) for item in batch.gaps]
        singles += [Batch(gap_results=[item]) for item in batch.gap_results]
        for single in singles:
            try:
                result = await asyncio.to_thread(self.store.write_batch, single)
            except Exception as exc:
                self.rejected += 1
                log.error(
                    "record not stored",
                    path=str(self.store.path),
                    error=f"{type(exc).__name__}: {exc}",
                    record=_describe(single),
                )
                continue
            self.inserted += result.inserted
            self.duplicates += result.duplicates


def _hint(exc: BaseException) -> str:
    """What the user can do about a store error."""
    text = str(exc).lower()
    if "full" in text:
        return "free disk space or lower store_max_mb; nothing is lost until the backlog fills"
    if "locked" in text or "busy" in text:
        return "another program holds the database; stop it (a second scanner on this file?)"
    if "readonly" in text or "read-only" in text:
        return "make the store file and its directory writable for this user"
    return "check the store file and its disk"


def _describe(batch: Batch) -> str:
    if batch.events:
        _controller, event = batch.events[0]
        return f"event {event.key} {event.identity} from {event.source}"
    if batch.gaps or batch.gap_results:
        return "gap"
    return "inventory snapshot"
