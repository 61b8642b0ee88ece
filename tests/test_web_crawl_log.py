"""What a web harvest prints when requests fail: one line per failed request, tracebacks
only in the log file (or with ``oer -v``), and with ``oer --quiet`` only the summary.

The crawls run against 127.0.0.1 only: a site whose sitemap lists a page that is missing
(404), a page that stays unavailable (503) and a page on a closed port, and a start URL on
a closed port (a socket bound but not listening: the connection is refused). Every page
served is HAND-MADE here; no real host is contacted.
"""

from __future__ import annotations

import logging
import socket
import sys

import pytest
from scrapy import Request
from web_helpers import TEXT, XML, SiteServer, run_oer

from harvester.replay_server import Reply
from harvester.run_report import JsonLinesFormatter
from harvester.web.crawl_log import CrawlLogHandler, describe, network_reason
from harvester.web.dispatch import relay_log

# no retries and no delay: each failure is one attempt (the behaviour under test is the output)
CONFIG = "[harvest]\nmax_retries = 0\n[web]\nautothrottle = false\n"


@pytest.fixture
def closed_port():
    """A 127.0.0.1 port that refuses connections (bound, never listening)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    yield sock.getsockname()[1]
    sock.close()


def failing_site(site: SiteServer, closed: int) -> None:
    """HAND-MADE: robots.txt → a sitemap of a 404 page, a 503 page and a closed-port page."""
    b = site.base
    site.routes["/robots.txt"] = Reply(f"User-agent: *\nSitemap: {b}/sitemap.xml\n".encode(),
                                       200, TEXT)
    site.routes["/sitemap.xml"] = Reply(
        ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
         f"<url><loc>{b}/gone.html</loc></url><url><loc>{b}/busy.html</loc></url>"
         f"<url><loc>http://127.0.0.1:{closed}/page.html</loc></url></urlset>").encode(),
        200, XML)
    site.routes["/busy.html"] = Reply(b"try later", 503, TEXT)


def test_quiet_harvest_of_a_failing_site_prints_only_the_summary(tmp_path, closed_port):
    config = tmp_path / "sources.toml"
    config.write_text(CONFIG, encoding="utf-8")
    with SiteServer() as site:
        failing_site(site, closed_port)
        done = run_oer(["--quiet", "harvest", "--sitemap", f"{site.base}/robots.txt",
                        "--name", "example"], tmp_path, config)
    assert done.returncode == 1
    [line] = done.stderr.splitlines()  # one line: the source's summary
    head, _, reasons = line.partition("3 skipped (")
    assert head == ("[example] incomplete: 0 added, 0 updated, 0 deleted, 0 unchanged in "
                    "2 page(s); 2 request(s) still failed after retries; ")
    # ties are listed in the order the failures happened (not fixed: one request at a time)
    assert sorted(reasons.rstrip(")").split(", ")) == [
        "http 404: 1", "http 503: 1", "network error (connection refused): 1"]
    log = (tmp_path / "logs" / "oer.log").read_text(encoding="utf-8")
    # each failure is one WARNING line in the log file, with its URL and reason
    for line in (f"WARNING harvester.web: [example] skipped {site.base}/gone.html: http 404",
                 f"WARNING harvester.web: [example] skipped {site.base}/busy.html: http 503",
                 "WARNING harvester.web: [example] skipped "
                 f"http://127.0.0.1:{closed_port}/page.html: network error (connection refused)",
                 "WARNING scrapy.downloadermiddlewares.robotstxt: [example] "
                 f"http://127.0.0.1:{closed_port}/robots.txt: not downloaded (connection "
                 "refused); no robots.txt rules applied to this site"):
        assert any(row.endswith(line) for row in log.splitlines()), line
    # the robots.txt failure's traceback is kept in the file, under its one-line message
    assert "refused); no robots.txt rules applied to this site\nTraceback (most recent" in log
    assert " ERROR " not in log


def test_offline_start_url_is_one_warning_by_default_and_a_traceback_with_verbose(
        tmp_path, closed_port):
    config = tmp_path / "sources.toml"
    config.write_text(CONFIG, encoding="utf-8")
    url = f"http://127.0.0.1:{closed_port}/robots.txt"
    summary = (f"[example] failed: 0 added, 0 updated, 0 deleted, 0 unchanged in 0 page(s); "
               f"no start URL answered ({url}: network error (connection refused)); "
               "1 skipped (network error (connection refused): 1)")
    quiet = run_oer(["--quiet", "harvest", "--sitemap", url, "--name", "example"], tmp_path,
                    config)
    assert quiet.returncode == 1
    assert quiet.stderr.splitlines() == [summary]
    plain = run_oer(["harvest", "--sitemap", url, "--name", "example"], tmp_path, config)
    assert "Traceback" not in plain.stderr and "WARNING" not in plain.stderr
    assert summary in plain.stderr.splitlines()
    verbose = run_oer(["-v", "harvest", "--sitemap", url, "--name", "example"], tmp_path,
                      config)
    lines = verbose.stderr.splitlines()
    assert (f"WARNING: [example] {url}: not downloaded (connection refused); no robots.txt "
            "rules applied to this site") in lines
    assert f"WARNING: [example] skipped {url}: network error (connection refused)" in lines
    assert "Traceback (most recent call last):" in lines
    assert not any(line.startswith("ERROR") for line in lines)
    # Scrapy's start-up dumps are DEBUG: not on the terminal even with -v
    assert "INFO: Overridden settings:" not in lines


def record(name: str, level: int, msg: str, args: dict, exc: BaseException | None = None
           ) -> logging.LogRecord:
    exc_info = (type(exc), exc, exc.__traceback__) if exc is not None else None
    rec = logging.LogRecord(name, level, __file__, 1, msg, None, exc_info)
    rec.args = args  # a dict of arguments, as Scrapy passes them
    return rec


def raised(exc: BaseException) -> BaseException:
    try:
        raise exc
    except BaseException as caught:
        return caught


def test_describe_spider_error_is_one_warning_with_the_url_and_the_traceback_apart():
    # Scrapy's own template (scrapy.logformatter.SPIDERERRORMSG) and arguments
    rec = record("scrapy.core.scraper", logging.ERROR,
                 "Spider error processing %(request)s (referer: %(referer)s)",
                 {"request": Request("http://127.0.0.1:8000/a.html"), "referer": None},
                 raised(ValueError("bad JSON-LD")))
    level, message, detail = describe(rec, "hoou")
    assert (level, message) == (logging.WARNING, "[hoou] http://127.0.0.1:8000/a.html: page not "
                                                 "processed (ValueError: bad JSON-LD)")
    assert detail.startswith("Traceback (most recent call last):")
    assert detail.endswith("ValueError: bad JSON-LD")


def test_describe_keeps_errors_that_are_not_about_one_request():
    rec = record("scrapy.core.engine", logging.ERROR,
                 "Error while processing requests from start()", {},
                 raised(RuntimeError("no start URL")))
    level, message, detail = describe(rec, "hoou")
    assert (level, message) == (logging.ERROR, "Error while processing requests from start()")
    assert "RuntimeError: no start URL" in detail


def test_describe_moves_startup_dumps_to_debug_and_gave_up_to_info():
    dump = record("scrapy.crawler", logging.INFO, "Overridden settings:\n%(s)s",
                  {"s": "{'BOT_NAME': 'oer-harvester'}"})
    assert describe(dump, "hoou")[0] == logging.DEBUG
    gave_up = record("scrapy.downloadermiddlewares.retry", logging.ERROR,
                     "Gave up retrying %(request)s (failed %(retry_times)d times): %(reason)s",
                     {"request": Request("http://127.0.0.1:8000/b.html"), "retry_times": 5,
                      "reason": "503 Service Unavailable"})
    assert describe(gave_up, "hoou") == (
        logging.INFO, "[hoou] http://127.0.0.1:8000/b.html: gave up after 5 attempt(s) "
                      "(503 Service Unavailable)", None)


def test_network_reason_in_plain_words():
    from scrapy.exceptions import CannotResolveHostError, DownloadTimeoutError

    assert network_reason(CannotResolveHostError) == "host name not found (DNS)"
    assert network_reason(DownloadTimeoutError("took 70 s")) == "timed out"
    assert network_reason(OSError) == "OSError"


def test_relayed_traceback_reaches_the_file_formats_but_not_a_quiet_terminal(tmp_path):
    sent = []
    handler = CrawlLogHandler(sent.append, "hoou")
    handler.emit(record("scrapy.downloadermiddlewares.robotstxt", logging.ERROR,
                        "Error downloading %(request)s: %(f_exception)s",
                        {"request": Request("http://127.0.0.1:8000/page.html"),
                         "f_exception": ConnectionRefusedError("refused")},
                        raised(ConnectionRefusedError("refused"))))
    assert sent[0]["level"] == logging.WARNING and sent[0]["msg"] == (
        "[hoou] http://127.0.0.1:8000/robots.txt: not downloaded (connection refused); "
        "no robots.txt rules applied to this site")
    logger = logging.getLogger(sent[0]["logger"])
    file_handler = logging.FileHandler(tmp_path / "oer.log", encoding="utf-8")
    file_handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    json_handler = logging.FileHandler(tmp_path / "run.jsonl", encoding="utf-8")
    json_handler.setFormatter(JsonLinesFormatter())
    terminal = logging.StreamHandler(sys.stderr)
    terminal.setLevel(logging.ERROR)  # the terminal without -v
    seen_by_terminal = []
    terminal.emit = seen_by_terminal.append
    for h in (file_handler, json_handler, terminal):
        logger.addHandler(h)
    try:
        relay_log(sent[0])
    finally:
        for h in (file_handler, json_handler, terminal):
            logger.removeHandler(h)
            h.close()
    text = (tmp_path / "oer.log").read_text(encoding="utf-8")
    assert text.startswith("WARNING scrapy.downloadermiddlewares.robotstxt: [hoou] "
                           "http://127.0.0.1:8000/robots.txt: not downloaded")
    assert "\nTraceback (most recent call last):\n" in text
    assert text.rstrip().endswith("ConnectionRefusedError: refused")
    assert '"exception": "Traceback (most recent call last)' in (
        tmp_path / "run.jsonl").read_text(encoding="utf-8")
    assert seen_by_terminal == []
