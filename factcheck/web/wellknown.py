"""Public, unauthenticated: the newsroom's public signing keys, so anyone can check its evidence bundles."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from factcheck.db import get_session
from factcheck.exports import signing
from factcheck.services import settings as newsroom

bp = Blueprint("wellknown", __name__)


@bp.get("/.well-known/factcheck-keys.json")
def keys():
    """Every public key the newsroom has signed bundles with (current and retired): `verify-bundle --key`."""
    doc = signing.keys_document(signing.public_keys(current_app.extensions["factcheck.settings"].signing_dir),
                                newsroom=newsroom.publication(get_session()).get("name"))
    response = jsonify(doc)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
