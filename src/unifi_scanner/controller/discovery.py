"""Finding the controller: which port answers, which kind it is, which TLS policy applies.

Without a configured port, 443 (UniFi OS consoles), 8443 (classic controllers) and 11443
(UniFi OS Server) are tried in that order. The probe is a TLS handshake and an anonymous
``GET /`` — no credentials leave the machine before the TLS policy has accepted the
certificate.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path

import httpx

from unifi_scanner.controller.errors import ConnectionFailed
from unifi_scanner.controller.models import Flavour
from unifi_scanner.controller.tls import (
    CertificateChanged,
    fetch_certificate,
    fingerprint,
    make_ssl_context,
    pinned_context,
)

DEFAULT_PORTS = (443, 8443, 11443)


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A port that answered like a UniFi controller, and the certificate it presented."""

    host: str
    port: int
    flavour: Flavour
    certificate: bytes

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"https://{host}" if self.port == 443 else f"https://{host}:{self.port}"

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.certificate)


async def locate(
    host: str,
    port: int | None = None,
    *,
    timeout: float = 10.0,
    ports: tuple[int, ...] = DEFAULT_PORTS,
) -> Endpoint:
    """The first of ``port`` (or else of ``ports``) that answers like a UniFi controller."""
    ports = (port,) if port is not None else ports
    tried: list[str] = []
    for candidate in ports:
        try:
            der = await fetch_certificate(host, candidate, timeout=timeout)
            flavour = await _probe_flavour(host, candidate, timeout)
        except ConnectionFailed as exc:
            tried.append(f"{candidate}: {exc}")
            continue
        if flavour is not None:
            return Endpoint(host=host, port=candidate, flavour=flavour, certificate=der)
        tried.append(f"{candidate}: answers HTTPS but not like a UniFi controller")
    if port is not None:
        raise ConnectionFailed(tried[0].split(": ", 1)[1] if tried else f"{host}:{port} failed")
    raise ConnectionFailed(
        f"no UniFi controller answered on {host} (tried ports "
        f"{', '.join(str(p) for p in ports)}); set UNIFI_PORT if it uses another one"
    )


async def _probe_flavour(host: str, port: int, timeout: float) -> Flavour | None:
    probe = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    probe.check_hostname = False
    probe.verify_mode = ssl.CERT_NONE
    url = Endpoint(host, port, Flavour.UNIFI_OS, b"").url
    try:
        async with httpx.AsyncClient(verify=probe, timeout=timeout, trust_env=False) as client:
            response = await client.get(f"{url}/", follow_redirects=False)
    except httpx.HTTPError as exc:
        raise ConnectionFailed(f"{url} did not answer HTTPS ({type(exc).__name__})") from None
    if response.status_code == 200:
        return Flavour.UNIFI_OS
    location = response.headers.get("Location", "")
    if response.status_code in (301, 302, 303, 307, 308) and "manage" in location:
        return Flavour.CLASSIC
    return None


def tls_context(
    endpoint: Endpoint,
    *,
    verify: bool = True,
    ca_file: Path | None = None,
    pin: str | None = None,
) -> ssl.SSLContext:
    """The policy for this endpoint: the pin if there is one, else CA file/system/none."""
    if pin is not None:
        if endpoint.fingerprint != pin:
            raise CertificateChanged(endpoint.url, pin, endpoint.fingerprint)
        return pinned_context(endpoint.certificate)
    return make_ssl_context(verify=verify, ca_file=ca_file)
