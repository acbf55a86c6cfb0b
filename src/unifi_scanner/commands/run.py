"""``unifi-scanner run``: one scheduled report round now — for cron or a systemd timer.

Each site's report covers the time since its last report (the cursor), exactly like the
rounds of ``serve``; both can share a store and a report directory without sending a report
twice. With ``--collect 2m`` the controllers are followed first, which also back-fills what
happened since the last stored event where the controller still has it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from rich.text import Text

from unifi_scanner.commands.output import err, on_stop_signals, out, settings_from
from unifi_scanner.config import Settings
from unifi_scanner.deliver import Deliverer
from unifi_scanner.reporting import ReportRound
from unifi_scanner.service import Scanner, open_writer
from unifi_scanner.store import SQLiteStore, StoreError

EXIT_DELIVERY_FAILED = 1


async def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    if not settings.store.exists() and args.collect is None:
        raise StoreError(
            f"no event store at {settings.store}: run 'unifi-scanner serve' (or 'run --collect "
            "2m') first, or set UNIFI_STORE"
        )
    deliverer = Deliverer.from_settings(settings)
    store = SQLiteStore(settings.store)
    try:
        if args.collect is not None:
            await _collect(settings, store, args.collect)
        result = await ReportRound(settings, store, deliverer).run()
    finally:
        store.close()
    if not result.sites:
        err.print(Text("No stored events for the configured sites yet: nothing to report."))
    for site in result.sites:
        line = Text(f"{site.site} ({site.controller}): {site.events:,} events — {site.detail}")
        (out if site.delivered else err).print(line)
    return 0 if result.ok else EXIT_DELIVERY_FAILED


async def _collect(settings: Settings, store: SQLiteStore, seconds: float) -> None:
    stop = asyncio.Event()
    undo = on_stop_signals(stop)
    try:
        async with open_writer(store, settings) as writer:
            scanner = Scanner(settings.controller_configs(), store, writer)
            scanner.start()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(seconds):
                    await stop.wait()
            await scanner.stop()
    finally:
        undo()
