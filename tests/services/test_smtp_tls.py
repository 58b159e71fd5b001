"""SMTP over TLS against a real server on loopback (aiosmtpd) with a certificate made here: STARTTLS and implicit
TLS (smtps://), the verification options of FACTCHECK_SMTP_URL (cafile=, verify=no), and a clear failure when the
certificate does not verify."""
from __future__ import annotations

import ipaddress
import socket
import ssl
from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import select

from factcheck.mail_settings import from_env
from factcheck.models import EmailMessage
from factcheck.services import mail, notifications, review
from tests.builders import article, claims_of

aiosmtpd = pytest.importorskip("aiosmtpd.controller")
x509 = pytest.importorskip("cryptography.x509")
SECRET = "test-secret-for-signed-links"


def _key():
    from cryptography.hazmat.primitives.asymmetric import ec

    return ec.generate_private_key(ec.SECP256R1())


def _name(common: str):
    return x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, common)])


def make_pki(folder, *, names=("localhost",), ips=("127.0.0.1",)):
    """A CA and a server certificate it signed for `names` and `ips`, as PEM files: (ca.pem, cert.pem, key.pem)."""
    from cryptography.hazmat.primitives import hashes, serialization

    now = datetime.now(timezone.utc)
    ca_key, key = _key(), _key()
    ca = (x509.CertificateBuilder().subject_name(_name("Test mail CA")).issuer_name(_name("Test mail CA"))
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False, data_encipherment=False,
                                       key_agreement=False, encipher_only=False, decipher_only=False),
                         critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    alt = [x509.DNSName(n) for n in names] + [x509.IPAddress(ipaddress.ip_address(i)) for i in ips]
    cert = (x509.CertificateBuilder().subject_name(_name(names[0] if names else "server")).issuer_name(ca.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(alt), critical=False)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    paths = folder / "ca.pem", folder / "cert.pem", folder / "key.pem"
    paths[0].write_bytes(ca.public_bytes(pem))
    paths[1].write_bytes(cert.public_bytes(pem))
    paths[2].write_bytes(key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return tuple(str(p) for p in paths)


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[bool, bytes]] = []   # (arrived over TLS, the message)

    async def handle_DATA(self, server, session, envelope):
        over_tls = session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None
        self.messages.append((over_tls, envelope.original_content))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def pki(tmp_path):
    return make_pki(tmp_path)


@pytest.fixture
def server(pki):
    """Start a loopback SMTP server: server("starttls") demands STARTTLS; server("tls") speaks TLS from the start."""
    started = []

    def start(mode: str, cert=None):
        ca, crt, key = cert or pki
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(crt, key)
        box, port = Inbox(), _free_port()
        extra = {"tls_context": context, "require_starttls": True} if mode == "starttls" else {"ssl_context": context}
        controller = aiosmtpd.Controller(box, hostname="127.0.0.1", port=port, **extra)
        controller.start()
        started.append(controller)
        box.port = port
        return box

    yield start
    for controller in started:
        controller.stop()


def settings_for(url: str):
    return from_env({"FACTCHECK_SMTP_URL": url, "FACTCHECK_SMTP_FROM": "Fact desk <desk@example.org>"})


@pytest.fixture
def queued(session, people):
    """One notification email waiting to go to carl."""
    a = article(session, by=people["eve"])
    claim = next(c for c in claims_of(session, a) if c.status == "new")
    notifications.set_email(session, user=people["carl"], email="carl@example.org")
    notifications.set_preferences(session, user=people["carl"], choices={"assigned": "email"})
    review.assign(session, claim=claim, assignee=people["carl"], actor=people["eve"], expected_version=1)
    session.commit()
    return session.exec(select(EmailMessage)).one()


def send(session, row, url: str) -> tuple[str, str]:
    config = mail.MailConfig(mail=settings_for(url), base_url="https://desk.example.org", secret=SECRET)
    state = mail.send_email(session, row.id, config=config)
    session.expire_all()
    return state, session.get(EmailMessage, row.id).reason


def test_starttls_with_the_newsrooms_ca(session, server, pki, queued):
    box = server("starttls")
    state, reason = send(session, queued, f"smtp://127.0.0.1:{box.port}?cafile={pki[0]}")
    assert state == "done", reason
    [(over_tls, raw)] = box.messages
    assert over_tls and b"carl@example.org" in raw


def test_implicit_tls_smtps_with_the_newsrooms_ca(session, server, pki, queued):
    box = server("tls")
    state, reason = send(session, queued, f"smtps://127.0.0.1:{box.port}?cafile={pki[0]}")
    assert state == "done", reason
    assert [tls for tls, _ in box.messages] == [True]


@pytest.mark.parametrize("mode, scheme", [("starttls", "smtp"), ("tls", "smtps")])
def test_a_certificate_that_does_not_verify_fails_clearly(session, server, queued, mode, scheme):
    box = server(mode)   # its CA is not among the system's
    state, reason = send(session, queued, f"{scheme}://127.0.0.1:{box.port}")
    assert state == "failed" and box.messages == []
    assert "certificate did not verify" in reason and "cafile=" in reason and f"127.0.0.1:{box.port}" in reason


def test_a_certificate_for_another_name_fails_even_from_a_trusted_ca(session, server, tmp_path, queued):
    other = make_pki(tmp_path, names=("mail.example.org",), ips=())
    box = server("starttls", cert=other)
    state, reason = send(session, queued, f"smtp://127.0.0.1:{box.port}?cafile={other[0]}")
    assert state == "failed" and "certificate did not verify" in reason and box.messages == []
    assert "127.0.0.1" in reason


def test_verify_no_sends_to_a_test_server_without_checking(session, server, queued):
    box = server("tls")
    state, reason = send(session, queued, f"smtps://127.0.0.1:{box.port}?verify=no")
    assert state == "done", reason
    assert len(box.messages) == 1


def test_a_server_demanding_starttls_refuses_plain_mail(session, server, queued):
    box = server("starttls")
    state, reason = send(session, queued, f"smtp://127.0.0.1:{box.port}?tls=none")
    assert state in ("failed", "retrying") and box.messages == [] and "530" in reason


def test_the_verification_options_are_read_and_checked(pki):
    s = settings_for(f"smtps://mail.example.org?cafile={pki[0]}")
    assert (s.security, s.port, s.verify, s.cafile) == ("tls", 465, True, pki[0])
    assert settings_for("smtp://mail.example.org?verify=no").verify is False
    assert settings_for("smtp://mail.example.org").verify is True and settings_for("smtp://m.example.org").cafile == ""
    for bad, said in (("smtp://m.example.org?verify=maybe", "verify="),
                      ("smtp://m.example.org?cafile=/no/such/ca.pem", "cafile="),
                      ("smtp://m.example.org?tls_verify=no", "unknown options")):
        with pytest.raises(ValueError, match=said):
            settings_for(bad)
