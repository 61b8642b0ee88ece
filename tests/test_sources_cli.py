"""``oer sources list|show|check`` against recorded DuEPublico OER responses and a real
sitemap served on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from click.testing import CliRunner

from harvester import runner
from harvester.cli import cli
from harvester.replay_server import Reply, ReplayServer, oai_error, recorded_responder

FIXTURES = Path(__file__).parent / "fixtures"
OAI = FIXTURES / "oai"
DUEPUBLICO = [(OAI / f"duepublico-{n}.xml").read_bytes()
              for n in ("01-Identify", "02-ListMetadataFormats", "03-ListSets")]
SITEMAP = (FIXTURES / "sitemaps" / "hoou-sitemap.xml").read_bytes()


def duepublico_server() -> ReplayServer:
    identify, formats, sets = DUEPUBLICO
    return ReplayServer(recorded_responder(identify, [], extra={
        "ListMetadataFormats": Reply(formats), "ListSets": Reply(sets)}))


def oer(tmp_path: Path, config: str, *args: str):
    path = tmp_path / "sources.toml"
    path.write_text(config, encoding="utf-8")
    return CliRunner().invoke(cli, ["--config", str(path), *args],
                              env={"OER_HOME": str(tmp_path / "home")})


def test_check_an_oai_source_that_offers_what_is_configured(tmp_path):
    with duepublico_server() as server:
        result = oer(tmp_path, f'[sources.duepublico-oer]\nbase_url = "{server.url}"\n'
                               'set_spec = "doc-type:CourseMaterial"\n',
                     "sources", "check", "duepublico-oer")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "ok   Identify: DuEPublico OER: University of Duisburg-Essen Open Educational "
        "Resources; protocol 2.0, granularity YYYY-MM-DD, deletedRecord persistent, "
        "earliest 2018-10-17",
        "ok   ListMetadataFormats: metadataPrefix 'oai_dc' offered (offered: mods, oai_dc)",
        "ok   ListSets: set 'doc-type:CourseMaterial' offered"]
    assert [r["verb"] for r in server.requests] == ["Identify", "ListMetadataFormats", "ListSets"]


def test_check_reports_a_format_and_a_set_the_server_does_not_offer(tmp_path):
    with duepublico_server() as server:
        result = oer(tmp_path, f'[sources.d]\nbase_url = "{server.url}"\nmetadata_prefix = "lom"\n'
                               'set_spec = "oer"\n', "sources", "check", "d")
    assert result.exit_code == 1
    assert ("FAIL ListMetadataFormats: metadataPrefix 'lom' NOT offered (offered: mods, oai_dc)"
            in result.stdout)
    assert "FAIL ListSets: set 'oer' NOT offered (13 sets listed)" in result.stdout


def test_check_an_unreachable_source_fails_at_identify(tmp_path):
    with ReplayServer(lambda params: Reply(b"<html>down</html>", 500,
                                           (("Content-Type", "text/html"),))) as server:
        result = oer(tmp_path, f'[harvest]\nbackoff_base_s = 0\n[sources.d]\nbase_url = "{server.url}"\n',
                     "sources", "check", "d")
    assert result.exit_code == 1
    assert result.stdout.startswith("FAIL Identify: HTTPStatusError: HTTP 500 after 2 tries")


class _Site:
    """A tiny web site on 127.0.0.1: robots.txt and the real HOOU sitemap."""

    def __init__(self) -> None:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                body, kind = site.pages.get(self.path, (b"not found", "text/plain"))
                self.send_response(200 if self.path in site.pages else 404)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.root = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.pages = {
            "/robots.txt": (f"User-agent: *\nDisallow: /private/\nSitemap: {self.root}/sitemap.xml\n"
                            .encode(), "text/plain"),
            "/sitemap.xml": (SITEMAP, "application/xml")}
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def test_check_a_sitemap_source_reads_robots_and_the_sitemap(tmp_path):
    site = _Site()
    try:
        result = oer(tmp_path, f'[sources.hoou]\nkind = "sitemap"\n'
                               f'start_urls = ["{site.root}/sitemap.xml", "{site.root}/private/x.xml"]\n',
                     "sources", "check", "hoou")
    finally:
        site.close()
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"ok   robots.txt: {site.root}/sitemap.xml allowed for 'oer-harvester/")
    assert lines[0].endswith(f"; sitemaps: {site.root}/sitemap.xml")
    assert lines[1] == f"ok   sitemap: {site.root}/sitemap.xml: urlset with 10 <loc>"
    assert lines[2].startswith(f"FAIL robots.txt: {site.root}/private/x.xml DISALLOWED")
    assert result.exit_code == 1


def test_list_and_show(tmp_path, monkeypatch):
    monkeypatch.delitem(runner.HARVESTERS, "spider", raising=False)  # a kind with no harvester
    config = ('[sources.doab]\ntitle = "Directory of Open Access Books"\n'
              'base_url = "https://directory.doabooks.org/oai/request"\nschedule = "17 3 * * *"\n\n'
              '[sources.iite]\nkind = "spider"\nspider = "unesco-iite"\nenabled = false\n'
              'start_urls = ["https://iite.unesco.org/publications/"]\n')
    table = oer(tmp_path, config, "sources", "list")
    assert table.exit_code == 0
    rows = table.stdout.splitlines()
    assert rows[0].split() == ["SOURCE", "KIND", "ENABLED", "SCHEDULE", "POLICY", "WHERE"]
    assert rows[1].split() == ["doab", "oai", "yes", "17", "3", "*", "*", "*", "any-cc",
                               "https://directory.doabooks.org/oai/request"]
    assert rows[2].split() == ["iite", "spider", "no", "-", "any-cc",
                               "https://iite.unesco.org/publications/"]
    assert "not yet harvestable (kind): iite" in table.stderr
    listed = json.loads(oer(tmp_path, config, "sources", "list", "--format", "json").stdout)
    assert [s["id"] for s in listed] == ["doab", "iite"] and listed[1]["enabled"] is False
    shown = oer(tmp_path, config, "sources", "show", "doab").stdout.splitlines()
    assert shown[:2] == ['id = "doab"', 'title = "Directory of Open Access Books"']
    assert 'schedule = "17 3 * * *"' in shown and shown[-1].startswith("# never harvested")
    assert oer(tmp_path, config, "sources", "show", "nope").exit_code == 2


def duepublico_without_sets(list_sets: Reply) -> ReplayServer:
    """DuEPublico's recorded Identify and formats; ListSets answered with ``list_sets``."""
    identify, formats, _ = DUEPUBLICO
    return ReplayServer(recorded_responder(identify, [], extra={
        "ListMetadataFormats": Reply(formats), "ListSets": list_sets}))


def test_a_listsets_http_404_is_a_warning_not_ok(tmp_path):
    """No set configured: the harvest works, but the 404 is shown as warn, never as ok."""
    with duepublico_without_sets(Reply(b"not found", 404, (("Content-Type", "text/plain"),))
                                 ) as server:
        result = oer(tmp_path, f'[sources.local]\nbase_url = "{server.url}"\n',
                     "sources", "check", "local")
    assert result.exit_code == 0, result.output
    last = result.stdout.splitlines()[-1]
    assert last.startswith("warn ListSets: HTTPStatusError: HTTP 404")
    assert last.endswith("(a repository without sets answers noSetHierarchy); not needed: "
                         "no set configured")


def test_a_listsets_http_404_fails_when_a_set_is_configured(tmp_path):
    with duepublico_without_sets(Reply(b"not found", 404, (("Content-Type", "text/plain"),))
                                 ) as server:
        result = oer(tmp_path, f'[sources.local]\nbase_url = "{server.url}"\nset_spec = "oer"\n',
                     "sources", "check", "local")
    assert result.exit_code == 1
    last = result.stdout.splitlines()[-1]
    assert last.startswith("FAIL ListSets: HTTPStatusError: HTTP 404")
    assert last.endswith("; set 'oer' could not be checked")


def test_no_set_hierarchy_is_ok_without_a_set_and_fails_with_one(tmp_path):
    no_sets = Reply(oai_error("noSetHierarchy", "This repository does not support sets"))
    with duepublico_without_sets(no_sets) as server:
        plain = oer(tmp_path, f'[sources.local]\nbase_url = "{server.url}"\n',
                    "sources", "check", "local")
        with_set = oer(tmp_path, f'[sources.local]\nbase_url = "{server.url}"\n'
                                 'set_spec = "oer"\n', "sources", "check", "local")
    assert plain.exit_code == 0 and with_set.exit_code == 1
    assert plain.stdout.splitlines()[-1] == "ok   ListSets: the repository has no sets"
    assert with_set.stdout.splitlines()[-1] == ("FAIL ListSets: the repository has no sets; "
                                                "set 'oer' cannot be harvested")
