"""The ``oer`` command: harvest, search, status, index, demo.

Data goes to stdout, progress and diagnostics to stderr. Exit status: 0 all fine;
1 a source failed, is incomplete or deferred; 2 usage or configuration error.
``OER_HOME`` chooses where store, index, state and logs live.
"""

from __future__ import annotations

import logging
import sys
import tempfile
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path

import click

from harvester import __version__
from harvester.cli_common import Home, config_from, home_from
from harvester.cli_licence import licence_command
from harvester.cli_ops import (
    harvest_configured,
    harvest_due,
    print_status,
    schedule_command,
)
from harvester.cli_sources import sources_command
from harvester.config import DEFAULT_CONFIG, Config, make_sitemap_source, make_source
from harvester.errors import ConfigError, HarvestError
from harvester.oai_harvest import RunReport, harvest_source
from harvester.scheduler import manual_selection
from harvester.source_names import name_conflict, source_url
from harvester.store import Store
from indexer.lifecycle import update_index
from search.cli_export import export_command
from search.cli_search import print_search, search_command
from search.cli_serve import serve_command

log = logging.getLogger("harvester")


class OerGroup(click.Group):
    """The ``oer`` group: our documented errors become one-line messages, not tracebacks."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except HarvestError as exc:
            error = click.ClickException(str(exc))
            error.exit_code = exc.exit_code
            raise error from exc


@click.group(cls=OerGroup,
             context_settings={"help_option_names": ["-h", "--help"], "terminal_width": 88})
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, envvar="OER_CONFIG",
              help=f"Sources file (TOML; or OER_CONFIG). Default: {DEFAULT_CONFIG}.")
@click.option("-v", "--verbose", is_flag=True, help="Log warnings and retries to stderr.")
@click.option("-q", "--quiet", is_flag=True, help="Print only what went wrong (for cron).")
@click.version_option(__version__, prog_name="oer")
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None, verbose: bool, quiet: bool) -> None:
    """Harvest Open Educational Resources, normalise their licences, search them.

    OER_HOME chooses where the store, index and logs live (default: the user data
    directory). Exit status: 0 all fine, 1 a source failed, is incomplete or
    deferred (or another error, said in one line), 2 usage or configuration error,
    130 a harvest stopped by Ctrl-C.
    """
    ctx.obj = {"config_path": config_path, "verbose": verbose, "quiet": quiet}


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
        synced, _ = update_index(store, home.index)
        click.echo(f"index: +{synced.upserted:,} updated, -{synced.deleted:,} removed", err=True)
        return reports
    finally:
        store.close()


def _check_date(value: str) -> None:
    """A ``--from`` value must be an ISO 8601 date or UTC datetime (exit 2 otherwise)."""
    try:
        datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise click.UsageError(f"--from {value!r}: use YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ"
                               ) from exc


def _summary(report: RunReport) -> str:
    c = report.counts
    line = (f"[{report.source}] {report.status}: {c.added:,} added, {c.updated:,} updated, "
            f"{c.deleted:,} deleted, {c.unchanged:,} unchanged in {report.pages} page(s)")
    return f"{line}; {report.message}" if report.message else line


@cli.command()
@click.argument("source_names", metavar="[SOURCE]...", nargs=-1)
@click.option("--oai", "oai_url", help="Harvest this OAI-PMH base URL ad hoc (needs --name).")
@click.option("--sitemap", "sitemap_url", help="Crawl this sitemap or robots.txt URL ad hoc "
              "(needs --name).")
@click.option("--name", help="Source name for --oai or --sitemap (a-z, 0-9, _.-).")
@click.option("--set", "set_spec", help="OAI-PMH setSpec to harvest (with --oai).")
@click.option("--prefix", "metadata_prefix", default=None,
              help="OAI-PMH metadataPrefix, or auto (with --oai).  [default: oai_dc]")
@click.option("--from", "from_date", help="Harvest records changed since this date "
              "(YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ), instead of the saved watermark.")
@click.option("--full", is_flag=True, help="Ignore the watermark and any saved token: harvest all.")
@click.option("--due", is_flag=True, help="Harvest only the enabled sources whose schedule is "
              "due (for cron and systemd timers).")
@click.pass_context
def harvest(ctx: click.Context, source_names: tuple[str, ...], oai_url: str | None,
            sitemap_url: str | None, name: str | None, set_spec: str | None, metadata_prefix: str,
            from_date: str | None, full: bool, due: bool) -> None:
    """Harvest sources into the store, then update the index.

    With --oai URL --name NAME, harvest one endpoint (--sitemap URL --name NAME: crawl
    one site's sitemaps); otherwise harvest the named
    SOURCEs of the sources file (all enabled ones when none is named), in parallel.
    One run at a time per OER_HOME; each run writes a JSON report under
    OER_HOME/reports/.
    """
    if from_date:
        _check_date(from_date)
    if (name or set_spec or metadata_prefix) and not (oai_url or sitemap_url):
        used = ", ".join(o for o, v in (("--name", name), ("--set", set_spec),
                                       ("--prefix", metadata_prefix)) if v)
        raise click.UsageError(f"{used} only go with --oai (or --name with --sitemap); a "
                               "configured source takes them from the sources file")
    if due:
        if oai_url or sitemap_url or source_names or full or from_date:
            raise click.UsageError("--due takes no SOURCE, --oai, --sitemap, --full or --from")
        ctx.exit(harvest_due(ctx, home_from(ctx), config_from(ctx, required=True)))
    not_run = []
    if oai_url or sitemap_url:
        option = "--oai" if oai_url else "--sitemap"
        if oai_url and sitemap_url:
            raise click.UsageError("give either --oai or --sitemap, not both")
        if not name:
            raise click.UsageError(f"{option} needs --name")
        if source_names:
            raise click.UsageError(f"give either {option} or SOURCE names, not both")
        config = config_from(ctx, required=False)
        try:
            sources = [make_source(name, oai_url, metadata_prefix or "oai_dc", set_spec)
                       if oai_url else make_sitemap_source(name, sitemap_url)]
        except ConfigError as exc:
            raise click.UsageError(str(exc)) from exc
        conflict = name_conflict(name, source_url(sources[0]), config=config,
                                 store_path=home_from(ctx).store)
        if conflict:  # a configured source or an earlier harvest has this name
            raise click.UsageError(conflict)
    else:
        config = config_from(ctx, required=True)
        try:
            sources, not_run = manual_selection(config, source_names)
        except ConfigError as exc:
            raise click.UsageError(str(exc)) from exc
    ctx.exit(harvest_configured(ctx, home_from(ctx), config, sources, not_run, full=full,
                                from_date=from_date))


@cli.command()
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="json: the data of the web service's /api/status.")
@click.pass_context
def status(ctx: click.Context, output_format: str) -> None:
    """Show each source's health: last success, last failure, records, warnings.

    For each source: records live/deleted/quarantined, the last run's counts, the last
    success, the last failure and its reason, when it is next due, and a warning when
    it has not completed for several runs, is overdue or deferred.
    """
    print_status(ctx, output_format)


@cli.command()
@click.option("--rebuild", is_flag=True,
              help="Rebuild the index from the store into a new directory, then swap it in.")
@click.pass_context
def index(ctx: click.Context, rebuild: bool) -> None:
    """Update the index from the store (it is derived).

    The index can always be rebuilt from the store: --rebuild does that, atomically
    (searches keep using the old index until the new one is complete). Takes the run lock
    of OER_HOME: exits 1 while a harvest or scheduled run holds it.
    """
    from harvester.locking import LockBusyError, run_lock

    home = home_from(ctx)
    command = "oer index --rebuild" if rebuild else "oer index"
    try:  # one writer per OER_HOME: not beside a harvest or a scheduled run
        with run_lock(home.root, command):
            store = Store(home.store)
            try:
                report, indexed = update_index(store, home.index, rebuild=rebuild)
            finally:
                store.close()
    except LockBusyError as exc:
        click.echo(f"{command}: {exc}", err=True)
        ctx.exit(1)
    click.echo(f"index: +{report.upserted:,} updated, -{report.deleted:,} removed; "
               f"{indexed:,} records indexed")


@cli.command()
@click.option("--home", "home_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the demo's store and index (default: a new temporary folder; "
                   "never your OER_HOME).")
@click.pass_context
def demo(ctx: click.Context, home_dir: Path | None) -> None:
    """Harvest recorded real responses offline, then search them.

    The responses are real OAI-PMH pages shipped in the package, served on 127.0.0.1.
    """
    from harvester.demo import DEMO_QUERIES, start_demo_servers
    if home_dir is None:
        home_dir = Path(tempfile.mkdtemp(prefix="oer-demo-"))
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
    program = sys.argv[0] if sys.argv[0].endswith("oer") else "oer"
    click.echo(f"\nTry: OER_HOME={home.root} {program} search '*' --license CC-BY-4.0",
               err=True)
    if not all(r.ok for r in reports):
        ctx.exit(1)


# -- commands defined in other modules ------------------------------------------------
cli.add_command(search_command)
cli.add_command(schedule_command)
cli.add_command(sources_command)
cli.add_command(licence_command)
cli.add_command(serve_command)
cli.add_command(export_command)


def main() -> None:
    """Console entry point (``oer``)."""
    cli(prog_name="oer")
