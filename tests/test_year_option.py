"""``--year`` of ``oer search`` and ``oer export`` is repeatable and ORed, as ``year`` of
``/api/search`` and ``/api/export`` is, over the real corpus of tests/search_corpus.py
(415 records; by indexed year 1927: 17, 2014: 25, 2015: 106, 2023: 5, 2025: 6, 2026: 47)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from harvester.cli import cli
from search.web import create_app
from search_corpus import indexed_home


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return indexed_home(tmp_path_factory.mktemp("home"))


@pytest.fixture(scope="module")
def client(home):
    with TestClient(create_app(home)) as c:
        yield c


def oer(home, *args: str):
    return CliRunner().invoke(cli, list(args), env={"OER_HOME": str(home.root)},
                              catch_exceptions=False)


def search_total(home, *args: str) -> int:
    result = oer(home, "search", "*", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["total"]


def api_total(client, years: list[str]) -> int:
    response = client.get("/api/search", params=[("q", "*"), *(("year", y) for y in years)])
    assert response.status_code == 200, response.text
    return response.json()["total"]


def export_ids(home, *args: str) -> list[str]:
    """Record ids of ``oer export`` JSON lines (the last line is the licence summary)."""
    result = oer(home, "export", "*", *args, "--include-unknown", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[-1]["kind"] == "summary" and lines[-1]["exported"] == len(lines) - 1
    return [line["record"]["id"] for line in lines[:-1]]


def api_exported(client, years: list[str]) -> int:
    response = client.get("/api/export", params=[("format", "jsonl"), ("include_unknown", "true"),
                                                 *(("year", y) for y in years)])
    assert response.status_code == 200, response.text
    return json.loads(response.text.splitlines()[-1])["exported"]


def test_repeated_years_are_ored_as_the_api_ors_them(home, client) -> None:
    single = {year: search_total(home, "--year", year) for year in ("2014", "2015")}
    assert single == {"2014": 25, "2015": 106}
    both = search_total(home, "--year", "2014", "--year", "2015")
    assert both == api_total(client, ["2014", "2015"]) == single["2014"] + single["2015"] == 131
    assert search_total(home, "--year", "2015", "--year", "2014") == both


@pytest.mark.parametrize(("years", "total"), [
    (["1927", "2014-2015"], 17 + 131),   # a year and a range
    (["2014-2015", "2015"], 131),        # an overlap counted once
    (["-1922", "2023-"], 13 + 58),       # two open ranges
])
def test_every_year_form_repeats_like_the_api(home, client, years, total) -> None:
    args = [a for year in years for a in ("--year", year)]
    assert search_total(home, *args) == api_total(client, years) == total


def test_export_ors_repeated_years(home, client) -> None:
    ids = export_ids(home, "--year", "2015", "--year", "2014")
    assert len(ids) == len(set(ids)) == api_exported(client, ["2014", "2015"]) == 131
    assert set(ids) == set(export_ids(home, "--year", "2014-2015"))


def test_a_bad_year_among_several_is_a_usage_error_naming_it(home) -> None:
    for command in ("search", "export"):
        result = oer(home, command, "*", "--year", "2014", "--year", "2015-2014")
        assert result.exit_code == 2
        assert "Invalid value for '--year': 2015 is after 2014" in result.stderr


def test_help_lists_the_year_forms(home) -> None:
    for command in ("search", "export"):
        text = " ".join(oer(home, command, "--help").output.split())
        assert "2015, 2010-2020, 2010- (from) or -2020 (until)" in text
        assert "Repeat to OR: --year 2014 --year 2015." in text
