"""Scrapy's settings, built at run time from our configuration (there is no ``scrapy.cfg`` project).

:func:`scrapy_settings` turns a source, the ``[harvest]`` and ``[web]`` settings and
``OER_HOME`` into the dict :class:`scrapy.crawler.CrawlerProcess` takes. What it decides:

- politeness: robots.txt obeyed; AutoThrottle adapts the delay to the server's latency
  and never goes below the source's ``delay_s`` (``DOWNLOAD_DELAY``, not randomised);
  one request at a time per site; retries of 429/5xx as ``[harvest] max_retries`` says;
- identity: the User-Agent names the project and its contact URL
  (``oer-harvester/0.1.0 (+https://…)``, as the OAI-PMH client's);
- state: the crawl's queue and seen-request fingerprints live in ``JOBDIR`` =
  ``OER_HOME/jobs/<source>/`` so a stopped crawl resumes; the optional HTTP cache
  (RFC 9111 revalidation) in ``OER_HOME/cache/http/<source>/``;
- no cookies (and so no public-suffix list download), no telnet console and no remote
  control server (both let whoever reaches the port run code in the crawl), no stats dump;
- logging: no Scrapy root handler (the crawl process has its own,
  :mod:`harvester.web.crawl_log`), and retries given up logged at INFO (the spider's
  errback reports the failed request);
- the item pipelines, in order (:data:`ITEM_PIPELINES`).

This module does not import Scrapy: settings are names and values.

Ref: https://docs.scrapy.org/en/latest/topics/settings.html ;
https://docs.scrapy.org/en/latest/topics/autothrottle.html ; RFC 9309 (robots.txt).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from harvester import __version__
from harvester.config import HarvestSettings, WebSettings

__all__ = ["ITEM_PIPELINES", "PAGE_MAX_BYTES", "PDF_MAX_BYTES", "EXPORT_MAX_BYTES",
           "cache_dir", "job_dir", "scrapy_settings", "user_agent"]

#: The data flow of every web harvest: extract → licence → language → validate → store.
ITEM_PIPELINES: dict[str, int] = {
    "harvester.web.pipelines.ExtractPipeline": 100,
    "harvester.web.pipelines.LicencePipeline": 200,
    "harvester.web.pipelines.LanguagePipeline": 300,
    "harvester.web.pipelines.ValidatePipeline": 400,
    "harvester.web.pipelines.StorePipeline": 500,
}

#: Largest HTML page or sitemap downloaded (bytes).
PAGE_MAX_BYTES = 16 * 1024 * 1024
#: Largest PDF downloaded for its imprint (bytes).
PDF_MAX_BYTES = 128 * 1024 * 1024
#: Largest open-data export downloaded in one response (bytes).
EXPORT_MAX_BYTES = 2 * 1024 * 1024 * 1024

RETRY_STATUSES = [429, 500, 502, 503, 504]


def user_agent(contact: str) -> str:
    """``oer-harvester/<version> (+<contact>)``, or without the parentheses when no contact."""
    return f"oer-harvester/{__version__}" + (f" (+{contact})" if contact else "")


def job_dir(home: Path, source: str) -> Path:
    """Where a source's resumable crawl state lives: ``OER_HOME/jobs/<source>/``."""
    return home / "jobs" / source


def cache_dir(home: Path, source: str) -> Path:
    """Where a source's HTTP cache lives: ``OER_HOME/cache/http/<source>/``."""
    return home / "cache" / "http" / source


def scrapy_settings(source: Any, harvest: HarvestSettings, web: WebSettings,
                    home: Path) -> dict[str, Any]:
    """The Scrapy settings of one source's crawl.

    Args:
        source: The source (any kind; ``name``, ``delay_s`` and ``contact`` are read).
        harvest: ``[harvest]``: timeouts, retries, contact.
        web: ``[web]``: AutoThrottle, HTTP cache, crawl time limit.
        home: ``OER_HOME``.

    Returns:
        A dict for :class:`scrapy.crawler.CrawlerProcess`.
    """
    delay_s = float(source.delay_s)
    settings: dict[str, Any] = {
        "BOT_NAME": "oer-harvester",
        "USER_AGENT": user_agent(source.contact or harvest.contact),
        "ROBOTSTXT_OBEY": True,
        "DOWNLOAD_DELAY": delay_s,
        "DOWNLOAD_DELAY_JITTER": 0,
        "AUTOTHROTTLE_ENABLED": web.autothrottle,
        "AUTOTHROTTLE_START_DELAY": max(delay_s, web.autothrottle_start_delay_s),
        "AUTOTHROTTLE_MAX_DELAY": max(delay_s, web.autothrottle_max_delay_s),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        # one site per source: the engine takes no more requests than it may send, so the
        # rest stay in the JOBDIR queue and survive a stop
        "CONCURRENT_REQUESTS": web.concurrent_requests_per_site,
        "CONCURRENT_REQUESTS_PER_DOMAIN": web.concurrent_requests_per_site,
        "DOWNLOAD_TIMEOUT": harvest.connect_timeout_s + harvest.read_timeout_s,
        "DOWNLOAD_MAXSIZE": PAGE_MAX_BYTES,
        "DOWNLOAD_WARNSIZE": 64 * 1024 * 1024,
        "RETRY_ENABLED": True,
        "RETRY_TIMES": harvest.max_retries,
        "RETRY_HTTP_CODES": RETRY_STATUSES,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,  # Scrapy 2.19's code-executing HTTP control server
        "STATS_DUMP": False,
        "LOG_LEVEL": "INFO",
        # the crawl process logs through its own handler (harvester.web.crawl_log): one
        # line per failed request, tracebacks apart
        "LOG_INSTALL_ROOT_HANDLER": False,
        # the spider's errback logs each request that failed after its retries (a WARNING)
        "RETRY_GIVE_UP_LOG_LEVEL": "INFO",
        "LOGSTATS_INTERVAL": 60.0,
        "DEFAULT_DROPITEM_LOG_LEVEL": "DEBUG",
        "JOBDIR": str(job_dir(home, source.name)),
        "HTTPCACHE_ENABLED": web.http_cache,
        "HTTPCACHE_DIR": str(cache_dir(home, source.name)),
        "HTTPCACHE_POLICY": "scrapy.extensions.httpcache.RFC2616Policy",
        "HTTPCACHE_IGNORE_HTTP_CODES": RETRY_STATUSES,
        "ITEM_PIPELINES": dict(ITEM_PIPELINES),
    }
    if web.crawl_timeout_s:
        settings["CLOSESPIDER_TIMEOUT"] = web.crawl_timeout_s
    if web.max_pages:
        settings["CLOSESPIDER_PAGECOUNT"] = web.max_pages
    return settings
