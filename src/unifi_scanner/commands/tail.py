"""``unifi-scanner tail``: the live event stream in plain English, one line per event.

Follows every configured site (or ``--site``) until Ctrl-C; nothing is stored. ``--json``
prints each event as one JSON object instead (the same shape as ``events --format jsonl``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import sys
from collections.abc import Mapping, Sequence
from typing import Any

import orjson
from rich.text import Text

from unifi_scanner.analyze.findings import Severity
from unifi_scanner.analyze.inventory import Inventory
from unifi_scanner.analyze.live import describe, severity_of
from unifi_scanner.collect import FrameRouter
from unifi_scanner.commands.events import event_document
from unifi_scanner.commands.output import on_stop_signals, out, settings_from, stored_pins
from unifi_scanner.controller import ControllerSession, NetworkApi
from unifi_scanner.controller.models import Event
from unifi_scanner.controller.websocket import EventStream, Gap
from unifi_scanner.report.model import iso
from unifi_scanner.report.render import clean, local_time
from unifi_scanner.service import connect

_STYLE = {Severity.SEVERE: "bold red", Severity.MEDIUM: "yellow", Severity.LOW: ""}


class TailSink:
    """Prints what a site's frames carry instead of storing it."""

    def __init__(self, inventory: Inventory, *, as_json: bool) -> None:
        self.inventory = inventory
        self.as_json = as_json
        self.printed = 0

    def add_events(self, controller: str, events: Sequence[Event]) -> None:
        for event in sorted(events, key=lambda e: e.time_ms):
            self.printed += 1
            if self.as_json:
                sys.stdout.buffer.write(orjson.dumps(event_document(event)) + b"\n")
                sys.stdout.flush()
                continue
            self.inventory.learn(event)
            severity = severity_of(event)
            line = Text(f"{local_time(iso(event.time_ms))}  {clean(event.site):<10} ")
            line.append(f"{severity.value:<6}", style=_STYLE[severity])
            line.append(f"  {clean(describe(event, self.inventory))}")
            out.print(line)

    def add_devices(
        self, controller: str, site: str, records: Sequence[Mapping[str, Any]], time_ms: int
    ) -> None:
        for record in records:
            self.inventory.add_device(record)

    async def room(self) -> None:
        return None

    def add_device_updates(
        self, controller: str, site: str, records: Sequence[Mapping[str, Any]], time_ms: int
    ) -> None:
        for record in records:
            self.inventory.add_device(record, replace=False)

    def add_clients(
        self, controller: str, site: str, records: Sequence[Mapping[str, Any]], time_ms: int
    ) -> None:
        for record in records:
            self.inventory.add_client(record)

    def add_gap(self, controller: str, gap: Gap) -> None:
        if not self.as_json:
            seconds = (gap.end_ms - gap.start_ms) / 1000
            out.print(
                Text(f"— {gap.site}: no socket for {seconds:.1f} s (events may be missing) —")
            )

    def add_gap_result(self, controller: str, gap: Gap, state: str, recovered: int) -> None:
        """tail does not back-fill: the gap line already said events may be missing."""


async def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    configs = settings.controller_configs()
    pins = stored_pins(settings).get
    stop = asyncio.Event()
    undo_signals = on_stop_signals(stop)
    sessions: list[ControllerSession] = []
    tasks: list[asyncio.Task[None]] = []
    try:
        for config in configs:
            session, _endpoint = await connect(config, pins=pins, wait_when_rate_limited=True)
            sessions.append(session)
            api = NetworkApi(session)
            sites = config.site
            if config.all_sites:
                sites = [s.name for s in await api.sites()]
            if args.site is not None:
                sites = [s for s in sites if s == args.site] or [args.site]
            for site in sites:
                await api.check_site(site)
                inventory = Inventory(await api.devices(site), await api.clients(site))
                sink = TailSink(inventory, as_json=args.json)
                router = FrameRouter(sink, controller=session.url, site=site)
                stream = EventStream(
                    session,
                    site,
                    on_frame=router.handle_frame,
                    on_gap=functools.partial(sink.add_gap, session.url),
                    compression=config.ws_compression,
                    silence_timeout=config.ws_silence_timeout,
                )
                tasks.append(asyncio.create_task(stream.run(), name=f"tail-{site}"))
        if not args.json:
            out.print(Text("Following the live event stream; Ctrl-C stops.", style="dim"))
        waiter = asyncio.create_task(stop.wait())
        done, _pending = await asyncio.wait({waiter, *tasks}, return_when=asyncio.FIRST_COMPLETED)
        waiter.cancel()
        for task in done:
            if task is not waiter and not task.cancelled() and task.exception() is not None:
                raise task.exception()  # type: ignore[misc]
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        for session in sessions:
            await session.aclose()
        undo_signals()
    return 0
