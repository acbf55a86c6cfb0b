"""``unifi-scanner record``: write the raw frames of a site's event socket to a capture.

The capture (JSON Lines of ``{"received_at": ms, "frame": "<raw text>"}``) is what
``replay`` reads; users can attach one to a bug report.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib

import orjson
from rich.text import Text

from unifi_scanner.commands.output import on_stop_signals, out, settings_from, stored_pins
from unifi_scanner.config import ConfigError
from unifi_scanner.controller.websocket import EventStream
from unifi_scanner.service import connect


async def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    config = settings.controller_configs()[0]
    site = args.site or config.site[0]
    if site == "all":
        raise ConfigError(["record: name one site with --site (record follows a single site)"])
    pins = stored_pins(settings).get
    stop = asyncio.Event()
    undo_signals = on_stop_signals(stop)
    frames = 0
    session, _endpoint = await connect(config, pins=pins)
    try:
        with args.out.open("ab") as capture:

            def write(text: str, received_ms: int) -> None:
                nonlocal frames
                frames += 1
                capture.write(orjson.dumps({"received_at": received_ms, "frame": text}) + b"\n")
                capture.flush()

            stream = EventStream(
                session,
                site,
                on_frame=write,
                compression=config.ws_compression,
                silence_timeout=config.ws_silence_timeout,
            )
            task = asyncio.create_task(stream.run())
            out.print(
                Text(f"Recording site {site} of {session.url} into {args.out}; Ctrl-C stops.")
            )
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(args.duration):
                    await _until(stop, task)
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    finally:
        await session.aclose()
        undo_signals()
    out.print(Text(f"Recorded {frames:,} frames to {args.out}."))
    return 0


async def _until(stop: asyncio.Event, task: asyncio.Task[None]) -> None:
    waiter = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({waiter, task}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()
    if task.done() and not task.cancelled() and task.exception() is not None:
        raise task.exception()  # type: ignore[misc]
