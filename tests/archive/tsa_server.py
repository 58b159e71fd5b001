"""A real RFC 3161 time-stamping authority on loopback for tests: `openssl ts -reply` behind a tiny HTTP server.

Each authority makes its own CA and a TSA certificate (extendedKeyUsage critical timeStamping) with openssl in a
folder of its own, so a test can hold two authorities and tell their tokens apart.
"""
from __future__ import annotations

import hashlib
import itertools
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import need

OPENSSL = shutil.which("openssl")
_CONFIG = """\
[ tsa ]
default_tsa = tsa_config

[ tsa_config ]
dir = {dir}
serial = {dir}/serial
crypto_device = builtin
signer_cert = {dir}/tsa.crt
signer_key = {dir}/tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.4146.2.3
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run([OPENSSL, *args], cwd=cwd, check=True, capture_output=True)


class LoopbackTSA:
    """`url` answers timestamp queries; `ca_pem` is the root its tokens chain to; `fail_with` makes it answer an
    HTTP error instead; `stop()` takes it off the network (nothing listens on its port any more)."""

    def __init__(self, folder: Path, *, name: str = "Loopback Test TSA"):
        if OPENSSL is None:
            need("openssl", "the loopback time-stamping authority is `openssl ts -reply`")
        self.folder, self.name = Path(folder), name
        self.folder.mkdir(parents=True, exist_ok=True)
        self._make_certificates()
        self.ca_pem = (self.folder / "ca.crt").read_bytes()
        self.hits = 0
        self.fail_with: int | None = None
        self._lock = threading.Lock()
        self._names = itertools.count()
        tsa = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802
                tsa.hits += 1
                query = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if tsa.fail_with or self.headers.get("Content-Type") != "application/timestamp-query":
                    status, kind, body = tsa.fail_with or 415, "text/plain", b"no"
                else:
                    status, kind, body = 200, "application/timestamp-reply", tsa.reply(query)
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/tsr"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def _make_certificates(self) -> None:
        d = self.folder
        _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                 "ca.key", "-out", "ca.crt", "-days", "30", "-subj", f"/CN={self.name} Root CA",
                 "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                 cwd=d)
        _openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "tsa.key",
                 "-out", "tsa.csr", "-subj", f"/CN={self.name}", cwd=d)
        (d / "tsa.ext").write_text("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                                   "extendedKeyUsage=critical,timeStamping\n")
        _openssl("x509", "-req", "-in", "tsa.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                 "-out", "tsa.crt", "-days", "30", "-extfile", "tsa.ext", cwd=d)
        (d / "serial").write_text("01\n")
        (d / "tsa.cnf").write_text(_CONFIG.format(dir=d))

    def reply(self, query: bytes) -> bytes:
        """Pipe one TimeStampReq (DER) through `openssl ts -reply`; the TimeStampResp (DER)."""
        with self._lock:  # openssl keeps its serial number in a file
            n = next(self._names)
            q, r = self.folder / f"q{n}.tsq", self.folder / f"r{n}.tsr"
            q.write_bytes(query)
            _openssl("ts", "-reply", "-config", str(self.folder / "tsa.cnf"), "-queryfile", str(q), "-out", str(r),
                     cwd=self.folder)
            return r.read_bytes()

    def token_for(self, data: bytes) -> bytes:
        """A token of this authority for `data` (as a forger holding a real token for other bytes would have)."""
        from rfc3161_client import HashAlgorithm, TimestampRequestBuilder

        query = TimestampRequestBuilder().data(data).hash_algorithm(HashAlgorithm.SHA256).build()
        return self.reply(query.as_bytes())

    def write_ca(self, path: Path) -> Path:
        path.write_bytes(self.ca_pem)
        return path

    def env(self) -> dict[str, str]:
        """The settings that make a desk use this authority."""
        certs = self.write_ca(self.folder / "published-ca.pem")
        return {"FACTCHECK_TSA_URL": self.url, "FACTCHECK_TSA_CERTS": str(certs)}

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def authority_fixture(name: str = "Loopback Test TSA"):
    """A module-scoped pytest fixture running one LoopbackTSA named `name` (each module makes its own CA)."""
    @pytest.fixture(scope="module")
    def running(tmp_path_factory):
        a = LoopbackTSA(tmp_path_factory.mktemp("tsa"), name=name)
        yield a
        a.stop()
    return running
