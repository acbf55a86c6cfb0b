"""``unifi-scanner demo``: a simulated day against the built-in emulator."""

from __future__ import annotations

import argparse

from unifi_scanner.commands.output import err, out, print_paths, print_summary, settings_from


async def run(args: argparse.Namespace) -> int:
    from unifi_scanner.demo import run_demo

    # Only the zone matters to the demo; the rest of the configuration is not needed.
    timezone = settings_from(args).timezone

    out.print(f"Starting the emulated UniFi OS console; playing a day in {args.seconds:g} s …")
    with err.status("collecting events") as status:

        def progress(received: int, total: int) -> None:
            status.update(f"collecting events: {received:,} of {total:,} received")

        result = await run_demo(
            args.out, seconds=args.seconds, seed=args.seed, progress=progress, timezone=timezone
        )
    out.print(
        f"Collected {result.stored:,} events over the WebSocket "
        f"({result.sent:,} sent by the controller, {result.missing} missing, "
        f"{result.gaps} gap(s))."
    )
    print_summary(result.report)
    print_paths(result.paths)
    out.print(f"Events are kept in {result.store_path}")
    return 0
