"""Soak: does `unifi-scanner serve` keep a flat memory profile on a busy site for a long run?

Starts the emulator (`large-site`: 240 APs, 5,640 clients, ~60 events per scenario second) in
this process at `--speed` (default 10: ~600 events/s, ten times a real campus), runs
`unifi-scanner serve` against it as a subprocess — over HTTPS verified against the emulator's
certificate, exactly as against a console — and for `--minutes` samples the subprocess's
resident memory (VmRSS from /proc/<pid>/status) every `--interval` seconds, together with the
events in its store, and fetches `/metrics` and `/healthz` as a monitor would (the endpoints
are part of what is soaked). It prints a line every `--print-every` seconds, and at the end:

- RSS at start, at the end and its maximum;
- per minute, the highest and the lowest RSS;
- over the second half of the run (the first half is warm-up: caches, the inventory,
  SQLite's page cache fill up), the least-squares slope of RSS in MB/hour, and the slope of
  its floor (per-minute minima, Theil–Sen: see ``floor_trend``), each with a 95 % interval;
- events pushed by the emulator and events stored;
- a verdict on the floor's slope: FLAT (at most `--max-slope`), GROWING (even the
  interval's lower end is above it), else INCONCLUSIVE (run longer). Exit status 0 only
  for FLAT with the service still running until it was told to stop, and exiting 0 on
  SIGTERM.

    .venv/bin/python bench/soak.py                  # 30 minutes, the issue's figure
    .venv/bin/python bench/soak.py --minutes 5 --csv soak.csv

The timeline is generated up front (about 1 kB and 0.2 ms per event in this process; 30 min
at speed 10 is ~1.1 million events), so expect a minute of preparation for the long run.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import secrets
import signal
import socket
import sqlite3
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from unifi_scanner.emulator import Emulator, EmulatorConfig

#: Student's t for a 95 % two-sided interval is close enough to 2 for the sample counts here
#: (a 5-minute run at 5 s intervals has 30 points in its second half).
T95 = 2.0


@dataclass(frozen=True)
class Sample:
    """One observation of the service."""

    elapsed_s: float
    rss_mb: float
    anon_mb: float
    stored: int
    health: str


@dataclass(frozen=True)
class Trend:
    """A least-squares line through (hours, MB) points."""

    slope_mb_h: float
    stderr_mb_h: float
    points: int


def rss_mb(pid: int, field: str = "VmRSS") -> float | None:
    """A memory figure of ``pid`` from /proc/<pid>/status in MB (None once it is gone).

    ``VmRSS`` is what the issue asks for; ``RssAnon`` is its heap part (without mapped files
    such as shared libraries), the one a leak would raise.
    """
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024  # the kernel reports kB
    return None


def stored_events(path: Path) -> int:
    """Rows in the store's events table, read-only (0 before the store exists)."""
    if not path.exists():
        return 0
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
        try:
            return int(db.execute("SELECT count(*) FROM events").fetchone()[0])
        finally:
            db.close()
    except sqlite3.Error:
        return 0  # created but not yet migrated, or busy: the next sample counts


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def probe_health(port: int) -> str:
    """GET /healthz and /metrics as a monitor would: ``ok``, ``degraded`` or ``down``.

    The endpoints are part of the service being soaked: a leak per request shows up too.
    """
    base = f"http://127.0.0.1:{port}"  # always http on loopback: no scheme to audit
    try:
        with urllib.request.urlopen(f"{base}/metrics", timeout=10) as page:  # noqa: S310
            page.read()
        with urllib.request.urlopen(f"{base}/healthz", timeout=10) as page:  # noqa: S310
            page.read()
        return "ok"
    except urllib.error.HTTPError as exc:
        return "degraded" if exc.code == 503 else "down"
    except OSError:
        return "down"


def trend(samples: list[Sample]) -> Trend | None:
    """Least-squares slope of RSS over time in MB/hour, with its standard error."""
    n = len(samples)
    if n < 3:
        return None
    xs = [s.elapsed_s / 3600 for s in samples]
    ys = [s.rss_mb for s in samples]
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    if sxx == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sxx
    intercept = mean_y - slope * mean_x
    residual = sum((y - (intercept + slope * x)) ** 2 for x, y in zip(xs, ys, strict=True))
    stderr = math.sqrt(residual / (n - 2) / sxx)
    return Trend(slope, stderr, n)


def floor_trend(samples: list[Sample]) -> Trend | None:
    """Theil–Sen slope (MB/hour) of the per-minute minimum RSS, with Sen's 95 % interval
    given as ``stderr_mb_h`` = half its width / T95.

    RSS swings by tens of MB within each minute by design: freed memory stays with the
    allocator until the service's once-a-minute ``malloc_trim``. A leak raises the floor
    that each minute comes back to, so the floor is what is judged; the median of pairwise
    slopes ignores the odd minute spent in a burst (a reconnect's back-fill).
    """
    floors: dict[int, float] = {}
    for s in samples:
        minute = int(s.elapsed_s // 60)
        floors[minute] = min(floors.get(minute, math.inf), s.rss_mb)
    points = [(minute / 60, mb) for minute, mb in sorted(floors.items())]
    n = len(points)
    if n < 4:
        return None
    slopes = sorted(
        (y2 - y1) / (x2 - x1) for i, (x1, y1) in enumerate(points) for x2, y2 in points[i + 1 :]
    )
    count = len(slopes)
    median = (slopes[(count - 1) // 2] + slopes[count // 2]) / 2
    spread = 1.96 * math.sqrt(n * (n - 1) * (2 * n + 5) / 18)
    low = slopes[max(0, int((count - spread) / 2))]
    high = slopes[min(count - 1, int((count + spread) / 2))]
    return Trend(median, max(median - low, high - median) / T95, n)


def verdict(line: Trend | None, max_slope: float) -> str:
    """FLAT, GROWING or INCONCLUSIVE, judged against ``max_slope`` MB/hour."""
    if line is None:
        return "INCONCLUSIVE"
    if line.slope_mb_h <= max_slope:
        return "FLAT"
    if line.slope_mb_h - T95 * line.stderr_mb_h > max_slope:
        return "GROWING"
    return "INCONCLUSIVE"


def service_env(
    emulator: Emulator, password: str, workdir: Path, extra: list[str]
) -> dict[str, str]:
    """The service's environment: this one without UNIFI_*, the emulator's coordinates, and
    ``extra`` settings given as ``name=value`` (``rest_poll_interval=0`` → UNIFI_REST_POLL_…)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNIFI_")}
    env.update(
        UNIFI_HOST="127.0.0.1",
        UNIFI_PORT=str(emulator.port),
        UNIFI_USERNAME="admin",
        UNIFI_PASSWORD=password,
        UNIFI_CA_FILE=str(emulator.ca_file),
        UNIFI_STORE=str(workdir / "events.db"),
        UNIFI_REPORT_DIR=str(workdir / "reports"),
        # A free port: several soaks (or a running service) on one machine must not collide.
        UNIFI_HEALTH_PORT=str(free_port()),
    )
    for item in extra:
        name, _, value = item.partition("=")
        env[f"UNIFI_{name.strip().upper()}"] = value
    return env


async def soak(args: argparse.Namespace, workdir: Path) -> int:
    """Run the soak; returns the exit status."""
    run_s = args.minutes * 60
    # The timeline must outlast the run, or the last minutes would measure an idle service.
    scenario_s = (run_s + 120) * args.speed
    password = secrets.token_urlsafe(12)
    config = EmulatorConfig(
        scenario="large-site",
        speed=args.speed,
        duration=scenario_s,
        password=password,
        wait_for_client=True,
        # A service that logs in again after a drop is normal; the emulator's login rate limit
        # is a brute-force guard, not something to soak.
        login_success_limit=None,
    )
    print(f"building the large-site timeline: {scenario_s:,.0f} scenario seconds …", flush=True)
    started = time.monotonic()
    async with Emulator(config) as emulator:
        print(
            f"emulator on {emulator.url}: {emulator.events_total:,} events "
            f"(built in {time.monotonic() - started:.0f} s); speed {args.speed:g}",
            flush=True,
        )
        store = workdir / "events.db"
        log_path = workdir / "serve.log"
        env = service_env(emulator, password, workdir, args.set)
        port = int(env["UNIFI_HEALTH_PORT"])
        with log_path.open("wb") as log:
            service = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "unifi_scanner",
                args.command,
                env=env,
                stdout=log,
                stderr=log,
            )
            samples, died = await _sample(service, store, port, args)
            code = await _stop(service)
        pushed = len(emulator.sent)
    final = await asyncio.to_thread(stored_events, store)  # after the flush on SIGTERM
    return _summary(args, samples, died, code, (pushed, final), log_path)


async def _sample(
    service: asyncio.subprocess.Process, store: Path, port: int, args: argparse.Namespace
) -> tuple[list[Sample], bool]:
    """Sample until the run's end; True as second item when the service died on its own."""
    samples: list[Sample] = []
    # The clock starts with the first stored event: start-up (imports, login, the first
    # multi-megabyte sta:sync) is not part of the profile being judged.
    deadline = time.monotonic() + 120
    while stored_events(store) == 0:
        if service.returncode is not None or time.monotonic() > deadline:
            return samples, True  # dead, or alive but storing nothing: either way, no soak
        await asyncio.sleep(0.5)
    began = time.monotonic()
    next_print = 0.0
    print(f"{'elapsed':>8} {'RSS MB':>8} {'stored':>11} {'events/s':>9}  health", flush=True)
    while (elapsed := time.monotonic() - began) <= args.minutes * 60:
        rss = rss_mb(service.pid)
        if rss is None or service.returncode is not None:
            return samples, True
        stored = await asyncio.to_thread(stored_events, store)
        health = await asyncio.to_thread(probe_health, port) if port else "off"
        anon = rss_mb(service.pid, "RssAnon") or 0.0
        samples.append(Sample(elapsed, rss, anon, stored, health))
        if elapsed >= next_print:
            rate = _rate(samples)
            line = f"{elapsed:>7.0f}s {rss:>8.1f} {stored:>11,} {rate:>9,.0f}  {health}"
            print(line, flush=True)
            next_print += args.print_every
        # Samples stay on a fixed grid however long the count took.
        until_next = began + len(samples) * args.interval - time.monotonic()
        try:
            await asyncio.wait_for(service.wait(), max(until_next, 0.0))
        except TimeoutError:
            continue
        return samples, True
    return samples, False


def _rate(samples: list[Sample]) -> float:
    """Events stored per second over the last minute of samples."""
    recent = [s for s in samples if s.elapsed_s >= samples[-1].elapsed_s - 60]
    span = recent[-1].elapsed_s - recent[0].elapsed_s
    return (recent[-1].stored - recent[0].stored) / span if span > 0 else 0.0


async def _stop(service: asyncio.subprocess.Process) -> int:
    """SIGTERM, as systemd and Docker stop it; SIGKILL after 30 s (reported as a failure)."""
    if service.returncode is not None:
        return service.returncode
    service.send_signal(signal.SIGTERM)
    try:
        return await asyncio.wait_for(service.wait(), 30)
    except TimeoutError:
        service.kill()
        await service.wait()
        return -int(signal.SIGKILL)


def _summary(
    args: argparse.Namespace,
    samples: list[Sample],
    died: bool,
    code: int,
    counts: tuple[int, int],
    log_path: Path,
) -> int:
    """Print the figures and the verdict; the exit status."""
    if args.csv is not None:
        with args.csv.open("w") as csv:
            csv.write("elapsed_s,rss_mb,anon_mb,stored,health\n")
            for s in samples:
                csv.write(
                    f"{s.elapsed_s:.1f},{s.rss_mb:.2f},{s.anon_mb:.2f},{s.stored},{s.health}\n"
                )
    if not samples:
        print(f"the service never ran; its log ({log_path}):\n{_tail(log_path)}")
        return 1
    half = samples[-1].elapsed_s / 2
    second_half = [s for s in samples if s.elapsed_s >= half]
    line = trend(second_half)
    floor = floor_trend(second_half)
    result = verdict(floor, args.max_slope)
    rss = [s.rss_mb for s in samples]
    print()
    print(f"samples     {len(samples)} over {samples[-1].elapsed_s / 60:.1f} min")
    print(f"RSS         start {rss[0]:.1f} MB, end {rss[-1]:.1f} MB, max {max(rss):.1f} MB")
    anon = [s.anon_mb for s in samples]
    print(f"RssAnon     start {anon[0]:.1f} MB, end {anon[-1]:.1f} MB, max {max(anon):.1f} MB")
    # Growth in steps (each multi-megabyte sta:sync raises the allocator's high-water mark)
    # reads better as per-minute maxima than as a line through them.
    minutes: dict[int, float] = {}
    for s in samples:
        minutes[int(s.elapsed_s // 60)] = max(minutes.get(int(s.elapsed_s // 60), 0.0), s.rss_mb)
    floors: dict[int, float] = {}
    for s in samples:
        floors[int(s.elapsed_s // 60)] = min(floors.get(int(s.elapsed_s // 60), 1e9), s.rss_mb)
    print("per minute  max RSS " + " ".join(f"{mb:.0f}" for mb in minutes.values()) + " MB")
    print("per minute  min RSS " + " ".join(f"{mb:.0f}" for mb in floors.values()) + " MB")
    if line is not None:
        print(
            f"slope       {line.slope_mb_h:+.1f} MB/h over the second half "
            f"(±{T95 * line.stderr_mb_h:.1f} MB/h, 95 %; {line.points} samples, least squares)"
        )
    if floor is not None:
        print(
            f"floor       {floor.slope_mb_h:+.1f} MB/h over the second half "
            f"(±{T95 * floor.stderr_mb_h:.1f} MB/h, 95 %; {floor.points} per-minute minima, "
            "Theil–Sen): the verdict's figure"
        )
    pushed, stored = counts
    print(f"events      pushed {pushed:,} over the socket, {stored:,} in the store at exit")
    states = Counter(s.health for s in samples)
    print("/healthz    " + ", ".join(f"{count} {state}" for state, count in states.items()))
    print(f"exit        {code} on SIGTERM" if not died else f"exit        died with {code}")
    ok = result == "FLAT" and not died and code == 0
    if died or code != 0:
        print(f"service log ({log_path}), last lines:\n{_tail(log_path)}")
    print(f"verdict     {result} (limit {args.max_slope:g} MB/h){'' if ok else ' — FAILED'}")
    return 0 if ok else 1


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    parser.add_argument("--minutes", type=float, default=30.0, help="length of the run (30)")
    parser.add_argument("--speed", type=float, default=10.0, help="scenario speed (10)")
    parser.add_argument("--interval", type=float, default=5.0, help="seconds between samples")
    parser.add_argument("--print-every", type=float, default=60.0, help="seconds between lines")
    parser.add_argument(
        "--max-slope", type=float, default=10.0, help="MB/hour still called flat (10)"
    )
    parser.add_argument("--command", default="serve", help="the subcommand to soak (serve)")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a setting for the service, e.g. rest_poll_interval=0 (repeatable)",
    )
    parser.add_argument("--workdir", type=Path, help="store, reports and log (default: temp)")
    parser.add_argument("--csv", type=Path, help="write every sample to this CSV file")
    args = parser.parse_args()
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
        return asyncio.run(soak(args, args.workdir))
    with tempfile.TemporaryDirectory(prefix="unifi-soak-") as tmp:
        return asyncio.run(soak(args, Path(tmp)))


if __name__ == "__main__":
    sys.exit(main())
