"""What one run did, for people and machines: the JSON run report and the run log.

Every run of ``oer harvest`` (manual, ``--due``, or a batch of ``oer schedule``) that
harvested at least one source writes

- ``OER_HOME/reports/<YYYYMMDDThhmmssZ>-<trigger>.json``: the run report (below);
- ``OER_HOME/logs/runs/<same stem>.jsonl``: the run's log, one JSON object per line
  (``ts``, ``level``, ``logger``, ``source``, ``message``, and ``event``/``data`` for
  the runner's own events). ``logs/oer.log`` keeps the plain log of every command,
  rotated by size.

Only the newest ``[schedule] keep_reports`` reports and run logs are kept.

Run report (``report_version`` 1)::

    {"report_version": 1, "trigger": "due", "oer_version": "0.1.0",
     "started_at": "2026-05-01T03:17:00Z", "finished_at": "…", "duration_s": 12.5,
     "host": "…", "pid": 123, "exit_status": 1,
     "sources": [{"source": "doab", "kind": "oai", "status": "complete", "run_id": 7,
                  "started_at": "…", "finished_at": "…", "duration_s": 10.1,
                  "added": 3, "updated": 1, "deleted": 0, "unchanged": 0,
                  "quarantined": 0, "pages": 1, "skipped": 0, "expected": null,
                  "message": null, "reconcile": null}, …],
     "not_run": [{"source": "iite", "reason": "kind 'spider' is not yet harvestable"}],
     "index": {"upserted": 4, "deleted": 0, "error": null},
     "log": "logs/runs/20260501T031700Z-due.jsonl"}

Statuses are the store's (``complete``, ``incomplete``, ``deferred``, ``failed``).
"""

from __future__ import annotations

import json
import logging
import os
import socket
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from harvester import __version__
from harvester.schedules import iso_utc

REPORT_VERSION = 1
SOURCE_THREAD_PREFIX = "harvest:"
"""Worker threads are named ``harvest:<source>``; the run log reads the source from it."""


@dataclass(slots=True)
class SourceOutcome:
    """One source's part of a run (one row of ``sources`` in the report).

    Attributes:
        source: Source id.
        kind: Source kind (``oai``…).
        status: ``complete``, ``incomplete``, ``deferred`` or ``failed``.
        run_id: The store's run id, ``None`` when no run was recorded (deferred before
            any request, or an error before the run started).
        started_at / finished_at: UTC ISO 8601, by the runner's clock.
        duration_s: Wall time of the source's harvest (seconds).
        added / updated / deleted / unchanged / quarantined: Record counts of the run.
        pages: Pages stored.
        skipped: Records skipped (no identifier, listed in ``skip_identifiers``).
        expected: The server's last ``completeListSize``, if any.
        message: Why the run is not complete (or a note), else ``None``.
        reconcile: The reconciliation's summary when one ran (see
            :class:`harvester.reconcile.ReconcileReport`), else ``None``.
    """

    source: str
    kind: str
    status: str
    run_id: int | None = None
    started_at: str | None = None
    finished_at: str | None = None
    duration_s: float = 0.0
    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    quarantined: int = 0
    pages: int = 0
    skipped: int = 0
    expected: int | None = None
    message: str | None = None
    reconcile: dict | None = None

    @property
    def ok(self) -> bool:
        """True when the harvest completed (and a reconciliation, if any, did too)."""
        return self.status == "complete" and (self.reconcile is None
                                              or self.reconcile.get("status") == "complete")

    def summary(self) -> str:
        """One line for stderr: ``[doab] complete: 3 added, 1 updated, …``."""
        line = (f"[{self.source}] {self.status}: {self.added:,} added, {self.updated:,} updated, "
                f"{self.deleted:,} deleted, {self.unchanged:,} unchanged in {self.pages} page(s)")
        if self.quarantined:
            line += f", {self.quarantined:,} quarantined"
        if self.message:
            line += f"; {self.message}"
        if self.reconcile:
            line += f"; reconcile {self.reconcile.get('status')}: {self.reconcile.get('message')}"
        return line


@dataclass(frozen=True, slots=True)
class NotRun:
    """A selected source that was not harvested in this run, and why."""

    source: str
    reason: str


@dataclass(slots=True)
class BatchReport:
    """A whole run: every source harvested, the ones left out, the index update.

    Attributes:
        trigger: ``manual`` (``oer harvest``), ``due`` (``--due``) or ``schedule``.
        started_at / finished_at: UTC ISO 8601, by the runner's clock.
        sources: One outcome per harvested source, in configuration order.
        not_run: Sources considered but not harvested, with the reason.
        index: ``{"upserted", "deleted", "error"}`` of the index update, or ``None``
            when nothing was harvested.
        exit_status: 0 all complete; 1 a source or the index update did not complete.
        duration_s: Wall time (seconds).
        report_path / log_path: Where the report and the run log were written.
    """

    trigger: str
    started_at: str
    finished_at: str | None = None
    sources: list[SourceOutcome] = field(default_factory=list)
    not_run: list[NotRun] = field(default_factory=list)
    index: dict | None = None
    exit_status: int = 0
    duration_s: float = 0.0
    report_path: Path | None = None
    log_path: Path | None = None

    def to_dict(self, root: Path | None = None) -> dict:
        """The report as JSON-ready data (paths relative to ``root`` when given)."""
        log = self.log_path
        if log is not None and root is not None:
            log = log.relative_to(root) if log.is_relative_to(root) else log
        return {"report_version": REPORT_VERSION, "trigger": self.trigger,
                "oer_version": __version__, "started_at": self.started_at,
                "finished_at": self.finished_at, "duration_s": round(self.duration_s, 3),
                "host": socket.gethostname(), "pid": os.getpid(),
                "exit_status": self.exit_status,
                "sources": [asdict(s) | {"duration_s": round(s.duration_s, 3)}
                            for s in self.sources],
                "not_run": [asdict(n) for n in self.not_run],
                "index": self.index, "log": str(log) if log else None}


def run_stem(started: datetime, trigger: str) -> str:
    """File stem shared by a run's report and log: ``20260501T031700Z-due``."""
    return iso_utc(started).replace("-", "").replace(":", "") + f"-{trigger}"


def write_report(root: Path, report: BatchReport, stem: str, keep: int) -> Path:
    """Write ``report`` as ``OER_HOME/reports/<stem>.json`` (atomically) and prune old ones.

    Args:
        root: ``OER_HOME``.
        report: The finished run.
        stem: From :func:`run_stem`; a ``-N`` suffix is added if the name is taken.
        keep: How many reports to keep (newest by name).

    Returns:
        The report's path.
    """
    folder = root / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    path = _free_name(folder, stem, ".json")
    report.report_path = path
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(report.to_dict(root), indent=2, ensure_ascii=False) + "\n",
                   encoding="utf-8")
    os.replace(tmp, path)
    prune(folder, "*.json", keep)
    return path


def prune(folder: Path, pattern: str, keep: int) -> None:
    """Remove all but the newest ``keep`` files matching ``pattern`` (by name)."""
    files = sorted(folder.glob(pattern))
    for old in files[:-keep] if keep > 0 else files:
        try:
            old.unlink()
        except OSError:
            pass


class JsonLinesFormatter(logging.Formatter):
    """One JSON object per log record: ts, level, logger, source, message [, event, data]."""

    def format(self, record: logging.LogRecord) -> str:
        thread = record.threadName or ""
        out = {"ts": datetime.fromtimestamp(record.created, UTC).isoformat(
                   timespec="milliseconds").replace("+00:00", "Z"),
               "level": record.levelname, "logger": record.name,
               "source": (thread.removeprefix(SOURCE_THREAD_PREFIX)
                          if thread.startswith(SOURCE_THREAD_PREFIX) else None),
               "message": record.getMessage()}
        for key in ("event", "data"):
            if hasattr(record, key):
                out[key] = getattr(record, key)
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:  # a traceback relayed from the crawl process
            out["exception"] = record.exc_text
        return json.dumps(out, ensure_ascii=False, default=str)


class RunLog:
    """Attach a JSON-lines log file to the root logger for one run (a context manager).

    Args:
        root: ``OER_HOME``; the file is ``logs/runs/<stem>.jsonl``.
        stem: From :func:`run_stem`.
        keep: How many run logs to keep.
        level: Lowest level written (INFO; DEBUG with ``-v``).
    """

    def __init__(self, root: Path, stem: str, keep: int, level: int = logging.INFO) -> None:
        folder = root / "logs" / "runs"
        folder.mkdir(parents=True, exist_ok=True)
        self.path = _free_name(folder, stem, ".jsonl")
        self._keep = keep
        self._handler = logging.FileHandler(self.path, encoding="utf-8")
        self._handler.setFormatter(JsonLinesFormatter())
        self._handler.setLevel(level)

    def __enter__(self) -> RunLog:
        root_logger = logging.getLogger()
        if root_logger.level > self._handler.level or root_logger.level == logging.NOTSET:
            root_logger.setLevel(self._handler.level)
        root_logger.addHandler(self._handler)
        return self

    def __exit__(self, *exc: object) -> None:
        logging.getLogger().removeHandler(self._handler)
        self._handler.close()
        prune(self.path.parent, "*.jsonl", self._keep)


def _free_name(folder: Path, stem: str, suffix: str) -> Path:
    path = folder / f"{stem}{suffix}"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}{suffix}"
    return path
