"""``unifi-scanner events``: list stored events, as a table or as JSON Lines."""

from __future__ import annotations

import argparse
import sys
from itertools import islice

import orjson
from rich.table import Table
from rich.text import Text

from unifi_scanner.commands.output import out, print_table, settings_from
from unifi_scanner.controller.models import Event
from unifi_scanner.report.model import iso
from unifi_scanner.report.render import clean, local_time
from unifi_scanner.service import wall_ms
from unifi_scanner.store import SQLiteStore, StoreError


def event_document(event: Event) -> dict[str, object]:
    """A stored event as one JSON object (times in ISO 8601 UTC)."""
    return {
        "identity": event.identity,
        "site": event.site,
        "key": event.key,
        "subsystem": event.subsystem,
        "time": iso(event.time_ms),
        "received_at": iso(event.received_ms) if event.received_ms else None,
        "sources": event.source.split(","),
        "payload": event.payload,
    }


async def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    if not settings.store.exists():
        raise StoreError(f"no event store at {settings.store} (set UNIFI_STORE)")
    store = SQLiteStore(settings.store)
    try:
        since = wall_ms() - int(args.since * 1000)
        events = store.iter_events(site=args.site, key=args.key, since_ms=since)
        limited = events if args.limit is None else islice(events, args.limit)
        if args.format == "jsonl":
            write = sys.stdout.buffer.write
            for event in limited:
                write(orjson.dumps(event_document(event)) + b"\n")
            sys.stdout.flush()
            return 0
        table = Table(box=None, pad_edge=False, header_style="bold")
        for column in ("time", "site", "key", "source", "message"):
            table.add_column(column)
        count = 0
        for event in limited:
            count += 1
            table.add_row(
                local_time(iso(event.time_ms)),
                Text(clean(event.site)),
                Text(event.key),
                Text(event.source),
                Text(clean(event.text("msg") or "")),
            )
        print_table(table)
        out.print(f"{count:,} event(s)")
    finally:
        store.close()
    return 0
