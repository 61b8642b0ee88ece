"""``oer sources check`` for the UNESDOC open-data and IITE sources, against 127.0.0.1.

The UNESDOC answer is the REAL DataHub ``/records`` answer (fixtures/unesdoc/root_unesdoc.json,
byte for byte). The IITE site is the HAND-MADE one of test_web_crawl (no recording exists).
"""

from __future__ import annotations

import textwrap

from click.testing import CliRunner
from test_web_crawl import JSON, iite_site
from web_helpers import FIXTURES, SiteServer

from harvester.cli import cli
from harvester.replay_server import Reply


def check(tmp_path, monkeypatch, body: str, name: str):
    monkeypatch.setenv("OER_HOME", str(tmp_path))
    config = tmp_path / "sources.toml"
    config.write_text(textwrap.dedent(body), encoding="utf-8")
    return CliRunner().invoke(cli, ["--config", str(config), "sources", "check", name])


def test_unesdoc_check_reports_the_count_and_the_first_record(tmp_path, monkeypatch):
    with SiteServer() as site:
        site.routes["/api/explore/v2.1/catalog/datasets/doc001/records"] = Reply(
            (FIXTURES / "unesdoc" / "root_unesdoc.json").read_bytes(), 200, JSON)
        site.routes["/api/explore/v2.1"] = Reply(b"{}", 200, JSON)
        result = check(tmp_path, monkeypatch, f"""
            [sources.unesdoc-opendata]
            kind = "api"
            api = "opendatasoft-explore-v2.1"
            base_url = "{site.base}/api/explore/v2.1"
            dataset = "doc001"
            where = 'language = "spa"'
            """, "unesdoc-opendata")
        hits = list(site.hits)
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if "open data" in x)
    assert line.startswith("ok   open data: ")
    assert "15,334 records matching 'language = \"spa\"'" in line
    assert "first: ark:/48223/pf0000397002, 'Mapeo de los sistemas" in line
    assert line.endswith("licence CC-BY-SA-3.0-IGO")
    assert any(h.startswith("/api/explore/v2.1/catalog/datasets/doc001/records?limit=1&where=")
               for h in hits)


def test_iite_check_reads_the_listing_the_page_and_the_pdf_imprint(tmp_path, monkeypatch):
    with SiteServer() as site:
        iite_site(site)
        result = check(tmp_path, monkeypatch, f"""
            [sources.iite]
            kind = "spider"
            spider = "unesco-iite"
            start_urls = ["{site.base}/publications/"]
            selectors = {{ abstract = ".no-such-class" }}
            """, "iite")
    lines = result.output.splitlines()
    assert any(x.startswith("ok   start URL: ") and "2 publication link(s)" in x for x in lines)
    page = next(x for x in lines if "publication page" in x)
    assert "title 'Digital Education in Times of Crisis', year 2020, 1 language version(s)" in page
    assert "found nothing: abstract ('.no-such-class')" in page
    pdf = next(x for x in lines if "PDF imprint" in x)
    assert pdf.startswith("ok   PDF imprint: ") and "licence CC-BY-SA-3.0-IGO" in pdf
    assert "© UNESCO IITE 2020" in pdf
