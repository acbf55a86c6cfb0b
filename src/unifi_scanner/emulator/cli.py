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

from unifi_scanner.emulator.config import DEFAULT_PASSWORD, FLAVOURS, EmulatorConfig
from unifi_scanner.emulator.emulator import Emulator
from unifi_scanner.emulator.faults import CATALOGUE as FAULTS
from unifi_scanner.emulator.faults import ScheduledFault
from unifi_scanner.emulator.scenarios import SCENARIOS
from unifi_scanner.emulator.variants import Variants

PASSWORD_ENV = "UNIFI_EMULATOR_PASSWORD"  # noqa: S105 - a variable name, not a secret
API_KEY_ENV = "UNIFI_EMULATOR_API_KEY"
TOTP_ENV = "UNIFI_EMULATOR_TOTP_SECRET"


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
    parser.add_argument(
        "--flavour",
        default=defaults.flavour,
        choices=FLAVOURS,
        help="controller kind: a UniFi OS console or a classic self-hosted one (%(default)s)",
    )
    parser.add_argument(
        "--duration", type=float, default=None, help="scenario seconds to play (cuts or extends)"
    )
    parser.add_argument(
        "--session-lifetime",
        type=float,
        default=defaults.session_lifetime,
        help="seconds a session lives after its last renewal (%(default)s)",
    )
    parser.add_argument(
        "--api-key",
        action="append",
        default=None,
        help=f"accept this X-API-Key (UniFi OS; repeatable; also ${API_KEY_ENV})",
    )
    parser.add_argument(
        "--totp-secret",
        default=None,
        help=f"base32 TOTP secret: logins need a second factor (also ${TOTP_ENV})",
    )
    parser.add_argument(
        "--login-failure-limit",
        type=_limit,
        default=defaults.login_failure_limit,
        help="failed logins per peer and window before 429; 0 for none (%(default)s)",
    )
    parser.add_argument(
        "--login-success-limit",
        type=_limit,
        default=defaults.login_success_limit,
        help="successful logins per peer and window before 429; 0 for none (%(default)s)",
    )
    parser.add_argument(
        "--login-window",
        type=float,
        default=defaults.login_window,
        help="seconds over which logins are counted (%(default)s)",
    )
    parser.add_argument(
        "--no-websocket-compression",
        action="store_true",
        help="refuse permessage-deflate on the event WebSocket",
    )
    parser.add_argument(
        "--device-update-interval",
        type=float,
        default=defaults.device_update_interval,
        help="scenario seconds between device:update rounds; 0 for none (%(default)s)",
    )
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="AT:NAME[:K=V,…]",
        help="inject fault NAME when the scenario reaches AT seconds (repeatable), "
        "e.g. 600:close-websockets:code=1011",
    )
    parser.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="pick the other side of an unconfirmed behaviour (repeatable), "
        "e.g. alarms_gone_status=400; see docs/emulator.md",
    )
    parser.add_argument("--list-scenarios", action="store_true", help="list the scenarios and exit")
    parser.add_argument("--list-faults", action="store_true", help="list the faults and exit")


def _limit(text: str) -> int | None:
    """A login limit: a positive count, or 0 for no limit."""
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a count ≥ 0, got {text!r}")
    return value or None


def config_from(args: argparse.Namespace) -> EmulatorConfig:
    """Build the configuration from parsed arguments (secrets: option, then environment).

    Raises ValueError with a one-line reason for values that do not fit together.
    """
    password = args.password or os.environ.get(PASSWORD_ENV) or DEFAULT_PASSWORD
    api_keys = args.api_key or ([os.environ[API_KEY_ENV]] if os.environ.get(API_KEY_ENV) else [])
    interval = args.device_update_interval
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
        flavour=args.flavour,
        duration=args.duration,
        session_lifetime=args.session_lifetime,
        api_keys=tuple(api_keys),
        totp_secret=args.totp_secret or os.environ.get(TOTP_ENV) or None,
        login_failure_limit=args.login_failure_limit,
        login_success_limit=args.login_success_limit,
        login_window=args.login_window,
        websocket_compression=not args.no_websocket_compression,
        device_update_interval=interval if interval else None,
        faults=tuple(ScheduledFault.parse(text) for text in args.fault),
        variants=Variants.parse(args.variant),
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
    if args.list_faults:
        for kind in FAULTS.values():
            params = ", ".join(param.name for param in kind.params) or "no parameters"
            _print(f"{kind.name}: {kind.summary} ({params})", stream)
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
    kind = "classic controller" if config.flavour == "classic" else "UniFi OS console"
    _print(f"controller: {kind}, UniFi Network {config.network_version}", out)
    _print(
        f"scenario: {config.scenario} (seed {config.seed}, {emulator.events_total} events "
        f"over {duration_h:g} h, speed {config.speed:g})",
        out,
    )
    second = ", second factor required" if config.totp_secret else ""
    keys = f", {len(config.api_keys)} API key(s)" if config.api_keys else ""
    _print(f"login: {config.username} / {_password_source(args)}{second}{keys}", out)
