"""``unifi-scanner report``: analyse what the store holds for a period, write reports."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from unifi_scanner.commands.output import print_paths, print_summary, settings_from
from unifi_scanner.config import ConfigError
from unifi_scanner.report import ControllerInfo
from unifi_scanner.service import wall_ms
from unifi_scanner.site_report import read_previous_report, report_site, write_report_files
from unifi_scanner.store import SQLiteStore, StoreError


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.-]+", "-", text.split("://")[-1]).strip("-") or "controller"


async def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    if not settings.store.exists():
        raise StoreError(
            f"no event store at {settings.store}: run 'unifi-scanner collect' first "
            "(or set UNIFI_STORE)"
        )
    store = SQLiteStore(settings.store)
    try:
        known = store.sites()
        chosen = [s for s in known if args.site is None or s[1] == args.site]
        if not chosen:
            stored = ", ".join(sorted({s[1] for s in known})) or "none yet"
            raise ConfigError(
                [f"report: no events stored for site {args.site!r} (sites in the store: {stored})"]
            )
        until = wall_ms() + 1
        since = until - int(args.since * 1000)
        out_dir: Path = args.out or settings.report_dir
        for controller, site, flavour, version in chosen:
            info = ControllerInfo(url=controller, flavour=flavour, version=version, site=site)
            directory = out_dir if len(chosen) == 1 else out_dir / f"{_slug(controller)}-{site}"
            report = report_site(
                store,
                info,
                since_ms=since,
                until_ms=until,
                thresholds=settings.analysis_thresholds(),
                previous=read_previous_report(directory),
                timezone=settings.timezone,
            )
            print_summary(report)
            print_paths(write_report_files(report, directory))
    finally:
        store.close()
    return 0
