"""The safe fetcher: GET a cited URL without letting it reach the newsroom's own network.

Each hop: check scheme and userinfo, resolve the name once, refuse if ANY resolved address is in
a blocked range (unless it is an exact loopback (ip, port) pair on the policy's allow-list), then
connect to that checked address with urllib3 (Host header and TLS server name from the URL), so
there is no second lookup. Redirects are followed here, each one checked from scratch. No cookies,
credentials or Referer are ever sent. HTTP statuses are not errors: the caller decides.
"""
from __future__ import annotations

import email.utils
import ipaddress
import socket
import time
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import quote, urldefrag, urljoin, urlsplit

import urllib3
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import NewConnectionError, SSLError, TimeoutError as Urllib3Timeout

from factcheck.archive.addresses import blocked_reason

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
CHUNK = 64 * 1024
_PAGE_HEADERS = (("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
                 ("Accept-Encoding", "gzip, deflate"))
_HTTP_VERSIONS = {9: "HTTP/0.9", 10: "HTTP/1.0", 11: "HTTP/1.1", 20: "HTTP/2", 30: "HTTP/3"}


class FetchError(Exception):
    """A capture that did not produce a response. ``reason`` is a sentence for people."""

    def __init__(self, reason: str, *, permanent: bool, retry_after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.retry_after = retry_after


@dataclass
class Hop:
    url: str
    method: str
    request_headers: list[tuple[str, str]]
    status: int
    reason: str
    http_version: str
    response_headers: list[tuple[str, str]]
    body: bytes  # as transferred: Content-Encoding kept, chunking removed
    remote_ip: str


@dataclass
class FetchResult:
    hops: list[Hop]
    final_url: str
    status: int
    headers: list[tuple[str, str]]
    content_type: str | None
    body: bytes  # decoded (gzip/deflate removed)


def _size(n: int) -> str:
    mb = 1024 * 1024
    return f"{n // mb} MB" if n % mb == 0 else f"{n} bytes"


@dataclass(frozen=True)
class FetchPolicy:
    allow: frozenset[tuple[str, int]] = field(default_factory=frozenset)
    max_redirects: int = 5
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    total_timeout: float = 30.0
    max_bytes: int = 20 * 1024 * 1024
    user_agent: str = "factcheck-archiver/0.1 (+https://github.com/factcheck)"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> FetchPolicy:
        kwargs: dict = {}
        allow = env.get("FACTCHECK_FETCH_ALLOW", "").strip()
        if allow:
            kwargs["allow"] = frozenset(_parse_allow_entry(e.strip()) for e in allow.split(",") if e.strip())
        if env.get("FACTCHECK_FETCH_MAX_BYTES", "").strip():
            kwargs["max_bytes"] = _positive(env, "FACTCHECK_FETCH_MAX_BYTES", int)
        if env.get("FACTCHECK_FETCH_TIMEOUT", "").strip():
            kwargs["total_timeout"] = _positive(env, "FACTCHECK_FETCH_TIMEOUT", float)
        if env.get("FACTCHECK_USER_AGENT", "").strip():
            kwargs["user_agent"] = env["FACTCHECK_USER_AGENT"].strip()
        return cls(**kwargs)

    def allows(self, ip: str, port: int) -> bool:
        """True only for a loopback address whose normalised form and port are allow-listed."""
        addr = ipaddress.ip_address(ip)
        if not addr.is_loopback or (isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped):
            return False
        for host, allowed_port in self.allow:
            try:
                if allowed_port == port and ipaddress.ip_address(host.strip("[]")) == addr:
                    return True
            except ValueError:
                continue
        return False


def _parse_allow_entry(entry: str) -> tuple[str, int]:
    problem = (f"FACTCHECK_FETCH_ALLOW entry {entry!r} is not allowed: give loopback IP:port pairs "
               "such as 127.0.0.1:8001 or [::1]:8001, separated by commas.")
    host, sep, port = entry.rpartition(":")
    try:
        addr = ipaddress.ip_address(host[1:-1] if host.startswith("[") and host.endswith("]") else host)
        number = int(port)
    except ValueError:
        raise ValueError(problem) from None
    if not sep or not addr.is_loopback or not 0 < number < 65536:
        raise ValueError(problem)
    return str(addr), number


def _positive(env: Mapping[str, str], name: str, kind: type) -> int | float:
    try:
        value = kind(env[name].strip())
    except ValueError:
        value = 0
    if value <= 0:
        raise ValueError(f"{name} must be a positive {kind.__name__}, got {env[name]!r}.")
    return value


def retry_after_seconds(headers: Iterable[tuple[str, str]] | Mapping[str, str]) -> float | None:
    """Seconds to wait from a Retry-After header (delay-seconds or HTTP-date), or None."""
    items = headers.items() if isinstance(headers, Mapping) else headers
    value = next((v.strip() for k, v in items if k.lower() == "retry-after"), None)
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - time.time())


def _check_url(url: str) -> tuple[str, str, int]:
    """Return (scheme, ascii host, port) or raise a permanent FetchError."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise FetchError(f"The link {url!r} is not a valid web address.", permanent=True) from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError("Only http and https links can be archived.", permanent=True)
    if "@" in parts.netloc:
        raise FetchError("Links with a user name or password cannot be archived.", permanent=True)
    if not parts.hostname:
        raise FetchError(f"The link {url!r} has no host name.", permanent=True)
    try:
        host = parts.hostname.encode("idna").decode("ascii") if not parts.hostname.isascii() else parts.hostname
    except UnicodeError:
        raise FetchError(f"The host name {parts.hostname!r} is not valid.", permanent=True) from None
    return scheme, host, port or (443 if scheme == "https" else 80)


def _resolve(host: str, port: int, policy: FetchPolicy) -> str:
    """One lookup; every address must pass. Returns the address to connect to."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        if exc.errno == socket.EAI_AGAIN:
            raise FetchError(f"The name {host} could not be looked up right now.", permanent=False) from None
        raise FetchError(f"The name {host} does not resolve.", permanent=True) from None
    except (UnicodeError, OSError):
        raise FetchError(f"The name {host} does not resolve.", permanent=True) from None
    addresses = [info[4][0] for info in infos if info[0] in (socket.AF_INET, socket.AF_INET6)]
    if not addresses:
        raise FetchError(f"The name {host} does not resolve.", permanent=True)
    for ip in addresses:
        reason = blocked_reason(ip)
        if reason and not policy.allows(ip, port):
            where = f"The address {ip} is" if host == ip else f"The name {host} resolves to {ip}, which is"
            note = " Only loopback address:port pairs on the allow-list may be reached." if policy.allow else ""
            raise FetchError(f"{where} in a blocked range ({reason}), which the archiver may not visit.{note}",
                             permanent=True)
    return addresses[0]


def _decode(body: bytes, encoding: str | None, limit: int) -> bytes:
    """Undo Content-Encoding (last applied first), producing at most ``limit`` bytes."""
    codings = [c.strip().lower() for c in (encoding or "").split(",") if c.strip()]
    for coding in reversed(codings):
        if coding in ("identity", ""):
            continue
        try:
            if coding in ("gzip", "x-gzip", "deflate"):
                wbits = 16 + zlib.MAX_WBITS if coding != "deflate" else zlib.MAX_WBITS
                if coding == "deflate" and body[:1] and (body[0] & 0x0F) != 8:
                    wbits = -zlib.MAX_WBITS  # raw deflate without the zlib header
                decoder = zlib.decompressobj(wbits)
                body = decoder.decompress(body, limit + 1)
                if len(body) > limit or decoder.unconsumed_tail:
                    raise FetchError(f"The page is larger than {_size(limit)} once decompressed.", permanent=True)
            else:  # we only ask for gzip/deflate; "br" etc. would need an unbounded decoder
                raise FetchError(f"The page uses a compression we did not ask for ({coding}).", permanent=True)
        except zlib.error:
            raise FetchError(f"The page's {coding} compression could not be decoded.", permanent=True) from None
    return body


def _one_hop(url: str, policy: FetchPolicy, deadline: float, *, method: str = "GET", body: bytes | None = None,
             extra_headers: tuple[tuple[str, str], ...] = _PAGE_HEADERS) -> Hop:
    scheme, host, port = _check_url(url)
    ip = _resolve(host, port, policy)
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise FetchError(f"Timed out after {policy.total_timeout:g} s.", permanent=False)
    parts = urlsplit(url)
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    if parts.query:
        path += "?" + quote(parts.query, safe="/%:@!$&'()*+,;=-._~?")
    host_header = f"[{host}]" if ":" in host else host
    if parts.port is not None and parts.port != (443 if scheme == "https" else 80):
        host_header += f":{parts.port}"
    headers = [("Host", host_header), ("User-Agent", policy.user_agent), *extra_headers]
    timeout = urllib3.Timeout(connect=min(policy.connect_timeout, remaining),
                              read=min(policy.read_timeout, remaining))
    if scheme == "https":
        pool = urllib3.HTTPSConnectionPool(ip, port, timeout=timeout, retries=False, maxsize=1,
                                           server_hostname=host, assert_hostname=host)
    else:
        pool = urllib3.HTTPConnectionPool(ip, port, timeout=timeout, retries=False, maxsize=1)
    response = None
    try:
        response = pool.urlopen(method, path, body=body, headers=dict(headers), redirect=False, retries=False,
                                preload_content=False, decode_content=False, assert_same_host=False)
        length = response.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > policy.max_bytes:
            raise FetchError(f"The page is larger than {_size(policy.max_bytes)}.", permanent=True)
        chunks, received = [], 0
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise FetchError(f"Timed out after {policy.total_timeout:g} s.", permanent=False)
            sock = getattr(response.connection, "sock", None)
            if sock is not None:
                sock.settimeout(min(policy.read_timeout, left))
            chunk = response.read1(CHUNK, decode_content=False)
            if not chunk:
                break
            received += len(chunk)
            if received > policy.max_bytes:
                raise FetchError(f"The page is larger than {_size(policy.max_bytes)}.", permanent=True)
            chunks.append(chunk)
        original = getattr(response, "_original_response", None)
        raw_headers = list(original.msg.items()) if original is not None else list(response.headers.items())
        return Hop(url=url, method=method, request_headers=headers, status=response.status,
                   reason=response.reason or "", http_version=_HTTP_VERSIONS.get(response.version, "HTTP/?"),
                   response_headers=raw_headers, body=b"".join(chunks), remote_ip=ip)
    except SSLError as exc:
        raise FetchError(f"The secure connection to {host} failed: {exc}.", permanent=True) from None
    except NewConnectionError:  # before the timeouts: urllib3 2 makes it a subclass of ConnectTimeoutError
        raise FetchError(f"Could not connect to {host} (port {port}).", permanent=False) from None
    except (Urllib3Timeout, socket.timeout):
        if time.monotonic() >= deadline:
            raise FetchError(f"Timed out after {policy.total_timeout:g} s.", permanent=False) from None
        raise FetchError(f"{host} did not respond in time.", permanent=False) from None
    except (Urllib3Error, OSError) as exc:
        raise FetchError(f"The connection to {host} failed ({type(exc).__name__}).", permanent=False) from None
    finally:
        if response is not None:
            response.close()
        pool.close()


def fetch(url: str, policy: FetchPolicy, *, headers: tuple[tuple[str, str], ...] = ()) -> FetchResult:
    """GET ``url`` and its redirects safely. Raises FetchError; HTTP error statuses are returned.

    ``headers`` are sent on every hop beside (or instead of, by name) the page headers: an Accept of the caller's,
    or a conditional GET's If-None-Match / If-Modified-Since (a 304 is returned like any status)."""
    deadline = time.monotonic() + policy.total_timeout
    names = {k.lower() for k, _ in headers}
    extra = (*((k, v) for k, v in _PAGE_HEADERS if k.lower() not in names), *headers)
    hops: list[Hop] = []
    current = urldefrag(url.strip()).url
    while True:
        hop = _one_hop(current, policy, deadline, extra_headers=extra)
        hops.append(hop)
        location = next((v for k, v in hop.response_headers if k.lower() == "location"), None)
        if hop.status not in REDIRECT_STATUSES or not location:
            break
        if len(hops) > policy.max_redirects:
            raise FetchError(f"Too many redirects (more than {policy.max_redirects}).", permanent=True)
        current = urldefrag(urljoin(current, location.strip())).url
    headers = hop.response_headers
    content_type = next((v for k, v in headers if k.lower() == "content-type"), None)
    encoding = ", ".join(v for k, v in headers if k.lower() == "content-encoding") or None
    return FetchResult(hops=hops, final_url=hop.url, status=hop.status, headers=headers,
                       content_type=content_type, body=_decode(hop.body, encoding, policy.max_bytes))


def post(url: str, body: bytes, policy: FetchPolicy, *, content_type: str, accept: str,
         headers: tuple[tuple[str, str], ...] = ()) -> Hop:
    """POST ``body`` to ``url`` under the same rules as a fetch (address checks, time and size bounds, no cookies),
    for the services the desk itself calls, such as a time-stamping authority or a webhook (whose signature goes in
    ``headers``). One hop: a redirect is returned, not followed (a POST must not be replayed somewhere else).
    Raises FetchError."""
    return _one_hop(urldefrag(url.strip()).url, policy, time.monotonic() + policy.total_timeout, method="POST",
                    body=body, extra_headers=(("Content-Type", content_type), ("Accept", accept), *headers))


def check_destination(url: str, policy: FetchPolicy) -> str:
    """The address a request to ``url`` would connect to, after the checks every hop makes (scheme, no user
    name or password, one lookup, no blocked range unless allow-listed loopback). Raises FetchError."""
    _, host, port = _check_url(url)
    return _resolve(host, port, policy)
