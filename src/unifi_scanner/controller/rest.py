"""The Network application's REST API: legacy ``{meta, data}`` envelopes to plain records."""

from __future__ import annotations

from typing import Any

import httpx

from unifi_scanner.controller.errors import (
    ControllerError,
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

    async def _post_json(
        self, path: str, body: dict[str, Any], site: str
    ) -> tuple[httpx.Response, Any]:
        """POST a query (safe to repeat); the response and its decoded JSON body."""
        response = await self.session.request("POST", path, json=body, site=site, idempotent=True)
        if response.status_code == 404:
            raise EndpointUnavailable(path, 404)
        try:
            return response, response.json()
        except ValueError:
            raise ControllerResponseError(f"{path} answered a body that is not JSON") from None

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
        version = info.get("version") or await self.server_version()
        return SysInfo(
            version=str(version or "unknown"),
            hostname=str(info.get("hostname") or ""),
            timezone=info.get("timezone") if isinstance(info.get("timezone"), str) else None,
            name=info.get("name") if isinstance(info.get("name"), str) else None,
        )

    async def server_version(self) -> str | None:
        """The Network version from ``/status`` (``meta.server_version``), where present.

        Some controllers leave ``version`` out of sysinfo for restricted accounts; the
        status page still says it. ``None`` when there is no such page or field.
        """
        try:
            response = await self.session.request("GET", "/status")
            meta = response.json().get("meta", {}) if response.content else {}
        except (ValueError, AttributeError, ControllerError):
            return None
        version = meta.get("server_version") if isinstance(meta, dict) else None
        return version if isinstance(version, str) and version else None

    async def devices(self, site: str) -> list[dict[str, Any]]:
        """``stat/device``: full device records (health fields, port tables, radios)."""
        return await self._records("GET", f"/api/s/{site}/stat/device", site=site)

    async def clients(self, site: str) -> list[dict[str, Any]]:
        """``stat/sta``: the clients connected right now."""
        return await self._records("GET", f"/api/s/{site}/stat/sta", site=site)

    async def stat_event(
        self, site: str, *, within_hours: int, start: int = 0, limit: int = 3000
    ) -> tuple[list[dict[str, Any]], int | None]:
        """``stat/event`` (Network 9.x): newest first; the total when the answer is truncated.

        404 on Network 10.3+ raises :class:`EndpointUnavailable`.
        """
        path = f"/api/s/{site}/stat/event"
        body = {"_sort": "-time", "within": within_hours, "_start": start, "_limit": limit}
        _response, decoded = await self._post_json(path, body, site)
        records = unwrap(decoded, path=path)
        meta = decoded.get("meta", {}) if isinstance(decoded, dict) else {}
        count = meta.get("count") if isinstance(meta, dict) else None
        return records, count if isinstance(count, int) else None

    async def system_log(
        self,
        site: str,
        *,
        since_ms: int,
        until_ms: int,
        page: int = 0,
        page_size: int = 100,
        log_class: str = "all",
    ) -> tuple[list[dict[str, Any]], int]:
        """One page of the v2 system log (Network 10.x), newest first; and the page count."""
        path = f"/v2/api/site/{site}/system-log/{log_class}"
        body = {
            "timestampFrom": since_ms,
            "timestampTo": until_ms,
            "pageNumber": page,
            "pageSize": page_size,
        }
        response, decoded = await self._post_json(path, body, site)
        if response.status_code >= 400 or not isinstance(decoded, dict):
            message = decoded.get("message") if isinstance(decoded, dict) else None
            raise ControllerResponseError(
                f"{path} answered HTTP {response.status_code}: {message or 'unexpected body'}"
            )
        data = decoded.get("data")
        entries = [e for e in data if isinstance(e, dict)] if isinstance(data, list) else []
        pages = decoded.get("total_page_count")
        return entries, pages if isinstance(pages, int) else 1

    async def health(self, site: str) -> list[dict[str, Any]]:
        """``stat/health``: one record per subsystem (wlan, wan, www, lan, vpn)."""
        return await self._records("GET", f"/api/s/{site}/stat/health", site=site)
