"""WSGI entry point for gunicorn: `gunicorn factcheck.wsgi:app`."""
from factcheck import create_app

app = create_app()
