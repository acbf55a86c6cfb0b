"""A self-signed certificate that clients can pin as their only trust anchor.

The certificate is its own CA (basicConstraints CA=True, critical; keyUsage keyCertSign +
digitalSignature; SKI and AKI present) so that a client can pass its PEM as `cafile` to
`ssl.create_default_context()` and verify hostname and chain normally. Those extensions are
exactly what OpenSSL's X509_STRICT mode (the default from Python 3.13) insists on for a trust
anchor, so verification also passes with `ssl.VERIFY_X509_STRICT`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import secrets
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

DEFAULT_NAMES = ("127.0.0.1", "localhost")
"""Subject alternative names every emulator certificate carries."""

_VALIDITY = dt.timedelta(days=365)
# Backdate a little so that a client whose clock lags ours still accepts the certificate.
_BACKDATE = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Certificate:
    """A generated certificate with its private key, both PEM encoded."""

    cert_pem: bytes
    key_pem: bytes
    fingerprint_sha256: str
    """Lower-case hex SHA-256 of the DER encoding (what certificate pinning compares)."""


def _subject_alternative_names(names: Iterable[str]) -> list[x509.GeneralName]:
    result: list[x509.GeneralName] = []
    for name in dict.fromkeys(names):  # de-duplicate, keep order
        try:
            result.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            result.append(x509.DNSName(name))
    return result


def generate_certificate(
    names: Iterable[str] = DEFAULT_NAMES, *, now: dt.datetime | None = None
) -> Certificate:
    """Generate an EC P-256 self-signed CA certificate valid for `names` (IPs or DNS names)."""
    issued_at = now or dt.datetime.now(dt.UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "unifi-scanner"),
            x509.NameAttribute(NameOID.COMMON_NAME, "UniFi Network emulator"),
        ]
    )
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(int.from_bytes(secrets.token_bytes(16), "big") >> 1)
        .not_valid_before(issued_at - _BACKDATE)
        .not_valid_after(issued_at + _VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName(_subject_alternative_names(names)), False)
        .add_extension(ski, critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    der = certificate.public_bytes(serialization.Encoding.DER)
    return Certificate(
        cert_pem=certificate.public_bytes(serialization.Encoding.PEM),
        key_pem=key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        fingerprint_sha256=hashlib.sha256(der).hexdigest(),
    )


def write_files(certificate: Certificate, directory: Path) -> tuple[Path, Path]:
    """Write `ca.pem` (certificate only) and `server.pem` (key + certificate, mode 0600).

    Returns `(ca_file, server_file)`. `directory` should be private (e.g. from `mkdtemp`).
    """
    ca_file = directory / "ca.pem"
    server_file = directory / "server.pem"
    ca_file.write_bytes(certificate.cert_pem)
    server_file.touch(mode=0o600)
    server_file.write_bytes(certificate.key_pem + certificate.cert_pem)
    return ca_file, server_file


def server_context(server_file: Path) -> ssl.SSLContext:
    """Return a TLS server context presenting the key and certificate in `server_file`."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(server_file)
    return context
