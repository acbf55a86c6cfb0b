"""The Network application's REST API: legacy ``{meta, data}`` envelopes to plain records."""

from __future__ import annotations

from typing import Any

from unifi_scanner.controller.errors import (
    ControllerResponseError,
    EndpointUnavailable,
    UnknownSite,
)
from unifi_scanner.controller.models import Site, SysInfo
from unifi_scanner.controller.session import ControllerSession


def unwrap(body: Any, *, path: str) -> list[dict[str, Any]]:
    """``data`` of a ``{"meta":{"rc":"ok"},"data":[…]}`` envelope; raises on ``rc: error``."""
    if not isinstance(body, dict) or not isinstance(body.get("meta"), dict):
        raise ControllerResponseError(f"{path} answered without the usual meta/data envelope")
    meta = body["meta"]
    if meta.get("rc") != "ok":
        msg = meta.get("msg")
        raise ControllerResponseError(f"{path} failed: {msg if isinstance(msg, str) else 'error'}")
    data = body.get("data")
    if isinstance(data, dict):
        return [data]
    if not isinstance(data, list):
        return []
    return [item for item in data if isinstance(item, dict)]


class NetworkApi:
    """Typed calls to one controller's Network application, over a :class:`ControllerSession`."""

    def __init__(self, session: ControllerSession) -> None:
        self.session = session

    async def _records(
        self, method: str, path: str, *, site: str | None = None
    ) -> list[dict[str, Any]]:
        response = await self.session.request(method, path, site=site)
        if response.status_code == 404:
            raise EndpointUnavailable(path, 404)
        try:
            body = response.json() if response.content else None
        except ValueError:
            body = None
        if response.status_code >= 400 and not isinstance(body, dict):
            raise ControllerResponseError(f"{path} answered HTTP {response.status_code}")
        return unwrap(body, path=path)

    async def sites(self) -> list[Site]:
        """Every site this account can see."""
        records = await self._records("GET", "/api/self/sites")
        return [
            Site(
                id=str(r.get("_id", "")), name=str(r["name"]), desc=str(r.get("desc") or r["name"])
            )
            for r in records
            if isinstance(r.get("name"), str)
        ]

    async def check_site(self, site: str) -> Site:
        """The site called ``site``; :class:`UnknownSite` (listing the real ones) otherwise."""
        sites = await self.sites()
        for candidate in sites:
            if candidate.name == site:
                return candidate
        raise UnknownSite(
            site, [f"{s.name} ({s.desc})" if s.desc != s.name else s.name for s in sites]
        )

    async def sysinfo(self, site: str) -> SysInfo:
        records = await self._records("GET", f"/api/s/{site}/stat/sysinfo", site=site)
        if not records:
            raise ControllerResponseError("stat/sysinfo returned no record")
        info = records[0]
        return SysInfo(
            version=str(info.get("version") or "unknown"),
            hostname=str(info.get("hostname") or ""),
            timezone=info.get("timezone") if isinstance(info.get("timezone"), str) else None,
            name=info.get("name") if isinstance(info.get("name"), str) else None,
        )

    async def devices(self, site: str) -> list[dict[str, Any]]:
        """``stat/device``: full device records (health fields, port tables, radios)."""
        return await self._records("GET", f"/api/s/{site}/stat/device", site=site)

    async def clients(self, site: str) -> list[dict[str, Any]]:
        """``stat/sta``: the clients connected right now."""
        return await self._records("GET", f"/api/s/{site}/stat/sta", site=site)

    async def health(self, site: str) -> list[dict[str, Any]]:
        """``stat/health``: one record per subsystem (wlan, wan, www, lan, vpn)."""
        return await self._records("GET", f"/api/s/{site}/stat/health", site=site)
