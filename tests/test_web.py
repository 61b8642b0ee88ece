"""Tests of the HTTP service (search/web.py) in process: JSON API, record lookup, OpenAPI,
errors, the search page, escaping of hostile records, and the Russian interface."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re

import pytest
from fastapi.testclient import TestClient

from harvester.record import LangString, Licence
from search.i18n import LOCALE_DIR, choose_language
from search.web import MAX_PAGE_SIZE, create_app, safe_href
from search_corpus import indexed_home, real_items

RCAAP_ID = "rcaap:oai:ojs.revistas.rcaap.pt:article/6860"  # an id with "/" in it
HOSTILE_TITLE = '<script>alert("x")</script> Open <b>textbooks</b> & more'


def hostile_item():
    """A real Zenodo record whose title, URL and licence URL were made hostile."""
    item = next(i for i in real_items() if i.record_id == "zenodo:oai:zenodo.org:8435696")
    resource = dataclasses.replace(
        item.resource, id="zenodo:hostile", oai_identifier="hostile",
        title=(LangString(HOSTILE_TITLE, "en"),), url="javascript:alert(1)",
        license=Licence("CC-BY-4.0", "javascript:alert(2)"))
    return dataclasses.replace(item, record_id="zenodo:hostile", oai_identifier="hostile",
                               resource=resource)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    home = indexed_home(tmp_path_factory.mktemp("home"), [*real_items(), hostile_item()])
    with TestClient(create_app(home)) as c:
        yield c


def test_api_search_json(client) -> None:
    response = client.get("/api/search", params={"q": "climat", "lang": "fr"})
    assert response.status_code == 200
    data = response.json()
    assert data["total"] == 1
    hit = data["hits"][0]
    assert hit["id"] == "erudit:oai:erudit.org:1033634ar"
    assert set(hit) >= {"id", "title", "url", "license", "language", "source", "score"}
    assert hit["license"] == {"id": "LicenseRef-All-Rights-Reserved", "url": None} or \
        hit["license"]["id"] == "LicenseRef-All-Rights-Reserved"
    assert data["facets"]["source"] == [{"value": "erudit", "count": 1, "selected": False}]


def test_api_filters_and_paging(client) -> None:
    data = client.get("/api/search", params=[("policy", "free-cultural"), ("size", 5),
                                             ("page", 2), ("source", "zenodo")]).json()
    assert data["page"] == 2 and len(data["hits"]) == 5
    assert all(h["source"] == "zenodo" and h["license"]["id"] in ("CC-BY-4.0", "MIT")
               for h in data["hits"])
    selected = [v for v in data["facets"]["policy"] if v["selected"]]
    assert [v["value"] for v in selected] == ["free-cultural"]


@pytest.mark.parametrize(("params", "name"), [
    ({"size": MAX_PAGE_SIZE + 1}, "size"), ({"page": 0}, "page"), ({"sort": "random"}, "sort"),
    ({"policy": "open-ish"}, "policy"), ({"allows": "printing"}, "allows"),
    ({"year_from": 2020, "year_to": 2010}, "year_from"), ({"q": "x" * 501}, "q")])
def test_api_bad_parameters_are_400_with_json(client, params, name) -> None:
    response = client.get("/api/search", params=params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400
    assert name in [p["name"] for p in error["params"]]
    assert error["message"]


def test_api_record_with_licence_and_provenance(client) -> None:
    response = client.get(f"/api/records/{RCAAP_ID}")
    assert response.status_code == 200
    data = response.json()
    item = next(i for i in real_items() if i.record_id == RCAAP_ID)
    assert data["record"]["title"][0]["value"] == item.resource.first_title()
    assert data["licence"]["id"] == "LicenseRef-All-Rights-Reserved"
    assert data["licence"]["policies"] == []
    assert data["provenance"]["oai_identifier"] == "oai:ojs.revistas.rcaap.pt:article/6860"
    assert data["provenance"]["versions"] == [{
        "datestamp": item.datestamp, "deleted": False, "bytes": len(item.raw),
        "sha256": hashlib.sha256(item.raw).hexdigest()}]
    cc = client.get("/api/records/calpoly:oai:jlsc-pub.org:jlsc-1187").json()["licence"]
    assert cc["policies"] == ["free-cultural", "unesco-oer", "any-cc"]
    assert cc["allows"] == {"commercial": True, "derivatives": True}


def test_api_unknown_record_is_404_json(client) -> None:
    response = client.get("/api/records/zenodo:oai:zenodo.org:0")
    assert response.status_code == 404
    assert response.json()["error"]["status"] == 404


def test_openapi_documents_the_api(client) -> None:
    spec = client.get("/openapi.json").json()
    params = {p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert {"q", "license", "policy", "lang", "type", "source", "page", "size"} <= params
    assert "/api/records/{record_id}" in spec["paths"]


def test_page_lists_hits_facets_and_badges(client) -> None:
    response = client.get("/", params={"q": "climat", "lang": "fr"})
    assert response.status_code == 200
    html = response.text
    assert '<html lang="en">' in html
    assert '<label for="q">Search words</label>' in html
    assert "1 record found" in html
    assert "comprendre le climat en Nouvelle-France" in html
    assert "<mark>climat</mark>" in html
    assert 'class="badge other">LicenseRef-All-Rights-Reserved<' in html
    assert 'data-facet="source" data-value="erudit"' in html


def test_page_escapes_hostile_records(client) -> None:
    html = client.get("/", params={"q": "textbooks"}).text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Open &lt;b&gt;textbooks&lt;/b&gt; &amp; more" in html
    assert "<script" not in html
    assert "javascript:" not in html
    api = client.get("/api/search", params={"q": "textbooks"}).json()
    assert api["hits"][0]["title"] == HOSTILE_TITLE  # JSON carries data as is


def test_page_in_russian(client) -> None:
    html = client.get("/", params={"q": "*", "ui": "ru"}).text
    assert '<html lang="ru">' in html
    total = int(re.search(r"Найдено (\d+) записей", html).group(1))
    assert total == len(real_items()) + 1
    assert "Лицензия" in html and "Политика открытости" in html
    by_header = client.get("/", params={"q": "climat", "lang": "fr"},
                           headers={"Accept-Language": "ru-RU,ru;q=0.9"})
    assert "Найдена 1 запись" in by_header.text
    assert "французский" in by_header.text  # language facet value in the interface language


def test_page_bad_parameter_is_400_html(client) -> None:
    response = client.get("/", params={"size": 1000})
    assert response.status_code == 400
    assert 'role="alert"' in response.text


def test_every_interface_string_has_a_russian_translation() -> None:
    from babel.messages.extract import extract_from_file
    from babel.messages.pofile import read_po

    template = LOCALE_DIR.parent / "templates" / "search.html"
    found = {msg[1] if isinstance(msg[1], str) else msg[1][0]
             for msg in extract_from_file("jinja2", str(template),
                                          options={"extensions": "jinja2.ext.i18n"})}
    with (LOCALE_DIR / "ru" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id and m.string}
    assert len(found) > 30
    assert found - translated == set()


@pytest.mark.parametrize(("url", "href"), [
    ("https://zenodo.org/records/1", "https://zenodo.org/records/1"),
    ("javascript:alert(1)", None), ("JaVaScRiPt:alert(1)", None), ("data:text/html,x", None),
    ("//evil.example/x", None), ("http://", None), (None, None)])
def test_safe_href(url, href) -> None:
    assert safe_href(url) == href


@pytest.mark.parametrize(("ui", "header", "lang"), [
    ("ru", None, "ru"), (None, "ru-RU,ru;q=0.9,en;q=0.8", "ru"), (None, "de, en;q=0.5", "en"),
    (None, "kk, ru;q=0.7", "ru"), ("xx", None, "en"), (None, None, "en")])
def test_choose_language(ui, header, lang) -> None:
    assert choose_language(ui, header) == lang


STATUS_CONFIG = """
[sources.erudit]
title = "Érudit"
base_url = "https://oai.erudit.org/oai/request"
schedule = "every 30d"
"""


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """The store and index of ``client``, for apps built with other settings."""
    return indexed_home(tmp_path_factory.mktemp("status-home"))


def test_api_status_lists_configured_then_stored_sources(home, tmp_path) -> None:
    config = tmp_path / "sources.toml"
    config.write_text(STATUS_CONFIG, encoding="utf-8")
    with TestClient(create_app(home, config_path=config)) as c:
        response = c.get("/api/status")
    assert response.status_code == 200
    sources = response.json()["sources"]
    assert [s["source"] for s in sources] == ["erudit", "calpoly", "rcaap", "zenodo"]
    erudit = sources[0]
    assert (erudit["title"], erudit["kind"], erudit["records"]) == ("Érudit", "oai", 46)
    assert (erudit["last_run"]["status"], erudit["last_run"]["added"]) == ("complete", 46)
    assert erudit["last_success"] == erudit["last_run"] and erudit["last_failure"] is None
    assert [s["records"] for s in sources[1:]] == [208, 103, 58]
    assert sources[1]["warnings"] == ["not in the sources file (records kept)"]


def test_api_status_without_sources_file_is_oer_status_json(home, tmp_path,
                                                             monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # no config/sources.toml here
    monkeypatch.delenv("OER_CONFIG", raising=False)
    with TestClient(create_app(home)) as c:
        api = c.get("/api/status").json()
    assert [(s["source"], s["kind"], s["records"]) for s in api["sources"]] == [
        ("calpoly", None, 208), ("erudit", None, 46), ("rcaap", None, 103), ("zenodo", None, 58)]
    from click.testing import CliRunner

    from harvester.cli import cli

    cli_json = CliRunner().invoke(cli, ["status", "--format", "json"],
                                  env={"OER_HOME": str(home.root), "OER_CONFIG": None})
    assert cli_json.exit_code == 0, cli_json.output
    assert json.loads(cli_json.stdout) == api


def test_openapi_lists_export_and_status(client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/search", "/api/export", "/api/status"} <= set(paths)
    assert "format" in {p["name"] for p in paths["/api/export"]["get"]["parameters"]}


@pytest.mark.parametrize("year", ["abc", "20x9", "12345"])
def test_api_bad_year_is_400(client, year) -> None:
    response = client.get("/api/search", params={"year": year})
    assert response.status_code == 400
    assert response.json()["error"]["params"] == [
        {"name": "year", "problem": f"{year!r} is not YEAR or FROM-TO (e.g. 2010-2020)"}]
    assert client.get("/api/search", params={"year": "1927"}).json()["total"] == 17


def test_api_filters_ignore_case_and_read_licences(client) -> None:
    def total(**params) -> int:
        return client.get("/api/search", params=params).json()["total"]

    assert total(type="text") == total(type="Text") == 365
    assert total(license="CC BY 4.0") == total(license="CC-BY-4.0") == 49  # + the hostile one
    assert total(lang="por") == 79


def test_page_past_the_last_links_to_it(client) -> None:
    html = client.get("/", params={"q": "*", "page": 999}).text
    assert "416 records found" in html
    assert ('<p class="error" role="alert" id="past-last">There is no page 999: the last page '
            'is 42. <a href="/?q=%2A&amp;page=42" id="last-page">Go to the last page</a></p>'
            in html)
    assert 'class="hit"' not in html and 'rel="prev"' not in html
    ru = client.get("/", params={"q": "*", "page": 999, "ui": "ru"}).text
    assert "Страницы 999 нет: последняя страница — 42." in ru


def test_facet_link_removes_a_filter_typed_in_another_case() -> None:
    from search.web import SearchParams

    params = SearchParams(q="*", filters={"type": ["text"]}, year_from=None, year_to=None,
                          sort="relevance", page=3, size=10)
    assert params.url(toggle=("type", "Text")) == "/?q=%2A"  # the ☑ Text link unselects it
    assert params.url(toggle=("type", "Event")) == "/?q=%2A&type=text&type=Event"
