"""Bounds on every number a URL or form can carry, so hostile values answer 404 or 400, never a 500.

Ids are PostgreSQL `integer` columns: anything above 2^31 - 1 cannot name a row, and handing it to the
database fails (SQLite overflows past 2^63 - 1, PostgreSQL past 2^31 - 1). The app's `int` converter is
replaced by one with that range, so `/claims/99999999999999999999` is simply not a route (404).
"""
from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

MAX_ID = 2_147_483_647


class IdConverter(IntegerConverter):
    """`<int:...>` with min 0 and max MAX_ID unless the rule says otherwise."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002 - werkzeug's names
        super().__init__(map, fixed_digits=fixed_digits, min=0 if min is None else min,
                         max=MAX_ID if max is None else max, signed=signed)


def parse_id(value) -> int | None:
    """A form or query value as a row id, or None when it is not one (empty, not digits, out of range)."""
    text = str(value or "").strip()
    if not text.isdigit() or len(text) > 10 or not text.isascii():
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def init_app(app: Flask) -> None:
    """Before any blueprint registers its rules: they are compiled with the converter in the map then."""
    app.url_map.converters["int"] = IdConverter
