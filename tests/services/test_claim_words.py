"""The lexical stage of Checked before? in the database: SQLite FTS5, PostgreSQL tsvector per language."""
import numpy as np
from sqlalchemy import text

from factcheck import db
from factcheck.services import claim_words, matching
from tests.builders import article, claims_of
from tests.matching_data import run_matching


def test_figures_are_words_of_their_own_spelled_for_either_database():
    assert claim_words.spelled("Rents rose 7%, not 70%; 4,200 homes and O'Brien's 2.5 lots") == \
        ["rents", "rose", "7pct", "70pct", "4c200", "homes", "oqbrien", "2p5", "lots"]
    assert claim_words.config_for("fr") == "french" and claim_words.config_for("") == "simple"
    assert claim_words.config_for("xx") == "simple"


def test_the_job_writes_each_claims_words_and_a_verdict_adds_its_own(session, people):
    a = article(session, by=people["eve"], sources=(), threshold=0.0,
                body="The Kelsey harbour bridge cost $58 million to repair, the roads office said.")
    run_matching(session, a)
    [claim] = claims_of(session, a)
    assert list(claim_words.search(session, "harbour bridge")) == [claim.id]
    assert claim_words.search(session, "lighthouse") == {}
    from factcheck.services import review
    from tests.builders import in_progress

    claim = in_progress(session, people, claim)
    review.propose_verdict(session, claim=claim, rating="False", actor=people["carl"], expected_version=claim.version,
                           rationale="The contract shows a lighthouse was repaired, not the bridge.")
    session.commit()
    assert list(claim_words.search(session, "lighthouse")) == [claim.id]


def test_what_a_reader_types_never_reaches_the_query_as_syntax(session, people):
    a = article(session, by=people["eve"], sources=(), threshold=0.0,
                body="The Kelsey harbour bridge cost $58 million to repair, the roads office said.")
    run_matching(session, a)
    for hostile in ['bridge" OR "x', "bridge'); DROP TABLE claims; --", "bridge & | ! :* NEAR(a b)", "*", '""']:
        found = claim_words.search(session, hostile)
        assert set(found) <= {claims_of(session, a)[0].id}
    assert session.execute(text("SELECT count(*) FROM claims")).scalar() == 1


def test_on_postgresql_words_are_stemmed_in_their_articles_language(session, people, engine):
    if engine.dialect.name != "postgresql":
        return  # SQLite's index has no stemming: its words are matched as written
    a = article(session, by=people["eve"], sources=(), threshold=0.0, title="Élections",
                body="Les élections présidentielles ont coûté deux millions d'euros, selon le ministère.")
    a.language = "fr"
    [claim] = claims_of(session, a)
    claim.status = "new"
    session.add_all([a, claim])
    session.commit()
    run_matching(session, a)
    config = session.execute(text("SELECT config FROM claim_words WHERE claim_id = :i"), {"i": claim.id}).scalar()
    assert config == "french"
    assert list(claim_words.search(session, "élection présidentielle")) == [claim.id]  # singular meets plural


def test_migration_0019_writes_the_words_of_claims_that_have_vectors(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    db.upgrade(engine, "0018")
    vector = np.ones(512, dtype=np.float32) / np.sqrt(512)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO articles (id, title, byline, outlet, body, boilerplate, language, threshold, "
                          "created_at) VALUES (1, 't', '', '', 'x', '[]', 'en', 0.5, '2025-01-01')"))
        for i, words in ((1, "The ferry carried 4,200 people"), (2, "Rents rose 7% last year")):
            conn.execute(text(
                'INSERT INTO claims (id, article_id, start, "end", original_text, text, score, reasons, checkworthy, '
                "status, status_reason, claimant, claimant_kind, priority, version, created_at, updated_at) "
                "VALUES (:i, 1, 0, 1, :t, :t, 0.9, '[]', 1, 'new', '', '', '', 0, 1, '2025-01-01', '2025-01-01')"),
                {"i": i, "t": words})
        conn.execute(text("INSERT INTO claim_vectors (claim_id, model, text_hash, vector, created_at) "
                          "VALUES (1, :m, '-', :v, '2025-01-01')"), {"m": matching.MODEL, "v": vector.tobytes()})
        conn.execute(text("INSERT INTO verdicts (claim_id, rating, rationale, claim_reviewed, created_at) "
                          "VALUES (1, 'False', 'The port log shows 2,400.', '', '2025-01-02')"))
    db.upgrade(engine)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT rowid, words FROM claim_words")).all()
    assert [tuple(r) for r in rows] == [(1, "ferry carried 4c200 people port log shows 2c400")]  # 2: no vector yet
    engine.dispose()
