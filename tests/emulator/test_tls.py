"""The self-signed certificate: pinned trust works (also in X509_STRICT mode), none fails."""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import ssl

import httpx
import pytest
from cryptography import x509

from unifi_scanner.emulator import Emulator

from .emulator_support import MakeEmulator, tls_context


@pytest.fixture
async def steady(make_emulator: MakeEmulator) -> Emulator:
    return await make_emulator(scenario="steady")


@pytest.mark.parametrize("strict", [False, True])
async def test_verification_with_the_ca_file_succeeds(steady: Emulator, strict: bool) -> None:
    assert steady.url.startswith("https://127.0.0.1:")
    async with httpx.AsyncClient(verify=tls_context(steady, strict=strict)) as client:
        assert (await client.get(f"{steady.url}/")).status_code == 200


async def test_localhost_is_a_valid_name(steady: Emulator) -> None:
    url = f"https://localhost:{steady.port}/api/system"
    async with httpx.AsyncClient(verify=tls_context(steady)) as client:
        assert (await client.get(url)).status_code == 200


async def test_verification_without_the_ca_file_fails(steady: Emulator) -> None:
    async with httpx.AsyncClient(verify=ssl.create_default_context()) as client:
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            await client.get(f"{steady.url}/")


async def test_fingerprint_is_that_of_the_served_certificate(steady: Emulator) -> None:
    _, writer = await asyncio.open_connection(
        "127.0.0.1", steady.port, ssl=tls_context(steady), server_hostname="127.0.0.1"
    )
    try:
        der = writer.get_extra_info("ssl_object").getpeercert(binary_form=True)
    finally:
        writer.close()
        await writer.wait_closed()
    assert hashlib.sha256(der).hexdigest() == steady.certificate_fingerprint


def test_certificate_extensions(steady: Emulator) -> None:
    certificate = x509.load_pem_x509_certificate(steady.ca_file.read_bytes())
    names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert ipaddress.ip_address("127.0.0.1") in names.get_values_for_type(x509.IPAddress)
    assert "localhost" in names.get_values_for_type(x509.DNSName)
    constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints)
    assert constraints.critical
    assert constraints.value.ca
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature
    assert usage.key_cert_sign
    ski = certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    aki = certificate.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
    assert aki.key_identifier == ski.digest


async def test_stop_removes_the_certificate_files(make_emulator: MakeEmulator) -> None:
    emulator = await make_emulator(scenario="steady")
    ca_file = emulator.ca_file
    assert await asyncio.to_thread(ca_file.exists)
    await emulator.stop()
    assert not await asyncio.to_thread(ca_file.exists)
    await emulator.stop()  # idempotent
