"""The installed wheel carries everything the app reads at run time."""
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import ROOT


def test_wheel_contains_templates_static_migrations_and_model(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(tmp_path), str(ROOT)], check=True, capture_output=True, timeout=300)
    wheel = next(Path(tmp_path).glob("factcheck-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("factcheck/templates/base.html", "factcheck/templates/articles/detail.html",
                   "factcheck/static/app.css", "factcheck/migrations/env.py",
                   "factcheck/migrations/versions/0001_initial_schema.py",
                   "factcheck/text/checkworthiness_model.json", "factcheck/demo/harbour-bridge.txt",
                   "workers/__init__.py"):
        assert needed in names, needed
    assert not any(n.startswith("templates/") for n in names)
