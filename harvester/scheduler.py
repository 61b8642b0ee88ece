"""Which sources run when: ``oer harvest --due`` and the long-lived ``oer schedule``.

A source is due (:func:`due_sources`) when it is enabled, has a ``schedule``, is of a
harvestable kind, is not deferred (a server's ``Retry-After`` beyond what we wait
in-process sets ``not_before``, case C10), and either never ran or a fire time of its
schedule has passed since its last run started (the ``runs`` table). A source whose
last run was deferred is due again as soon as ``not_before`` has passed.

``oer harvest --due`` runs the due sources once (for cron or a systemd timer).
``oer schedule`` keeps running: APScheduler's ``BlockingScheduler`` wakes at the next
time any source becomes due (:class:`NextDueTrigger`), runs the same batch as
``--due``, and sleeps again. Both take the run lock, so they never overlap each other
or a manual ``oer harvest``; ``oer schedule`` also holds ``schedule.lock`` for its
lifetime, so one OER_HOME has one scheduler.

``oer schedule`` follows edits of the sources file without a restart
(:class:`harvester.config_watch.ConfigWatch`): the file is looked at before each next due
time is computed, before each batch, and every :data:`CONFIG_CHECK_S` while asleep; a
change moves the next wake-up (a new source is due at once, a disabled one no longer
counts). An edit that does not validate is logged and the last good version kept.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.interval import IntervalTrigger

from harvester.cli_common import Home
from harvester.config import Config, OAISource
from harvester.config_watch import ConfigWatch
from harvester.errors import ConfigError
from harvester.locking import LockBusyError, run_lock
from harvester.run_report import BatchReport, NotRun
from harvester.runner import Clock, can_harvest, run_batch, utc_clock
from harvester.schedules import iso_utc, parse_schedule, parse_utc
from harvester.store import Store

log = logging.getLogger(__name__)

MIN_WAKE_GAP_S = 60
"""Least time between two wake-ups of ``oer schedule`` (seconds), so a source that stays
due (lock held by a long manual run) is retried each minute, not in a busy loop."""
CONFIG_CHECK_S = 60
"""How often (seconds) a sleeping ``oer schedule`` looks whether the sources file changed
(a ``stat``; the file is parsed only when it did)."""
_CHECK_EXECUTOR = "oer-config-check"
"""APScheduler executor of the file check, whose per-run INFO lines are kept out of the log."""


def due_sources(config: Config, store: Store, now: datetime) -> tuple[list[OAISource],
                                                                      list[NotRun]]:
    """The enabled sources due at ``now``, and why each other enabled source is not.

    Args:
        config: The sources and the schedule time zone.
        store: Read for each source's last run start and ``not_before``.
        now: The current time (aware).

    Returns:
        ``(due, not_run)``, both in configuration order.
    """
    last = {row["source"]: row for row in store.last_runs()}
    due: list[OAISource] = []
    not_run: list[NotRun] = []
    for name, source in config.sources.items():
        if not source.enabled:
            continue
        reason = _not_due_reason(config, store, source, last.get(name), now)
        if reason is None:
            due.append(source)
        else:
            not_run.append(NotRun(name, reason))
    return due, not_run


def next_due(config: Config, store: Store, now: datetime) -> datetime | None:
    """The earliest time (UTC) any enabled, harvestable, scheduled source becomes due."""
    last = {row["source"]: row for row in store.last_runs()}
    times = []
    for name, source in config.sources.items():
        if not source.enabled or source.schedule is None or not can_harvest(source.kind):
            continue
        times.append(_due_at(config, store, source, last.get(name), now))
    return min(times) if times else None


def manual_selection(config: Config, names: tuple[str, ...]) -> tuple[list[OAISource],
                                                                      list[NotRun]]:
    """Sources for ``oer harvest [SOURCE]...``: the named ones, or every enabled one.

    A named source is harvested even when disabled. Without names, enabled sources of
    kinds not yet harvestable are left out with a note, and disabled ones silently.

    Raises:
        ConfigError: unknown names, a named source of a kind not yet harvestable, or
            no source at all.
    """
    unknown = [n for n in names if n not in config.sources]
    if unknown:
        raise ConfigError(f"unknown source(s): {', '.join(unknown)} "
                          f"(configured: {', '.join(config.sources) or 'none'})")
    if names:
        chosen = [config.sources[n] for n in names]
        for source in chosen:
            if not can_harvest(source.kind):
                raise ConfigError(f"[{source.name}] kind {source.kind!r} is not yet harvestable")
        return chosen, []
    if not config.sources:
        raise ConfigError("no sources configured")
    chosen, not_run = [], []
    for name, source in config.sources.items():
        if not source.enabled:
            continue
        if can_harvest(source.kind):
            chosen.append(source)
        else:
            not_run.append(NotRun(name, f"kind {source.kind!r} is not yet harvestable"))
    if not chosen and not not_run:
        raise ConfigError("no enabled sources (name one to harvest it anyway)")
    return chosen, not_run


def run_due(home: Home, config: Config, *, clock: Clock = utc_clock, trigger: str = "due",
            **run_options) -> BatchReport:
    """Harvest every source due now (``oer harvest --due``; a batch of ``oer schedule``).

    Args:
        home: ``OER_HOME`` paths.
        config: The configuration.
        clock: Current UTC time.
        trigger: ``due`` or ``schedule``, for the report's name.
        **run_options: Passed to :func:`harvester.runner.run_batch` (progress…).

    The due sources are chosen twice: without the lock, so a cron job that finds nothing
    due exits 0 even while another run holds the lock; and again under the lock, so a
    run that waited for the lock never repeats what the previous run just did.

    Returns:
        The run's report (no report file when nothing was due).

    Raises:
        LockBusyError: something is due but another run holds the lock.
    """
    due, not_run = _due_now(home, config, clock())
    if not due:
        return run_batch(home, config, [], trigger=trigger, not_run=not_run, clock=clock,
                         take_lock=False, **run_options)
    wait_s = run_options.pop("lock_wait_s", None)
    wait_s = config.schedule.lock_wait_s if wait_s is None else wait_s
    with run_lock(home.root, f"oer harvest ({trigger})", wait_s=wait_s):
        due, not_run = _due_now(home, config, clock())
        return run_batch(home, config, due, trigger=trigger, not_run=not_run, clock=clock,
                         take_lock=False, **run_options)


def _due_now(home: Home, config: Config, now: datetime) -> tuple[list[OAISource], list[NotRun]]:
    store = Store(home.store)
    try:
        return due_sources(config, store, now)
    finally:
        store.close()


class NextDueTrigger(BaseTrigger):
    """APScheduler trigger firing when the next source becomes due (read from the store).

    Args:
        due_at: ``now -> next due time`` (or ``None``: nothing scheduled).
    """

    def __init__(self, due_at: Callable[[datetime], datetime | None]) -> None:
        self._due_at = due_at

    def get_next_fire_time(self, previous_fire_time: datetime | None,
                           now: datetime) -> datetime | None:
        """Next due time, at least :data:`MIN_WAKE_GAP_S` after the previous wake-up."""
        when = self._due_at(now)
        if when is None:
            return now + timedelta(hours=1)  # nothing scheduled: look again later
        if previous_fire_time is not None:
            when = max(when, previous_fire_time + timedelta(seconds=MIN_WAKE_GAP_S))
        return max(when, now)


def build_scheduler(home: Home, config: Config | ConfigWatch, *,
                    scheduler: BaseScheduler | None = None,
                    on_report: Callable[[BatchReport], None] = lambda report: None,
                    config_check_s: float = CONFIG_CHECK_S, **run_options) -> BaseScheduler:
    """An APScheduler scheduler that runs the due sources whenever one becomes due.

    Args:
        home: ``OER_HOME`` paths.
        config: The sources file as a :class:`ConfigWatch` (``oer schedule``: edits are
            picked up while running), or a fixed configuration.
        scheduler: The scheduler to use (default a ``BlockingScheduler`` in UTC).
        on_report: Called with each batch's report (the CLI prints a summary).
        config_check_s: With a ``ConfigWatch``, how often (seconds) a second job looks
            at the file while the scheduler sleeps, and moves the next wake-up when it
            changed.
        **run_options: Passed to :func:`run_due` (progress…).

    Returns:
        The scheduler, not started: job ``oer-due`` (:class:`NextDueTrigger`), and with a
        ``ConfigWatch`` job ``oer-config`` (every ``config_check_s``).
    """
    scheduler = scheduler or BlockingScheduler(timezone="UTC")
    current = config.current if isinstance(config, ConfigWatch) else (lambda: config)
    used: list[Config | None] = [None]  # the configuration of the last due-time computation

    def due_at(now: datetime) -> datetime | None:
        used[0] = current()
        store = Store(home.store)
        try:
            return next_due(used[0], store, now)
        finally:
            store.close()

    def batch() -> None:
        try:
            report = run_due(home, current(), trigger="schedule", **run_options)
        except LockBusyError as exc:
            log.warning("scheduled run skipped: %s", exc)
            return
        except ConfigError:
            log.exception("scheduled run refused")
            return
        on_report(report)

    def check_config() -> None:
        if current() is not used[0]:  # edited since the next wake-up was computed
            scheduler.reschedule_job("oer-due", trigger=NextDueTrigger(due_at))

    scheduler.add_job(batch, NextDueTrigger(due_at), id="oer-due", name="harvest due sources",
                      max_instances=1, coalesce=True, misfire_grace_time=None)
    if isinstance(config, ConfigWatch):
        logging.getLogger(f"apscheduler.executors.{_CHECK_EXECUTOR}").setLevel(logging.WARNING)
        scheduler.add_executor(ThreadPoolExecutor(1), alias=_CHECK_EXECUTOR)
        scheduler.add_job(check_config, IntervalTrigger(seconds=config_check_s), id="oer-config",
                          name="look for edits of the sources file", executor=_CHECK_EXECUTOR,
                          max_instances=1, coalesce=True, misfire_grace_time=None)
    return scheduler


def _not_due_reason(config: Config, store: Store, source, last_run: dict | None,
                    now: datetime) -> str | None:
    if source.schedule is None:
        return "no schedule (harvested only on demand)"
    if not can_harvest(source.kind):
        return f"kind {source.kind!r} is not yet harvestable"
    due_at = _due_at(config, store, source, last_run, now)
    if due_at <= now:
        return None
    not_before = parse_utc(store.load_state(source.name).not_before)
    if not_before is not None and not_before >= due_at:
        return f"deferred until {iso_utc(not_before)} (the server asked us to wait)"
    return f"not due until {iso_utc(due_at)}"


def _due_at(config: Config, store: Store, source, last_run: dict | None,
            now: datetime) -> datetime:
    """When ``source`` is next due: its schedule after the last start, and not deferred."""
    schedule = parse_schedule(source.schedule, config.schedule.timezone)
    state = store.load_state(source.name)
    not_before = parse_utc(state.not_before)
    last_start = parse_utc(last_run["started_at"]) if last_run else None
    if last_start is None:
        due = now
    elif last_run["status"] == "deferred" and not_before is not None:
        due = not_before  # come back as soon as the server said we may
    else:
        due = schedule.next_after(last_start)
    if not_before is not None and not_before > due:
        due = not_before
    return due
