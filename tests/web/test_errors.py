"""Error pages: an unexpected failure is a 500 page (still drawn for the signed-in user, never a bare
werkzeug page or a stack trace), and a bad query is a 500, not the 503 kept for a missing database."""
import pytest
from sqlalchemy import text

from factcheck.db import get_session
from factcheck.models import User


@pytest.fixture
def failing_routes(app):
    def boom():
        get_session().get(User, 1)  # the request has read rows before it fails
        raise RuntimeError("boom: internal detail")

    def bad_sql():
        get_session().execute(text("SELECT * FROM no_such_table_here"))
        return "unreachable"

    app.add_url_rule("/test-boom", "test_boom", boom)
    app.add_url_rule("/test-bad-sql", "test_bad_sql", bad_sql)
    return app


@pytest.mark.parametrize("path", ["/test-boom", "/test-bad-sql"])
def test_an_unexpected_error_is_the_500_page_for_a_signed_in_user(failing_routes, as_user, path):
    eve = as_user("eve")
    resp = eve.get(path)
    body = resp.get_data(as_text=True)
    assert resp.status_code == 500, body[:500]
    assert "Something went wrong" in body
    assert "Sign out" in body and "Eve" in body  # the page still knows who is signed in
    for leak in ("internal detail", "no_such_table_here", "Traceback"):
        assert leak not in body
    assert eve.get("/queue").status_code == 200  # and the next request is served normally
