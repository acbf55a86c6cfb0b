"""Fixtures for the emulator's own tests (helpers live in `emulator_support`)."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator

import httpx
import pytest

from unifi_scanner.emulator import DEFAULT_PASSWORD, Emulator

from .emulator_support import Api, OpenApi, classic, tls_context


@pytest.fixture
async def open_api() -> AsyncIterator[OpenApi]:
    """`api = await open_api(emu, login=True)` for either flavour; closed at teardown."""
    clients: list[httpx.AsyncClient] = []

    async def open_(
        emulator: Emulator,
        *,
        login: bool = True,
        password: str = DEFAULT_PASSWORD,
        username: str = "admin",
    ) -> Api:
        verify: ssl.SSLContext | bool = (
            False if emulator.url.startswith("http://") else tls_context(emulator)
        )
        client = httpx.AsyncClient(base_url=emulator.url, verify=verify, timeout=10.0)
        clients.append(client)
        if not login:
            return Api(client, None, None)
        body = {"username": username, "password": password}
        if classic(emulator):
            response = await client.post("/api/login", json=body)
            assert response.status_code == 200, response.text
            cookies = {name: response.cookies[name] for name in ("unifises", "csrf_token")}
            return Api(client, None, cookies["csrf_token"], cookies)
        response = await client.post("/api/auth/login", json=body)
        assert response.status_code == 200, response.text
        name = emulator.config.variants.cookie_name
        token = response.cookies[name]
        return Api(client, token, response.headers["X-CSRF-Token"], {name: token})

    yield open_
    for client in clients:
        await client.aclose()
