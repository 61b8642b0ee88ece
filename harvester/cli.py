"""The ``oer`` command: harvest, search, status, index, demo.

Data goes to stdout, progress and diagnostics to stderr. Exit status: 0 all fine;
1 a source failed, is incomplete or deferred; 2 usage or configuration error.
``OER_HOME`` chooses where store, index, state and logs live.
"""

from __future__ import annotations

import logging
import os
import tempfile
from contextlib import ExitStack
from pathlib import Path

import click

from harvester import __version__
from harvester.cli_common import Home, config_from, home_from
from harvester.config import DEFAULT_CONFIG, Config, make_source
from harvester.errors import ConfigError
from harvester.oai_harvest import RunReport, harvest_source
from harvester.store import Store
from indexer import open_backend
from indexer.sync import sync_index
from search.cli_search import print_search, search_command

log = logging.getLogger("harvester")


@click.group(context_settings={"help_option_names": ["-h", "--help"], "terminal_width": 88})
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help=f"Sources file (TOML). Default: {DEFAULT_CONFIG}.")
@click.option("-v", "--verbose", is_flag=True, help="Log warnings and retries to stderr.")
@click.version_option(__version__, prog_name="oer")
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None, verbose: bool) -> None:
    """Harvest Open Educational Resources, normalise their licences, search them.

    OER_HOME chooses where the store, index and logs live (default: the user data
    directory). Exit status: 0 all fine, 1 a source failed, is incomplete or
    deferred, 2 usage or configuration error.
    """
    ctx.obj = {"config_path": config_path, "verbose": verbose}


def _harvest_and_index(home: Home, sources, config: Config, *, full: bool,
                       from_date: str | None) -> list[RunReport]:
    store = Store(home.store)
    try:
        reports = []
        for source in sources:
            try:
                reports.append(harvest_source(source, store, settings=config.harvest,
                                              full=full, from_date=from_date))
            except ConfigError as exc:
                raise click.UsageError(str(exc)) from exc
        backend = open_backend(home.index)
        try:
            synced = sync_index(store, backend)
        finally:
            backend.close()
        click.echo(f"index: +{synced.upserted:,} updated, -{synced.deleted:,} removed", err=True)
        return reports
    finally:
        store.close()


def _summary(report: RunReport) -> str:
    c = report.counts
    line = (f"[{report.source}] {report.status}: {c.added:,} added, {c.updated:,} updated, "
            f"{c.deleted:,} deleted, {c.unchanged:,} unchanged in {report.pages} page(s)")
    return f"{line}; {report.message}" if report.message else line


@cli.command()
@click.argument("source_names", metavar="[SOURCE]...", nargs=-1)
@click.option("--oai", "oai_url", help="Harvest this OAI-PMH base URL ad hoc (needs --name).")
@click.option("--name", help="Source name for --oai (a-z, 0-9, _.-).")
@click.option("--set", "set_spec", help="OAI-PMH setSpec to harvest (with --oai).")
@click.option("--prefix", "metadata_prefix", default="oai_dc", show_default=True,
              help="OAI-PMH metadataPrefix (with --oai).")
@click.option("--from", "from_date", help="Harvest records changed since this date "
              "(YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ), instead of the saved watermark.")
@click.option("--full", is_flag=True, help="Ignore the watermark and any saved token: harvest all.")
@click.pass_context
def harvest(ctx: click.Context, source_names: tuple[str, ...], oai_url: str | None,
            name: str | None, set_spec: str | None, metadata_prefix: str,
            from_date: str | None, full: bool) -> None:
    """Harvest sources into the store, then update the index.

    With --oai URL --name NAME, harvest one endpoint; otherwise harvest the named
    SOURCEs of the sources file (all of them when none is named).
    """
    if oai_url:
        if not name:
            raise click.UsageError("--oai needs --name")
        if source_names:
            raise click.UsageError("give either --oai or SOURCE names, not both")
        config = config_from(ctx, required=False)
        try:
            sources = [make_source(name, oai_url, metadata_prefix, set_spec)]
        except ConfigError as exc:
            raise click.UsageError(str(exc)) from exc
    else:
        config = config_from(ctx, required=True)
        unknown = [n for n in source_names if n not in config.sources]
        if unknown:
            raise click.UsageError(f"unknown source(s): {', '.join(unknown)} "
                                   f"(configured: {', '.join(config.sources) or 'none'})")
        sources = [config.sources[n] for n in source_names] or list(config.sources.values())
        if not sources:
            raise click.UsageError("no sources configured")
    reports = _harvest_and_index(home_from(ctx), sources, config, full=full, from_date=from_date)
    for report in reports:
        click.echo(_summary(report), err=True)
    if not all(r.ok for r in reports):
        ctx.exit(1)


@cli.command()
@click.pass_context
def status(ctx: click.Context) -> None:
    """Show each source's last harvest run.

    For each source: status, records added/updated/deleted/unchanged, when, and why a
    run is not complete.
    """
    home = home_from(ctx)
    if not home.store.exists():
        click.echo("no harvest yet (store not found under OER_HOME)")
        return
    store = Store(home.store)
    try:
        runs = store.last_runs()
        for run in runs:
            click.echo(f"{run['source']}: {run['status']} at {run['finished_at'] or run['started_at']}"
                       f" — {run['added']:,} added, {run['updated']:,} updated, "
                       f"{run['deleted']:,} deleted, {run['unchanged']:,} unchanged; "
                       f"{store.count(run['source']):,} records"
                       + (f"; {run['message']}" if run["message"] else ""))
        if not runs:
            click.echo("no harvest yet")
    finally:
        store.close()


@cli.command()
@click.option("--rebuild", is_flag=True, help="Drop the index and rebuild it from the store.")
@click.pass_context
def index(ctx: click.Context, rebuild: bool) -> None:
    """Update the index from the store (it is derived).

    The index can always be rebuilt from the store: --rebuild does that.
    """
    from indexer.sync import rebuild_index
    home = home_from(ctx)
    store = Store(home.store)
    backend = open_backend(home.index)
    try:
        report = rebuild_index(store, backend) if rebuild else sync_index(store, backend)
        click.echo(f"index: +{report.upserted:,} updated, -{report.deleted:,} removed; "
                   f"{backend.count():,} records indexed")
    finally:
        backend.close()
        store.close()


@cli.command()
@click.option("--home", "home_dir", type=click.Path(file_okay=False, path_type=Path),
              help="OER_HOME for the demo (default: $OER_HOME, else a new temporary folder).")
@click.pass_context
def demo(ctx: click.Context, home_dir: Path | None) -> None:
    """Harvest recorded real responses offline, then search them.

    The responses are real OAI-PMH pages shipped in the package, served on 127.0.0.1.
    """
    from harvester.demo import DEMO_QUERIES, start_demo_servers
    if home_dir is None:
        home_dir = (Path(os.environ["OER_HOME"]) if os.environ.get("OER_HOME")
                    else Path(tempfile.mkdtemp(prefix="oer-demo-")))
    home = home_from(ctx, home_dir)
    click.echo(f"demo OER_HOME: {home.root}", err=True)
    with ExitStack() as stack:
        sources = start_demo_servers(stack)
        reports = _harvest_and_index(home, sources, Config(), full=False, from_date=None)
    for report in reports:
        click.echo(_summary(report), err=True)
    for query in DEMO_QUERIES:
        flags = "".join(f" --license {lic}" for lic in query.licences)
        click.echo(f"\n$ oer search {query.text!r}{flags} --limit {query.limit}")
        print_search(home, query, "table")
    click.echo(f"\nTry: OER_HOME={home.root} oer search '*' --license CC-BY-4.0", err=True)
    if not all(r.ok for r in reports):
        ctx.exit(1)


# -- commands defined in other modules ------------------------------------------------
cli.add_command(search_command)


def main() -> None:
    """Console entry point (``oer``)."""
    cli(prog_name="oer")
