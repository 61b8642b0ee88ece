"""How each source is doing, as plain data: ``oer status`` and ``GET /api/status``.

:func:`source_health` reads the store (runs, state, record and quarantine counts) and
the configuration, and returns one :class:`SourceHealth` per source: last run, last
success, last failure and its reason, record totals, when it is next due, and the
warnings a librarian should act on:

- ``failed_runs``: its last ``[schedule] warn_after_failed_runs`` runs or more all ended
  without completing (failed, incomplete or deferred);
- ``overdue``: an enabled, scheduled source that has missed a whole scheduled slot
  (the scheduler or the cron job is not running, or the lock stays busy);
- ``deferred``: the server asked us to wait (``Retry-After``) until a time.

:func:`run_history` gives the runs of a source over time (for charts of records per
run and failures). Everything here is JSON-ready via :func:`health_as_dicts`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime

from harvester.config import Config
from harvester.runner import can_harvest
from harvester.schedules import iso_utc, parse_schedule, parse_utc
from harvester.store import Store

RECONCILE_PREFIX = "reconcile:"
"""Message prefix of the runs that :mod:`harvester.reconcile` records."""
_RUN_FIELDS = ("id", "status", "started_at", "finished_at", "added", "updated", "deleted",
               "unchanged", "quarantined", "pages", "message")


@dataclass(slots=True)
class SourceHealth:
    """One source's health.

    Attributes:
        source: Source id.
        title: Human name from the sources file (``""`` when not configured).
        kind: ``oai``, ``sitemap``, ``api``, ``spider``; ``None`` when the store has
            records of a source no longer in the sources file.
        enabled: Harvested by ``oer harvest``, ``--due`` and ``oer schedule``.
        schedule: Its schedule as written, or ``None``.
        licence_policy: Its licence policy name, or ``None``.
        records: Live records in the store.
        deleted: Records marked deleted (withdrawn by the repository or by reconciliation).
        quarantined: Records set aside because they could not be read or mapped.
        last_run: The latest run (see :data:`_RUN_FIELDS`), or ``None``.
        last_success: The latest complete run, or ``None``.
        last_failure: The latest run that did not complete, with its ``message``.
        failed_runs: Runs in a row, newest first, that did not complete.
        not_before: UTC time before which the server asked us not to come back.
        next_due: When ``oer harvest --due`` will next run it (UTC), or ``None``.
        warnings: Sentences for people; empty when all is well.
    """

    source: str
    title: str = ""
    kind: str | None = None
    enabled: bool = False
    schedule: str | None = None
    licence_policy: str | None = None
    records: int = 0
    deleted: int = 0
    quarantined: int = 0
    last_run: dict | None = None
    last_success: dict | None = None
    last_failure: dict | None = None
    failed_runs: int = 0
    not_before: str | None = None
    next_due: str | None = None
    warnings: list[str] = field(default_factory=list)


def source_health(store: Store, config: Config, now: datetime) -> list[SourceHealth]:
    """The health of every configured source, then of stored sources no longer configured.

    Args:
        store: The store (read only).
        config: The sources file.
        now: The current time (aware), for ``overdue`` and ``next_due``.

    Returns:
        One entry per source: configured ones in file order, then the others by name.
    """
    stored = {row["source"] for row in store.last_runs()}
    names = list(config.sources) + sorted(stored - set(config.sources))
    warn_after = config.schedule.warn_after_failed_runs
    out = []
    for name in names:
        source = config.sources.get(name)
        health = SourceHealth(source=name)
        if source is not None:
            health.title, health.kind, health.enabled = source.title, source.kind, source.enabled
            health.schedule, health.licence_policy = source.schedule, source.licence_policy
        live = store.count(name)
        health.records = live
        health.deleted = store.count(name, include_deleted=True) - live
        health.quarantined = store.quarantine_count(name)
        runs = store.runs_of(name, limit=max(warn_after, 1) + 1)
        health.last_run = _run(runs[0]) if runs else None
        harvests = store.runs_of(name, exclude_prefix=RECONCILE_PREFIX, limit=warn_after + 1)
        health.failed_runs = next((i for i, r in enumerate(harvests) if r["status"] == "complete"),
                                  len(harvests))
        success = store.runs_of(name, statuses=("complete",), limit=1)
        failure = store.runs_of(name, statuses=("failed", "incomplete", "deferred"), limit=1)
        health.last_success = _run(success[0]) if success else None
        health.last_failure = _run(failure[0]) if failure else None
        state = store.load_state(name)
        health.not_before = state.not_before
        _schedule_warnings(health, source, config, runs, now)
        if health.failed_runs >= warn_after:
            more = "or more " if health.failed_runs > warn_after else ""
            since = (f"last success {health.last_success['started_at']}" if health.last_success
                     else "never completed")
            health.warnings.append(f"not completed in the last {warn_after} {more}runs "
                                   f"({since})")
        if source is None:
            health.warnings.append("not in the sources file (records kept)")
        out.append(health)
    return out


def run_history(store: Store, source: str, limit: int = 100) -> list[dict]:
    """The runs of ``source``, oldest first (for charts: counts per run, failures)."""
    return [_run(r) for r in reversed(store.runs_of(source, limit=limit))]


def health_as_dicts(items: list[SourceHealth]) -> list[dict]:
    """JSON-ready data, as ``oer status --format json`` prints and ``/api/status`` serves."""
    return [asdict(h) for h in items]


def format_health(h: SourceHealth) -> list[str]:
    """Lines of ``oer status`` for one source (text, no colour)."""
    flags = [h.kind or "not configured"] + ([] if h.enabled or h.kind is None else ["disabled"])
    if h.schedule:
        flags.append(f"schedule {h.schedule!r}")
    head = f"{h.source}" + (f" — {h.title}" if h.title else "") + f" [{', '.join(flags)}]"
    lines = [head, f"  records: {h.records:,} live, {h.deleted:,} deleted, "
                   f"{h.quarantined:,} quarantined"]
    if h.last_run:
        r = h.last_run
        lines.append(f"  last run: {r['status']} at {r['finished_at'] or r['started_at']} — "
                     f"{r['added']:,} added, {r['updated']:,} updated, {r['deleted']:,} deleted, "
                     f"{r['quarantined']:,} quarantined")
    else:
        lines.append("  last run: never")
    lines.append("  last success: " + (h.last_success["started_at"] if h.last_success else "never"))
    if h.last_failure:
        f = h.last_failure
        lines.append(f"  last failure: {f['started_at']} {f['status']}: {f['message'] or '-'}")
    if h.next_due:
        lines.append(f"  next due: {h.next_due}")
    lines.extend(f"  WARNING: {w}" for w in h.warnings)
    return lines


def _schedule_warnings(health: SourceHealth, source, config: Config, runs: list[dict],
                       now: datetime) -> None:
    not_before = parse_utc(health.not_before)
    if not_before is not None and not_before > now:
        health.warnings.append(f"deferred until {iso_utc(not_before)} (the server asked us "
                               "to wait)")
    if (source is None or not source.enabled or source.schedule is None
            or not can_harvest(source.kind)):
        return
    schedule = parse_schedule(source.schedule, config.schedule.timezone)
    last_start = parse_utc(runs[0]["started_at"]) if runs else None
    if last_start is None:
        health.next_due = iso_utc(now)
        return
    due = schedule.next_after(last_start)
    if not_before is not None and not_before > due:
        due = not_before
    health.next_due = iso_utc(due)
    following = schedule.next_after(due)
    if following <= now:
        health.warnings.append(f"overdue: no run since {iso_utc(last_start)} although due at "
                               f"{iso_utc(due)} (is `oer schedule` or the cron job running?)")


def _run(row: dict) -> dict:
    return {k: row.get(k, 0 if k == "quarantined" else None) for k in _RUN_FIELDS}
