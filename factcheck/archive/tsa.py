"""Trusted timestamps (RFC 3161): asking a Time Stamping Authority (TSA) for a token, and checking one offline.

A token is the TSA's signed statement "I saw this SHA-256 at this time": a TimeStampResp (DER, kept as a ``.tsr``
file) whose TSTInfo holds the *message imprint* (the hash algorithm and the digest), the TSA's clock (``genTime``),
a serial number and the nonce of the request; the signature is CMS SignedData by a certificate whose extended key
usage is critical ``timeStamping``, chaining to the TSA's CA. The `rfc3161-client` package builds requests, parses
answers and checks signatures; this module adds what the desk needs around it:

- requests go out through the safe fetcher (``archive.fetcher.post``): the same address checks, time and size
  bounds as a capture, so a TSA address can never be pointed into the newsroom's own network;
- a token is accepted only if it stamps the digest asked for, carries the request's nonce and chains to the TSA
  certificates this desk was configured with; the same check (without the nonce) runs offline in
  ``factcheck verify-bundle``.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

QUERY_TYPE = "application/timestamp-query"
REPLY_TYPE = "application/timestamp-reply"
SHA256_OID = "2.16.840.1.101.3.4.2.1"
_STATUS_WORDS = {0: "granted", 1: "granted with modifications", 2: "rejected", 3: "waiting",
                 4: "revocation warning", 5: "revocation notification"}


class TimestampError(Exception):
    """No token was obtained. ``reason`` is a sentence for people; ``permanent`` says whether trying again helps."""

    def __init__(self, reason: str, *, permanent: bool, retry_after: float | None = None):
        super().__init__(reason)
        self.reason, self.permanent, self.retry_after = reason, permanent, retry_after


class TokenProblem(ValueError):
    """A token does not prove what it should; the message says why."""


@dataclass(frozen=True)
class TSA:
    """A time-stamping authority this desk asks: its URL, the certificates its tokens must chain to (PEM: its CA's
    self-signed root and any intermediates), and the outbound rules (archive.fetcher.FetchPolicy)."""

    url: str
    certificates: bytes
    policy: object

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or self.url


@dataclass(frozen=True)
class Token:
    der: bytes               # the TimeStampResp as the TSA sent it: the .tsr file
    digest: str              # the SHA-256 (hex) it stamps
    stamped_at: datetime     # the TSA's clock (genTime), UTC
    tsa_name: str            # who signed it: the signing certificate's common name
    serial: str              # the TSA's serial number of the token


def read_certificates(pem: bytes) -> list[x509.Certificate]:
    """Every certificate in a PEM file; ValueError when there is none or one cannot be read."""
    certs = x509.load_pem_x509_certificates(pem)
    if not certs:
        raise ValueError("no certificate found")
    return certs


def _self_signed(cert: x509.Certificate) -> bool:
    return cert.issuer == cert.subject


def _common_name(name: x509.Name) -> str:
    found = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(found[0].value) if found else name.rfc4514_string()


def _stamps_time(cert: x509.Certificate) -> bool:
    try:
        return ExtendedKeyUsageOID.TIME_STAMPING in cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return False


def _signer(response, certs: list[x509.Certificate]) -> x509.Certificate | None:
    """The certificate that signed the token: the one its SignerInfo names (issuer and serial number), among those
    the token carries and those the verifier gave."""
    infos = list(response.signed_data.signer_infos)
    if len(infos) != 1:
        return None
    carried = [x509.load_der_x509_certificate(c) for c in response.signed_data.certificates]
    return next((c for c in carried + certs
                 if c.issuer == infos[0].issuer and c.serial_number == infos[0].serial_number), None)


def parse(der: bytes):
    """The TimeStampResp in ``der``; TokenProblem when it is not one."""
    from rfc3161_client import decode_timestamp_response

    try:
        return decode_timestamp_response(der)
    except ValueError as exc:
        raise TokenProblem(f"it is not an RFC 3161 timestamp response ({str(exc)[:200]})") from None


def check(der: bytes, digest: str, certificates: bytes, *, nonce: int | None = None) -> Token:
    """Check a token offline: it was granted, its message imprint is SHA-256 ``digest`` (hex), and its signature
    chains to a root among ``certificates`` (PEM), valid at the token's own time. TokenProblem says what failed."""
    from rfc3161_client import PKIStatus, VerificationError, VerifierBuilder

    response = parse(der)
    if response.status != PKIStatus.GRANTED:
        words = "; ".join(response.status_string) or _STATUS_WORDS.get(response.status, str(response.status))
        raise TokenProblem(f"the authority did not grant it ({words})")
    try:
        info = response.tst_info
        imprint = info.message_imprint
    except ValueError as exc:
        raise TokenProblem(f"its timestamp information cannot be read ({exc})") from None
    if imprint.hash_algorithm.dotted_string != SHA256_OID:
        raise TokenProblem(f"it stamps a digest made with {imprint.hash_algorithm.dotted_string}, not SHA-256")
    if imprint.message.hex() != digest.lower():
        raise TokenProblem(f"it stamps the SHA-256 {imprint.message.hex()}, not {digest.lower()}: it is a token for "
                           f"another file")
    try:
        certs = read_certificates(certificates)
    except ValueError as exc:
        raise TokenProblem(f"the TSA certificates cannot be read ({exc})") from None
    roots = [c for c in certs if _self_signed(c)]
    if not roots:
        raise TokenProblem("the TSA certificates hold no root (self-signed) certificate to check the token against")
    builder = VerifierBuilder(roots=roots, intermediates=[c for c in certs if not _self_signed(c)], nonce=nonce)
    leaf = _signer(response, certs)
    if not response.signed_data.certificates:  # the token does not carry its signer: take it from the chain given
        if leaf is None or not _stamps_time(leaf):
            raise TokenProblem("it carries no signing certificate, and none of the TSA certificates signed it")
        builder = builder.tsa_certificate(leaf)
    try:
        builder.build().verify(response, imprint.message)
    except VerificationError as exc:
        raise TokenProblem(f"its signature does not chain to the TSA certificates given ({exc})") from None
    when = info.gen_time
    when = when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when.astimezone(timezone.utc)
    name = _common_name(leaf.subject) if leaf is not None else "an unnamed authority"
    return Token(der=response.as_bytes(), digest=digest.lower(), stamped_at=when, tsa_name=name,
                 serial=str(info.serial_number))


def request_token(data: bytes, tsa: TSA) -> Token:
    """Ask ``tsa`` to timestamp the SHA-256 of ``data``, and check its answer before keeping it.

    Raises TimestampError: not permanent when the TSA was unreachable, slow or busy (try again later)."""
    from rfc3161_client import HashAlgorithm, TimestampRequestBuilder

    from factcheck.archive.fetcher import FetchError, post, retry_after_seconds

    digest = hashlib.sha256(data).hexdigest()
    query = (TimestampRequestBuilder().data(data).hash_algorithm(HashAlgorithm.SHA256).nonce(nonce=True)
             .cert_request(cert_request=True).build())
    where = f"The time-stamping authority ({tsa.host})"
    try:
        hop = post(tsa.url, query.as_bytes(), tsa.policy, content_type=QUERY_TYPE, accept=REPLY_TYPE)
    except FetchError as exc:
        raise TimestampError(f"{where} could not be reached: {exc.reason}", permanent=exc.permanent,
                             retry_after=exc.retry_after) from None
    if hop.status == 429 or hop.status >= 500:
        raise TimestampError(f"{where} answered HTTP {hop.status}; trying again later.", permanent=False,
                             retry_after=retry_after_seconds(hop.response_headers))
    if hop.status != 200:
        raise TimestampError(f"{where} answered HTTP {hop.status} {hop.reason}; check FACTCHECK_TSA_URL.",
                             permanent=True)
    try:
        return check(hop.body, digest, tsa.certificates, nonce=query.nonce)
    except TokenProblem as exc:
        raise TimestampError(f"{where} sent a token that was refused: {exc}.", permanent=False) from None
