"""The capture pipeline end to end against a loopback site: fetch, WARC, text, hash, states."""
import hashlib
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlmodel import select

from factcheck import jobs
from factcheck.config import Settings
from factcheck.models import Capture, Source
from factcheck.services import capture, review, sources
from tests.archive.loopback import Site
from tests.builders import Doorbell, article, claims_of, job_table

BIN = Path(sys.executable).parent


@pytest.fixture
def site():
    with Site() as s:
        yield s


@pytest.fixture
def tasks(site, engine, database_url, tmp_path):
    settings = Settings.from_env({"FACTCHECK_DEV": "1", "FACTCHECK_DATABASE_URL": database_url,
                                  "FACTCHECK_FETCH_ALLOW": f"127.0.0.1:{site.port}", "FACTCHECK_SCREENSHOTS": "off",
                                  "FACTCHECK_FETCH_TIMEOUT": "5"}, instance_dir=tmp_path / "instance")
    bell = Doorbell()
    table = job_table(engine, settings, bell)
    table["sent"] = bell.sent
    table["settings"] = settings
    return table


@pytest.fixture
def claim(session, people):
    c = next(c for c in claims_of(session, article(session, by=people["eve"])) if c.status == "new")
    review.assign(session, claim=c, assignee=people["carl"], actor=people["eve"], expected_version=1)
    session.commit()
    return c


def add(session, people, claim, url) -> Capture:
    src = sources.add_source(session, claim=claim, url=url, actor=people["carl"])
    session.commit()
    return session.exec(select(Capture).where(Capture.source_id == src.id)).one()


def fresh(session, cap_id) -> Capture:
    session.expire_all()
    return session.get(Capture, cap_id)


def test_a_page_behind_redirects_is_archived_with_its_evidence(session, people, claim, site, tasks):
    body = site.html("/story", "Ferry figures", "The terminal cost 31 million dollars.", gzip_it=True)
    site.pages["/old"] = (301, {"Location": "/moved"}, b"")
    site.pages["/moved"] = (302, {"Location": "/story", "Set-Cookie": "s=1"}, b"")
    cap = add(session, people, claim, site.url("/old"))
    assert tasks[jobs.ARCHIVE_SOURCE](cap.id) == "done"
    cap = fresh(session, cap.id)
    assert (cap.state, cap.http_status, cap.final_url, cap.attempts) == ("done", 200, site.url("/story"), 1)
    assert cap.sha256 == hashlib.sha256(body).hexdigest() and cap.size == len(body)
    assert cap.title == "Ferry figures" and cap.content_type.startswith("text/html")
    assert "Screenshots are switched off" in cap.reason
    root = tasks["settings"].archive_dir
    warc = root / cap.warc_path
    for tool in ("check", "index"):
        subprocess.run([str(BIN / "warcio"), tool, str(warc)], check=True, capture_output=True)
    from warcio.archiveiterator import ArchiveIterator
    with warc.open("rb") as fh:
        records = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.content_stream().read())
                   for r in ArchiveIterator(fh)]
    assert [t for t, _, _ in records] == ["warcinfo"] + ["request", "response"] * 3
    assert hashlib.sha256(records[-1][2]).hexdigest() == cap.sha256
    assert "31 million dollars" in (root / cap.text_path).read_text()


def test_the_same_body_is_stored_once(session, people, claim, site, tasks):
    site.html("/a", "Same", "Identical content here.")
    site.pages["/b"] = site.pages["/a"]
    one, two = add(session, people, claim, site.url("/a")), add(session, people, claim, site.url("/b"))
    tasks[jobs.ARCHIVE_SOURCE](one.id), tasks[jobs.ARCHIVE_SOURCE](two.id)
    one, two = fresh(session, one.id), fresh(session, two.id)
    assert one.sha256 == two.sha256 and one.text_path == two.text_path


def test_a_job_runs_once_however_often_the_doorbell_rings(session, people, claim, site, tasks):
    site.html("/p", "Once", "Only one capture.")
    cap = add(session, people, claim, site.url("/p"))
    assert tasks[jobs.ARCHIVE_SOURCE](cap.id) == "done"
    assert tasks[jobs.ARCHIVE_SOURCE](cap.id) is None  # a duplicate message finds nothing to claim
    assert site.hits["/p"] == 1 and fresh(session, cap.id).attempts == 1


@pytest.mark.parametrize("path,status,reason", [("/missing", 404, "The page answered 404 Not Found."),
                                                 ("/gone", 410, "The page answered 410 Gone.")])
def test_permanent_http_failures(session, people, claim, site, tasks, path, status, reason):
    site.pages[path] = (status, {"Content-Type": "text/plain"}, b"no")
    cap = add(session, people, claim, site.url(path))
    assert tasks[jobs.ARCHIVE_SOURCE](cap.id) == "failed"
    assert fresh(session, cap.id).reason == reason


def test_blocked_addresses_fail_permanently_without_connecting(session, people, claim, tasks):
    cap = add(session, people, claim, "http://10.0.0.5/secret")
    assert tasks[jobs.ARCHIVE_SOURCE](cap.id) == "failed"
    assert "private" in fresh(session, cap.id).reason


def test_transient_errors_retry_with_the_servers_wait_then_succeed(session, people, claim, site, tasks):
    calls = {"n": 0}

    def flaky():
        calls["n"] += 1
        if calls["n"] == 1:
            return 503, {"Retry-After": "1", "Content-Type": "text/plain"}, b"busy"
        return 200, {"Content-Type": "text/html"}, b"<html><title>Back</title><p>Back up.</p></html>"
    site.pages["/flaky"] = flaky
    cap = add(session, people, claim, site.url("/flaky"))
    assert tasks[jobs.ARCHIVE_SOURCE](cap.id) == "retrying"
    waiting = fresh(session, cap.id)
    assert "503" in waiting.reason and waiting.next_try_at is not None
    assert tasks[jobs.ARCHIVE_SOURCE](cap.id) is None  # not due yet
    time.sleep(1.2)
    assert tasks[jobs.SWEEP]() == 1 and tasks["sent"][-1] == (jobs.ARCHIVE_SOURCE, (cap.id,))
    assert tasks[jobs.ARCHIVE_SOURCE](cap.id) == "done"
    assert fresh(session, cap.id).attempts == 2


def test_gives_up_after_the_last_attempt(session, people, claim, site, tasks):
    site.pages["/down"] = (500, {"Content-Type": "text/plain"}, b"boom")
    cap = add(session, people, claim, site.url("/down"))
    session.execute(update(Capture).where(Capture.id == cap.id).values(attempts=capture.MAX_ATTEMPTS - 1))
    session.commit()
    assert tasks[jobs.ARCHIVE_SOURCE](cap.id) == "failed"
    assert f"Gave up after {capture.MAX_ATTEMPTS} attempts" in fresh(session, cap.id).reason


def test_sweeper_requeues_jobs_stuck_fetching_or_queued(session, people, claim, site, tasks):
    site.html("/s", "Stuck", "A worker died here.")
    cap = add(session, people, claim, site.url("/s"))
    long_ago = capture.db_now(session) - timedelta(hours=1)
    session.execute(update(Capture).where(Capture.id == cap.id).values(state="running", updated_at=long_ago))
    session.commit()
    assert tasks[jobs.SWEEP]() == 1
    assert fresh(session, cap.id).state == "queued"
    assert tasks[jobs.ARCHIVE_SOURCE](cap.id) == "done"


def test_rechecks_notice_drift_and_link_rot(session, people, claim, site, tasks):
    site.html("/live", "Live", "First version of the page.")
    cap = add(session, people, claim, site.url("/live"))
    tasks[jobs.ARCHIVE_SOURCE](cap.id)
    session.execute(update(Capture).where(Capture.id == cap.id)
                    .values(captured_at=capture.db_now(session) - timedelta(days=30)))
    session.commit()
    site.html("/live", "Live", "Second, edited version of the page.")
    assert len(tasks[jobs.RECHECK]()) == 1
    name, (recheck_id,) = tasks["sent"][-1]
    assert tasks[name](recheck_id) == "done"
    session.expire_all()
    src = session.get(Source, cap.source_id)
    assert src.health == "changed" and "changed" in src.health_reason
    session.execute(update(Capture).where(Capture.id == recheck_id)
                    .values(captured_at=capture.db_now(session) - timedelta(days=30)))
    session.commit()
    del site.pages["/live"]
    tasks[jobs.RECHECK]()
    name, (third,) = tasks["sent"][-1]
    assert tasks[name](third) == "failed"
    session.expire_all()
    assert session.get(Source, cap.source_id).health == "gone"
    assert len(session.exec(select(Capture).where(Capture.source_id == cap.source_id)).all()) == 3


def test_archived_files_are_never_served_as_live_html(session, people, claim, site, tasks, as_user, app):
    site.pages["/evil"] = (200, {"Content-Type": "text/html"},
                           b"<html><head><title>Evil</title></head><body><p>Long enough article text about the "
                           b"council budget and its figures.</p><script>alert(document.cookie)</script></body></html>")
    cap = add(session, people, claim, site.url("/evil"))
    tasks[jobs.ARCHIVE_SOURCE](cap.id)
    cap = fresh(session, cap.id)
    assert app.extensions["factcheck.settings"].archive_dir == tasks["settings"].archive_dir
    carl = as_user("carl")
    text = carl.get(f"/captures/{cap.id}/text")
    assert text.status_code == 200 and text.mimetype == "text/plain"
    assert "sandbox" in text.headers["Content-Security-Policy"]
    assert text.headers["X-Content-Type-Options"] == "nosniff"
    warc = carl.get(f"/captures/{cap.id}/warc")
    assert warc.status_code == 200 and "attachment" in warc.headers["Content-Disposition"]
    assert carl.get(f"/captures/{cap.id}/screenshot").status_code == 404  # screenshots were off
    states = carl.get(f"/claims/{claim.id}/captures.json").get_json()
    assert states["sources"][0]["capture"]["state"] == "done" and states["pending"] is False
    assert carl.http.get(f"/captures/{cap.id}/text").status_code == 200
    anonymous = app.test_client().get(f"/captures/{cap.id}/text")
    assert anonymous.status_code == 302
