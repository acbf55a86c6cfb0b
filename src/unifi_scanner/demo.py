"""``unifi-scanner demo``: a simulated day from an emulated controller into real reports.

The emulator runs in-process on a free port, but the scanner talks to it exactly as to a
real console: HTTPS verified against the emulator's certificate, login, REST, and the
event WebSocket. The scenario's day is squeezed into a few seconds and ends at the present
moment, so the report covers "the last 24 hours".
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from unifi_scanner.controller import ControllerError, ControllerSession
from unifi_scanner.controller.tls import make_ssl_context
from unifi_scanner.emulator import Emulator, EmulatorConfig
from unifi_scanner.log import get_logger
from unifi_scanner.service import SiteFollower, wall_ms
from unifi_scanner.site_report import report_site, write_report_files
from unifi_scanner.store import BatchWriter, SQLiteStore

log = get_logger(__name__)

DAY_S = 86_400
SITE = "default"


@dataclass(frozen=True, slots=True)
class DemoResult:
    report: dict[str, Any]
    paths: list[Path]
    store_path: Path
    sent: int
    stored: int
    missing: int
    gaps: int


async def run_demo(
    out: Path,
    *,
    seconds: float = 15.0,
    seed: int = 1,
    progress: Callable[[int, int], None] | None = None,
    timezone: str = "UTC",
) -> DemoResult:
    """Play the ``demo`` scenario's day in ``seconds`` and write reports into ``out``.

    ``timezone`` (IANA name) is the zone the report shows its times in.

    ``progress(received, total)`` is called about ten times a second while the day plays.
    """
    store_path = _fresh_store_path(out)
    password = SecretStr(secrets.token_urlsafe(18))
    config = EmulatorConfig(
        scenario="demo",
        seed=seed,
        speed=DAY_S / seconds,
        username="demo-admin",
        password=password.get_secret_value(),
        wait_for_client=True,
        end_at_now=True,
    )
    store = SQLiteStore(store_path)
    try:
        async with Emulator(config) as emulator:
            ssl_context = make_ssl_context(verify=True, ca_file=emulator.ca_file)
            async with (
                ControllerSession(
                    emulator.url,
                    username=config.username,
                    password=password,
                    ssl_context=ssl_context,
                ) as session,
                BatchWriter(store) as writer,
            ):
                follower = SiteFollower(session, SITE, writer, store)
                info = await follower.start()
                await follower.wait_connected(15)
                await _wait_for_day(emulator, follower, progress)
                await follower.stop()
                failure = follower.failure()
                if failure is not None:
                    raise failure
            sent_ids = {record["_id"] for record in emulator.sent}
        stored_ids = set(store.identities())
        until = wall_ms() + 1
        report = report_site(
            store, info, since_ms=until - DAY_S * 1000, until_ms=until, timezone=timezone
        )
        paths = write_report_files(report, out)
        return DemoResult(
            report=report,
            paths=paths,
            store_path=store_path,
            sent=len(sent_ids),
            stored=store.count_events(),
            missing=len(sent_ids - stored_ids),
            gaps=len(store.gaps()),
        )
    finally:
        store.close()


def _fresh_store_path(out: Path) -> Path:
    """Each demo starts from an empty store, so its report covers exactly its own day."""
    out.mkdir(parents=True, exist_ok=True)
    store_path = out / "demo-events.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{store_path}{suffix}").unlink(missing_ok=True)
    return store_path


async def _wait_for_day(
    emulator: Emulator,
    follower: SiteFollower,
    progress: Callable[[int, int], None] | None,
) -> None:
    assert follower.collector is not None
    stats = follower.collector.stats
    finished = asyncio.create_task(emulator.wait_finished())
    # A day that does not finish in three times its planned length is stuck, not slow.
    deadline = asyncio.get_running_loop().time() + 3 * DAY_S / emulator.config.speed + 30
    try:
        while not finished.done():
            if asyncio.get_running_loop().time() > deadline:
                raise ControllerError(
                    "the emulated day did not finish in time; run with --log-level info to "
                    "see what the scanner and the emulator were doing"
                )
            if follower.failure() is not None:
                return
            if progress is not None:
                progress(stats.events, emulator.events_total)
            await asyncio.wait({finished}, timeout=0.1)
        # The last frame left the emulator; give it a moment to arrive and be parsed.
        sent = len(emulator.sent)
        for _ in range(50):
            if stats.events >= sent:
                break
            await asyncio.sleep(0.05)
        if progress is not None:
            progress(stats.events, emulator.events_total)
    finally:
        finished.cancel()
