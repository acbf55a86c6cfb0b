"""UniFi OS console documents (outside the Network application): the landing page, the
unauthenticated `/api/system` summary and the user object returned by login and
`/api/users/self`."""

from __future__ import annotations

from typing import Any

from unifi_scanner.emulator.auth import Account
from unifi_scanner.emulator.inventory import Device

LANDING_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>UniFi OS</title></head>
<body><div id="root">UniFi OS (emulated by unifi-scanner)</div></body>
</html>
"""
"""What `GET /` serves. A UniFi OS console answers 200 with its web app; the status code,
not the content, is what clients use to tell UniFi OS from a classic controller."""

_SUPER_ADMIN_ROLE = {
    "name": "Super Administrator",
    "system_role": True,
    "system_key": "super_administrator",
    "level": 0,
    "is_private": False,
}


def system_document(gateway: Device | None, *, console_id: str) -> dict[str, Any]:
    """`GET /api/system`: what the console is, readable without logging in."""
    shortname = gateway.model if gateway else "UNVR"
    return {
        "hardware": {"shortname": shortname},
        "name": gateway.name if gateway else "UniFi OS Console",
        "mac": gateway.mac.replace(":", "").upper() if gateway else "",
        "deviceState": "setup",
        "isSetup": True,
        "ipAddrs": [gateway.ip] if gateway else [],
        "firmwareVersion": gateway.version.rsplit(".", 1)[0] if gateway else "",
        "anonymousDeviceId": console_id,
        "cloudConnected": False,
        "directConnectDomain": "",
    }


def user_document(account: Account, *, created_s: int) -> dict[str, Any]:
    """The flat user object of a successful login (no meta/data envelope)."""
    return {
        "unique_id": account.user_id,
        "id": account.user_id,
        "first_name": "Site",
        "last_name": "Admin",
        "full_name": "Site Admin",
        "email": "",
        "email_status": "UNVERIFIED",
        "phone": "",
        "avatar_relative_path": "",
        "status": "ACTIVE",
        "employee_number": "",
        "create_time": created_s,
        "username": account.username,
        "local_account_exist": True,
        "password_revision": account.password_revision,
        "sso_account": "",
        "sso_uuid": "",
        "sso_username": "",
        "groups": [],
        "roles": [{"unique_id": f"{account.user_id}-role", **_SUPER_ADMIN_ROLE}],
        "permissions": {"network.management": ["admin"], "system-management.management": ["admin"]},
        "scopes": ["network:manage"],
        "cloud_access_granted": False,
        "update_time": created_s,
        "isOwner": True,
        "isSuperAdmin": True,
        "isMember": False,
    }
