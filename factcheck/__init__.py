"""factcheck: an editorial fact-checking desk."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import Engine

from factcheck.config import Settings
from factcheck.meta import __version__, templates_dir

__all__ = ["__version__", "create_app", "templates_dir"]


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> Flask:
    from factcheck import api, db, jobs, registry, web

    settings = settings or Settings.from_env()
    app = Flask(__name__, template_folder=str(templates_dir()), instance_path=str(settings.instance_dir.resolve()),
                instance_relative_config=False)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        # The form around an upload needs a little room beyond the file itself.
        MAX_CONTENT_LENGTH=settings.max_upload_bytes + 256 * 1024,
        MAX_FORM_MEMORY_SIZE=settings.max_body_chars * 4 + 256 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=settings.secure_cookies,
        BOOTSTRAP_SERVE_LOCAL=True,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session; long edits must not expire
    )
    app.extensions["factcheck.settings"] = settings
    engine = engine or db.make_engine(settings.database_url)
    db.init_app(app, engine)
    pieces = registry.build_pieces(settings)
    app.extensions["factcheck.archive"] = pieces.store           # every reader of archived files uses this one
    app.extensions["factcheck.export_config"] = pieces.export
    jobs.init_app(app, lambda runner: registry.make_tasks(engine, settings, runner, pieces=pieces))
    web.init_app(app)
    api.init_app(app)
    return app
