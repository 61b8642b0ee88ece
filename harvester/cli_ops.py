"""Operations commands: runs of ``oer harvest`` (manual and ``--due``), ``oer schedule``,
``oer status``.

Output: page progress, one summary line per source, the index update and the report's
path go to stderr; ``oer --quiet`` (for cron) prints only what went wrong, so a cron
job mails only when there is something to read. ``oer status --format json`` prints
the same data as the web service's ``GET /api/status``.
"""

from __future__ import annotations

import json
import logging
import signal
from collections.abc import Sequence
from pathlib import Path

import click

from harvester.cli_common import Home, config_from, config_watch_from, home_from
from harvester.config import Config, OAISource
from harvester.errors import ConfigError
from harvester.health import format_health, health_as_dicts, source_health
from harvester.interrupt import EXIT_INTERRUPTED, stop_on_signal
from harvester.locking import LockBusyError, run_lock
from harvester.oai_harvest import stderr_progress
from harvester.run_report import BatchReport, NotRun
from harvester.runner import run_batch, utc_clock
from harvester.scheduler import build_scheduler, run_due
from harvester.store import Store


def harvest_configured(ctx: click.Context, home: Home, config: Config,
                       sources: Sequence[OAISource], not_run: Sequence[NotRun] = (), *,
                       full: bool = False, from_date: str | None = None) -> int:
    """``oer harvest [SOURCE]...`` / ``--oai``: run ``sources`` now; returns the exit status."""
    return _run(ctx, lambda **kw: run_batch(home, config, sources, trigger="manual",
                                            not_run=not_run, full=full, from_date=from_date,
                                            **kw))


def harvest_due(ctx: click.Context, home: Home, config: Config) -> int:
    """``oer harvest --due``: run the sources whose schedule is due; returns the exit status."""
    return _run(ctx, lambda **kw: run_due(home, config, **kw))


def print_report(report: BatchReport, *, quiet: bool) -> None:
    """The stderr summary of a run: one line per source, skipped sources, index, report."""
    for outcome in report.sources:
        if not quiet or not outcome.ok:
            click.echo(outcome.summary(), err=True)
    if not quiet:
        for skipped in report.not_run:
            click.echo(f"[{skipped.source}] not run: {skipped.reason}", err=True)
    index = report.index
    if index and index.get("error"):
        click.echo(f"index: update failed: {index['error']} (run `oer index` to retry)", err=True)
    elif index and not quiet:
        click.echo(f"index: +{index['upserted']:,} updated, -{index['deleted']:,} removed",
                   err=True)
    if not report.sources and not quiet:
        click.echo("nothing to harvest now", err=True)
    if report.report_path and not quiet:
        click.echo(f"report: {report.report_path}", err=True)


@click.command("schedule")
@click.pass_context
def schedule_command(ctx: click.Context) -> None:
    """Run scheduled harvests until stopped (a long-lived scheduler).

    Wakes when a source's schedule is due, harvests every due source (as `oer harvest
    --due` does), and sleeps again. One scheduler per OER_HOME; runs never overlap a
    manual `oer harvest`. Stop it with Ctrl-C or SIGTERM.

    Edits of the sources file are picked up without a restart (looked at before each
    run and every minute): a new source is harvested when due, a disabled one no longer
    is. An edit that is not valid is logged (stderr and logs/oer.log) and the last valid
    version kept until the file is fixed.
    """
    watch = config_watch_from(ctx)
    config = watch.current()
    home = home_from(ctx)
    quiet = ctx.obj.get("quiet", False)
    options = _run_options(ctx)
    try:
        with run_lock(home.root, "oer schedule", name="schedule.lock"):
            scheduler = build_scheduler(home, watch,
                                        on_report=lambda r: print_report(r, quiet=quiet),
                                        **options)
            if not quiet:
                click.echo(f"oer schedule: {sum(s.enabled for s in config.sources.values())} "
                           f"enabled source(s) in {watch.path} (edits are picked up); "
                           "Ctrl-C to stop", err=True)
            previous = signal.signal(signal.SIGTERM,  # systemd stops services with SIGTERM
                                     lambda signum, frame: scheduler.shutdown(wait=False))
            try:
                scheduler.start()
            except (KeyboardInterrupt, SystemExit):
                pass
            finally:
                signal.signal(signal.SIGTERM, previous)
    except LockBusyError as exc:
        click.echo(f"oer schedule: {exc}", err=True)
        ctx.exit(1)


def print_status(ctx: click.Context, output_format: str) -> None:
    """The body of ``oer status``: each source's health, as text or JSON."""
    config = config_from(ctx, required=False)
    home = home_from(ctx)
    if not home.store.exists() and not config.sources:
        click.echo("no harvest yet (store not found under OER_HOME)")
        return
    # never create a store just to say nothing was harvested: read an empty one in memory
    store = Store(home.store if home.store.exists() else Path(":memory:"))
    try:
        items = source_health(store, config, utc_clock())
    finally:
        store.close()
    if output_format == "json":
        click.echo(json.dumps({"sources": health_as_dicts(items)}, indent=2, ensure_ascii=False))
        return
    if not items:
        click.echo("no harvest yet")
    for health in items:
        click.echo("\n".join(format_health(health)))


def _run_options(ctx: click.Context) -> dict:
    quiet = ctx.obj.get("quiet", False)
    return {"progress": (lambda line: None) if quiet else stderr_progress,
            "log_level": logging.DEBUG if ctx.obj.get("verbose") else logging.INFO}


def _run(ctx: click.Context, run) -> int:
    quiet = ctx.obj.get("quiet", False)
    with stop_on_signal(lambda line: click.echo(f"oer harvest: {line}", err=True)) as stop:
        try:
            report = run(**_run_options(ctx))
        except LockBusyError as exc:
            click.echo(f"oer harvest: {exc}", err=True)
            return 1
        except ConfigError as exc:
            raise click.UsageError(str(exc)) from exc
        print_report(report, quiet=quiet)
        return EXIT_INTERRUPTED if stop.is_set() else report.exit_status
