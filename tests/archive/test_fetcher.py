"""The safe fetcher against real servers that these tests start on loopback.

Network rule: the only sockets opened here go to 127.0.0.1 / ::1 servers started below. Other
addresses appear only behind a monkeypatched socket.getaddrinfo, with connecting forbidden.
"""
from __future__ import annotations

import email.utils
import functools
import gzip
import shutil
import socket
import ssl
import subprocess
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
import urllib3
import urllib3.util.connection

from factcheck.archive.fetcher import FetchError, FetchPolicy, fetch, retry_after_seconds
from tests.conftest import need

PAGE = b"<html><head><title>Claim</title></head><body>The minister said so.</body></html>"
MB = 1024 * 1024


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # keep test output quiet
        pass

    def send(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, status, location, headers=()):
        self.send(status, b"moved", [("Location", location), *headers])

    def do_GET(self):  # noqa: C901 - one small route table
        self.server.seen.append((self.path, dict(self.headers.items())))
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        path = url.path
        try:
            if path == "/page":
                self.send(200, PAGE, [("Content-Type", "text/html; charset=utf-8"),
                                      ("X-Dup", "one"), ("Set-Cookie", "a=1"), ("X-Dup", "two")])
            elif path == "/gzip":
                self.send(200, gzip.compress(PAGE), [("Content-Type", "text/html"), ("Content-Encoding", "gzip")])
            elif path == "/deflate":
                self.send(200, zlib.compress(PAGE), [("Content-Type", "text/html"), ("Content-Encoding", "deflate")])
            elif path == "/bomb":
                self.send(200, gzip.compress(b"\0" * (3 * MB)), [("Content-Encoding", "gzip")])
            elif path in ("/br", "/corrupt"):
                self.send(200, b"\x1f\x8bnot really gzip", [("Content-Encoding", path == "/br" and "br" or "gzip")])
            elif path == "/r1":
                self.redirect(302, "/r2")
            elif path == "/r2":
                self.redirect(301, f"http://127.0.0.1:{self.server.server_port}/page")
            elif path.startswith("/loop/"):
                self.redirect(302, f"/loop/{int(path.rsplit('/', 1)[1]) + 1}")
            elif path == "/away":
                self.redirect(302, query["to"][0])
            elif path == "/cookie":
                self.redirect(302, "/echo", [("Set-Cookie", "session=secret; Path=/")])
            elif path == "/echo":
                self.send(200, repr(dict(self.headers.items())).encode())
            elif path == "/status":
                extra = [("Retry-After", query["retry"][0])] if "retry" in query else []
                self.send(int(query["code"][0]), b"status page", extra)
            elif path == "/big":  # 5 MB, no Content-Length: only streaming can stop it
                self.send_response(200)
                self.send_header("Connection", "close")
                self.end_headers()
                for _ in range(5 * 16):
                    self.wfile.write(b"x" * (64 * 1024))
            elif path == "/big-declared":
                self.send_response(200)
                self.send_header("Content-Length", str(5 * MB))
                self.end_headers()
                self.wfile.write(b"x" * (5 * MB))
            elif path == "/slow":  # headers at once, then a long silence
                self.send_response(200)
                self.send_header("Content-Length", "10")
                self.end_headers()
                self.wfile.flush()
                time.sleep(2)
                self.wfile.write(b"0123456789")
            elif path == "/drip":  # one byte every 0.1 s: never trips the read timeout
                self.send_response(200)
                self.send_header("Content-Length", "40")
                self.end_headers()
                for _ in range(40):
                    self.wfile.write(b".")
                    self.wfile.flush()
                    time.sleep(0.1)
            elif path.startswith("/sleepy/"):  # each hop takes 0.25 s before redirecting
                time.sleep(0.25)
                self.redirect(302, f"/sleepy/{int(path.rsplit('/', 1)[1]) + 1}")
            else:
                self.send(404, b"not found")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the fetcher hung up on purpose


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, handler, family=socket.AF_INET):
        self.address_family = family
        self.seen: list[tuple[str, dict]] = []
        self.connections = 0
        super().__init__(address, handler)

    def get_request(self):
        request = super().get_request()
        self.connections += 1
        return request


def start(host="127.0.0.1", family=socket.AF_INET):
    server = Server((host, 0), Handler, family)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return server


def stop(server):
    server.shutdown()
    server.server_close()


@pytest.fixture
def server():
    srv = start()
    yield srv
    stop(srv)


@pytest.fixture
def canary():
    """A loopback server that must never be reached: it counts accepted connections."""
    srv = start()
    yield srv
    stop(srv)


@pytest.fixture
def canary6():
    try:
        srv = start("::1", socket.AF_INET6)
    except OSError:
        yield None
        return
    yield srv
    stop(srv)


def policy_for(srv, **kw):
    return FetchPolicy(allow=frozenset({("127.0.0.1", srv.server_port)}), **kw)


def base(srv):
    return f"http://127.0.0.1:{srv.server_port}"


def assert_untouched(srv):
    time.sleep(0.2)  # give a stray connection time to be accepted
    assert srv.connections == 0


@pytest.fixture
def no_connect(monkeypatch):
    """Fail the test if the fetcher tries to open any connection."""
    def refuse(*args, **kwargs):
        raise AssertionError(f"the fetcher tried to connect: {args!r}")
    monkeypatch.setattr(urllib3.util.connection, "create_connection", refuse)


def fake_dns(monkeypatch, table):
    """Names in ``table`` resolve to the listed IPs (or raise); anything else is an IP literal."""
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in table:
            answer = table[host]
            if isinstance(answer, Exception):
                raise answer
            return [(socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_STREAM, 6, "",
                     (ip, port) if ":" not in ip else (ip, port, 0, 0)) for ip in answer]
        return real(host, port, *args, **kwargs, flags=socket.AI_NUMERICHOST)  # never a real lookup
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


# --- happy paths -----------------------------------------------------------------------------

def test_fetches_a_page_from_the_allowed_server(server):
    result = fetch(base(server) + "/page", policy_for(server))
    assert result.status == 200
    assert result.body == PAGE
    assert result.content_type == "text/html; charset=utf-8"
    assert result.final_url == base(server) + "/page"
    [hop] = result.hops
    assert hop.remote_ip == "127.0.0.1" and hop.http_version in ("HTTP/1.0", "HTTP/1.1")
    assert hop.reason == "OK" and hop.method == "GET"
    names = [k for k, _ in hop.response_headers]
    assert [v for k, v in hop.response_headers if k == "X-Dup"] == ["one", "two"]
    assert names.index("X-Dup") < names.index("Set-Cookie")
    assert ("Accept-Encoding", "gzip, deflate") in hop.request_headers


def test_gzip_page_keeps_transferred_bytes_in_the_hop_and_decodes_the_body(server):
    result = fetch(base(server) + "/gzip", policy_for(server))
    assert gzip.decompress(result.hops[0].body) == PAGE
    assert result.hops[0].body[:2] == b"\x1f\x8b"
    assert result.body == PAGE


def test_deflate_page_is_decoded(server):
    result = fetch(base(server) + "/deflate", policy_for(server))
    assert result.hops[0].body == zlib.compress(PAGE)
    assert result.body == PAGE


@pytest.mark.parametrize(("path", "words"), [("/br", "did not ask for (br)"), ("/corrupt", "could not be decoded")])
def test_undecodable_bodies_are_permanent_errors(server, path, words):
    with pytest.raises(FetchError) as err:
        fetch(base(server) + path, policy_for(server))
    assert err.value.permanent and words in err.value.reason


def test_redirect_chain_is_recorded_hop_by_hop(server):
    result = fetch(base(server) + "/r1", policy_for(server))
    assert [h.status for h in result.hops] == [302, 301, 200]
    assert [urlsplit(h.url).path for h in result.hops] == ["/r1", "/r2", "/page"]
    assert result.final_url == base(server) + "/page"
    assert result.body == PAGE


def test_http_error_statuses_are_results_not_errors(server):
    assert fetch(base(server) + "/status?code=404", policy_for(server)).status == 404
    result = fetch(base(server) + "/status?code=503&retry=120", policy_for(server))
    assert result.status == 503 and retry_after_seconds(result.headers) == 120.0


# --- redirects and the allow-list ------------------------------------------------------------

def test_more_than_five_redirects_are_refused(server):
    with pytest.raises(FetchError) as err:
        fetch(base(server) + "/loop/0", policy_for(server))
    assert err.value.permanent and "Too many redirects (more than 5)" in err.value.reason
    assert len(server.seen) == 6  # the first request plus five redirects


def test_redirect_to_another_loopback_port_is_refused(server, canary):
    target = f"http://127.0.0.1:{canary.server_port}/"
    with pytest.raises(FetchError) as err:
        fetch(base(server) + f"/away?to={target}", policy_for(server))
    assert err.value.permanent and "loopback" in err.value.reason
    assert_untouched(canary)


@pytest.mark.parametrize("template", [
    "http://127.0.0.1:{port}/",
    "http://127.1:{port}/",
    "http://0x7f000001:{port}/",
    "http://2130706433:{port}/",
    "http://[::ffff:127.0.0.1]:{port}/",
    "https://127.0.0.1:{port}/",
])
def test_loopback_spellings_that_are_not_allowed_are_refused(server, canary, template):
    with pytest.raises(FetchError) as err:
        fetch(template.format(port=canary.server_port), policy_for(server))
    assert err.value.permanent
    assert "blocked range" in err.value.reason and "may not visit" in err.value.reason
    assert_untouched(canary)


def test_ipv6_loopback_is_refused(server, canary6):
    port = canary6.server_port if canary6 else 9  # without IPv6, only the refusal is checked
    with pytest.raises(FetchError) as err:
        fetch(f"http://[::1]:{port}/", policy_for(server))
    assert err.value.permanent and "loopback" in err.value.reason
    if canary6:
        assert_untouched(canary6)


def test_userinfo_is_refused_before_anything_else(server, canary):
    for url in (f"http://allowed@127.0.0.1:{canary.server_port}/", base(server).replace("//", "//u:p@") + "/page"):
        with pytest.raises(FetchError) as err:
            fetch(url, policy_for(server))
        assert err.value.permanent
        assert err.value.reason == "Links with a user name or password cannot be archived."
    assert_untouched(canary)
    assert server.seen == []


def test_other_spellings_of_the_allowed_pair_follow_the_normalised_address(server):
    # 127.1 is the very same socket address as 127.0.0.1, so it is the allowed pair ...
    assert fetch(f"http://127.1:{server.server_port}/page", policy_for(server)).status == 200
    # ... but an IPv4-mapped IPv6 address is a different address and is never allow-listed.
    with pytest.raises(FetchError):
        fetch(f"http://[::ffff:127.0.0.1]:{server.server_port}/page", policy_for(server))
    assert len(server.seen) == 1


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/file", "javascript:alert(1)", "file:///etc/passwd",
                                 "data:text/html,hi", "//127.0.0.1/page"])
def test_only_http_and_https(url, no_connect):
    with pytest.raises(FetchError) as err:
        fetch(url, FetchPolicy())
    assert err.value.permanent and err.value.reason == "Only http and https links can be archived."


def test_redirect_to_another_scheme_is_refused(server):
    with pytest.raises(FetchError) as err:
        fetch(base(server) + "/away?to=ftp://127.0.0.1/x", policy_for(server))
    assert err.value.permanent and "Only http and https" in err.value.reason


# --- names, headers, cookies ------------------------------------------------------------------

def test_host_header_is_the_original_name_and_the_checked_address_is_used(server, monkeypatch):
    fake_dns(monkeypatch, {"localhost": ["127.0.0.1"]})
    result = fetch(f"http://localhost:{server.server_port}/page", policy_for(server))
    assert result.status == 200 and result.hops[0].remote_ip == "127.0.0.1"
    assert server.seen[0][1]["Host"] == f"localhost:{server.server_port}"


def test_no_cookie_authorization_or_referer_even_after_set_cookie(server, monkeypatch):
    fake_dns(monkeypatch, {"localhost": ["127.0.0.1"]})
    result = fetch(f"http://localhost:{server.server_port}/cookie", policy_for(server))
    assert [h.status for h in result.hops] == [302, 200]
    for _, headers in server.seen:
        lowered = {k.lower() for k in headers}
        assert not lowered & {"cookie", "authorization", "referer", "proxy-authorization"}
    assert len(server.seen) == 2


def test_dns_failure_is_permanent(monkeypatch, no_connect):
    fake_dns(monkeypatch, {"news.example.invalid": socket.gaierror(socket.EAI_NONAME, "Name or service not known")})
    with pytest.raises(FetchError) as err:
        fetch("https://news.example.invalid/story", FetchPolicy())
    assert err.value.permanent and err.value.reason == "The name news.example.invalid does not resolve."


def test_name_resolving_to_a_private_address_is_refused_without_connecting(monkeypatch, no_connect):
    fake_dns(monkeypatch, {"intranet.example": ["10.0.0.5"]})
    with pytest.raises(FetchError) as err:
        fetch("http://intranet.example/admin", FetchPolicy())
    assert err.value.permanent
    assert "private network" in err.value.reason and "10.0.0.5" in err.value.reason


def test_every_resolved_address_must_pass(server, monkeypatch, no_connect):
    fake_dns(monkeypatch, {"mixed.example": ["127.0.0.1", "169.254.169.254"]})
    with pytest.raises(FetchError) as err:
        fetch(f"http://mixed.example:{server.server_port}/page", policy_for(server))
    assert "link-local" in err.value.reason


def test_allowed_pair_only_exempts_loopback(monkeypatch, no_connect):
    fake_dns(monkeypatch, {"lan.example": ["192.168.1.10"]})
    policy = FetchPolicy(allow=frozenset({("192.168.1.10", 80)}))  # a bad allow-list is ignored
    with pytest.raises(FetchError) as err:
        fetch("http://lan.example/", policy)
    assert "private network" in err.value.reason


@pytest.fixture
def tls_server(tmp_path, monkeypatch):
    """An HTTPS loopback server whose self-signed certificate names ``localhost`` only."""
    if not shutil.which("openssl"):
        need("the openssl command", "it makes the test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost"], check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    srv = Server(("127.0.0.1", 0), Handler)
    srv.socket = context.wrap_socket(srv.socket, server_side=True)
    threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    # trust the test certificate (the fetcher itself uses the system CA store)
    monkeypatch.setattr(urllib3, "HTTPSConnectionPool",
                        functools.partial(urllib3.HTTPSConnectionPool, ca_certs=str(cert)))
    yield srv
    stop(srv)


def test_https_verifies_the_original_name_while_connecting_to_the_checked_address(tls_server, monkeypatch):
    fake_dns(monkeypatch, {"localhost": ["127.0.0.1"], "other.test": ["127.0.0.1"]})
    port = tls_server.server_port
    result = fetch(f"https://localhost:{port}/page", policy_for(tls_server))
    assert result.status == 200 and result.body == PAGE and result.hops[0].remote_ip == "127.0.0.1"
    assert tls_server.seen[0][1]["Host"] == f"localhost:{port}"
    with pytest.raises(FetchError) as err:  # the certificate does not name other.test
        fetch(f"https://other.test:{port}/page", policy_for(tls_server))
    assert err.value.permanent and "secure connection" in err.value.reason
    assert len(tls_server.seen) == 1


# --- size and time limits ---------------------------------------------------------------------

def test_body_over_the_limit_is_refused_while_streaming(server):
    started = time.monotonic()
    with pytest.raises(FetchError) as err:
        fetch(base(server) + "/big", policy_for(server, max_bytes=MB))
    assert err.value.permanent and err.value.reason == "The page is larger than 1 MB."
    assert time.monotonic() - started < 2


def test_declared_length_over_the_limit_is_refused_before_reading(server):
    with pytest.raises(FetchError) as err:
        fetch(base(server) + "/big-declared", policy_for(server, max_bytes=MB))
    assert err.value.permanent and "larger than 1 MB" in err.value.reason


def test_decompression_bomb_is_refused(server):
    with pytest.raises(FetchError) as err:
        fetch(base(server) + "/bomb", policy_for(server, max_bytes=MB))
    assert err.value.permanent and "larger than 1 MB" in err.value.reason


def test_a_refused_connection_says_so_at_once(server):
    policy = policy_for(server)
    port = server.server_port
    server.shutdown()
    server.server_close()  # nothing listens on the allow-listed port any more
    started = time.monotonic()
    with pytest.raises(FetchError) as err:
        fetch(f"http://127.0.0.1:{port}/", policy)
    assert not err.value.permanent and err.value.reason == f"Could not connect to 127.0.0.1 (port {port})."
    assert time.monotonic() - started < 1


def test_slow_server_is_a_transient_read_timeout(server):
    started = time.monotonic()
    with pytest.raises(FetchError) as err:
        fetch(base(server) + "/slow", policy_for(server, read_timeout=0.3))
    assert not err.value.permanent and "did not respond in time" in err.value.reason
    assert time.monotonic() - started < 1.5


def test_total_deadline_stops_a_drip_feed(server):
    started = time.monotonic()
    with pytest.raises(FetchError) as err:
        fetch(base(server) + "/drip", policy_for(server, read_timeout=2, total_timeout=0.6))
    assert not err.value.permanent and err.value.reason == "Timed out after 0.6 s."
    assert time.monotonic() - started < 1.5


def test_total_deadline_spans_redirect_hops(server):
    with pytest.raises(FetchError) as err:
        fetch(base(server) + "/sleepy/0", policy_for(server, total_timeout=0.6, max_redirects=20))
    assert not err.value.permanent and "Timed out after 0.6 s" in err.value.reason
    assert len(server.seen) <= 4


def test_connection_refused_is_transient():
    with socket.socket() as probe:  # find a free loopback port, then leave it closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError) as err:
        fetch(f"http://127.0.0.1:{port}/", FetchPolicy(allow=frozenset({("127.0.0.1", port)})))
    assert not err.value.permanent


# --- configuration and Retry-After -------------------------------------------------------------

def test_policy_from_env():
    policy = FetchPolicy.from_env({
        "FACTCHECK_FETCH_ALLOW": "127.0.0.1:8001, 127.0.0.1:8002,[::1]:8003",
        "FACTCHECK_FETCH_MAX_BYTES": "1048576", "FACTCHECK_FETCH_TIMEOUT": "12.5",
        "FACTCHECK_USER_AGENT": "desk-bot/1",
    })
    assert policy.allow == {("127.0.0.1", 8001), ("127.0.0.1", 8002), ("::1", 8003)}
    assert (policy.max_bytes, policy.total_timeout, policy.user_agent) == (MB, 12.5, "desk-bot/1")
    assert FetchPolicy.from_env({}) == FetchPolicy()


@pytest.mark.parametrize("allow", ["10.0.0.1:80", "localhost:8001", "127.0.0.1", "127.0.0.1:0",
                                   "127.0.0.1:http", "8.8.8.8:53", "::ffff:127.0.0.1:80"])
def test_policy_rejects_non_loopback_allow_entries(allow):
    with pytest.raises(ValueError, match="FACTCHECK_FETCH_ALLOW"):
        FetchPolicy.from_env({"FACTCHECK_FETCH_ALLOW": allow})


@pytest.mark.parametrize(("name", "value"), [("FACTCHECK_FETCH_MAX_BYTES", "lots"),
                                             ("FACTCHECK_FETCH_TIMEOUT", "-1")])
def test_policy_rejects_bad_numbers(name, value):
    with pytest.raises(ValueError, match=name):
        FetchPolicy.from_env({name: value})


def test_retry_after_seconds():
    assert retry_after_seconds([("Retry-After", "120")]) == 120.0
    later = email.utils.formatdate(time.time() + 90, usegmt=True)
    assert 80 < retry_after_seconds([("retry-after", later)]) <= 90
    assert retry_after_seconds({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0
    assert retry_after_seconds([("Retry-After", "soon")]) is None
    assert retry_after_seconds([("Retry-After", "-5")]) is None
    assert retry_after_seconds([]) is None
