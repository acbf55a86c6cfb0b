"""Fixtures shared by the whole suite: emulated UniFi controllers on loopback.

- `make_emulator`: async factory, `emu = await make_emulator(scenario="steady", speed=60.0)`,
  accepting any `EmulatorConfig` field; every emulator it starts is stopped at teardown.
- `emulator`: a started `demo` emulator whose 24 h day plays in about 3 s, with the clock
  waiting for the first event WebSocket and the timeline ending at the present moment.

Everything binds 127.0.0.1 on a free port, serves HTTPS with a fresh self-signed certificate
(trust it with `ssl.create_default_context(cafile=emu.ca_file)`) and stops by itself.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from unifi_scanner.emulator import Emulator, EmulatorConfig

DEMO_DAY_WALL_SECONDS = 3.0
DEMO_SPEED = 86_400 / DEMO_DAY_WALL_SECONDS

MakeEmulator = Callable[..., Awaitable[Emulator]]


@pytest.fixture
async def make_emulator() -> AsyncIterator[MakeEmulator]:
    """Factory of started emulators (keyword arguments are `EmulatorConfig` fields)."""
    started: list[Emulator] = []

    async def factory(**overrides: Any) -> Emulator:
        overrides.setdefault("host", "127.0.0.1")
        overrides.setdefault("port", 0)
        emulator = Emulator(EmulatorConfig(**overrides))
        await emulator.start()
        started.append(emulator)
        return emulator

    yield factory
    for emulator in reversed(started):
        await emulator.stop()


@pytest.fixture
async def emulator(make_emulator: MakeEmulator) -> Emulator:
    """A started demo emulator: a day in ~3 s, clock starts on the first event WebSocket."""
    return await make_emulator(
        scenario="demo",
        speed=DEMO_SPEED,
        wait_for_client=True,
        end_at_now=True,
        push_interval=0.05,
    )


@pytest.fixture
def no_unifi_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No ``UNIFI_*`` variable of the machine running the tests leaks into a Settings()."""
    for name in list(os.environ):
        if name.startswith("UNIFI_"):
            monkeypatch.delenv(name)
    return monkeypatch
