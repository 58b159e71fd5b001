"""Exports through the UI (background job with progress), the API (streamed) and the CLI."""
import csv
import io
import json

from click.testing import CliRunner

from factcheck import jobs
from factcheck.cli import main
from tests.builders import Doorbell, job_table


def build(app, export_id):
    settings = app.extensions["factcheck.settings"]
    return job_table(app.extensions["factcheck.engine"], settings)[jobs.BUILD_EXPORT](export_id)


def test_ui_export_of_an_article_runs_in_the_background(app, as_user, desk, published_claim):
    eve = as_user("eve")
    resp = eve.post("/exports/", {"article_id": str(desk.article.id), "format": "csv"})
    assert resp.status_code == 302
    export_id = int(resp.headers["Location"].rstrip("/").split("/")[-1])
    page = eve.get(f"/exports/{export_id}").get_data(as_text=True)
    assert "Waiting to start" in page and "<progress" in page
    assert eve.get(f"/exports/{export_id}.json").get_json()["state"] == "queued"
    assert build(app, export_id) == "done"
    assert build(app, export_id) is None  # a second doorbell finds nothing to do
    status = eve.get(f"/exports/{export_id}.json").get_json()
    assert status["state"] == "done" and status["download_url"]
    download = eve.get(status["download_url"])
    assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(download.get_data(as_text=True))))
    assert any(r["claim_id"] == str(published_claim.id) and r["rating"] == "Mostly true" for r in rows)
    assert as_user("carl").get(f"/exports/{export_id}").status_code == 404  # someone else's export


def test_ui_export_of_a_queue_filter(app, as_user, desk, published_claim):
    eve = as_user("eve")
    resp = eve.post("/exports/", {"format": "claimreview", "status": "published"})
    export_id = int(resp.headers["Location"].rstrip("/").split("/")[-1])
    assert build(app, export_id) == "done"
    body = eve.get(f"/exports/{export_id}/download").get_data(as_text=True)
    reviews = json.loads(body)
    assert [r["claimReviewed"] for r in reviews] == ["The terminal cost $31 million."]


def test_bad_export_requests_are_explained(as_user, desk):
    resp = as_user("eve").post("/exports/", {"format": "xlsx", "status": "published"}, follow_redirects=True)
    assert "Choose a format" in resp.get_data(as_text=True)


def test_api_streams_reports_and_exports(app, desk, published_claim, people, session):
    from factcheck.services.tokens import create_token
    _, raw = create_token(session, user=people["carl"])
    session.commit()
    api = app.test_client()
    auth = {"Authorization": f"Bearer {raw}"}
    resp = api.get(f"/api/v1/articles/{desk.article.id}/report?format=json", headers=auth)
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    claims = json.loads(resp.get_data(as_text=True))["claims"]
    assert any(c["id"] == published_claim.id for c in claims)
    resp = api.get("/api/v1/claims/export?status=published&format=csv", headers=auth)
    assert resp.status_code == 200 and str(published_claim.id) in resp.get_data(as_text=True)
    html = api.get(f"/api/v1/articles/{desk.article.id}/report?format=html", headers=auth)
    assert html.status_code == 200 and 'application/ld+json' in html.get_data(as_text=True)
    assert api.get(f"/api/v1/articles/{desk.article.id}/report?format=docx", headers=auth).status_code == 422
    assert api.get(f"/api/v1/articles/{desk.article.id}/report?format=json").status_code == 401
    assert api.get("/api/v1/articles/99999/report?format=json", headers=auth).status_code == 404


def test_cli_export_and_claimreview(desk, published_claim, database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("FACTCHECK_DEV", "1")
    monkeypatch.setenv("FACTCHECK_DATABASE_URL", database_url)
    out = tmp_path / "reviews.jsonld"
    result = CliRunner().invoke(main, ["export", str(desk.article.id), "--format", "claimreview", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())[0]["@type"] == "ClaimReview"
    bad = CliRunner().invoke(main, ["export", "424242", "--format", "csv", "-o", str(tmp_path / "x.csv")])
    assert bad.exit_code != 0 and "no article #424242" in bad.output


# --- an export whose worker died ---------------------------------------------------------------------------

def _request(app, people, session):
    from factcheck.services import exports

    export = exports.request_export(session, actor=people["eve"], fmt="csv", params={"status": "all"})
    session.commit()
    return export.id


def _age(session, export_id, **ago):
    """Move the export's heartbeat back in time, as a worker that stopped beating would leave it."""
    from datetime import timedelta

    from sqlalchemy import update

    from factcheck.models import Export
    from factcheck.services.capture import db_now

    session.execute(update(Export).where(Export.id == export_id).values(updated_at=db_now(session) - timedelta(**ago)))
    session.commit()


def _row(session, export_id):
    from factcheck.models import Export

    session.expire_all()
    return session.get(Export, export_id)


def test_an_export_whose_worker_died_is_swept_and_built_once(app, desk, published_claim, people, session, tmp_path):
    from datetime import timedelta

    from factcheck.services import exports

    export_id = _request(app, people, session)
    sweep = dict(stuck_after=timedelta(minutes=5), queued_after=timedelta(minutes=1))
    assert exports.sweep_exports(session, **sweep) == []  # fresh and queued: nothing to ring yet
    _age(session, export_id, minutes=2)
    assert exports.sweep_exports(session, **sweep) == [export_id]  # queued, message lost: rung again
    assert exports.sweep_exports(session, **sweep) == []  # and not again at once

    from sqlalchemy import update

    from factcheck.models import Export
    # Attempt 1 was claimed by a worker that then died: running, and no heartbeat for longer than stuck_after.
    session.execute(update(Export).where(Export.id == export_id).values(state="running", attempts=1))
    session.commit()
    _age(session, export_id, minutes=6)
    assert exports.sweep_exports(session, **sweep) == [export_id]
    row = _row(session, export_id)
    assert (row.state, row.attempts, row.done) == ("queued", 1, 0)

    # The dead attempt's late writes change nothing; attempt 2 builds the file and is the one offered.
    assert exports._build_file(session, export_id, 1, app.extensions["factcheck.export_config"]) is None
    assert _row(session, export_id).file_path is None
    assert build(app, export_id) == "done"
    row = _row(session, export_id)
    assert (row.state, row.attempts) == ("done", 2)
    assert app.extensions["factcheck.archive"].exists(row.file_path)
    assert build(app, export_id) is None


def test_an_export_interrupted_too_often_fails_with_a_reason(app, desk, people, session):
    from datetime import timedelta

    from sqlalchemy import update

    from factcheck.services import exports
    from factcheck.models import Export

    export_id = _request(app, people, session)
    session.execute(update(Export).where(Export.id == export_id)
                    .values(state="running", attempts=exports.MAX_EXPORT_ATTEMPTS))
    session.commit()
    _age(session, export_id, minutes=10)
    assert exports.sweep_exports(session, stuck_after=timedelta(minutes=5), queued_after=timedelta(minutes=1)) == []
    row = _row(session, export_id)
    assert row.state == "failed" and "cut off 3 times" in row.reason


def test_the_periodic_sweep_rings_for_exports_too(app, desk, people, session):
    settings = app.extensions["factcheck.settings"]
    export_id = _request(app, people, session)
    _age(session, export_id, seconds=settings.job_queued_after.total_seconds() + 5)
    bell = Doorbell()
    assert job_table(app.extensions["factcheck.engine"], settings, bell)[jobs.SWEEP]() >= 1
    assert (jobs.BUILD_EXPORT, (export_id,)) in bell.sent


def test_a_long_build_keeps_beating_so_the_sweep_leaves_it_alone(app, desk, people, session):
    """A build step that reports no progress (a big PDF through Chromium) must not look like a dead worker:
    the heartbeat touches the running attempt's row from its own connection, and only that attempt's."""
    import time
    from datetime import timedelta

    from sqlalchemy import update

    from factcheck.models import Export
    from factcheck.services import exports, jobrows

    export_id = _request(app, people, session)
    session.execute(update(Export).where(Export.id == export_id).values(state="running", attempts=2))
    session.commit()
    _age(session, export_id, hours=1)
    sweep = dict(stuck_after=timedelta(minutes=5), queued_after=timedelta(minutes=1))
    with jobrows.Heartbeat(app.extensions["factcheck.engine"], exports.KIND, job_id=export_id, attempt=1, every=0.05):
        time.sleep(0.4)  # a beat for another attempt changes nothing
    assert exports.sweep_exports(session, **sweep) == [export_id] and _row(session, export_id).state == "queued"

    session.execute(update(Export).where(Export.id == export_id).values(state="running"))
    session.commit()
    _age(session, export_id, hours=1)
    with jobrows.Heartbeat(app.extensions["factcheck.engine"], exports.KIND, job_id=export_id, attempt=2, every=0.05):
        time.sleep(0.4)
        assert exports.sweep_exports(session, **sweep) == []
    assert _row(session, export_id).state == "running"


def test_a_pdf_that_cannot_be_printed_fails_with_a_reason_a_person_can_act_on(app, desk, people, session,
                                                                                tmp_path):
    """Chromium missing or broken on the server: the export fails saying so and pointing at the HTML report,
    not with "failed unexpectedly"."""
    from factcheck.services import exports
    from factcheck.models import Export

    from factcheck.archive.storage import LocalArchiveStore

    not_a_browser = tmp_path / "chromium"
    not_a_browser.write_text("#!/bin/sh\nexit 3\n")
    not_a_browser.chmod(0o755)
    export = exports.request_export(session, actor=people["eve"], fmt="pdf", article_id=desk.article.id)
    session.commit()
    config = exports.ExportConfig(base_url="http://desk.example", store=LocalArchiveStore(tmp_path),
                                  chromium=str(not_a_browser))
    assert exports.build_export(session, export.id, config=config) == "failed"
    row = _row(session, export.id)
    assert row.state == "failed" and "Chromium" in row.reason and "HTML report" in row.reason, row.reason
    assert "unexpectedly" not in row.reason
