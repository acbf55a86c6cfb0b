"""``unifi-scanner serve``: collect continuously and deliver reports on the schedule.

SIGTERM/SIGINT stop it cleanly (exit 0), SIGHUP reloads the configuration.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal

from rich.text import Text

from unifi_scanner.commands.output import on_stop_signals, out, settings_from
from unifi_scanner.memory import tune_allocator
from unifi_scanner.runtime import ServiceRuntime


async def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    tune_allocator()  # before the writer's threads exist: arenas are per thread
    runtime = ServiceRuntime(settings, config_file=args.config)
    stop, reload = asyncio.Event(), asyncio.Event()
    undo_stop = on_stop_signals(stop)
    undo_reload = on_stop_signals(reload, (signal.SIGHUP,))
    try:
        await runtime.start()
        out.print(
            Text(
                f"Serving: events go to {settings.store}, reports ({runtime.schedule.describe()})"
                f" to {settings.report_dir}. SIGTERM or Ctrl-C stops, SIGHUP reloads."
            )
        )
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(args.duration):
                while not stop.is_set():
                    await _either(stop, reload)
                    if reload.is_set():
                        reload.clear()
                        await runtime.reload()
    finally:
        undo_stop()
        undo_reload()
        await runtime.stop()
    return 0


async def _either(*events: asyncio.Event) -> None:
    waiters = [asyncio.create_task(event.wait()) for event in events]
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
