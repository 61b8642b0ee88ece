"""One run over several sources: lock, harvest in parallel, reconcile, index, report.

Used by ``oer harvest`` (named or all sources), ``oer harvest --due`` and every batch of
``oer schedule``::

    run_lock ──> RunLog ──> ThreadPoolExecutor: one thread per source, each with its own
                           Store connection and its own client (one connection)
                              HARVESTERS[kind] ──> [reconcile_source when due]
                 ──> calling thread: update_index (one index writer) ──> JSON run report

Each kind of source has its harvester in :data:`HARVESTERS` (``oai``: the OAI-PMH page
loop); a kind without one is "not yet harvestable" and is left out of ``--due`` and of
``oer harvest`` (all), and refused when named. A source that fails never stops the
others: a harvester reports its errors, and anything unexpected in a worker is caught,
logged with its traceback and reported as ``failed``. The index is updated once, after
every harvest, in the calling thread. The store is SQLite in WAL mode, so the workers'
page transactions interleave safely.
"""

from __future__ import annotations

import importlib
import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import asdict
from datetime import UTC, datetime

from harvester.cli_common import Home
from harvester.config import Config, HarvestSettings, OAISource
from harvester.errors import ConfigError
from harvester.locking import run_lock
from harvester.oai_client import OAIClient
from harvester.oai_harvest import (AUTO, MAPPERS, RunReport, client_for, harvest_source,
                                   stderr_progress)
from harvester.run_report import (SOURCE_THREAD_PREFIX, BatchReport, NotRun, RunLog,
                                  SourceOutcome, run_stem, write_report)
from harvester.schedules import iso_utc
from harvester.source_names import source_url
from harvester.store import Store

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
ClientFactory = Callable[[OAISource, HarvestSettings], OAIClient]
KindHarvester = Callable[..., RunReport]
"""Harvests one source: ``(source, store, *, config, full, from_date, progress,
client_factory) -> RunReport``; reports its errors in the RunReport rather than raising."""


def harvest_oai(source: OAISource, store: Store, *, config: Config, full: bool,
                from_date: str | None, progress: Callable[[str], None],
                client_factory: ClientFactory) -> RunReport:
    """The ``oai`` harvester: :func:`harvest_source` with the source's client, politely."""
    return harvest_source(source, store, settings=settings_for(source, config.harvest),
                          client=polite_client(source, config, client_factory), full=full,
                          from_date=from_date, progress=progress)


def polite_client(source: OAISource, config: Config, client_factory: ClientFactory):
    """The source's client, wrapped in :class:`PoliteClient` when it has a ``delay_s``."""
    client = client_factory(source, settings_for(source, config.harvest))
    return PoliteClient(client, source.delay_s) if source.delay_s else client


HARVESTERS: dict[str, KindHarvester | str] = {
    "oai": harvest_oai,
    "sitemap": "harvester.web.dispatch:harvest_web",
    "api": "harvester.web.dispatch:harvest_web",
    "spider": "harvester.web.dispatch:harvest_web",
}
"""Source kind -> its harvester, or ``"module:function"`` imported on first use (so the
web harvester's Scrapy import happens only when a web source runs). The web harvester
registers ``sitemap``, ``api`` and ``spider`` here."""


def can_harvest(kind: str) -> bool:
    """True when a harvester is registered for ``kind``."""
    return kind in HARVESTERS


def harvester_for(kind: str) -> KindHarvester:
    """The harvester of ``kind``, importing a ``"module:function"`` entry on first use."""
    entry = HARVESTERS[kind]
    if isinstance(entry, str):
        module, _, name = entry.partition(":")
        entry = HARVESTERS[kind] = getattr(importlib.import_module(module), name)
    return entry


def utc_clock() -> datetime:
    """The real clock (aware UTC); tests pass a fake one."""
    return datetime.now(UTC)


class PoliteClient:
    """Wraps an :class:`OAIClient` so two requests are at least ``delay_s`` apart.

    Args:
        client: The client to wrap (its retries and timeouts are unchanged).
        delay_s: Least time between the end of one request and the start of the next
            (seconds), the source's ``delay_s``.
        sleep: How to wait (tests record instead).
    """

    def __init__(self, client: OAIClient, delay_s: float,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._client = client
        self.delay_s = delay_s
        self._sleep = sleep
        self._last: float | None = None

    def request(self, verb: str, **params: str):
        """:meth:`OAIClient.request`, after waiting out the politeness delay."""
        if self._last is not None:
            wait = self._last + self.delay_s - time.monotonic()
            if wait > 0:
                self._sleep(wait)
        try:
            return self._client.request(verb, **params)
        finally:
            self._last = time.monotonic()

    def __getattr__(self, name: str):
        return getattr(self._client, name)


def check_harvestable(sources: Sequence[OAISource]) -> None:
    """Refuse, before anything starts, sources this version cannot harvest.

    Raises:
        ConfigError: no harvester for the source's kind, or an ``oai`` source whose
            ``metadataPrefix`` has no mapping (exit status 2: the sources file must change).
    """
    for source in sources:
        if not can_harvest(source.kind):
            raise ConfigError(f"[{source.name}] kind {source.kind!r} is not yet harvestable "
                              f"(harvestable kinds: {', '.join(HARVESTERS)})")
        if source.kind == "oai" and source.metadata_prefix not in (*MAPPERS, AUTO):
            raise ConfigError(f"[{source.name}] no mapping for metadataPrefix "
                              f"{source.metadata_prefix!r} (have: {', '.join(MAPPERS)}, "
                              f"or {AUTO})")


def settings_for(source: OAISource, settings: HarvestSettings) -> HarvestSettings:
    """The harvest settings with the source's own ``contact`` when it has one."""
    return settings.model_copy(update={"contact": source.contact}) if source.contact else settings


def run_batch(home: Home, config: Config, sources: Sequence[OAISource], *, trigger: str,
              not_run: Sequence[NotRun] = (), clock: Clock = utc_clock, full: bool = False,
              from_date: str | None = None,
              progress: Callable[[str], None] = stderr_progress,
              client_factory: ClientFactory = client_for, lock_wait_s: float | None = None,
              log_level: int = logging.INFO, take_lock: bool = True) -> BatchReport:
    """Harvest ``sources`` in parallel under the run lock, update the index, write the report.

    Args:
        home: ``OER_HOME`` paths.
        config: The configuration (harvest, schedule and reconcile settings).
        sources: OAI sources to harvest (checked with :func:`check_harvestable`).
        trigger: ``manual``, ``due`` or ``schedule`` (goes into the report's name).
        not_run: Sources considered and left out, for the report.
        clock: Current UTC time (a fake one in tests).
        full: Harvest everything, ignoring watermarks and saved tokens.
        from_date: An explicit ``from`` for every source.
        progress: Receives the page progress lines (from worker threads).
        client_factory: Builds each source's client (tests: no real waits).
        lock_wait_s: Seconds to wait for the lock; default ``[schedule] lock_wait_s``.
        log_level: Lowest level of the run log (INFO, DEBUG with ``-v``).
        take_lock: False when the caller already holds the run lock
            (:func:`harvester.scheduler.run_due` chooses the due sources under it).

    Returns:
        The run's report, already written under ``OER_HOME/reports/`` when at least one
        source was harvested.

    Raises:
        LockBusyError: another run holds the lock (nothing was done).
        ConfigError: a source cannot be harvested by this version.
    """
    check_harvestable(sources)
    started = clock()
    report = BatchReport(trigger=trigger, started_at=iso_utc(started), not_run=list(not_run))
    wait_s = config.schedule.lock_wait_s if lock_wait_s is None else lock_wait_s
    with (run_lock(home.root, f"oer harvest ({trigger})", wait_s=wait_s) if take_lock
          else nullcontext()):
        if not sources:
            report.finished_at = iso_utc(clock())
            return report
        stem = run_stem(started, trigger)
        t0 = time.monotonic()
        with RunLog(home.root, stem, config.schedule.keep_reports, log_level) as run_log:
            report.log_path = run_log.path
            log.info("run started: %s, %d source(s)", trigger, len(sources),
                     extra={"event": "run-started",
                            "data": {"trigger": trigger, "sources": [s.name for s in sources]}})
            workers = min(config.schedule.parallel_sources, len(sources))
            with ThreadPoolExecutor(max_workers=workers) as pool:
                futures = [pool.submit(_harvest_one, home, config, s, clock=clock, full=full,
                                       from_date=from_date, progress=progress,
                                       client_factory=client_factory) for s in sources]
                report.sources = [f.result() for f in futures]
            report.index = _update_index(home)
            report.exit_status = 0 if (all(s.ok for s in report.sources)
                                       and not report.index.get("error")) else 1
            report.finished_at = iso_utc(clock())
            report.duration_s = time.monotonic() - t0
            log.info("run finished: exit status %d", report.exit_status,
                     extra={"event": "run-finished", "data": {"exit_status": report.exit_status}})
        write_report(home.root, report, stem, config.schedule.keep_reports)
    return report


def _harvest_one(home: Home, config: Config, source: OAISource, *, clock: Clock, full: bool,
                 from_date: str | None, progress: Callable[[str], None],
                 client_factory: ClientFactory) -> SourceOutcome:
    """Harvest one source in a worker thread; never raises."""
    thread = threading.current_thread()
    thread_name, thread.name = thread.name, SOURCE_THREAD_PREFIX + source.name
    started, t0 = clock(), time.monotonic()
    outcome = SourceOutcome(source.name, source.kind, "failed")
    store = None
    try:
        store = Store(home.store)
        if url := source_url(source):  # the name is now this URL's (source_names)
            store.set_source_url(source.name, url)
        report = harvester_for(source.kind)(source, store, config=config, full=full,
                                            from_date=from_date, progress=progress,
                                            client_factory=client_factory)
        outcome = _outcome(source, report)
        if outcome.status == "complete" and getattr(source, "reconcile", None):
            from harvester.reconcile import reconcile_due, reconcile_source
            if reconcile_due(store, source, clock(), config.schedule.timezone):
                outcome.reconcile = reconcile_source(
                    source, store, polite_client(source, config, client_factory),
                    config.reconcile, progress=progress).to_dict()
    except Exception as exc:  # one source never stops the others
        log.exception("[%s] harvest failed unexpectedly", source.name)
        outcome.status, outcome.message = "failed", f"{type(exc).__name__}: {exc}"
    finally:
        if store is not None:
            store.close()
        outcome.started_at, outcome.finished_at = iso_utc(started), iso_utc(clock())
        outcome.duration_s = time.monotonic() - t0
        log.info("%s", outcome.summary(),
                 extra={"event": "source-finished", "data": asdict(outcome)})
        thread.name = thread_name
    return outcome


def _outcome(source: OAISource, report: RunReport) -> SourceOutcome:
    c = report.counts
    return SourceOutcome(source=source.name, kind=source.kind, status=report.status,
                         run_id=report.run_id, added=c.added, updated=c.updated,
                         deleted=c.deleted, unchanged=c.unchanged,
                         quarantined=getattr(c, "quarantined", 0), pages=report.pages,
                         skipped=report.skipped, expected=report.expected,
                         message=report.message)


def _update_index(home: Home) -> dict:
    """Apply the store's changes to the index, in this (the only writing) thread."""
    from indexer.lifecycle import update_index
    store = Store(home.store)
    try:
        synced, _ = update_index(store, home.index)
        return {"upserted": synced.upserted, "deleted": synced.deleted, "error": None}
    except Exception as exc:  # the harvest is stored; the index catches up next time
        log.exception("index update failed")
        return {"upserted": 0, "deleted": 0, "error": f"{type(exc).__name__}: {exc}"}
    finally:
        store.close()
