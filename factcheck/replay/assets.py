"""ReplayWeb.page's files (npm `replaywebpage`), installed at build time, served by the replay origin; never a CDN.

`make install` unpacks the package into the virtual environment (``<venv>/replay/node_modules/replaywebpage``);
an instance may have its own copy under ``<instance>/replay``. Only two files are served: ``ui.js`` (the
``<replay-web-page>`` element) and ``sw.js`` (its service worker, which must come from the replay origin's
``/replay/`` path, the `replayBase` it controls). Both are self-contained bundles.
"""
from __future__ import annotations

import sys
from pathlib import Path

PACKAGE = "replaywebpage"
VERSION = "2"          # the pinned major version (AGPL-3.0, like this project)
FILES = ("ui.js", "sw.js")
INSTALLER = "tools/install-replaywebpage.sh"


def candidates(settings) -> list[Path]:
    """Where to look, in order: the virtual environment's, then the instance folder's."""
    return [Path(sys.prefix) / "replay", Path(settings.instance_dir) / "replay"]


def folder(prefix: Path) -> Path:
    return Path(prefix) / "node_modules" / PACKAGE


def find(settings) -> Path | None:
    """The folder holding ui.js and sw.js, or None when ReplayWeb.page is not installed."""
    for prefix in candidates(settings):
        if all((folder(prefix) / name).is_file() for name in FILES):
            return folder(prefix)
    return None


def install_hint(settings) -> str:
    """How to install it, in words an admin can follow."""
    venv, instance = Path(sys.prefix) / "replay", Path(settings.instance_dir) / "replay"
    return (f"ReplayWeb.page is not installed. Run `make install` (it runs {INSTALLER} {venv}), "
            f"or `sh {INSTALLER} {instance}`, on the machine that serves the replay origin; it "
            f"needs npm and fetches {PACKAGE}@{VERSION} from the npm registry once.")
