"""The command-line contract: scripts and tests depend on these words and outputs."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import Session, select

from factcheck.cli import main
from factcheck.models import Article, Claim, Source, User
from tests.conftest import SAMPLE

BIN = Path(sys.executable).parent / "factcheck"


@pytest.fixture
def env(database_url, engine, tmp_path, monkeypatch):
    values = {"FACTCHECK_DEV": "1", "FACTCHECK_DATABASE_URL": database_url,
              "FACTCHECK_INSTANCE_DIR": str(tmp_path / "instance")}
    for k, v in values.items():
        monkeypatch.setenv(k, v)
    return values


def run(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def test_split_json_contract(tmp_path):
    path = tmp_path / "a.txt"
    body = "The council spent $4.5bn in 2024. Critics think it was a waste.\n\nIs it? Dr. Lee said so on Jan. 14."
    path.write_text(body, encoding="utf-8")
    out = json.loads(run("split", str(path), "--plain", "--json").output)
    assert set(out) == {"title", "byline", "sources", "body", "sentences", "furniture", "language",
                        "language_confidence", "also_languages", "scores"}
    assert out["body"] == body and out["furniture"] == []
    assert out["language"] == "en" and out["scores"] == "trained for this language"
    for s in out["sentences"]:
        assert set(s) == {"start", "end", "text", "score", "checkworthy", "reasons"}
        assert out["body"][s["start"]:s["end"]] == s["text"]
    assert [s["text"] for s in out["sentences"]] == [
        "The council spent $4.5bn in 2024.", "Critics think it was a waste.", "Is it?", "Dr. Lee said so on Jan. 14."]
    assert out["sentences"][0]["checkworthy"] and not out["sentences"][2]["checkworthy"]


def test_split_json_reports_furniture_and_language():
    text = ("Стройка моста затянулась\n\nПоследнее обновление: 6 мая 2025\n\n"
            "Мост через реку строят с 2019 г. по проекту проф. Петрова. Работы обошлись в 3 млрд. рублей.\n\n"
            "Getty Images\n")
    out = json.loads(run("split", "-", "--json", input=text).output)
    assert out["language"] == "ru" and out["scores"] == "English model"
    assert {"text": "Последнее обновление: 6 мая 2025", "kind": "date"} in out["furniture"]
    assert {"text": "Getty Images", "kind": "caption"} in out["furniture"]
    assert [s["text"] for s in out["sentences"]] == [
        "Мост через реку строят с 2019 г. по проекту проф. Петрова.", "Работы обошлись в 3 млрд. рублей."]
    assert not any(s["checkworthy"] for s in out["sentences"])  # threshold not applied


def test_split_of_only_headings_is_a_clear_error():
    result = run("split", "-", input="World News\n\nMain Points\n\nKey Findings\n")
    assert result.exit_code != 0 and "No body text left" in result.output


def test_split_reads_standard_input_and_detects_structure():
    text = "A Headline About Budgets\n\nBy Sam Reporter\n\nThe city spent $5 million in 2024.\n\nSources\n\n• City budget\n"
    out = json.loads(run("split", "-", "--json", input=text).output)
    assert out["title"] == "A Headline About Budgets" and out["byline"] == "Sam Reporter"
    assert out["sources"] == ["City budget"] and out["body"] == "The city spent $5 million in 2024."


def test_split_sample_article(sample_text):
    out = json.loads(run("split", str(SAMPLE), "--json").output)
    assert len(out["sentences"]) == 17 and len(out["sources"]) == 6
    assert all("Did you find" not in s["text"] for s in out["sentences"])


def test_split_readable_table(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("The council spent $4 million in 2024.", encoding="utf-8")
    out = run("split", str(path), "--plain").output
    assert "Check-worthy: 1" in out and "money amount" in out


def test_split_explains_bad_input(tmp_path):
    binary = tmp_path / "x.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    result = CliRunner().invoke(main, ["split", str(binary)])
    assert result.exit_code != 0 and "not a text document" in result.output
    result = CliRunner().invoke(main, ["split", str(tmp_path / "missing.txt")])
    assert result.exit_code != 0 and "No such file" in result.output


def test_db_upgrade_users_create_import(env, engine, tmp_path):
    assert "Database at revision" in run("db", "upgrade").output
    out = run("users", "create", "nadia", "--role", "admin").output
    assert "Created nadia (admin)" in out
    password = out.strip().splitlines()[-1].split()[-1]
    assert len(password) >= 12
    assert "Password" not in run("users", "create", "omar", "--role", "editor", "--password", "a long passphrase").output
    bad = CliRunner().invoke(main, ["users", "create", "nadia"])
    assert bad.exit_code != 0 and "taken" in bad.output

    path = tmp_path / "story.txt"
    path.write_text("Bridge Repairs Approved\n\nThe council approved $48 million on March 3, 2026.\n", encoding="utf-8")
    out = run("import", str(path), "--url", "https://news.example.org/a")
    assert out.exit_code == 0 and out.output.startswith("Article ")
    with Session(engine) as s:
        article = s.exec(select(Article)).one()
        assert article.title == "Bridge Repairs Approved" and article.url == "https://news.example.org/a"
        assert s.exec(select(Claim)).first().status == "new"


def test_import_without_an_admin_says_how_to_make_one(env, tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("Text.", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(path)])
    assert result.exit_code != 0 and "factcheck users create" in result.output


def test_demo_newsroom(env, engine):
    first = run("demo").output
    for who in ("admin", "editor", "checker1", "checker2"):
        assert who in first
    second = run("demo").output  # a second run resets passwords and adds no second article
    assert first != second
    with Session(engine) as s:
        assert len(s.exec(select(Article)).all()) == 2  # the story, and a later one repeating its published claim
        assert len(s.exec(select(User)).all()) == 4
        assert s.exec(select(Source)).first() is not None
        assert any(c.status == "new" for c in s.exec(select(Claim)).all())
        from factcheck.models import ClaimMatch
        match = s.exec(select(ClaimMatch)).one()  # the demo shows Checked before
        assert s.get(Claim, match.match_id).status == "published"


def test_console_script_is_installed_and_refuses_a_missing_secret(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACTCHECK_")}
    env["FACTCHECK_INSTANCE_DIR"] = str(tmp_path)
    result = subprocess.run([str(BIN), "db", "upgrade"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "FACTCHECK_SECRET_KEY is not set" in result.stderr


def test_demo_sources_never_reach_for_the_network(env, engine):
    from factcheck.models import Capture
    run("demo")
    with Session(engine) as s:
        captures = s.exec(select(Capture)).all()
        assert captures and all(c.state == "failed" and "Demo data" in c.reason for c in captures)
