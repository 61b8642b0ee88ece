"""``/api/search`` parameters named as ``oer search`` names them: ``limit`` (an alias of
``size``) and ``year`` ranges (``2014-2015``, ``2023-``, ``-1922``), on both index paths
of tests/backends.py, over the real corpus of tests/search_corpus.py.

The corpus's 415 records by indexed year (:func:`indexer.documents.year_of`) include
1922: 13, 1927: 17, 2012: 6, 2014: 25, 2015: 106, 2016: 1, 2023: 5, 2025: 6, 2026: 47.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

import search.service
from backends import BACKENDS
from harvester.cli import cli
from indexer.backend import SearchQuery
from indexer.layout import active_dir
from search.web import MAX_PAGE_SIZE, create_app
from search_corpus import indexed_home


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return indexed_home(tmp_path_factory.mktemp("home"))


@pytest.fixture(scope="module", params=sorted(BACKENDS))
def engine(request):
    """Opens the active index of an index root with one engine of tests/backends.py."""
    factory = BACKENDS[request.param]
    return lambda root, **kwargs: factory(active_dir(root), create=False)


@pytest.fixture(scope="module")
def client(home, engine):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search.service, "open_backend", engine)
        with TestClient(create_app(home)) as c:
            yield c


def api(client, params) -> dict:
    response = client.get("/api/search", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def cli_search(home, *args: str) -> dict:
    result = CliRunner().invoke(cli, ["search", *args, "--format", "json"],
                                env={"OER_HOME": str(home.root)}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def backend_total(home, engine, query: SearchQuery) -> int:
    backend = engine(home.index)
    try:
        return backend.search(query).total
    finally:
        backend.close()


def test_the_app_searches_with_the_engine_asked_for(client, request) -> None:
    api(client, {"q": "*", "year": "2015"})
    used = client.app.state.search_service._backend
    assert used.fast_path is (request.node.callspec.params["engine"] == "whoosh")


# -- limit, the alias of size ---------------------------------------------------------------

def test_limit_is_an_alias_of_size(client, home) -> None:
    by_limit = api(client, {"q": "*", "limit": 5, "sort": "title"})
    by_size = api(client, {"q": "*", "size": 5, "sort": "title"})
    assert by_limit["page_size"] == 5 and len(by_limit["hits"]) == 5
    assert by_limit["pages"] == 83  # 415 records, 5 a page
    ids = [h["id"] for h in by_limit["hits"]]
    assert ids == [h["id"] for h in by_size["hits"]]
    assert ids == [h["id"] for h in cli_search(home, "*", "--limit", "5", "--sort",
                                               "title")["hits"]]
    both = api(client, {"q": "*", "size": 5, "limit": 5, "sort": "title"})
    assert [h["id"] for h in both["hits"]] == ids
    assert api(client, {"q": "*"})["page_size"] == 10  # neither: the default


def test_size_and_limit_that_differ_are_a_bad_parameter_naming_both(client) -> None:
    response = client.get("/api/search", params={"q": "*", "size": 10, "limit": 5})
    assert response.status_code == 400
    problem = "size=10 and its alias limit=5 differ; give one of them"
    assert response.json() == {"error": {
        "status": 400, "message": f"size, limit: {problem}",
        "params": [{"name": "size", "problem": problem}, {"name": "limit", "problem": problem}]}}


@pytest.mark.parametrize("limit", [0, MAX_PAGE_SIZE + 1])
def test_limit_has_the_bounds_of_size(client, limit) -> None:
    response = client.get("/api/search", params={"limit": limit})
    assert response.status_code == 400
    assert [p["name"] for p in response.json()["error"]["params"]] == ["limit"]


def test_page_links_say_size_when_asked_with_limit(client) -> None:
    html = client.get("/", params={"q": "*", "limit": 5}).text
    assert "415 records found" in html and html.count('class="hit"') == 5
    assert '<a href="/?q=%2A&amp;page=2&amp;size=5" rel="next">' in html
    assert "limit=" not in html


def test_openapi_documents_limit_and_year_ranges(client) -> None:
    params = {p["name"]: p for p in
              client.get("/openapi.json").json()["paths"]["/api/search"]["get"]["parameters"]}
    assert params["limit"]["description"].startswith("Alias of size")
    assert "2014-2015" in params["year"]["description"]


# -- year: a year or a range, as oer search --year ------------------------------------------

@pytest.mark.parametrize(("year", "year_from", "year_to", "total"), [
    ("2014-2015", 2014, 2015, 131), ("2023-", 2023, None, 58), ("-1922", None, 1922, 13),
    ("2015", 2015, 2015, 106), (" 2014 - 2015 ", 2014, 2015, 131)])
def test_year_range_matches_what_oer_search_finds(client, home, engine, year, year_from,
                                                  year_to, total) -> None:
    assert api(client, {"year": year, "facets": "false"})["total"] == total
    assert cli_search(home, "--year", year)["total"] == total
    assert backend_total(home, engine, SearchQuery("*", year_from=year_from,
                                                   year_to=year_to)) == total


@pytest.mark.parametrize(("params", "total"), [
    ([("year", "1927"), ("year", "2014-2015")], 17 + 131),      # ORed
    ([("year", "2014-2015"), ("year", "2015")], 131),           # overlap counted once
    ([("year", "-1922"), ("year", "2023-")], 13 + 58),          # two open ranges
    ([("year", "2010-2020"), ("year_from", 2015)], 106 + 1),    # year_from narrows: 2015-2016
    ([("year", "2014-2015"), ("year", "2023-"), ("year_to", 2025)], 131 + 5 + 6),
    ([("year", "2012"), ("year_from", 2015)], 0),               # nothing in both
    ([("year", "")], 415),                                      # blank: no filter
])
def test_year_values_are_ored_and_year_from_to_narrow_them(client, params, total) -> None:
    assert api(client, params)["total"] == total


def test_year_range_marks_its_years_selected(client) -> None:
    facets = api(client, {"q": "*", "year": "2014-2015"})["facets"]["year"]
    assert [v["value"] for v in facets if v["selected"]] == ["2015", "2014"]
    counts = {v["value"]: v["count"] for v in facets}  # the year facet ignores its own filter
    assert (counts["2026"], counts["2015"], counts["1927"]) == (47, 106, 17)


@pytest.mark.parametrize(("year", "problem"), [
    ("2015-2014", "2015 is after 2014"),
    ("-", "'-' is not YEAR or FROM-TO (e.g. 2010-2020)"),
    ("19", "'19' is not YEAR or FROM-TO (e.g. 2010-2020)"),
    ("2014..2015", "'2014..2015' is not YEAR or FROM-TO (e.g. 2010-2020)")])
def test_bad_year_is_a_bad_parameter_naming_year(client, year, problem) -> None:
    response = client.get("/api/search", params={"year": year})
    assert response.status_code == 400
    assert response.json()["error"]["params"] == [{"name": "year", "problem": problem}]


def test_page_keeps_the_range_in_its_form(client) -> None:
    html = client.get("/", params={"q": "*", "year": "2014-2015"}).text
    assert "131 records found" in html
    assert '<input type="hidden" name="year" value="2014-2015">' in html


def test_export_takes_year_ranges(client) -> None:
    response = client.get("/api/export", params={"year": "2014-2015", "format": "jsonl",
                                                  "include_unknown": "true"})
    assert response.status_code == 200
    summary = json.loads(response.text.splitlines()[-1])
    assert summary["exported"] == 131


def test_search_query_refuses_empty_and_reversed_year_ranges() -> None:
    with pytest.raises(ValueError, match="needs a first or a last year"):
        SearchQuery("*", year_ranges=((None, None),))
    with pytest.raises(ValueError, match="2015 is after 2014"):
        SearchQuery("*", year_ranges=((2015, 2014),))
    assert SearchQuery("*", year_ranges=[(2014, 2015), (2014, 2015)]).year_ranges == (
        (2014, 2015),)
