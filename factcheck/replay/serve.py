"""Serving the replay origin: beside the desk in `factcheck serve` when FACTCHECK_REPLAY_ORIGIN is a loopback
address (embedded mode, one machine), or on its own with `factcheck serve-replay` (behind the proxy that answers
for the replay host name)."""
from __future__ import annotations

import ipaddress
import threading
from urllib.parse import urlsplit

import click

from factcheck.cli_support import _settings


def loopback_listen(origin: str | None) -> tuple[str, int] | None:
    """(address, port) to listen on when the replay origin is this machine's loopback, else None. `localhost`
    and its subdomains (browsers resolve `*.localhost` to loopback themselves) are listened for on 127.0.0.1."""
    if not origin:
        return None
    parts = urlsplit(origin)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if host == "localhost" or host.endswith(".localhost"):
        return "127.0.0.1", port
    try:
        return (host, port) if ipaddress.ip_address(host).is_loopback else None
    except ValueError:
        return None


def start_beside(settings, engine, *, threads: int = 4):
    """Start the replay origin's server on its loopback port in a background thread; the server (to close), or
    None when the replay origin is not a loopback address."""
    from waitress import create_server

    from factcheck.replay.app import create_replay_app

    listen = loopback_listen(settings.replay_origin)
    if listen is None:
        return None
    server = create_server(create_replay_app(settings, engine=engine), host=listen[0], port=listen[1],
                           threads=threads, ident="factcheck-replay")
    threading.Thread(target=server.run, name="factcheck-replay", daemon=True).start()
    return server


@click.command("serve-replay")
@click.option("--host", default=None, help="Address to listen on (default: the replay origin's, if loopback, "
                                           "else 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (default: the replay origin's).")
@click.option("--threads", default=4, show_default=True, type=int)
def serve_replay(host: str | None, port: int | None, threads: int) -> None:
    """Serve the replay origin (FACTCHECK_REPLAY_ORIGIN) alone: ReplayWeb.page and signed WACZ links."""
    from waitress import serve as waitress_serve

    from factcheck.replay.app import create_replay_app

    settings = _settings()
    if not settings.replay_origin:
        raise click.ClickException("FACTCHECK_REPLAY_ORIGIN is not set: give the replay origin's address, such as "
                                   "https://replay.desk.example.org.")
    default = loopback_listen(settings.replay_origin) or ("127.0.0.1", urlsplit(settings.replay_origin).port or 8080)
    host, port = host or default[0], port or default[1]
    click.echo(f"factcheck replay origin {settings.replay_origin} serving on http://{host}:{port}; Ctrl+C stops it.")
    waitress_serve(create_replay_app(settings), host=host, port=port, threads=threads, ident="factcheck-replay")
