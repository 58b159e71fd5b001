"""docker-compose.yml is read, not run (no Docker engine here): check it says what we mean."""
import importlib
import shutil
import sys
from pathlib import Path

import yaml
from click.testing import CliRunner

from factcheck.cli import main as factcheck_cli

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
WORKERS = ("worker-captures", "worker-exports", "worker-default")


def test_the_whole_stack_is_described():
    assert {"web", *WORKERS, "beat", "migrate", "postgres", "redis"} <= set(SERVICES)


def test_there_is_a_worker_for_every_queue_and_each_takes_only_its_own():
    from factcheck import jobs

    taken = []
    for name in WORKERS:
        cmd = SERVICES[name]["command"]
        queues = cmd[cmd.index("-Q") + 1].split(",")
        taken += queues
        node = cmd[cmd.index("-n") + 1].split("@")[0]
        assert f"-d {node}@$$HOSTNAME" in SERVICES[name]["healthcheck"]["test"][1], name  # pings its own node
    assert sorted(taken) == sorted(jobs.QUEUES)


def test_every_long_running_dependency_has_a_healthcheck():
    for name in ("postgres", "redis", "web", *WORKERS):
        assert "test" in SERVICES[name]["healthcheck"], name


def test_start_order_uses_conditions():
    assert SERVICES["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("web", *WORKERS, "beat"):
        deps = SERVICES[name]["depends_on"]
        assert deps["migrate"]["condition"] == "service_completed_successfully"
        assert deps["redis"]["condition"] == "service_healthy"


def test_app_services_share_settings():
    for name in ("web", *WORKERS, "beat", "migrate"):
        env = SERVICES[name]["environment"]
        assert env["FACTCHECK_DATABASE_URL"].startswith("postgresql://")
        assert env["FACTCHECK_REDIS_URL"].startswith("redis://")
        assert "FACTCHECK_SECRET_KEY" in env


def _bin(name):
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    assert found, f"{name} is not installed with the package"
    return found


def test_migrate_command_exists():
    cmd = SERVICES["migrate"]["command"]
    assert cmd[0] == "factcheck"
    _bin("factcheck")
    result = CliRunner().invoke(factcheck_cli, [*cmd[1:], "--help"])
    assert result.exit_code == 0, result.output


def test_web_command_points_at_a_wsgi_app(monkeypatch):
    cmd = SERVICES["web"]["command"]
    assert cmd[0] == "gunicorn"
    _bin("gunicorn")
    module, _, attr = cmd[-1].partition(":")
    monkeypatch.setenv("FACTCHECK_DEV", "1")
    monkeypatch.setenv("FACTCHECK_DATABASE_URL", "sqlite://")
    sys.modules.pop(module, None)
    app = getattr(importlib.import_module(module), attr)
    assert callable(app) and app.name == "factcheck"


def test_worker_and_beat_commands_find_the_celery_app(monkeypatch):
    from celery import Celery
    from celery.app.utils import find_app

    monkeypatch.setenv("FACTCHECK_DEV", "1")
    monkeypatch.setenv("FACTCHECK_DATABASE_URL", "sqlite://")
    monkeypatch.setenv("FACTCHECK_REDIS_URL", "redis://127.0.0.1:6379/15")
    import workers
    monkeypatch.delattr(workers, "celery", raising=False)
    for name in (*WORKERS, "beat"):
        cmd = SERVICES[name]["command"]
        assert cmd[:2] == ["celery", "-A"]
        _bin("celery")
        assert isinstance(find_app(cmd[2]), Celery)
        assert cmd[3] == name.split("-")[0]


def test_long_running_services_come_back_after_a_crash():
    for name in ("postgres", "redis", "web", *WORKERS, "beat"):
        assert SERVICES[name]["restart"] == "unless-stopped", name
    assert SERVICES["migrate"]["restart"] == "no"  # a one-shot job: failing is its answer


def test_web_runs_as_the_load_bench_measures_it():
    """bench/stack/run.py starts gunicorn with these options; docs/load.md reports figures for them."""
    cmd = SERVICES["web"]["command"]
    opts = dict(zip(cmd[1:-1:2], cmd[2:-1:2]))
    assert (opts["--workers"], opts["--worker-class"], opts["--threads"]) == ("4", "gthread", "4")
    bench = (ROOT / "bench" / "stack" / "run.py").read_text()
    for flag in ("--workers", "--worker-class", "--threads", "--timeout", "--keep-alive"):
        assert f'"{flag}", "{opts[flag]}"' in bench, flag
