"""``oer sources list|show|check``: what the sources file says, and whether sources answer."""

from __future__ import annotations

import json

import click

from harvester.cli_common import config_from, home_from
from harvester.config import Config
from harvester.runner import can_harvest
from harvester.source_check import check_source
from harvester.store import Store


@click.group("sources")
def sources_command() -> None:
    """List the configured sources, show one, or check it against its server."""


@sources_command.command("list")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]),
              default="table", show_default=True)
@click.pass_context
def list_sources(ctx: click.Context, output_format: str) -> None:
    """List the sources of the sources file: id, kind, enabled, schedule, where."""
    config = config_from(ctx, required=True)
    if output_format == "json":
        click.echo(json.dumps([_public(s) for s in config.sources.values()], indent=2,
                              ensure_ascii=False))
        return
    rows = [(name, s.kind, "yes" if s.enabled else "no", s.schedule or "-", s.licence_policy,
             _where(s)) for name, s in config.sources.items()]
    header = ("SOURCE", "KIND", "ENABLED", "SCHEDULE", "POLICY", "WHERE")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    for row in [header, *rows]:
        click.echo("  ".join(c.ljust(w) for c, w in zip(row, widths)) + "  " + row[-1])
    later = [n for n, s in config.sources.items() if not can_harvest(s.kind)]
    if later:
        click.echo(f"\nnot yet harvestable (kind): {', '.join(later)}", err=True)


@sources_command.command("show")
@click.argument("source_name", metavar="SOURCE")
@click.pass_context
def show_source(ctx: click.Context, source_name: str) -> None:
    """Show one source's settings and its harvest state in the store."""
    config = config_from(ctx, required=True)
    source = _get(config, source_name)
    for key, value in _public(source).items():
        click.echo(f"{key} = {json.dumps(value, ensure_ascii=False)}")
    home = home_from(ctx)
    if not home.store.exists():
        click.echo("# never harvested (no store under OER_HOME)")
        return
    store = Store(home.store)
    try:
        state = store.load_state(source_name)
        click.echo(f"# state: status {state.status or 'never harvested'}, watermark "
                   f"{state.watermark or '-'}, resumption token {'saved' if state.token else '-'}"
                   f", not before {state.not_before or '-'}; "
                   f"{store.count(source_name):,} live records")
    finally:
        store.close()


@sources_command.command("check")
@click.argument("source_name", metavar="SOURCE")
@click.pass_context
def check_command(ctx: click.Context, source_name: str) -> None:
    """Ask the source's server: reachable, and offering what is configured?

    OAI-PMH: Identify, the metadataPrefix in ListMetadataFormats, the set in ListSets.
    Web and API sources: robots.txt (allowed? sitemaps?) and each start URL. Each line
    is ok, warn (works, but look at it) or FAIL. Exit status 1 when a check fails.
    Nothing is written to the store.
    """
    config = config_from(ctx, required=True)
    source = _get(config, source_name)
    home_from(ctx)  # logging
    checks = check_source(source, config.harvest)
    for check in checks:
        click.echo(f"{check.label:<4} {check.name}: {check.detail}")
    if not all(c.ok for c in checks):
        ctx.exit(1)


def _get(config: Config, name: str):
    if name not in config.sources:
        raise click.UsageError(f"unknown source: {name} "
                               f"(configured: {', '.join(config.sources) or 'none'})")
    return config.sources[name]


def _public(source) -> dict:
    data = source.model_dump(mode="json")
    data["id"] = data.pop("name")
    return {"id": data.pop("id"), **{k: v for k, v in data.items()
                                     if v not in (None, "", [], ())}}


def _where(source) -> str:
    if source.kind == "oai":
        return source.base_url + (f" set={source.set_spec}" if source.set_spec else "")
    if source.kind == "api":
        return f"{source.base_url} dataset={source.dataset}"
    return " ".join(source.start_urls)
