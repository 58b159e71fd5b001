import pytest

from factcheck import create_app, templates_dir
from factcheck.config import DEV_SECRET_KEY, ConfigError, Settings


def test_refuses_to_start_without_a_secret_outside_dev_mode(tmp_path):
    with pytest.raises(ConfigError, match="FACTCHECK_SECRET_KEY is not set"):
        Settings.from_env({}, instance_dir=tmp_path)


def test_refuses_the_development_default_secret_outside_dev_mode(tmp_path):
    with pytest.raises(ConfigError, match="development default"):
        Settings.from_env({"FACTCHECK_SECRET_KEY": DEV_SECRET_KEY}, instance_dir=tmp_path)


def test_dev_mode_runs_without_a_secret(tmp_path):
    s = Settings.from_env({"FACTCHECK_DEV": "1"}, instance_dir=tmp_path)
    assert s.dev_mode and s.secret_key == DEV_SECRET_KEY


def test_defaults_are_embedded_sqlite_under_the_instance_folder(tmp_path):
    s = Settings.from_env({"FACTCHECK_SECRET_KEY": "x" * 40}, instance_dir=tmp_path)
    assert s.database_url == f"sqlite:///{tmp_path / 'factcheck.sqlite3'}"
    assert s.embedded and s.redis_url is None
    assert s.archive_dir == tmp_path / "archive"
    assert s.max_body_chars == 1_000_000


def test_reads_every_documented_variable(tmp_path):
    s = Settings.from_env({
        "FACTCHECK_SECRET_KEY": "k" * 40,
        "FACTCHECK_DATABASE_URL": "postgresql://u@localhost/db",
        "FACTCHECK_REDIS_URL": "redis://localhost:6379/0",
        "FACTCHECK_ARCHIVE_DIR": str(tmp_path / "a"),
        "FACTCHECK_MAX_UPLOAD_BYTES": "12345",
    }, instance_dir=tmp_path)
    assert s.database_url == "postgresql+psycopg://u@localhost/db"
    assert not s.embedded and s.redis_url == "redis://localhost:6379/0"
    assert s.archive_dir == tmp_path / "a"
    assert s.max_upload_bytes == 12345


@pytest.mark.parametrize("name,value,message", [
    ("FACTCHECK_MAX_UPLOAD_BYTES", "lots", "whole number"),
    ("FACTCHECK_MAX_UPLOAD_BYTES", "-5", "positive"),
    ("FACTCHECK_DATABASE_URL", "mysql://x", "sqlite:/// or postgresql://"),
    ("FACTCHECK_DEV", "maybe", "true or false"),
])
def test_bad_values_name_the_variable(tmp_path, name, value, message):
    env = {"FACTCHECK_SECRET_KEY": "k" * 40, name: value}
    with pytest.raises(ConfigError, match=message) as info:
        Settings.from_env(env, instance_dir=tmp_path)
    assert name in str(info.value)


def test_app_cookie_settings(tmp_path):
    app = create_app(Settings.from_env({"FACTCHECK_DEV": "1"}, instance_dir=tmp_path))
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_templates_are_found_from_the_checkout():
    assert (templates_dir() / "base.html").is_file()


def test_the_base_url_comes_from_FACTCHECK_BASE_URL_or_its_older_name(tmp_path):
    dev = {"FACTCHECK_DEV": "1"}
    assert Settings.from_env(dev, instance_dir=tmp_path).base_url == "http://127.0.0.1:5000"
    assert Settings.from_env({**dev, "FACTCHECK_BASE_URL": "https://desk.example.org/checks/"},
                             instance_dir=tmp_path).base_url == "https://desk.example.org/checks"
    old = Settings.from_env({**dev, "FACTCHECK_PUBLIC_URL": "https://desk.example.org"}, instance_dir=tmp_path)
    assert old.base_url == old.public_url == "https://desk.example.org"
    both = {**dev, "FACTCHECK_BASE_URL": "https://desk.example.org", "FACTCHECK_PUBLIC_URL": "https://desk.example.org/"}
    assert Settings.from_env(both, instance_dir=tmp_path).base_url == "https://desk.example.org"


@pytest.mark.parametrize("env", [
    {"FACTCHECK_BASE_URL": "https://a.example", "FACTCHECK_PUBLIC_URL": "https://b.example"},
    {"FACTCHECK_BASE_URL": "desk.example.org"},
    {"FACTCHECK_BASE_URL": "ftp://desk.example.org"},
    {"FACTCHECK_BASE_URL": "https://desk.example.org/?x=1"},
    {"FACTCHECK_BASE_URL": "https://user:pw@desk.example.org"},
    {"FACTCHECK_PUBLIC_URL": "https://desk.example.org:port"},
])
def test_a_bad_base_url_stops_the_app_naming_the_variable(tmp_path, env):
    with pytest.raises(ConfigError) as info:
        Settings.from_env({"FACTCHECK_DEV": "1", **env}, instance_dir=tmp_path)
    assert any(name in str(info.value) for name in env)
