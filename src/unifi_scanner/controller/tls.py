"""The TLS policy shared by REST and the event WebSocket.

Three ways to trust a controller, most to least preferred:

* **Pinning** (``tls_fingerprint``, or a fingerprint stored by ``check --trust``): the
  controller must present exactly the certificate with that SHA-256 fingerprint. The context
  trusts that one certificate as its own anchor (``VERIFY_X509_PARTIAL_CHAIN``), ignores host
  names and validity dates — UniFi consoles ship self-signed certificates for an IP address
  that often expire — and fails on any other certificate, on every connection.
* **A CA file** (``ca_file``): normal verification against that PEM.
* **The system store**, or **no verification** (``verify_ssl=false``, with a warning once).
"""

from __future__ import annotations

import asyncio
import hashlib
import ssl

from unifi_scanner.controller.errors import ConnectionFailed, TLSVerificationFailed
from unifi_scanner.log import get_logger

log = get_logger(__name__)

# OpenSSL's X509_V_FLAG_NO_CHECK_TIME (not exported by the ssl module).
_NO_CHECK_TIME = 0x200000

_warned_insecure = False


class CertificateChanged(TLSVerificationFailed):
    """The controller presents a certificate other than the pinned one."""

    def __init__(self, url: str, expected: str, actual: str) -> None:
        ConnectionFailed.__init__(
            self,
            f"the certificate of {url} changed: pinned {format_fingerprint(expected)}, now "
            f"{format_fingerprint(actual)}. If you replaced or reset the controller, run "
            "'unifi-scanner check --trust' to trust the new one; otherwise someone may be "
            "intercepting the connection",
        )
        self.url = url
        self.reason = "certificate changed"
        self.expected = expected
        self.actual = actual


def fingerprint(der: bytes) -> str:
    """SHA-256 of a DER certificate, lower-case hex without separators."""
    return hashlib.sha256(der).hexdigest()


def format_fingerprint(hex_digest: str) -> str:
    """``AB:CD:…`` as browsers and UniFi show it."""
    upper = hex_digest.upper()
    return ":".join(upper[i : i + 2] for i in range(0, len(upper), 2))


def insecure_context() -> ssl.SSLContext:
    """No verification at all; logs a warning the first time."""
    global _warned_insecure
    if not _warned_insecure:
        _warned_insecure = True
        log.warning(
            "tls verification disabled",
            hint="anyone on the path to the controller can read the session; prefer "
            "UNIFI_CA_FILE or pinning with 'unifi-scanner check --trust'",
        )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def pinned_context(der: bytes) -> ssl.SSLContext:
    """Trust exactly this certificate, whatever its names and dates."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_REQUIRED
    context.load_verify_locations(cadata=der)
    flags = (context.verify_flags | ssl.VERIFY_X509_PARTIAL_CHAIN) & ~ssl.VERIFY_X509_STRICT
    context.verify_flags = ssl.VerifyFlags(int(flags) | _NO_CHECK_TIME)
    return context


def make_ssl_context(*, verify: bool = True, ca_file: object = None) -> ssl.SSLContext:
    """Verification against ``ca_file`` or the system store, or none at all."""
    if not verify:
        return insecure_context()
    return ssl.create_default_context(cafile=str(ca_file) if ca_file else None)


async def fetch_certificate(host: str, port: int, *, timeout: float = 10.0) -> bytes:
    """The DER certificate a TLS server presents (nothing is sent but the handshake)."""
    probe = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    probe.check_hostname = False
    probe.verify_mode = ssl.CERT_NONE
    try:
        async with asyncio.timeout(timeout):
            _reader, writer = await asyncio.open_connection(
                host, port, ssl=probe, server_hostname=host
            )
    except (OSError, TimeoutError, ssl.SSLError) as exc:
        raise ConnectionFailed(
            f"cannot open a TLS connection to {host}:{port} ({exc.__class__.__name__}: "
            f"{str(exc) or 'no answer'}); check the host, the port and that the controller runs"
        ) from None
    try:
        ssl_object = writer.get_extra_info("ssl_object")
        der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
    finally:
        writer.close()
    if not der:
        raise ConnectionFailed(f"{host}:{port} presented no certificate")
    return bytes(der)


async def pinned(
    url: str, host: str, port: int, expected: str, *, timeout: float
) -> ssl.SSLContext:
    """A context pinned to ``expected``; :class:`CertificateChanged` if the server differs."""
    der = await fetch_certificate(host, port, timeout=timeout)
    actual = fingerprint(der)
    if actual != expected:
        raise CertificateChanged(url, expected, actual)
    return pinned_context(der)
