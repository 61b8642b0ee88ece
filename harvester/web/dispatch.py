"""Harvest a web or API source: run its crawl in a child process, relay progress, logs, report.

:func:`harvest_web_source` is what the runner calls for ``sitemap``, ``api`` and ``spider``
sources (the web counterpart of :func:`harvester.oai_harvest.harvest_source`). It starts
``python -m harvester.web.crawl`` (a fresh process per crawl: Scrapy's reactor cannot be
restarted, and a worker thread of the runner cannot host it), hands it the job as JSON,
relays its progress lines and log records, and returns its :class:`RunReport`. If the
child dies without a report, the run is closed as ``failed`` with the end of its stderr.

No Scrapy import here: the parent process never loads Scrapy.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import harvester
from harvester.config import HarvestSettings, WebSettings
from harvester.oai_harvest import RunReport, stderr_progress
from harvester.store import RunCounts, Store

log = logging.getLogger(__name__)

__all__ = ["WEB_KINDS", "harvest_web", "harvest_web_source", "make_job", "relay_log"]

#: Source kinds harvested here.
WEB_KINDS = frozenset({"sitemap", "api", "spider"})


def make_job(source: Any, store_path: Path, home: Path, settings: HarvestSettings,
             web: WebSettings, full: bool) -> dict[str, Any]:
    """The JSON job of :func:`harvester.web.crawl.run_crawl`."""
    return {"source": source.model_dump(mode="json"), "harvest": settings.model_dump(mode="json"),
            "web": web.model_dump(mode="json"), "store": str(store_path), "home": str(home),
            "full": full}


def harvest_web_source(source: Any, store: Store, settings: HarvestSettings | None = None,
                       progress: Callable[[str], None] = stderr_progress, *,
                       web: WebSettings | None = None, full: bool = False,
                       home: Path | None = None) -> RunReport:
    """Crawl one ``sitemap``/``api``/``spider`` source into ``store``.

    Args:
        source: The source (a validated model of a web kind).
        store: The store; the child opens the same file (``store.path``).
        settings: ``[harvest]`` (timeouts, retries, contact); defaults when ``None``.
        progress: Receives the progress lines.
        web: ``[web]`` settings; defaults when ``None``.
        full: Ignore the watermark and any unfinished crawl: fetch every page.
        home: ``OER_HOME`` (crawl state under ``jobs/``); default: the store's folder.

    Returns:
        The run's report; errors are reported, never raised.
    """
    settings = settings or HarvestSettings()
    web = web or WebSettings()
    if source.contact:
        settings = settings.model_copy(update={"contact": source.contact})
    job = make_job(source, store.path, home or store.path.parent, settings, web, full)
    env = dict(os.environ)
    package_root = str(Path(harvester.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    proc = subprocess.Popen([sys.executable, "-m", "harvester.web.crawl"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
                            encoding="utf-8", errors="replace")
    tail: deque[str] = deque(maxlen=20)
    reader = threading.Thread(target=_drain, args=(proc.stderr, tail, source.name), daemon=True)
    reader.start()
    report: dict[str, Any] | None = None
    run_id: int | None = None
    try:
        proc.stdin.write(json.dumps(job))
        proc.stdin.close()
        for line in proc.stdout:
            message = _message(line)
            kind = message.get("t")
            if kind == "progress":
                progress(str(message.get("line", "")))
            elif kind == "log":
                relay_log(message)
            elif kind == "run":
                run_id = message.get("run_id")
            elif kind == "report":
                report = message
        returncode = proc.wait()
    except BaseException:  # Ctrl-C or a dying parent: let the crawl stop cleanly (resumable)
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
        raise
    reader.join(timeout=5)
    if report is not None:
        return RunReport(source=source.name, status=report["status"], run_id=report["run_id"],
                         counts=RunCounts(**report["counts"]), pages=report["pages"],
                         skipped=report["skipped"], expected=report["expected"],
                         message=report["message"])
    message = (f"crawl process ended with status {returncode} and no report: "
               + " / ".join(tail)[-1500:])
    log.error("[%s] %s", source.name, message)
    if run_id is not None:
        state = replace(store.load_state(source.name), status="failed", run_id=run_id)
        store.finish_run(run_id, "failed", message, state)
    return RunReport(source.name, "failed", run_id, RunCounts(), message=message)


def relay_log(message: dict[str, Any]) -> None:
    """Log a ``{"t": "log"}`` message of the crawl process in this process.

    The traceback (``exc``) is attached to the record as its exception text, so the log
    file's and run log's formatters print it under the message, and the terminal shows it
    only when its handler takes the record's level (``oer -v``).

    Args:
        message: ``{"level": int, "logger": str, "msg": str[, "exc": str]}``.
    """
    logger = logging.getLogger(str(message.get("logger") or "harvester.web"))
    level = int(message.get("level", logging.INFO))
    if not logger.isEnabledFor(level):
        return
    record = logger.makeRecord(logger.name, level, "(crawl process)", 0, "%s",
                               (message.get("msg", ""),), None)
    if message.get("exc"):
        record.exc_text = str(message["exc"])
    logger.handle(record)


def _message(line: str) -> dict[str, Any]:
    try:
        message = json.loads(line)
    except ValueError:
        message = None
    if not isinstance(message, dict):
        return {"t": "log", "level": logging.INFO, "logger": "harvester.web",
                "msg": line.rstrip()}
    return message


def _drain(stream: Any, tail: deque[str], name: str) -> None:
    """Keep the end of the child's stderr (warnings, a traceback) for the report."""
    for line in stream:
        if line.strip():
            tail.append(line.rstrip())
            log.debug("[%s] crawl stderr: %s", name, line.rstrip())


def harvest_web(source: Any, store: Store, *, config: Any, full: bool, from_date: str | None,
                progress: Callable[[str], None], client_factory: Any = None) -> RunReport:
    """The runner's harvester of ``sitemap``, ``api`` and ``spider`` sources
    (:data:`harvester.runner.HARVESTERS`): :func:`harvest_web_source` with the
    configuration's ``[harvest]`` and ``[web]`` settings.

    Args:
        source: The source.
        store: The worker's store connection.
        config: The whole configuration.
        full: Fetch every page, ignoring the watermark and any unfinished crawl.
        from_date: Not used by web sources (there is no ``from`` to ask a web site for);
            a page's sitemap ``lastmod`` is compared with the last complete run instead.
        progress: Receives progress lines.
        client_factory: Not used (the OAI-PMH client factory of the runner).
    """
    if from_date:
        progress(f"[{source.name}] --from is ignored for {source.kind} sources "
                 "(pages are compared by their sitemap lastmod)")
    return harvest_web_source(source, store, config.harvest, progress,
                              web=getattr(config, "web", None), full=full)
