"""``unifi-scanner store stats``: what the store holds and how big it is."""

from __future__ import annotations

import argparse

from rich.table import Table
from rich.text import Text

from unifi_scanner.analyze.text import duration
from unifi_scanner.commands.output import print_table, settings_from
from unifi_scanner.report.model import iso
from unifi_scanner.report.render import clean, local_time
from unifi_scanner.store import SQLiteStore, StoreError


async def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    path = settings.store
    if not path.exists():
        raise StoreError(f"no event store at {path} (set UNIFI_STORE)")
    store = SQLiteStore(path)
    try:
        on_disk = sum(
            p.stat().st_size for p in (path, path.with_name(path.name + "-wal")) if p.exists()
        )
        table = Table(box=None, pad_edge=False, show_header=False)
        table.add_column()
        table.add_column()
        table.add_row("store", Text(str(path)))
        table.add_row(
            "size on disk", f"{on_disk / 1e6:,.1f} MB (budget {settings.store_max_mb:,} MB)"
        )
        table.add_row("events", f"{store.count_events():,}")
        span = store.time_range()
        if span is not None:
            table.add_row("oldest event", local_time(iso(span[0])))
            table.add_row("newest event", local_time(iso(span[1])))
        for controller, site, flavour, version in store.sites():
            count = store.count_events(site=site, controller=controller)
            table.add_row(
                Text(f"  {clean(site)}"),
                Text(f"{count:,} events from {clean(controller)} ({flavour}, Network {version})"),
            )
        gaps = store.gaps()
        missing = sum(g.end_ms - g.start_ms for g in gaps) / 1000
        table.add_row("gaps", f"{len(gaps)} (no socket for {duration(missing)} in total)")
        for kind in ("devices", "clients"):
            snapshots = sum(1 for _ in store.iter_snapshots(kind))
            table.add_row(f"{kind[:-1]} snapshots", f"{snapshots:,}")
        table.add_row("pinned certificates", str(len(store.pins())))
        print_table(table)
    finally:
        store.close()
    return 0
