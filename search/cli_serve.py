"""``oer serve``: run the HTTP search service (:mod:`search.web`) with uvicorn."""

from __future__ import annotations

import click

from harvester.cli_common import home_from


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0: every interface).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="TCP port.")
@click.pass_context
def serve_command(ctx: click.Context, host: str, port: int) -> None:
    """Serve the search page (/) and JSON API (/api/search, /api/records/ID).

    The OpenAPI document is at /openapi.json. Stop with Ctrl-C.
    """
    import uvicorn

    from search.web import create_app

    app = create_app(home_from(ctx))
    click.echo(f"serving on http://{host}:{port}/ (API: /api/search, docs: /openapi.json)",
               err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
