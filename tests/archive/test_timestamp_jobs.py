"""Each archived WARC is timestamped by the newsroom's authority as a job of its own, against a loopback site and a
real loopback TSA; when the authority is down the job retries with a reason and the capture stays usable."""
from __future__ import annotations

import pytest
from sqlmodel import select

from factcheck import jobs
from factcheck.config import Settings
from factcheck.models import Capture, JobState, Timestamp
from factcheck.services import review, sources
from factcheck.services import sweep as sweeper
from tests.archive.loopback import Site
from tests.archive.tsa_server import LoopbackTSA, sha256
from tests.builders import Doorbell, article, claims_of, job_table


@pytest.fixture
def site():
    with Site() as s:
        s.html("/story", "Ferry figures", "The ferry carried 2,950 passengers.")
        yield s


@pytest.fixture
def authority(tmp_path):
    a = LoopbackTSA(tmp_path / "tsa")
    yield a
    a.stop()


@pytest.fixture
def desk(site, authority, engine, database_url, tmp_path):
    settings = Settings.from_env({"FACTCHECK_DEV": "1", "FACTCHECK_DATABASE_URL": database_url,
                                  "FACTCHECK_FETCH_ALLOW": f"127.0.0.1:{site.port},127.0.0.1:{authority.port}",
                                  "FACTCHECK_SCREENSHOTS": "off", "FACTCHECK_FETCH_TIMEOUT": "3",
                                  "FACTCHECK_ARCHIVE_DIR": str(tmp_path / "archive"), **authority.env()},
                                 instance_dir=tmp_path / "instance")
    bell = Doorbell()
    return {"tasks": job_table(engine, settings, bell), "sent": bell.sent, "settings": settings}


@pytest.fixture
def captured(session, people, site, desk):
    """A source cited and archived: the capture is done, and its timestamp queued and rung."""
    claim = next(c for c in claims_of(session, article(session, by=people["eve"])) if c.status == "new")
    review.assign(session, claim=claim, assignee=people["carl"], actor=people["eve"], expected_version=1)
    src = sources.add_source(session, claim=claim, url=site.url("/story"), actor=people["carl"])
    session.commit()
    cap = session.exec(select(Capture).where(Capture.source_id == src.id)).one()
    assert desk["tasks"][jobs.ARCHIVE_SOURCE](cap.id) == JobState.done.value
    session.expire_all()
    stamp = session.exec(select(Timestamp).where(Timestamp.subject == "capture",
                                                 Timestamp.subject_id == cap.id)).one()
    return claim, session.get(Capture, cap.id), stamp


def test_an_archived_warc_gets_a_checked_token_from_the_authority(session, captured, desk, authority):
    claim, cap, stamp = captured
    assert (jobs.TIMESTAMP_EVIDENCE, (stamp.id,)) in desk["sent"]
    assert jobs.queue_for(jobs.TIMESTAMP_EVIDENCE) == jobs.DEFAULT
    warc = (desk["settings"].archive_dir / cap.warc_path).read_bytes()
    assert stamp.state == JobState.queued.value and stamp.digest == sha256(warc)  # the WARC's own SHA-256
    assert desk["tasks"][jobs.TIMESTAMP_EVIDENCE](stamp.id) == JobState.done.value
    session.expire_all()
    done = session.get(Timestamp, stamp.id)
    assert done.token and done.tsa_name == "Loopback Test TSA" and done.stamped_at is not None
    from factcheck.archive import tsa

    assert tsa.check(done.token, sha256(warc), authority.ca_pem).stamped_at == done.stamped_at
    assert desk["tasks"][jobs.TIMESTAMP_EVIDENCE](stamp.id) is None  # done is done: running it twice is harmless


def test_the_claim_page_says_who_timestamped_the_capture_and_when(session, captured, desk, as_user):
    claim, cap, stamp = captured
    page = as_user("carl").get(f"/claims/{claim.id}").get_data(as_text=True)
    assert "Not timestamped yet" in page and "Download WARC" in page
    desk["tasks"][jobs.TIMESTAMP_EVIDENCE](stamp.id)
    page = as_user("carl").get(f"/claims/{claim.id}").get_data(as_text=True)
    assert "Timestamped by Loopback Test TSA at <time" in page


def test_an_authority_that_is_down_leaves_the_capture_usable_and_the_stamp_retrying(session, captured, desk,
                                                                                    authority, people):
    claim, cap, stamp = captured
    authority.stop()
    assert desk["tasks"][jobs.TIMESTAMP_EVIDENCE](stamp.id) == JobState.retrying.value
    session.expire_all()
    waiting = session.get(Timestamp, stamp.id)
    assert "could not be reached" in waiting.reason and waiting.next_try_at is not None
    assert session.get(Capture, cap.id).state == JobState.done.value  # the evidence is archived all the same
    # The sweep rings again once it is due, as for every kind of durable job.
    from sqlalchemy import update

    from factcheck.services import jobrows

    session.execute(update(Timestamp).where(Timestamp.id == stamp.id)
                    .values(next_try_at=jobrows.db_now(session)))
    session.commit()
    bell = Doorbell()
    session.info["jobs"] = bell
    from datetime import timedelta

    sweeper.sweep_jobs(session, stuck_after=timedelta(minutes=5), queued_after=timedelta(minutes=1))
    assert (jobs.TIMESTAMP_EVIDENCE, (stamp.id,)) in bell.sent


def test_without_an_authority_nothing_is_timestamped(session, people, site, engine, database_url, tmp_path):
    settings = Settings.from_env({"FACTCHECK_DEV": "1", "FACTCHECK_DATABASE_URL": database_url,
                                  "FACTCHECK_FETCH_ALLOW": f"127.0.0.1:{site.port}", "FACTCHECK_SCREENSHOTS": "off",
                                  "FACTCHECK_ARCHIVE_DIR": str(tmp_path / "archive")},
                                 instance_dir=tmp_path / "instance")
    tasks = job_table(engine, settings, Doorbell())
    claim = next(c for c in claims_of(session, article(session, by=people["eve"])) if c.status == "new")
    review.assign(session, claim=claim, assignee=people["carl"], actor=people["eve"], expected_version=1)
    src = sources.add_source(session, claim=claim, url=site.url("/story"), actor=people["carl"])
    session.commit()
    cap = session.exec(select(Capture).where(Capture.source_id == src.id)).one()
    assert tasks[jobs.ARCHIVE_SOURCE](cap.id) == JobState.done.value
    assert session.exec(select(Timestamp)).all() == []


def test_the_token_downloads_beside_the_warc_on_the_page_and_over_the_api(session, captured, desk, as_user, app,
                                                                         people, authority):
    from factcheck.services import tokens as token_service

    claim, cap, stamp = captured
    carl = as_user("carl")
    assert carl.get(f"/captures/{cap.id}/timestamp.tsr").status_code == 404  # not granted yet
    desk["tasks"][jobs.TIMESTAMP_EVIDENCE](stamp.id)
    session.expire_all()
    token = session.get(Timestamp, stamp.id).token
    page = carl.get(f"/captures/{cap.id}/timestamp.tsr")
    assert page.status_code == 200 and page.get_data() == token
    assert page.mimetype == "application/timestamp-reply" and page.headers["X-Content-Type-Options"] == "nosniff"
    assert f'filename="capture-{cap.id}.tsr"' in page.headers["Content-Disposition"]
    assert f"/captures/{cap.id}/timestamp.tsr" in carl.get(f"/claims/{claim.id}").get_data(as_text=True)
    raw = token_service.create_token(session, user=people["carl"], name="carl's script")[1]
    session.commit()
    api = app.test_client().get(f"/api/v1/captures/{cap.id}/timestamp", headers={"Authorization": f"Bearer {raw}"})
    assert api.status_code == 200 and api.get_data() == token
    from factcheck.archive import tsa

    warc = (desk["settings"].archive_dir / cap.warc_path).read_bytes()
    assert tsa.check(api.get_data(), sha256(warc), authority.ca_pem).tsa_name == "Loopback Test TSA"
    answer = app.test_client().get(f"/api/v1/sources/{cap.source_id}",
                                   headers={"Authorization": f"Bearer {raw}"}).get_json()["capture"]["timestamp"]
    assert answer["state"] == "done" and answer["authority"] == "Loopback Test TSA" and answer["stamped_at"]
    assert answer["sha256"] == sha256(warc) and answer["token_url"].endswith(f"/api/v1/captures/{cap.id}/timestamp")
