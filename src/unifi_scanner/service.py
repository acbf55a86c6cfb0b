"""Wiring the stages together: controller → collect → store → analyze → report → deliver.

:func:`connect` finds a controller and logs in under its TLS policy; :class:`SiteFollower`
keeps one site's collector running into the store; :class:`ControllerFollower` runs every
site of one controller and survives the controller going away; :class:`Scanner` runs all
configured controllers side by side so that one broken controller never stalls the others.
(:mod:`.site_report` turns what the store holds for a period into a report.)
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from unifi_scanner.collect import SiteCollector
from unifi_scanner.collect.admin import AdminFeed
from unifi_scanner.collect.ssh_source import SshOptions
from unifi_scanner.config import ControllerConfig, Settings, SshConfig, ssh_settings
from unifi_scanner.controller import (
    ConnectionFailed,
    ControllerError,
    ControllerSession,
    NetworkApi,
)
from unifi_scanner.controller.discovery import Endpoint, locate, tls_context
from unifi_scanner.controller.errors import TLSVerificationFailed
from unifi_scanner.controller.login import Credentials
from unifi_scanner.controller.retry import Backoff
from unifi_scanner.controller.ssh import SshLogSource
from unifi_scanner.controller.versions import event_sources
from unifi_scanner.log import get_logger
from unifi_scanner.report import (
    ControllerInfo,
)
from unifi_scanner.store import BatchWriter, SQLiteStore
from unifi_scanner.store.retention import Retention

log = get_logger(__name__)


def wall_ms() -> int:
    return time.time_ns() // 1_000_000


def credentials_of(config: ControllerConfig) -> Credentials:
    return Credentials(
        username=config.username,
        password=config.password,
        api_key=config.api_key,
        totp_secret=config.totp_secret,
    )


async def connect(
    config: ControllerConfig,
    *,
    pins: Callable[[str], str | None] | None = None,
    wait_when_rate_limited: bool = False,
) -> tuple[ControllerSession, Endpoint]:
    """Locate the controller, apply its TLS policy, log in. The caller closes the session.

    ``pins(url)`` gives a fingerprint stored by ``check --trust``; a configured
    ``tls_fingerprint`` wins over it.
    """
    endpoint = await locate(config.host, config.port, timeout=config.timeout)
    pin = config.tls_fingerprint or (pins(endpoint.url) if pins is not None else None)
    context = tls_context(endpoint, verify=config.verify_ssl, ca_file=config.ca_file, pin=pin)
    session = ControllerSession(
        endpoint.url,
        credentials=credentials_of(config),
        ssl_context=context,
        timeout=config.timeout,
        wait_when_rate_limited=wait_when_rate_limited,
    )
    session.flavour = endpoint.flavour
    try:
        await session.open()
    except BaseException:
        await session.aclose()
        raise
    return session, endpoint


@dataclass(slots=True)
class SiteFollower:
    """One site of one controller followed into the store until :meth:`stop`."""

    session: ControllerSession
    site: str
    writer: BatchWriter
    store: SQLiteStore
    compression: bool = True
    silence_timeout: float | None = 300.0
    rest_poll_interval: float = 0.0
    ssh: SshConfig | None = None
    info: ControllerInfo | None = None
    collector: SiteCollector | None = None
    _task: asyncio.Task[None] | None = None

    async def start(self) -> ControllerInfo:
        """Check the site, read the Network version, start following the event socket."""
        api = NetworkApi(self.session)
        found = await api.check_site(self.site)
        sysinfo = await api.sysinfo(self.site)
        flavour = self.session.flavour
        self.info = ControllerInfo(
            url=self.session.url,
            flavour=flavour.value if flavour is not None else "unknown",
            version=sysinfo.version,
            site=self.site,
            # "Default" for "default" says nothing more; "Home network" for "k3v9x2pd" does.
            description=found.desc if found.desc.lower() != self.site.lower() else "",
        )
        self.store.record_site(
            self.info.url,
            self.site,
            flavour=self.info.flavour,
            version=self.info.version,
            seen_ms=wall_ms(),
            description=self.info.description,
        )
        self.collector = SiteCollector(
            api,
            self.site,
            self.writer,
            controller=self.session.url,
            compression=self.compression,
            silence_timeout=self.silence_timeout,
            sources=event_sources(sysinfo.version),
            rest_poll_interval=self.rest_poll_interval,
            ssh=self._ssh_options(sysinfo.timezone),
            resume_from=self.store.newest_event(controller=self.session.url, site=self.site),
        )
        await self.collector.snapshot_inventory()
        self._task = asyncio.create_task(
            self.collector.run(snapshot=False), name=f"site-{self.site}"
        )
        return self.info

    def _ssh_options(self, timezone: str | None) -> SshOptions | None:
        if self.ssh is None:
            return None
        url, site, store = self.session.url, self.site, self.store
        return SshOptions(
            source=SshLogSource(ssh_settings(self.ssh), site=site, controller_timezone=timezone),
            fallback_after=self.ssh.fallback_after,
            flush=self.writer.flush,
            load_cursors=lambda: store.ssh_cursors(url, site),
            save_cursors=lambda cursors: store.save_ssh_cursors(url, site, cursors),
        )

    async def wait_connected(self, seconds: float) -> None:
        """Wait until the event socket is open; TimeoutError after ``seconds``."""
        assert self.collector is not None
        async with asyncio.timeout(seconds):
            await self.collector.stream.connected.wait()

    async def stop(self) -> None:
        """Stop following and commit everything received so far."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self.collector is not None:
            await self.collector.close()
        await self.writer.flush()

    def failure(self) -> BaseException | None:
        """The exception that ended the stream (wrong password, untrusted TLS), if any."""
        if self._task is None or not self._task.done() or self._task.cancelled():
            return None
        return self._task.exception()

    async def wait_failed(self) -> BaseException:
        """Return when the stream ends by itself (it only does on a fatal error)."""
        assert self._task is not None
        await asyncio.wait({self._task})
        failure = self.failure()
        return failure if failure is not None else RuntimeError("event stream ended")


@dataclass(slots=True)
class ControllerFollower:
    """Every configured site of one controller, reconnecting when the controller is away.

    A controller that cannot be reached is retried with capped backoff for as long as the
    scanner runs; one that refuses the credentials or the certificate is given up on
    (``error`` says why) — retrying would only lock the account or hide an attack.
    """

    config: ControllerConfig
    writer: BatchWriter
    store: SQLiteStore
    state: str = "starting"
    error: str | None = None
    sites: dict[str, SiteFollower] = field(default_factory=dict)
    session: ControllerSession | None = None
    admin: AdminFeed | None = None
    """The controller's admin logins (the ``super`` site's socket), while following."""
    _admin_task: asyncio.Task[None] | None = None

    async def run(self) -> None:
        backoff = Backoff(initial=2.0, maximum=300.0)
        while True:
            try:
                await self._follow()
            except ConnectionFailed as exc:
                if isinstance(exc, TLSVerificationFailed):
                    self._give_up(exc)
                    return
                self.state, self.error = "unreachable", str(exc)
                delay = backoff.next()
                log.warning(
                    "controller unreachable",
                    controller=self.config.label,
                    error=str(exc),
                    retry_in=round(delay, 1),
                )
                await asyncio.sleep(delay)
            except ControllerError as exc:
                self._give_up(exc)
                return
            finally:
                await self._close()

    async def _follow(self) -> None:
        session, _endpoint = await connect(
            self.config, pins=self.store.pin, wait_when_rate_limited=True
        )
        self.session = session
        api = NetworkApi(session)
        names = self.config.site
        if self.config.all_sites:
            names = [site.name for site in await api.sites()]
        for name in names:
            follower = SiteFollower(
                session,
                name,
                self.writer,
                self.store,
                compression=self.config.ws_compression,
                silence_timeout=self.config.ws_silence_timeout,
                rest_poll_interval=self.config.rest_poll_interval,
                ssh=self.config.ssh,
            )
            await follower.start()
            self.sites[name] = follower
        self.admin = AdminFeed(
            session,
            self.writer,
            controller=session.url,
            compression=self.config.ws_compression,
            silence_timeout=self.config.ws_silence_timeout,
        )
        self._admin_task = asyncio.create_task(
            self.admin.run(), name=f"admin-logins-{self.config.label}"
        )
        self.state, self.error = "following", None
        log.info("following", controller=self.config.label, sites=",".join(self.sites))
        waiters = [asyncio.create_task(f.wait_failed()) for f in self.sites.values()]
        try:
            done, _pending = await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
        raise next(iter(done)).result()

    def _give_up(self, exc: BaseException) -> None:
        self.state, self.error = "failed", str(exc)
        log.error("giving up on controller", controller=self.config.label, error=str(exc))

    async def _close(self) -> None:
        if self._admin_task is not None:
            self._admin_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._admin_task
            self._admin_task = None
        for follower in self.sites.values():
            await follower.stop()
        self.sites.clear()
        if self.session is not None:
            await self.session.aclose()
            self.session = None


class Scanner:
    """All configured controllers, followed side by side into one store."""

    def __init__(
        self, configs: list[ControllerConfig], store: SQLiteStore, writer: BatchWriter
    ) -> None:
        self.controllers = [ControllerFollower(c, writer, store) for c in configs]
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        self._tasks = [
            asyncio.create_task(c.run(), name=f"controller-{c.config.label}")
            for c in self.controllers
        ]

    def all_failed(self) -> bool:
        return all(c.state == "failed" for c in self.controllers)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def events_received(self) -> int:
        return sum(
            f.collector.stats.events
            for c in self.controllers
            for f in c.sites.values()
            if f.collector is not None
        )


def open_writer(store: SQLiteStore, settings: Settings) -> BatchWriter:
    """The store's writer with the configured commit window, backlog and retention."""
    return BatchWriter(
        store,
        max_delay=settings.commit_delay_ms / 1000,
        max_batch=settings.commit_batch,
        max_backlog=settings.backlog_max,
        retention=Retention(
            events_days=settings.retention_days,
            snapshots_days=settings.snapshot_retention_days,
            max_bytes=settings.store_max_mb * 1024 * 1024,
        ),
    )
