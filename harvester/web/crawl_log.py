"""The crawl process's log records, made short for the people who read them.

Scrapy logs a failed request at ERROR, with a Twisted traceback of some fifty lines, and
names the request being *held back* when it is its site's robots.txt that failed. An
offline cron run would then mail pages of tracebacks. :class:`CrawlLogHandler` (the crawl
process's only log handler) sends each record to the parent as one JSON line, rewritten
by :func:`describe`:

- a request or item that failed (a ``scrapy.*`` record at ERROR that names a request or
  an item) → one WARNING line ``[source] URL: reason``: a harvest goes on after one bad
  page, and the spider's errback counts it in the run's summary;
- a site's robots.txt that could not be downloaded → one WARNING line naming the
  robots.txt URL (Scrapy then applies no robots.txt rules to that site);
- "Gave up retrying" → INFO (the errback's skip line says the same at WARNING);
- the start-up dumps (versions, settings, middlewares) → DEBUG;
- every traceback leaves the message and travels as ``exc``; the parent attaches it to
  the record (:func:`harvester.web.dispatch.relay_log`), so it reaches ``oer.log`` and
  the run's JSON log, and the terminal only with ``oer -v``.

Errors that are not about one request (the spider could not start, a pipeline failed to
open) keep their level: they end the run, and ``oer --quiet`` shows them.

This module does not import Scrapy (it reads records by logger name and arguments).

Ref: https://docs.scrapy.org/en/latest/topics/logging.html ;
https://docs.python.org/3/library/logging.html#logrecord-attributes
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

__all__ = ["CrawlLogHandler", "describe", "network_reason"]

#: Network failures by exception class name (Scrapy's and Twisted's) → plain words.
NETWORK_REASONS: dict[str, str] = {
    "DownloadConnectionRefusedError": "connection refused",
    "ConnectionRefusedError": "connection refused",
    "CannotResolveHostError": "host name not found (DNS)",
    "DNSLookupError": "host name not found (DNS)",
    "DownloadTimeoutError": "timed out",
    "TimeoutError": "timed out",
    "TCPTimedOutError": "timed out",
    "ResponseDataLossError": "response cut short",
    "ConnectionLost": "connection lost",
    "ConnectionDone": "connection closed by the server",
    "ResponseNeverReceived": "no response",
    "UnsupportedURLSchemeError": "unsupported URL scheme",
}

#: Scrapy loggers whose INFO records are start-up dumps of the configuration.
STARTUP_LOGGERS = frozenset({"scrapy.utils.log", "scrapy.middleware", "scrapy.crawler",
                             "scrapy.addons"})

Emit = Callable[[dict[str, Any]], None]


def network_reason(exc: BaseException | type[BaseException]) -> str:
    """A network failure in plain words: ``"connection refused"``, ``"timed out"`` …

    Args:
        exc: The exception (or its class) Scrapy or Twisted raised.

    Returns:
        The phrase for a known class, else the class name.
    """
    name = exc.__name__ if isinstance(exc, type) else type(exc).__name__
    return NETWORK_REASONS.get(name, name)


def describe(record: logging.LogRecord, source: str) -> tuple[int, str, str | None]:
    """The level, one-line message and detail (traceback) the parent should log.

    Args:
        record: A log record of the crawl process.
        source: The source's name, put first in rewritten Scrapy messages (``[hoou] …``).

    Returns:
        ``(level, message, detail)``: ``message`` is one line; ``detail`` holds the
        traceback and any further lines of the original message, or ``None``.
    """
    text = record.getMessage()
    detail = [text.partition("\n")[2]] if "\n" in text and record.levelno >= logging.WARNING else []
    text = text.partition("\n")[0] if detail else text
    if record.exc_info and record.exc_info[0] is not None:
        detail.append("".join(traceback.format_exception(*record.exc_info)).rstrip())
    elif record.exc_text:
        detail.append(record.exc_text)
    level = record.levelno
    name = record.name
    if name.startswith("scrapy."):
        level, text = _scrapy(record, level, text, source)
    return level, text, "\n".join(d for d in detail if d) or None


def _scrapy(record: logging.LogRecord, level: int, text: str, source: str) -> tuple[int, str]:
    args = record.args if isinstance(record.args, dict) else {}
    template = str(record.msg)
    error = record.exc_info[1] if record.exc_info else None
    request = args.get("request")
    item = args.get("item")
    if record.name in STARTUP_LOGGERS and level == logging.INFO:
        return logging.DEBUG, text
    if record.name == "scrapy.downloadermiddlewares.robotstxt" and request is not None:
        parts = urlsplit(getattr(request, "url", ""))
        failure = args.get("f_exception") or error
        reason = network_reason(failure) if isinstance(failure, BaseException) else str(failure)
        return (min(level, logging.WARNING),
                f"[{source}] {parts.scheme}://{parts.netloc}/robots.txt: not downloaded "
                f"({reason}); no robots.txt rules applied to this site")
    if template.startswith("Gave up retrying") and request is not None:
        reason = args.get("reason")
        reason = network_reason(reason) if isinstance(reason, BaseException | type) else reason
        return (min(level, logging.INFO),
                f"[{source}] {getattr(request, 'url', request)}: gave up after "
                f"{args.get('retry_times')} attempt(s) ({reason})")
    url = getattr(request, "url", None) or getattr(item, "url", None)
    if level < logging.ERROR or url is None:
        return level, text
    if template.startswith("Spider error processing"):
        what = "page not processed"
    elif template.startswith("Error processing"):
        what = "record not processed"
    else:
        what = "not downloaded"
    if error is not None:
        reason = (network_reason(error) if type(error).__name__ in NETWORK_REASONS
                  else f"{type(error).__name__}: {error}")
        what = f"{what} ({reason})"
    return logging.WARNING, f"[{source}] {url}: {what}"


class CrawlLogHandler(logging.Handler):
    """Send every log record to the parent as ``{"t": "log", "level", "logger", "msg"[, "exc"]}``.

    Args:
        emit: Writes one message to the parent.
        source: The source's name (see :func:`describe`).
    """

    def __init__(self, emit: Emit, source: str = "web") -> None:
        super().__init__(logging.DEBUG)
        self._emit = emit
        self.source = source

    def emit(self, record: logging.LogRecord) -> None:
        try:
            level, text, detail = describe(record, self.source)
            message: dict[str, Any] = {"t": "log", "level": level, "logger": record.name,
                                       "msg": text}
            if detail:
                message["exc"] = detail
            self._emit(message)
        except Exception:
            self.handleError(record)
