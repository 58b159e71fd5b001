"""Facts about the installed package that any module may need, without importing the app."""
from __future__ import annotations

from pathlib import Path

__version__ = "0.1.0"


def templates_dir() -> Path:
    """`templates/` sits beside the package in a checkout and inside it in an installed wheel."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "templates", here.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise RuntimeError(f"factcheck: no templates folder found next to {here}; the installation is incomplete.")
