"""One crawl of one web or API source, in a process of its own (``python -m harvester.web.crawl``).

Scrapy runs on a Twisted reactor, which starts once per process and cannot be restarted,
so every crawl gets a fresh process (:func:`harvester.web.dispatch.harvest_web_source`
starts it). This module is that process: it reads a job (JSON on stdin), opens the
store, starts a run, runs the source's spider with :class:`scrapy.crawler.CrawlerProcess`
and settings built at run time (:func:`harvester.web.settings.scrapy_settings`), closes
the run with an honest status, and writes JSON lines to stdout for the parent:

- ``{"t": "run", "run_id": 7}`` as soon as the run exists;
- ``{"t": "progress", "line": "[hoou] 100 records: …"}``;
- ``{"t": "log", "level": 30, "logger": "harvester.web", "msg": "…"[, "exc": "…"]}`` for every
  log record, one line each, a failed request as a WARNING and any traceback apart in
  ``exc`` (:mod:`harvester.web.crawl_log`); the parent logs them again, so they reach
  ``oer.log`` and the run's JSON log;
- ``{"t": "report", …}`` last: the fields of :class:`harvester.oai_harvest.RunReport`.

Run status: ``failed`` when no start URL answered; ``incomplete`` when the crawl was
stopped (signal, ``crawl_timeout_s``, ``max_pages``: its ``JOBDIR`` is kept and the next
run resumes it) or when requests still failed after their retries; else ``complete``,
which moves the watermark (the run's start) used to skip pages whose sitemap ``lastmod``
is older.
"""

from __future__ import annotations

import json
import logging
import shutil
import sys
import threading
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from harvester.config import HarvestSettings, Source, WebSettings
from harvester.errors import ConfigError
from harvester.store import Store, utc_now
from harvester.web.context import CrawlContext
from harvester.web.crawl_log import CrawlLogHandler
from harvester.web.settings import job_dir, scrapy_settings

__all__ = ["CRAWL_TOKEN", "SPIDERS", "main", "run_crawl", "spider_class"]

#: The ``token`` saved in the source state while a crawl is unfinished (its JOBDIR exists).
CRAWL_TOKEN = "crawl:jobdir"

#: ``kind = "spider"`` sources: spider name → class path.
SPIDERS: dict[str, str] = {"unesco-iite": "harvester.web.spiders.iite.IITELibrarySpider"}

Emit = Callable[[dict[str, Any]], None]


def spider_class(source: Any) -> type:
    """The spider class of a source.

    Raises:
        ConfigError: a ``kind = "spider"`` source names an unknown spider.
    """
    import importlib

    if source.kind == "sitemap":
        path = "harvester.web.spiders.sitemap.OERSitemapSpider"
    elif source.kind == "api":
        path = "harvester.web.spiders.unesdoc.UnesdocOpenDataSpider"
    elif source.kind == "spider" and source.spider in SPIDERS:
        path = SPIDERS[source.spider]
    else:
        raise ConfigError(f"[{source.name}] no spider for kind {source.kind!r} "
                          f"{getattr(source, 'spider', '')!r} (spiders: {', '.join(SPIDERS)})")
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def run_crawl(job: dict[str, Any], emit: Emit) -> dict[str, Any]:
    """Run one crawl as ``job`` says; returns the report's fields.

    Args:
        job: ``{"source": {...}, "harvest": {...}, "web": {...}, "store": path,
            "home": path, "full": bool}`` (see :func:`harvester.web.dispatch.make_job`).
        emit: Writes one message to the parent.
    """
    from scrapy.crawler import CrawlerProcess

    source = TypeAdapter(Source).validate_python(job["source"])
    harvest = HarvestSettings.model_validate(job["harvest"])
    web = WebSettings.model_validate(job["web"])
    home, full = Path(job["home"]), bool(job.get("full"))
    cls = spider_class(source)
    store = Store(Path(job["store"]))
    try:
        state = store.load_state(source.name)
        jobs = job_dir(home, source.name)
        resuming = not full and state.token == CRAWL_TOKEN and jobs.exists()
        if not resuming:
            shutil.rmtree(jobs, ignore_errors=True)
        watermark = None if full else state.watermark
        started = (state.list_response_date if resuming and state.list_response_date
                   else utc_now())
        run_id = store.start_run(source.name, watermark, None, started)
        emit({"t": "run", "run_id": run_id})
        progress = _progress(emit)
        if resuming:
            progress(f"[{source.name}] resuming an unfinished crawl ({jobs})")
        state = replace(state, status="incomplete", token=CRAWL_TOKEN, list_from=watermark,
                        list_response_date=started, run_id=run_id, not_before=None,
                        pages=state.pages if resuming else 0, seen=state.seen if resuming else 0)
        store.save_state(state)
        ctx = CrawlContext(source=source, store=store, run_id=run_id, state=state, web=web,
                           progress=progress, watermark=watermark,
                           start_ok=resuming)  # a resumed crawl got past its start URLs
        process = CrawlerProcess(scrapy_settings(source, harvest, web, home))
        crawler = process.create_crawler(cls)
        process.crawl(crawler, context=ctx)
        process.start()
        ctx.flush()
        reason = crawler.stats.get_value("finish_reason") if crawler.stats else None
        status, message = _outcome(ctx, reason)
        state = ctx.state
        if reason == "finished" or status == "failed":
            shutil.rmtree(jobs, ignore_errors=True)  # nothing left to resume
            state = replace(state, token=None, pages=0, seen=0, list_from=None,
                            list_response_date=None)
        if status == "complete":
            state = replace(state, watermark=started)
        state = replace(state, status=status, run_id=run_id)
        store.finish_run(run_id, status, message, state)
        ctx.final_progress()
        return {"source": source.name, "status": status, "run_id": run_id,
                "counts": asdict(ctx.counts), "pages": ctx.fetched,
                "skipped": sum(ctx.skipped.values()), "expected": None, "message": message}
    finally:
        store.close()


def _outcome(ctx: CrawlContext, reason: str | None) -> tuple[str, str | None]:
    summary = ctx.summary()
    if not ctx.start_ok:
        why = "; ".join(ctx.start_errors) or "nothing was fetched"
        status, message = "failed", f"no start URL answered ({why})"
    elif reason != "finished":
        status, message = "incomplete", f"crawl stopped ({reason}); the next run resumes it"
    elif ctx.transient_errors:
        status, message = "incomplete", (f"{ctx.transient_errors:,} request(s) still failed "
                                         "after retries")
    else:
        status, message = "complete", None
    return status, "; ".join(m for m in (message, summary) if m) or None


def _progress(emit: Emit) -> Callable[[str], None]:
    return lambda line: emit({"t": "progress", "line": line})


def main() -> int:
    """Entry point of the crawl process: job on stdin, messages on stdout."""
    lock = threading.Lock()
    out = sys.stdout

    def emit(message: dict[str, Any]) -> None:
        with lock:
            out.write(json.dumps(message, ensure_ascii=False, default=str) + "\n")
            out.flush()

    job = json.loads(sys.stdin.read())
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(CrawlLogHandler(emit, str(job.get("source", {}).get("name") or "web")))
    root.setLevel(logging.INFO)
    for noisy, level in (("scrapy", logging.INFO), ("pypdf", logging.ERROR),
                         ("protego", logging.WARNING), ("filelock", logging.WARNING)):
        logging.getLogger(noisy).setLevel(level)
    emit({"t": "report", **run_crawl(job, emit)})
    return 0


if __name__ == "__main__":
    sys.exit(main())
