"""0009's data step: bylines lose their credit words, articles with a URL get its site as their outlet."""
from sqlalchemy import inspect, text

from factcheck import db


def test_existing_bylines_and_outlets_are_put_right(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    db.upgrade(engine, "0008")
    with engine.begin() as conn:
        for i, (byline, url) in enumerate([("Edited by: Jonas Whitfield", "https://www.gazette.example.org/a"),
                                           ("By Lena Park", None), ("Jane Doe", "not a url")], 1):
            conn.execute(text("INSERT INTO articles (id, title, url, byline, body, boilerplate, language, threshold,"
                              " created_at) VALUES (:i, 't', :u, :b, 'x', '[]', '', 0.5, '2025-01-01')"),
                         {"i": i, "u": url, "b": byline})
    db.upgrade(engine, "0009")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT byline, outlet FROM articles ORDER BY id")).all()
        claims = [c["name"] for c in inspect(conn).get_columns("claims")]
    assert [tuple(r) for r in rows] == [("Jonas Whitfield", "gazette.example.org"), ("Lena Park", ""),
                                        ("Jane Doe", "")]
    assert {"claimant", "claimant_kind"} <= set(claims)
    engine.dispose()
