"""`factcheck matching rebuild` and `factcheck matching search`."""
import pytest
from click.testing import CliRunner
from sqlmodel import delete, select

from factcheck.cli import main
from factcheck.models import ClaimMatch, ClaimVector
from tests.matching_data import desk_with_matches


@pytest.fixture
def env(database_url, engine, tmp_path, monkeypatch):
    for k, v in {"FACTCHECK_DEV": "1", "FACTCHECK_DATABASE_URL": database_url,
                 "FACTCHECK_INSTANCE_DIR": str(tmp_path / "instance")}.items():
        monkeypatch.setenv(k, v)


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_rebuild_computes_missing_vectors_and_stores_matches_again(env, session, people):
    desk = desk_with_matches(session, people)
    session.execute(delete(ClaimMatch))
    session.execute(delete(ClaimVector))
    session.commit()
    result = run("matching", "rebuild")
    assert result.exit_code == 0 and "4 claim vectors computed (usem3-512)." in result.output
    assert "Past matches stored again for 4 claims." in result.output
    session.expire_all()
    assert session.exec(select(ClaimMatch)).first() is not None
    found = run("matching", "search", "ferry", "terminal", "budget")
    assert found.exit_code == 0 and found.output.startswith(f"#{desk['ferry'].id}\t") and "\tFalse\t" in found.output


def test_search_of_nothing_is_a_clear_error(env):
    result = CliRunner().invoke(main, ["matching", "search", "the"])
    assert result.exit_code == 1 and "Type a few words" in result.output
