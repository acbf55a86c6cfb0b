"""Zero-loss acceptance, repeated: kill -9 the scanner at a random moment, restart it, count.

Each round starts an emulator (``steady`` at ``--speed``, a UniFi OS console on Network
10.3, whose v2 system log lets the scanner back-fill), runs ``unifi-scanner collect`` as a
separate process, SIGKILLs it after a random 1–6 s, leaves the controller talking to nobody
for a moment, and starts the scanner again for a few seconds. Then it checks, against the
emulator's own records:

- committed: every event the socket sent up to (kill time − commit window) is in the store;
- recovered: every timeline event of the stored span is in the store exactly once — those
  sent while the scanner was dead come from the back-fill of the restart gap.

    .venv/bin/python bench/zero_loss.py --rounds 5
"""

from __future__ import annotations

import argparse
import asyncio
import random
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.collect.ledger import assert_every_event_stored_once
from tests.processes import scanner_env

from unifi_scanner.emulator import Emulator, EmulatorConfig
from unifi_scanner.store import SQLiteStore

COMMIT_WINDOW_MS = 250


async def collect(env: dict[str, str], *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "unifi_scanner",
        "collect",
        *args,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


async def one_round(number: int, speed: float, rng: random.Random) -> bool:
    emulator = Emulator(
        EmulatorConfig(host="127.0.0.1", port=0, scenario="steady", speed=speed, password="pw")
    )
    await emulator.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "events.db"
            env = scanner_env(emulator, path, password="pw")
            first = await collect(env)
            await asyncio.sleep(rng.uniform(1.0, 6.0))
            killed_ms = int(time.time() * 1000)
            first.send_signal(signal.SIGKILL)
            await first.wait()
            down = rng.uniform(0.5, 3.0)
            await asyncio.sleep(down)
            second = await collect(env, "--duration", "5s")
            await second.wait()
            store = SQLiteStore(path)
            try:
                stored = set(store.identities())
                due = {
                    r["_id"] for r in emulator.sent if r["sent_at"] < killed_ms - COMMIT_WINDOW_MS
                }
                lost = due - stored
                gaps = store.gaps()
                try:
                    assert_every_event_stored_once(emulator, store)
                    ledger = "every timeline event once"
                except AssertionError as exc:
                    ledger = f"FAILED: {str(exc).splitlines()[0]}"
                recovered = sum(g.recovered for g in gaps)
            finally:
                store.close()
    finally:
        await emulator.stop()
    ok = not lost and ledger.startswith("every")
    print(
        f"round {number}: killed after {len(due):,} sent, down {down:.1f} s; "
        f"lost {len(lost)} of those; restart gap back-filled {recovered} events; {ledger}"
        f" → {'ok' if ok else 'LOSS'}"
    )
    return ok


async def main_async(rounds: int, speed: float, seed: int) -> int:
    rng = random.Random(seed)
    results = [await one_round(n + 1, speed, rng) for n in range(rounds)]
    print(f"{sum(results)}/{rounds} rounds without loss or duplicates")
    return 0 if all(results) else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--speed", type=float, default=600.0)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()
    print(f"seed {args.seed}, steady scenario at speed {args.speed:g}")
    return asyncio.run(main_async(args.rounds, args.speed, args.seed))


if __name__ == "__main__":
    raise SystemExit(main())
