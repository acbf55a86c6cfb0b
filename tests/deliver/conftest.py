"""Real servers on loopback for the delivery tests: SMTP (aiosmtpd) and a webhook (aiohttp).

- ``smtp``: async factory, ``server = await smtp(mode="starttls", users={"u": "p"})``; each
  server runs in the test's own event loop on 127.0.0.1 and a free port, keeps the messages
  it accepted (``server.messages``), can answer 4xx to the first N messages
  (``server.fail_next``), and is closed at teardown.
- ``webhook``: an aiohttp receiver; ``hook.url("path")`` gives an apprise ``json://`` URL and
  ``hook.received`` what was posted.
- ``report``: a real report document (analysed events) with one severe finding.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import ssl
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from tests.factories import KITCHEN, MINUTE, OFFICE, T0, ap_connected, lost_contact
from unifi_scanner.analyze import analyze
from unifi_scanner.emulator.tls import generate_certificate, server_context, write_files
from unifi_scanner.report import ControllerInfo, build_report


@dataclass
class Tls:
    ca_file: Path
    server: ssl.SSLContext


@pytest.fixture
def tls(tmp_path: Path) -> Tls:
    """A fresh self-signed certificate for 127.0.0.1; clients trust it through ``ca_file``."""
    ca_file, server_file = write_files(generate_certificate(), tmp_path)
    return Tls(ca_file, server_context(server_file))


@dataclass
class SmtpServer:
    host: str
    port: int
    envelopes: list[Envelope] = field(default_factory=list)
    fail_next: int = 0
    logins: list[tuple[str, str]] = field(default_factory=list)
    connections: int = 0

    @property
    def messages(self) -> list[EmailMessage]:
        return [
            email.message_from_bytes(bytes(e.original_content or b""), policy=email.policy.default)  # type: ignore[misc]
            for e in self.envelopes
        ]

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.fail_next > 0:
            self.fail_next -= 1
            return "451 4.3.0 Mail server busy, try again later"
        self.envelopes.append(envelope)
        return "250 2.0.0 OK queued"


MakeSmtp = Callable[..., Awaitable[SmtpServer]]


@pytest.fixture
async def smtp(tls: Tls) -> AsyncIterator[MakeSmtp]:
    servers: list[asyncio.Server] = []
    sessions: list[SMTP] = []

    async def factory(
        mode: str = "plain", users: dict[str, str] | None = None, port: int = 0, **kwargs: Any
    ) -> SmtpServer:
        loop = asyncio.get_running_loop()
        state = SmtpServer("127.0.0.1", 0)

        def authenticator(
            server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
        ) -> AuthResult:
            assert isinstance(data, LoginPassword)
            login, password = data.login.decode(), data.password.decode()
            state.logins.append((login, password))
            ok = users is not None and users.get(login) == password
            return AuthResult(success=ok, handled=False)

        def protocol() -> SMTP:
            state.connections += 1
            with warnings.catch_warnings():
                # aiosmtpd warns about AUTH without STARTTLS; implicit TLS is encrypted anyway.
                warnings.simplefilter("ignore", UserWarning)
                session = make_session()
            sessions.append(session)
            return session

        def make_session() -> SMTP:
            return SMTP(
                state,
                hostname="mail.test",
                tls_context=tls.server if mode == "starttls" else None,
                require_starttls=mode == "starttls",
                authenticator=authenticator if users is not None else None,
                auth_required=users is not None,
                # Implicit TLS is TLS all along; aiosmtpd only knows about STARTTLS.
                auth_require_tls=mode == "starttls",
                loop=loop,
                **kwargs,
            )

        server = await loop.create_server(
            protocol, "127.0.0.1", port, ssl=tls.server if mode == "tls" else None
        )
        servers.append(server)
        state.port = server.sockets[0].getsockname()[1]
        return state

    yield factory
    for server in servers:
        server.close()
    # Connections a failed client left open are closed here, not by the garbage collector.
    for session in sessions:
        if session.transport is not None:
            session.transport.close()
    await asyncio.sleep(0.05)
    for server in servers:
        await server.wait_closed()


@dataclass
class Webhook:
    port: int
    received: list[dict[str, Any]] = field(default_factory=list)
    status: int = 200

    def url(self, path: str = "hook") -> str:
        return f"json://127.0.0.1:{self.port}/{path}"


@pytest.fixture
async def webhook() -> AsyncIterator[Webhook]:
    hook = Webhook(0)

    async def receive(request: web.Request) -> web.Response:
        hook.received.append({"path": request.path, **(await request.json())})
        return web.Response(status=hook.status, text="ok")

    app = web.Application()
    app.router.add_post("/{tail:.*}", receive)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    hook.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield hook
    await runner.cleanup()


INFO = ControllerInfo(
    url="https://192.0.2.1", flavour="unifi-os", version="10.3.58", site="default"
)


def make_report(*, severe: bool = True, hours: int = 24) -> dict[str, Any]:
    """A real report: a day in which the kitchen AP went away (severe) or nothing happened."""
    events = (
        [
            lost_contact(KITCHEN, T0 + MINUTE),
            lost_contact(OFFICE, T0 + 2 * MINUTE, name="Office AP"),
        ]
        if severe
        else [ap_connected(KITCHEN, T0 + MINUTE)]
    )
    end = T0 + hours * 60 * MINUTE
    analysis = analyze(events, site="default", period_start_ms=T0, period_end_ms=end)
    return build_report(analysis, INFO, generated_at_ms=end)


@pytest.fixture
def report() -> dict[str, Any]:
    return make_report()
