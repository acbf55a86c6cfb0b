"""``unifi-scanner collect``: follow every configured controller and site into the store."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from rich.text import Text

from unifi_scanner.commands.output import err, on_stop_signals, out, settings_from
from unifi_scanner.service import Scanner, open_writer
from unifi_scanner.store import SQLiteStore

EXIT_FAILED = 1


async def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    configs = settings.controller_configs()
    stop = asyncio.Event()
    undo_signals = on_stop_signals(stop)
    store = SQLiteStore(settings.store)
    try:
        async with open_writer(store, settings) as writer:
            scanner = Scanner(configs, store, writer)
            scanner.start()
            names = ", ".join(c.label for c in configs)
            out.print(
                Text(
                    f"Following {names}; events go to {settings.store}. "
                    + (
                        "Ctrl-C to stop."
                        if args.duration is None
                        else f"Stopping after {args.duration:g} s."
                    )
                )
            )
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(args.duration):
                    await _until_stopped(stop, scanner)
            await scanner.stop()
        for controller in scanner.controllers:
            label = controller.config.label
            if controller.state == "failed":
                err.print(Text(f"error: {label}: {controller.error}"))
            elif controller.error:
                err.print(Text(f"warning: {label}: {controller.error}"))
        out.print(f"Stored {scanner.events_received():,} events received this run.")
    finally:
        store.close()
        undo_signals()
    return EXIT_FAILED if scanner.all_failed() else 0


async def _until_stopped(stop: asyncio.Event, scanner: Scanner) -> None:
    while not stop.is_set() and not scanner.all_failed():
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(0.5):
                await stop.wait()
