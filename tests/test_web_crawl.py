"""Real crawls with Scrapy's own engine, against pages served on 127.0.0.1.

Each test runs ``python -m harvester harvest …`` in a subprocess (Scrapy's reactor cannot
restart in one process) and then reads the store. What is served:

- REAL: the HOOU sitemap and two HOOU material pages (OERSI's test files, MIT), the
  OER repository BW sitemap (MIT), the UNESDOC open-data record (welearn-datastack, CC
  BY-NC-SA 4.0). The sitemaps' ``https://www.hoou.de`` / ``https://uni-tuebingen.oerbw.de``
  hosts are rewritten to the test server (derived in :func:`local_sitemap`), nothing else.
- HAND-MADE (each marked where defined): robots.txt, a sitemap index with a loop, a
  sitemap of the two real pages' own URLs (their ``og:url`` paths), bad pages, the
  UNESDOC export around the real record, and the whole IITE site (listing, publication
  page, WordPress REST answer, a PDF with UNESCO's imprint formula): no IITE recording
  exists (shared/fixtures/MANIFEST.md, "Known gaps").
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from test_web_extract import IMPRINT
from web_helpers import FIXTURES, HTML, TEXT, XML, SiteServer, make_pdf, run_oer

from harvester.replay_server import Reply
from harvester.store import Store

JSONL = (("Content-Type", "application/jsonl; charset=utf-8"),)
JSON = (("Content-Type", "application/json; charset=utf-8"),)
WEB_SETTINGS = "[web]\nautothrottle = false\nprogress_every_items = 1\n"


def local_sitemap(path: Path, real_host: str, base: str) -> bytes:
    """A real sitemap with its site's host replaced by the test server's (the only change)."""
    return path.read_bytes().replace(real_host.encode(), base.encode())


def write_config(home: Path, body: str) -> Path:
    config = home / "sources.toml"
    config.write_text(WEB_SETTINGS + textwrap.dedent(body), encoding="utf-8")
    return config


def records(home: Path, source: str) -> dict:
    store = Store(home / "store.sqlite")
    try:
        return {rid.split(":", 1)[1]: store.get(rid) for rid in store.record_ids(source)}
    finally:
        store.close()


def last_run(home: Path, source: str) -> dict:
    store = Store(home / "store.sqlite")
    try:
        return store.runs_of(source, limit=1)[0]
    finally:
        store.close()


def hoou_site(site: SiteServer) -> None:
    """Routes of a HOOU-like site: real sitemap and pages, hand-made robots/index/bad pages."""
    b = site.base
    real_pages = {"/materials/ifm-erzahlung-wie": FIXTURES / "jsonld" / "hoou-ifm-erzaehlung-wie.html",
                  "/materials/online-punkteabfrage": FIXTURES / "html" / "hoou-online-punkteabfrage.html"}
    # HAND-MADE: a sitemap of the two real pages (their og:url paths; lastmod = the JSON-LD
    # dateModified of the first), four bad pages, and a path robots.txt disallows.
    bad = ["/materials/script-title", "/materials/no-licence", "/materials/broken",
           "/materials/a-pdf", "/private/draft"]
    urls = [(p, "2018-03-27T22:30:14Z" if p.endswith("wie") else None) for p in real_pages] + \
        [(p, None) for p in bad]
    materials = "".join(f"<url><loc>{b}{p}</loc>{f'<lastmod>{m}</lastmod>' if m else ''}</url>"
                        for p, m in urls)
    site.routes.update({
        "/robots.txt": Reply(f"User-agent: *\nDisallow: /private/\nSitemap: {b}/sitemap-index.xml\n"
                             .encode(), 200, TEXT),
        "/sitemap-index.xml": Reply(
            ('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             f"<sitemap><loc>{b}/sitemap.xml</loc></sitemap>"
             f"<sitemap><loc>{b}/sitemap-materials.xml</loc></sitemap>"
             f"<sitemap><loc>{b}/sitemap-index.xml</loc></sitemap></sitemapindex>").encode(), 200, XML),
        "/sitemap.xml": Reply(local_sitemap(FIXTURES / "sitemaps" / "hoou-sitemap.xml",
                                            "https://www.hoou.de", b), 200, XML),
        "/sitemap-materials.xml": Reply(
            ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             f"{materials}</urlset>").encode(), 200, XML),
        **{p: Reply(f.read_bytes(), 200, HTML) for p, f in real_pages.items()},
        "/materials/script-title": Reply(
            b'<html lang="en"><head><title>x</title><script type="application/ld+json">'
            b'{"@context": "https://schema.org", "@type": "LearningResource", '
            b'"name": "<script>alert(1)<\\/script>Fractions for beginners", '
            b'"license": "https://creativecommons.org/licenses/by/4.0/"}</script></head></html>',
            200, HTML),
        "/materials/no-licence": Reply(
            b'<html><head><meta name="DC.title" content="Lecture notes without a licence">'
            b'<meta name="DC.language" content="fra"></head><body>notes</body></html>', 200, HTML),
        "/materials/broken": Reply(b"\x00\x01\x02 not html at all \xff\xfe", 200, HTML),
        "/materials/a-pdf": Reply(b"%PDF-1.4 ...", 200, (("Content-Type", "application/pdf"),)),
    })


def test_sitemap_crawl_stores_real_pages_counts_bad_ones_and_updates_the_index(tmp_path):
    with SiteServer() as site:
        hoou_site(site)
        config = write_config(tmp_path, f"""
            [sources.hoou]
            kind = "sitemap"
            start_urls = ["{site.base}/robots.txt"]
            """)
        done = run_oer(["harvest", "hoou"], tmp_path, config)
        hits = list(site.hits)
    assert done.returncode == 0, done.stderr
    got = records(tmp_path, "hoou")
    b = site.base
    assert sorted(got) == sorted(f"{b}{p}" for p in (
        "/materials/ifm-erzahlung-wie", "/materials/online-punkteabfrage",
        "/materials/script-title", "/materials/no-licence"))
    ifm = got[f"{b}/materials/ifm-erzahlung-wie"]
    assert ifm.first_title() == "IFM - Erzählung. Wie?"
    assert (ifm.license.id, ifm.license.provenance, ifm.license.source_field) == (
        "CC-BY-NC-SA-4.0", "metadata", "schema:license")
    assert ifm.language == ("de",) and ifm.datestamp == "2018-03-27T22:30:14Z"
    punkte = got[f"{b}/materials/online-punkteabfrage"]
    assert punkte.first_title() == "Online Punkteabfrage"
    assert (punkte.license.id, punkte.license.raw) == ("CC-BY-SA-4.0",
                                                       "http://creativecommons.org/licenses/by-sa/4.0/")
    assert [c.value for c in punkte.creator] == ["HAW", "Detlev Dannenberg"]
    script = got[f"{b}/materials/script-title"]
    assert script.first_title() == "Fractions for beginners"
    assert script.license.id == "CC-BY-4.0" and script.language == ("en",)
    notes = got[f"{b}/materials/no-licence"]
    assert notes.license.id == "unknown" and notes.language == ("fr",)
    assert "/private/draft" not in hits  # robots.txt obeyed
    run = last_run(tmp_path, "hoou")
    assert (run["status"], run["added"]) == ("complete", 4)
    assert "http 404: 10" in run["message"] and "sitemap already seen (loop): 1" in run["message"]
    assert "robots.txt disallows: 1" in run["message"] and "not HTML: 1" in run["message"]
    assert "no title: 1" in run["message"] and "1 without a licence" in run["message"]
    assert "[hoou] complete: 4 added" in done.stderr
    report = json.loads(next((tmp_path / "reports").glob("*.json")).read_text())
    assert report["sources"][0]["kind"] == "sitemap" and report["sources"][0]["skipped"] == 14
    found = run_oer(["search", "Punkteabfrage", "--format", "json"], tmp_path, config)
    assert [h["id"] for h in json.loads(found.stdout)["hits"]] == [
        f"hoou:{b}/materials/online-punkteabfrage"]


def test_second_run_changes_nothing_and_skips_pages_by_lastmod(tmp_path):
    with SiteServer() as site:
        hoou_site(site)
        config = write_config(tmp_path, f"""
            [sources.hoou]
            kind = "sitemap"
            start_urls = ["{site.base}/sitemap-materials.xml"]
            allow = ["/materials/"]
            """)
        assert run_oer(["harvest", "hoou"], tmp_path, config).returncode == 0
        site.hits.clear()
        again = run_oer(["harvest", "hoou"], tmp_path, config)
        second_hits = list(site.hits)
        site.hits.clear()
        full = run_oer(["harvest", "hoou", "--full"], tmp_path, config)
        full_hits = list(site.hits)
    assert again.returncode == 0, again.stderr
    run = last_run(tmp_path, "hoou")
    # --full fetched every page again; their metadata is the same bytes: nothing changed
    assert full.returncode == 0 and (run["added"], run["updated"], run["unchanged"]) == (0, 0, 4)
    assert "/materials/ifm-erzahlung-wie" in full_hits
    # the incremental run did not even fetch the page whose lastmod predates the last run
    assert "/materials/ifm-erzahlung-wie" not in second_hits
    assert "/materials/online-punkteabfrage" in second_hits  # no lastmod: fetched, unchanged
    assert "1 page(s) not fetched" in again.stderr


def test_ad_hoc_sitemap_with_locs_that_end_in_a_newline(tmp_path):
    with SiteServer() as site:
        site.routes["/sitemap.xml"] = Reply(local_sitemap(
            FIXTURES / "sitemaps" / "oerbw-sitemap.xml", "https://uni-tuebingen.oerbw.de",
            site.base), 200, XML)
        done = run_oer(["harvest", "--sitemap", f"{site.base}/sitemap.xml", "--name", "oerbw"],
                       tmp_path)
        hits = list(site.hits)
    assert done.returncode == 0, done.stderr
    assert "/edu-sharing/components/render/907ca040-2d0c-4a89-a122-177d02df7685" in hits
    run = last_run(tmp_path, "oerbw")
    assert run["status"] == "complete" and run["message"] == "10 skipped (http 404: 10)"


def test_a_start_url_that_fails_fails_the_source(tmp_path):
    with SiteServer() as site:
        done = run_oer(["harvest", "--sitemap", f"{site.base}/missing.xml", "--name", "gone"],
                       tmp_path)
    assert done.returncode == 1
    run = last_run(tmp_path, "gone")
    assert run["status"] == "failed"
    assert run["message"] == (f"no start URL answered ({site.base}/missing.xml: http 404: "
                              "not found); 1 skipped (http 404: 1)")


def test_unesdoc_open_data_export_with_a_where_clause(tmp_path):
    record = json.loads((FIXTURES / "unesdoc" / "root_unesdoc.json").read_bytes())["results"][0]
    # HAND-MADE export: the real record as one JSON line, then a line cut short.
    export = json.dumps(record, ensure_ascii=False).encode() + b"\n" + b'{"url": "https://unes\n'
    with SiteServer() as site:
        site.routes["/api/explore/v2.1/catalog/datasets/doc001/exports/jsonl"] = Reply(
            export, 200, JSONL)
        config = write_config(tmp_path, f"""
            [sources.unesdoc-opendata]
            kind = "api"
            api = "opendatasoft-explore-v2.1"
            base_url = "{site.base}/api/explore/v2.1"
            dataset = "doc001"
            where = 'search(rights, "creativecommons")'
            """)
        done = run_oer(["harvest", "unesdoc-opendata"], tmp_path, config)
        hits = list(site.hits)
    assert done.returncode == 0, done.stderr
    assert hits == ["/robots.txt", "/api/explore/v2.1/catalog/datasets/doc001/exports/jsonl"
                    "?where=search%28rights%2C+%22creativecommons%22%29"]
    got = records(tmp_path, "unesdoc-opendata")
    r = got["ark:/48223/pf0000397002"]
    assert r.first_title().startswith("Mapeo de los sistemas de créditos académicos")
    assert (r.license.id, r.license.provenance) == ("CC-BY-SA-3.0-IGO", "metadata")
    assert r.language == ("es",) and r.url == "https://unesdoc.unesco.org/ark:/48223/pf0000397002"
    run = last_run(tmp_path, "unesdoc-opendata")
    assert (run["status"], run["added"], run["quarantined"]) == ("complete", 1, 1)
    store = Store(tmp_path / "store.sqlite")
    try:
        assert store.raw_versions("unesdoc-opendata:ark:/48223/pf0000397002")[0][2] == \
            export.split(b"\n")[0]
        assert store.quarantined("unesdoc-opendata")[0].raw == b'{"url": "https://unes'
    finally:
        store.close()


def test_unesdoc_export_refused_fails_with_what_the_api_said(tmp_path):
    # HAND-MADE error answer in the shape OpenDataSoft documents for a bad ODSQL clause
    error = b'{"error_code": "ODSQLError", "message": "Unknown field: licence"}'
    with SiteServer() as site:
        site.routes["/api/explore/v2.1/catalog/datasets/doc001/exports/jsonl"] = Reply(
            error, 400, JSON)
        config = write_config(tmp_path, f"""
            [sources.unesdoc-opendata]
            kind = "api"
            api = "opendatasoft-explore-v2.1"
            base_url = "{site.base}/api/explore/v2.1"
            dataset = "doc001"
            where = 'licence = "CC BY-SA"'
            """)
        done = run_oer(["harvest", "unesdoc-opendata"], tmp_path, config)
    assert done.returncode == 1
    run = last_run(tmp_path, "unesdoc-opendata")
    assert run["status"] == "failed"
    assert "http 400: " + error.decode() in run["message"]


def iite_site(site: SiteServer) -> None:
    """HAND-MADE IITE-like WordPress site (no recording exists): listing, REST, page, PDF."""
    b = site.base
    page = f"""<!DOCTYPE html><html lang="en-US"><head>
        <title>Digital Education in Times of Crisis – UNESCO IITE</title>
        <link rel="alternate" hreflang="ru" href="{b}/ru/publications/digital-education-crisis/">
        <link rel="alternate" hreflang="en" href="{b}/publications/digital-education-crisis/">
        </head><body><article>
        <h1 class="entry-title">Digital Education in Times of Crisis</h1>
        <div class="publication-date">Published: <time datetime="2020-06-15">June 2020</time></div>
        <ul class="publication-authors"><li>Natalia Amelina</li><li>Tatiana Kuzmina</li></ul>
        <div class="entry-content"><p>How schools moved to distance learning in 2020.</p></div>
        <a class="download" href="/wp-content/uploads/2020/06/digital-education-crisis.pdf">Download PDF</a>
        </article></body></html>"""
    broken_pdf_page = page.replace("Digital Education in Times of Crisis", "Media Literacy") \
        .replace("digital-education-crisis.pdf", "media-literacy.pdf")
    site.routes.update({
        "/publications/": Reply(f"""<html><body>
            <a href="{b}/publications/digital-education-crisis/">Digital Education</a>
            <a href="/publications/media-literacy/">Media Literacy</a>
            <a class="next page-numbers" href="/publications/page/2/">Next</a></body></html>
            """.encode(), 200, HTML),
        "/publications/digital-education-crisis/": Reply(page.encode(), 200, HTML),
        "/publications/media-literacy/": Reply(broken_pdf_page.encode(), 200, HTML),
        "/wp-content/uploads/2020/06/digital-education-crisis.pdf": Reply(
            make_pdf([["Digital Education in Times of Crisis"], IMPRINT]), 200,
            (("Content-Type", "application/pdf"),)),
        "/wp-content/uploads/2020/06/media-literacy.pdf": Reply(
            b"<html>Please log in</html>", 200, (("Content-Type", "application/pdf"),)),
        "/wp-json/wp/v2/publications": Reply(json.dumps([
            {"id": 7, "link": f"{b}/publications/digital-education-crisis/",
             "modified_gmt": "2020-07-01T08:00:00",
             "title": {"rendered": "Digital Education in Times of Crisis"},
             "excerpt": {"rendered": "<p>How schools moved to distance learning.</p>"}}]).encode(),
            200, JSON + (("X-WP-TotalPages", "1"),)),
    })


@pytest.mark.parametrize("start", ["/publications/", "/wp-json/wp/v2/publications?per_page=100"])
def test_iite_library_spider_reads_the_licence_from_the_pdf_imprint(tmp_path, start):
    with SiteServer() as site:
        iite_site(site)
        config = write_config(tmp_path, f"""
            [sources.iite]
            kind = "spider"
            spider = "unesco-iite"
            start_urls = ["{site.base}{start}"]
            """)
        done = run_oer(["harvest", "iite"], tmp_path, config)
    assert done.returncode == 0, done.stderr
    got = records(tmp_path, "iite")
    b = site.base
    r = got[f"{b}/publications/digital-education-crisis/"]
    assert r.first_title() == "Digital Education in Times of Crisis"
    assert (r.license.id, r.license.provenance) == ("CC-BY-SA-3.0-IGO", "pdf-imprint")
    assert r.license.scope_note.startswith("The present license applies exclusively")
    assert [h.value for h in r.rights_holder] == ["UNESCO IITE"]
    assert [p.value for p in r.publisher] == [
        "United Nations Educational, Scientific and Cultural Organization",
        "UNESCO Institute for Information Technologies in Education"]
    assert r.issued == "2020" and r.language == ("en-US",)
    assert ("isbn", "9785604394014") in [(i.scheme, i.value) for i in r.identifiers]
    assert f"{b}/ru/publications/digital-education-crisis/" in r.relation
    if start == "/publications/":
        assert [c.value for c in r.creator] == ["Natalia Amelina", "Tatiana Kuzmina"]
        other = got[f"{b}/publications/media-literacy/"]
        assert other.first_title() == "Media Literacy" and other.license.id == "unknown"
        run = last_run(tmp_path, "iite")
        assert run["added"] == 2 and "1 PDF not readable" in run["message"]
        assert "http 404: 1" in run["message"]  # the hand-made listing's page 2 does not exist
    else:
        assert sorted(got) == [f"{b}/publications/digital-education-crisis/"]
        assert r.datestamp == "2020-07-01T08:00:00Z"  # the REST item's modified_gmt


def test_a_stopped_crawl_resumes_from_its_jobdir(tmp_path):
    with SiteServer() as site:
        hoou_site(site)
        source = f"""
            [sources.hoou]
            kind = "sitemap"
            start_urls = ["{site.base}/sitemap-materials.xml"]
            """
        config = write_config(tmp_path, "max_pages = 3\n" + source)  # goes under [web]
        first = run_oer(["harvest", "hoou"], tmp_path, config)
        first_hits = list(site.hits)
        site.hits.clear()
        config = write_config(tmp_path, source)
        second = run_oer(["harvest", "hoou"], tmp_path, config)
        second_hits = list(site.hits)
    assert first.returncode == 1
    store = Store(tmp_path / "store.sqlite")
    try:
        runs = store.runs_of("hoou")
        state = store.load_state("hoou")
    finally:
        store.close()
    assert runs[1]["status"] == "incomplete"
    assert runs[1]["message"].startswith("crawl stopped (closespider_pagecount)")
    assert second.returncode == 0, second.stderr
    assert "resuming an unfinished crawl" in second.stderr
    assert runs[0]["status"] == "complete" and state.token is None
    assert not (tmp_path / "jobs" / "hoou").exists()  # cleared once the crawl finished
    pages = [h for h in first_hits + second_hits if h.startswith("/materials/")]
    assert sorted(set(pages)) == sorted(pages)  # no page fetched twice
    assert len(records(tmp_path, "hoou")) == 4
