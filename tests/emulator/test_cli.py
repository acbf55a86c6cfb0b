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

from unifi_scanner.emulator import FAULTS, SCENARIOS, cli

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
        sys.executable, "-c", RUNNER, "--scenario", "home-evening", "--speed", "60",
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


async def test_list_faults() -> None:
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    out = io.StringIO()
    assert await cli.run(parser.parse_args(["--list-faults"]), out=out) == 0
    lines = out.getvalue().splitlines()
    assert [line.split(":", 1)[0] for line in lines] == list(FAULTS)
    assert "close-websockets: " in out.getvalue()
    assert "(code, reason, site)" in out.getvalue()


def test_issue_example_and_every_new_option() -> None:
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    args = parser.parse_args(
        ["--flavour", "classic", "--network-version", "9.3.45", "--scenario", "office-day",
         "--speed", "1", "--port", "8443", "--username", "admin", "--password", "pw",
         "--totp-secret", "JBSWY3DPEHPK3PXP", "--session-lifetime", "120",
         "--login-failure-limit", "0", "--login-success-limit", "7", "--login-window", "30",
         "--no-websocket-compression", "--device-update-interval", "0", "--duration", "3600",
         "--fault", "600:close-websockets:code=1011", "--fault", "900:restart:seconds=2",
         "--variant", "alarms_gone_status=400", "--variant", "data-first-share=0"]
    )  # fmt: skip
    config = cli.config_from(args)
    assert (config.flavour, config.network_version, config.scenario) == (
        "classic",
        "9.3.45",
        "office-day",
    )
    assert (config.port, config.speed, config.duration) == (8443, 1.0, 3600.0)
    assert config.totp_secret == "JBSWY3DPEHPK3PXP"
    assert config.session_lifetime == 120.0
    assert (config.login_failure_limit, config.login_success_limit) == (None, 7)
    assert config.login_window == 30.0
    assert config.websocket_compression is False
    assert config.device_update_interval is None
    assert [(f.at_s, f.fault.name) for f in config.faults] == [
        (600.0, "close-websockets"), (900.0, "restart")
    ]  # fmt: skip
    assert config.variants.alarms_gone_status == 400
    assert config.variants.data_first_share == 0.0


def test_bad_combinations_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    for argv in (["--flavour", "classic", "--api-key", "k"], ["--variant", "colour=red"],
                 ["--fault", "later:restart"]):  # fmt: skip
        assert asyncio.run(cli.run(parser.parse_args(argv), out=io.StringIO())) == 2
        assert capsys.readouterr().err.startswith("emulator: ")


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
