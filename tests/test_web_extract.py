"""The web harvester's pure parts, without a crawl: page extraction and mapping, licence
choice, text neutralising, the PDF imprint, the UNESDOC line, the Scrapy settings.

Real pages: ``fixtures/jsonld/hoou-ifm-erzaehlung-wie.html``,
``fixtures/html/hoou-online-punkteabfrage.html`` (HOOU, via OERSI's tests, MIT) and
``fixtures/html/blog.python.org.html`` (via trafilatura's tests, Apache-2.0). The imprint
PDFs are HAND-MADE here (no IITE PDF is recorded): they carry UNESCO's published imprint
formula with IITE's name, written by :func:`web_helpers.make_pdf`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from web_helpers import FIXTURES, make_pdf

from harvester.config import HarvestSettings, SitemapSource, WebSettings
from harvester.web.extract import extract_page, is_cc_licence_url
from harvester.web.extractors import SkipItem, extract_page_item, extract_unesdoc_item
from harvester.web.imprint import ImprintError, parse_imprint, read_imprint
from harvester.web.items import HarvestItem
from harvester.web.page_mapping import licence_candidates, map_page
from harvester.web.pipelines import choose_licence, neutralise
from harvester.web.publication import map_publication
from harvester.web.settings import ITEM_PIPELINES, scrapy_settings

HOOU_IFM = FIXTURES / "jsonld" / "hoou-ifm-erzaehlung-wie.html"
HOOU_PUNKTE = FIXTURES / "html" / "hoou-online-punkteabfrage.html"
BLOG = FIXTURES / "html" / "blog.python.org.html"

#: UNESCO's imprint formula (as printed in its CC BY-SA 3.0 IGO publications), with the
#: IITE as co-publisher. HAND-MADE text; the wording of each sentence is UNESCO's.
IMPRINT = [
    "Published in 2020 by the United Nations Educational, Scientific and Cultural",
    "Organization, 7, place de Fontenoy, 75352 Paris 07 SP, France and the UNESCO Institute",
    "for Information Technologies in Education, 8 Kedrova St., Bldg. 3, Moscow, 117292,",
    "Russian Federation",
    "© UNESCO IITE 2020",
    "ISBN 978-5-6043940-1-4",
    "This publication is available in Open Access under the Attribution-ShareAlike 3.0 IGO",
    "(CC-BY-SA 3.0 IGO) license (http://creativecommons.org/licenses/by-sa/3.0/igo/). By using",
    "the content of this publication, the users accept to be bound by the terms of use of the",
    "UNESCO Open Access Repository (http://www.unesco.org/open-access/terms-use-ccbysa-en).",
    "The present license applies exclusively to the text content of the publication.",
]


def page_item(path: Path, url: str) -> HarvestItem:
    return HarvestItem(kind="page", url=url, record_id=url, datestamp="2020-04-22T10:00:57Z",
                       payload={"body": path.read_bytes(), "encoding": "utf-8"})


SOURCE = SitemapSource(kind="sitemap", name="hoou", start_urls=("https://www.hoou.de/robots.txt",))


def test_hoou_page_maps_through_the_schema_org_crosswalk_with_its_jsonld_licence():
    item = page_item(HOOU_IFM, "https://www.hoou.de/materials/ifm-erzahlung-wie")
    extract_page_item(item, SOURCE)
    r = item.resource
    assert r.id == "hoou:https://www.hoou.de/materials/ifm-erzahlung-wie"
    assert r.metadata_prefix == "schema.org"
    assert r.first_title() == "IFM - Erzählung. Wie?"
    assert [c.value for c in r.creator] == ["Prof. Robert Bramkamp"]
    assert r.issued == "2017-09-16T10:25:16Z"
    assert item.language_hints[0] == "de"  # <html lang="de">; the JSON-LD has no inLanguage
    assert item.licence_candidates[0] == ("metadata", "schema:license",
                                          ["https://creativecommons.org/licenses/by-nc-sa/4.0/"])
    licence = choose_licence(item.licence_candidates)
    assert (licence.id, licence.provenance) == ("CC-BY-NC-SA-4.0", "metadata")


def test_the_extraction_is_the_raw_record_and_is_the_same_bytes_twice():
    body = HOOU_PUNKTE.read_bytes()
    first = extract_page(body, "https://www.hoou.de/materials/online-punkteabfrage")
    again = extract_page(body, "https://www.hoou.de/materials/online-punkteabfrage")
    assert first.to_bytes() == again.to_bytes()
    data = json.loads(first.to_bytes())
    assert [n["@type"] for n in data["jsonld"]] == ["Organization", "BreadcrumbList", "CreativeWork"]
    assert data["jsonld"][2]["license"] == "http://creativecommons.org/licenses/by-sa/4.0/"
    assert data["lang"] == "de" and data["title"] == "Online Punkteabfrage · HOOU"


def test_page_without_jsonld_uses_rdfa_and_rel_license():
    meta = extract_page(BLOG.read_bytes(), "http://blog.python.org/2016/12/python-360-is-now-available.html")
    assert meta.licence_links == ["http://creativecommons.org/licenses/by-nc-sa/3.0/"]
    assert meta.cc_badges == ["http://i.creativecommons.org/l/by-nc-sa/3.0/88x31.png"]
    resource = map_page(meta, source="blog", record_id=meta.url, datestamp="2016-12-23")
    assert resource.metadata_prefix == "html"
    assert resource.first_title() == "Python 3.6.0 is now available!"  # og:title
    groups = licence_candidates(meta, resource)
    assert [g[1] for g in groups] == ["rdfa:license", "html:a[@rel=license]",
                                      "html:a[@href=creativecommons.org]"]
    licence = choose_licence(groups)
    assert (licence.id, licence.provenance, licence.source_field) == (
        "CC-BY-NC-SA-3.0", "metadata", "rdfa:license")


def test_cc_badges_count_only_when_they_agree():
    badges = "html:a[@href=creativecommons.org]"
    two = [("landing-page", badges, ["https://creativecommons.org/licenses/by/4.0/",
                                     "https://creativecommons.org/licenses/by-nc/4.0/"])]
    assert choose_licence(two).id == "unknown"
    assert choose_licence(two).raw.count("creativecommons.org") == 2
    one = [("landing-page", badges, ["https://i.creativecommons.org/l/by/4.0/88x31.png",
                                     "https://creativecommons.org/licenses/by/4.0/"])]
    assert choose_licence(one).id == "CC-BY-4.0"
    assert is_cc_licence_url("https://licensebuttons.net/l/by-sa/4.0/88x31.png")
    assert not is_cc_licence_url("https://creativecommons.org/about/")


def test_a_standard_licence_wins_over_an_earlier_copyright_notice():
    groups = [("metadata", "html:meta[@name=DC.rights]", ["© 2020 Example Press. All rights reserved."]),
              ("landing-page", "html:a[@rel=license]", ["https://creativecommons.org/licenses/by/4.0/"])]
    assert choose_licence(groups).id == "CC-BY-4.0"
    assert choose_licence(groups[:1]).id == "LicenseRef-All-Rights-Reserved"


@pytest.mark.parametrize("raw, clean", [
    ("<script>alert(1)</script>Fractions for beginners", "Fractions for beginners"),
    ("<b>Bold</b> title <style>p{}</style>", "Bold title"),
    ("x < y and y > z", "x < y and y > z"),
    ("Tab\x07bell\u202eevil", "Tabbellevil"),
])
def test_neutralise(raw, clean):
    assert neutralise(raw) == clean


def test_imprint_of_a_unesco_iite_pdf():
    imprint = read_imprint(make_pdf([["Digital Education in Times of Crisis"], IMPRINT]))
    assert imprint.pages_read == 2
    assert imprint.copyright == ("© UNESCO IITE 2020",)
    assert imprint.rights_holders == ("UNESCO IITE",)
    assert imprint.year == "2020"
    assert imprint.publishers == ("United Nations Educational, Scientific and Cultural Organization",
                                  "UNESCO Institute for Information Technologies in Education")
    assert imprint.isbns == ("978-5-6043940-1-4",)
    licence = choose_licence([("pdf-imprint", "pdf:imprint", list(imprint.licence_statements))])
    assert (licence.id, licence.provenance) == ("CC-BY-SA-3.0-IGO", "pdf-imprint")
    assert licence.url == "https://creativecommons.org/licenses/by-sa/3.0/igo/"
    assert licence.scope_note == ("The present license applies exclusively to the text content "
                                  "of the publication.")


def test_imprint_with_holder_and_year_the_other_way_round():
    imprint = parse_imprint("Copyright © 2019 UNESCO and IITE\nAll rights reserved.")
    assert imprint.rights_holders == ("UNESCO", "IITE") and imprint.year == "2019"


@pytest.mark.parametrize("data", [b"<html><body>Not found</body></html>", b"%PDF-1.7 truncated",
                                  b""])
def test_not_a_pdf_raises_imprint_error(data):
    with pytest.raises(ImprintError):
        read_imprint(data)


def test_publication_with_a_pdf_that_is_not_a_pdf_is_kept_with_a_note():
    page = {"url": "https://iite.unesco.org/publications/x/", "title": "X", "lang": "en",
            "download": "https://iite.unesco.org/wp-content/uploads/2020/01/x.pdf"}
    result = map_publication({"page": page, "pdf": b"<html>login</html>",
                              "pdf_url": page["download"]}, source="iite",
                             record_id=page["url"], datestamp="2020-01-01")
    assert result.notes == ["PDF not readable (not a PDF (no %PDF- header))"]
    assert result.licences == [] and result.resource.first_title() == "X"


def test_unesdoc_line_of_the_real_record():
    record = json.loads((FIXTURES / "unesdoc" / "root_unesdoc.json").read_bytes())["results"][0]
    line = json.dumps(record, ensure_ascii=False).encode()
    item = HarvestItem(kind="unesdoc", url="http://x/exports/jsonl", record_id="line 1",
                       datestamp="2026-01-01T00:00:00Z", payload={"line": line})
    source = type("S", (), {"name": "unesdoc-opendata", "field_names": {}})()
    extract_unesdoc_item(item, source)
    assert item.record_id == "ark:/48223/pf0000397002" and item.raw == line
    assert item.resource.language == ("es",)
    assert choose_licence(item.licence_candidates).id == "CC-BY-SA-3.0-IGO"
    broken = HarvestItem(kind="unesdoc", url="x", record_id="line 2", datestamp="2026-01-01",
                         payload={"line": b'{"title": "no url"'})
    extract_unesdoc_item(broken, source)
    assert broken.quarantine.startswith("unreadable record")


def test_an_empty_page_is_a_counted_skip():
    with pytest.raises(SkipItem) as info:
        extract_page_item(HarvestItem(kind="page", url="u", record_id="u", datestamp="d",
                                      payload={"body": b"  "}), SOURCE)
    assert info.value.reason == "not readable as HTML"


def test_scrapy_settings_come_from_our_configuration(tmp_path):
    source = SitemapSource(kind="sitemap", name="hoou", start_urls=("https://www.hoou.de/robots.txt",),
                           delay_s=2.5, contact="https://example.org/oer-team")
    settings = scrapy_settings(source, HarvestSettings(max_retries=2), WebSettings(http_cache=True),
                               tmp_path)
    assert settings["ROBOTSTXT_OBEY"] is True
    assert settings["USER_AGENT"].startswith("oer-harvester/")
    assert settings["USER_AGENT"].endswith("(+https://example.org/oer-team)")
    assert settings["DOWNLOAD_DELAY"] == 2.5 and settings["AUTOTHROTTLE_ENABLED"] is True
    assert settings["AUTOTHROTTLE_START_DELAY"] == 2.5
    assert settings["RETRY_TIMES"] == 2
    assert settings["JOBDIR"] == str(tmp_path / "jobs" / "hoou")
    assert settings["HTTPCACHE_ENABLED"] is True
    assert settings["COOKIES_ENABLED"] is False
    order = sorted(settings["ITEM_PIPELINES"], key=settings["ITEM_PIPELINES"].get)
    assert [p.rsplit(".", 1)[1] for p in order] == ["ExtractPipeline", "LicencePipeline",
                                                    "LanguagePipeline", "ValidatePipeline",
                                                    "StorePipeline"]
    assert settings["ITEM_PIPELINES"] == ITEM_PIPELINES


def test_the_oer_process_never_loads_scrapy():
    """Only the crawl process imports Scrapy (ARCHITECTURE.md, Seams)."""
    import subprocess
    import sys

    from web_helpers import ROOT

    code = ("import sys, harvester.cli, harvester.runner, harvester.web, harvester.web.check; "
            "print('scrapy' in sys.modules, 'twisted' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    assert out.stdout.split() == ["False", "False"]
