"""``oer search``: query the index, print a table or JSON."""

from __future__ import annotations

import json

import click

from harvester.cli_common import Home, home_from
from indexer.backend import IndexNotFoundError, SearchQuery
from search.service import search as run_search


@click.command("search")
@click.argument("query")
@click.option("--license", "licences", multiple=True, metavar="ID",
              help="Only this licence id (repeatable, OR), e.g. CC-BY-4.0 or unknown.")
@click.option("--lang", help="Only this language (BCP 47; 'en' also matches 'en-US').")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000),
              help="Number of hits.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="Output format.")
@click.pass_context
def search_command(ctx: click.Context, query: str, licences: tuple[str, ...], lang: str | None,
                   limit: int, fmt: str) -> None:
    """Search the index. QUERY '*' matches every record."""
    print_search(home_from(ctx), SearchQuery(text=query, licences=licences, language=lang,
                                          limit=limit), fmt)


def print_search(home: Home, query: SearchQuery, fmt: str) -> None:
    """Run ``query`` on the index under ``home`` and print it as a table or JSON.

    Raises:
        click.ClickException: no index yet (exit 1).
    """
    try:
        result = run_search(home.index, query)
    except IndexNotFoundError as exc:
        raise click.ClickException(f"no index yet under {home.root}: run `oer harvest` "
                                   "(or `oer demo`) first") from exc
    if fmt == "json":
        click.echo(json.dumps({"total": result.total, "hits": [
            {"id": h.id, "title": h.title, "url": h.url,
             "license": {"id": h.license_id, "url": h.license_url},
             "language": h.language[0] if h.language else None, "languages": list(h.language),
             "source": h.source, "score": round(h.score, 4)} for h in result.hits]},
            ensure_ascii=False))
        return
    click.echo(f"{result.total:,} record(s) match; showing {len(result.hits)}")
    for h in result.hits:
        click.echo(f"- {h.title or '(no title)'}")
        click.echo(f"  {h.license_id}  {', '.join(h.language) or '-'}  {h.source}  {h.url or h.id}")
