"""Response shapes shared by the routes: legacy envelopes, v2 errors, UniFi OS errors.

- Legacy Network API: `{"meta":{"rc":"ok"},"data":[…]}` or
  `{"meta":{"rc":"error","msg":"api.err.X"},"data":[]}`.
- v2 API: bare arrays or objects; errors `{"errorCode":…,"message":…}`.
- UniFi OS core: `{"error":{"code":401,"message":"Unauthorized"}}` and the login codes.
"""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web

UNAUTHORIZED = {"error": {"code": 401, "message": "Unauthorized"}}
INVALID_CSRF = {"message": "Invalid CSRF Token"}


def dumps(value: Any) -> str:
    """JSON text as the controller writes it (compact)."""
    return orjson.dumps(value).decode()


def json_response(data: Any, status: int = 200) -> web.Response:
    """A JSON answer."""
    return web.json_response(data, status=status, dumps=dumps)


def legacy_ok(data: list[dict[str, Any]], **meta: Any) -> web.Response:
    """`{"meta":{"rc":"ok",…},"data":[…]}`."""
    return json_response({"meta": {"rc": "ok", **meta}, "data": data})


def legacy_error(msg: str, status: int) -> web.Response:
    """`{"meta":{"rc":"error","msg":msg},"data":[]}` with HTTP `status`."""
    return json_response({"meta": {"rc": "error", "msg": msg}, "data": []}, status)


def v2_error(status: int, message: str) -> web.Response:
    """A v2 API error: `{"errorCode": status, "message": …}`."""
    return json_response({"errorCode": status, "message": message}, status)


def not_found() -> web.Response:
    """What the Network application answers for a path it does not know."""
    return legacy_error("api.err.NotFound", 404)


_REASONS = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Temporarily Unavailable",
    504: "Gateway Time-out",
}


def server_error(status: int) -> web.Response:
    """A 5xx as the console's nginx (or the application, for 500) answers it."""
    if status == 500:
        return legacy_error("api.err.ServerError", 500)
    reason = _REASONS.get(status, "Error")
    page = (
        f"<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
        f"<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n"
        "</body>\r\n</html>\r\n"
    )
    return web.Response(status=status, text=page, content_type="text/html")


async def read_json(request: web.Request) -> Any:
    """The JSON body, or None when there is none. Raises ValueError if it is not JSON."""
    if not request.body_exists:
        return None
    text = await request.text()
    return orjson.loads(text) if text.strip() else None
