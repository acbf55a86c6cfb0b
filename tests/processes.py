"""The scanner as a user runs it: a separate process, configured by environment variables."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from unifi_scanner.emulator import Emulator


def env_without_unifi() -> dict[str, str]:
    """This process's environment minus every ``UNIFI_*`` setting (the test sets its own)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("UNIFI_")}


def scanner_env(emulator: Emulator, store: Path, *, password: str) -> dict[str, str]:
    """Settings for following ``emulator`` (trusting its certificate) into ``store``."""
    return env_without_unifi() | {
        "UNIFI_HOST": "127.0.0.1",
        "UNIFI_PORT": str(emulator.port),
        "UNIFI_USERNAME": "admin",
        "UNIFI_PASSWORD": password,
        "UNIFI_CA_FILE": str(emulator.ca_file),
        "UNIFI_STORE": str(store),
    }


async def start_scanner(
    command: str, *args: str, env: dict[str, str], stdout: int = asyncio.subprocess.DEVNULL
) -> asyncio.subprocess.Process:
    """``python -m unifi_scanner COMMAND ARGS…``; stderr is kept for the assertion messages."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "unifi_scanner",
        command,
        *args,
        env=env,
        stdout=stdout,
        stderr=asyncio.subprocess.PIPE,
    )
