"""``oer serve``: run the HTTP search service (:mod:`search.web`) with uvicorn.

The listening socket is bound here, before anything is printed, and handed to uvicorn:
a port already in use is one clear line and exit status 1, never "serving on …"
followed by uvicorn's own error, and no other process can take the port in between.
"""

from __future__ import annotations

import errno
import socket

import click

from harvester.cli_common import home_from


def bind_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host``:``port`` (not yet listening), as uvicorn binds one.

    Args:
        host: Address or host name to listen on (``127.0.0.1``, ``0.0.0.0``, ``::1``).
        port: TCP port (0: any free port).

    Returns:
        The bound socket (``SO_REUSEADDR`` set, so a port in ``TIME_WAIT`` is reusable).

    Raises:
        click.ClickException: the port is in use, or the address cannot be bound
            (exit 1).
    """
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    except socket.gaierror as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise click.ClickException(f"port {port} on {host} is already in use "
                                       "(another server? choose one with --port)") from exc
        raise click.ClickException(f"cannot listen on {host}:{port}: "
                                   f"{exc.strerror or exc}") from exc
    return sock


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0: every interface).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="TCP port.")
@click.pass_context
def serve_command(ctx: click.Context, host: str, port: int) -> None:
    """Serve the search page (/) and JSON API (/api/search, /api/records/ID).

    Also /api/export (lists with attribution) and /api/status (each source's health,
    as `oer status --format json`). The OpenAPI document is at /openapi.json. Stop with
    Ctrl-C. Exit status 1 when the port is already in use or the address cannot be
    bound.
    """
    sock = bind_socket(host, port)
    try:
        import uvicorn

        from search.web import create_app

        app = create_app(home_from(ctx), config_path=ctx.obj.get("config_path"))
        bound = sock.getsockname()[1]
        shown = f"[{host}]" if ":" in host else host  # an IPv6 address in a URL (RFC 3986)
        click.echo(f"serving on http://{shown}:{bound}/ (API: /api/search, docs: "
                   "/openapi.json)", err=True)
        uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[sock])
    finally:
        sock.close()
