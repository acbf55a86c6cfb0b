"""The `emulator` sub-command: run an emulated controller until SIGINT/SIGTERM.

The main CLI registers it with `add_arguments(subparser)` and runs `await run(args)`. The first
line printed is exactly `emulator listening on <url>` (flushed), so that scripts and tests can
wait for it and read the port; details (CA file, fingerprint, scenario) follow.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
from typing import TextIO

from unifi_scanner.emulator.config import DEFAULT_PASSWORD, EmulatorConfig
from unifi_scanner.emulator.emulator import Emulator
from unifi_scanner.emulator.scenarios import SCENARIOS

PASSWORD_ENV = "UNIFI_EMULATOR_PASSWORD"  # noqa: S105 - a variable name, not a secret


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the emulator's options to `parser`."""
    defaults = EmulatorConfig()
    parser.add_argument("--host", default=defaults.host, help="address to bind (%(default)s)")
    parser.add_argument(
        "--port", type=int, default=0, help="port to bind; 0 picks a free port (default)"
    )
    parser.add_argument(
        "--plain-http", action="store_true", help="serve plain HTTP instead of HTTPS (debugging)"
    )
    parser.add_argument(
        "--scenario",
        default=defaults.scenario,
        choices=sorted(SCENARIOS),
        help="scenario to play (%(default)s)",
    )
    parser.add_argument("--seed", type=int, default=defaults.seed, help="scenario seed")
    parser.add_argument(
        "--speed",
        type=float,
        default=defaults.speed,
        help="scenario seconds per wall second (%(default)s)",
    )
    parser.add_argument("--username", default=defaults.username, help="admin username")
    parser.add_argument(
        "--password",
        default=None,
        help=f"admin password (default: ${PASSWORD_ENV}, else a built-in one)",
    )
    parser.add_argument(
        "--network-version",
        default=defaults.network_version,
        help="UniFi Network version to emulate (%(default)s)",
    )
    parser.add_argument(
        "--wait-for-client",
        action="store_true",
        help="start the scenario clock when the first event WebSocket connects",
    )
    parser.add_argument(
        "--end-at-now",
        action="store_true",
        help="place the timeline so that it ends when playback finishes",
    )
    parser.add_argument("--list-scenarios", action="store_true", help="list the scenarios and exit")


def config_from(args: argparse.Namespace) -> EmulatorConfig:
    """Build the configuration from parsed arguments (password: option, env, default)."""
    password = args.password or os.environ.get(PASSWORD_ENV) or DEFAULT_PASSWORD
    return EmulatorConfig(
        scenario=args.scenario,
        seed=args.seed,
        speed=args.speed,
        username=args.username,
        password=password,
        host=args.host,
        port=args.port,
        plain_http=args.plain_http,
        wait_for_client=args.wait_for_client,
        end_at_now=args.end_at_now,
        network_version=args.network_version,
    )


def _password_source(args: argparse.Namespace) -> str:
    """Where the password came from; only the public built-in default is ever shown."""
    if args.password:
        return "password from --password"
    if os.environ.get(PASSWORD_ENV):
        return f"password from ${PASSWORD_ENV}"
    return f"built-in password {DEFAULT_PASSWORD!r}"


def _print(line: str, out: TextIO) -> None:
    print(line, file=out, flush=True)


async def run(args: argparse.Namespace, *, out: TextIO | None = None) -> int:
    """Run the emulator until SIGINT or SIGTERM; return the exit status."""
    stream = out or sys.stdout
    if args.list_scenarios:
        for name in sorted(SCENARIOS):
            _print(f"{name}: {SCENARIOS[name].description}", stream)
        return 0
    try:
        config = config_from(args)
    except ValueError as exc:
        print(f"emulator: {exc}", file=sys.stderr)
        return 2
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    installed = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # e.g. Windows, threads
            loop.add_signal_handler(signum, stop.set)
            installed.append(signum)
    emulator = Emulator(config)
    try:
        try:
            await emulator.start()
        except OSError as exc:  # typically: the port is taken or the address is not ours
            print(f"emulator: cannot listen on {config.host}:{config.port}: {exc}", file=sys.stderr)
            return 1
        _announce(emulator, args, stream)
        await stop.wait()
    finally:
        await emulator.stop()
        for signum in installed:
            loop.remove_signal_handler(signum)
    return 0


def _announce(emulator: Emulator, args: argparse.Namespace, out: TextIO) -> None:
    """The start-up banner; its first line is the contract `emulator listening on <url>`."""
    config = emulator.config
    _print(f"emulator listening on {emulator.url}", out)
    if not config.plain_http:
        _print(f"ca file: {emulator.ca_file}", out)
        _print(f"certificate sha256: {emulator.certificate_fingerprint}", out)
    duration_h = (config.duration or SCENARIOS[config.scenario].duration_s) / 3600
    _print(
        f"scenario: {config.scenario} (seed {config.seed}, {emulator.events_total} events "
        f"over {duration_h:g} h, speed {config.speed:g})",
        out,
    )
    _print(f"login: {config.username} / {_password_source(args)}", out)
