"""The `emulator` sub-command seam (`add_arguments` / `run`), in a real child process."""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import re
import signal
import ssl
import sys
from pathlib import Path

import httpx
import pytest

from unifi_scanner.emulator import SCENARIOS, cli

from .emulator_support import MakeEmulator

# The main CLI is not ours to wire: drive the seam the way it will.
RUNNER = (
    "import argparse, asyncio, sys\n"
    "from unifi_scanner.emulator import cli\n"
    "parser = argparse.ArgumentParser()\n"
    "cli.add_arguments(parser)\n"
    "sys.exit(asyncio.run(cli.run(parser.parse_args(sys.argv[1:]))))\n"
)


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
async def test_runs_until_signalled_and_prints_the_url_first(stop_signal: signal.Signals) -> None:
    env = {**os.environ, "UNIFI_EMULATOR_PASSWORD": "from-env"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", RUNNER, "--scenario", "steady", "--speed", "60",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env,
    )  # fmt: skip
    assert process.stdout is not None
    try:
        first = (await asyncio.wait_for(process.stdout.readline(), 20)).decode()
        match = re.fullmatch(r"emulator listening on (https://127\.0\.0\.1:\d+)\n", first)
        assert match, first
        details = [(await process.stdout.readline()).decode() for _ in range(4)]
        ca_file = Path(details[0].removeprefix("ca file: ").strip())
        assert "from-env" not in "".join(details)
        context = ssl.create_default_context(cafile=str(ca_file))
        async with httpx.AsyncClient(base_url=match.group(1), verify=context) as client:
            login = await client.post(
                "/api/auth/login", json={"username": "admin", "password": "from-env"}
            )
            assert login.status_code == 200
    finally:
        process.send_signal(stop_signal)
        code = await asyncio.wait_for(process.wait(), 20)
    assert code == 0
    assert not await asyncio.to_thread(ca_file.exists)


async def test_list_scenarios() -> None:
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    out = io.StringIO()
    assert await cli.run(parser.parse_args(["--list-scenarios"]), out=out) == 0
    lines = out.getvalue().splitlines()
    assert lines == [f"{name}: {SCENARIOS[name].description}" for name in sorted(SCENARIOS)]


def test_options_map_to_the_configuration() -> None:
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    args = parser.parse_args(
        ["--plain-http", "--port", "8443", "--seed", "5", "--network-version", "9.5.21",
         "--wait-for-client", "--password", "pw"]
    )  # fmt: skip
    config = cli.config_from(args)
    assert (config.plain_http, config.port, config.seed) == (True, 8443, 5)
    assert config.network_version == "9.5.21"
    assert config.wait_for_client
    assert config.password == "pw"


async def test_a_taken_port_is_reported(
    make_emulator: MakeEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    running = await make_emulator(scenario="steady")
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    args = parser.parse_args(["--scenario", "steady", "--port", str(running.port)])
    assert await cli.run(args, out=io.StringIO()) == 1
    assert "cannot listen on 127.0.0.1" in capsys.readouterr().err
