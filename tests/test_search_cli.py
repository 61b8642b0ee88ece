"""``oer search`` options and outputs, ``oer index --rebuild`` and ``oer serve``'s help,
on a store holding the real records of tests/search_corpus.py."""

from __future__ import annotations

import dataclasses
import json

import pytest
from click.testing import CliRunner

from harvester.cli import cli
from harvester.record import LangString
from harvester.store import Store
from indexer.layout import active_dir
from indexer.lifecycle import update_index
from search_corpus import fill_store, real_items


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    root = tmp_path_factory.mktemp("home")
    item = next(i for i in real_items() if i.record_id == "zenodo:oai:zenodo.org:8435696")
    rigged = dataclasses.replace(item.resource, id="zenodo:rigged", oai_identifier="rigged",
                                 title=(LangString("Terminal \x1b[2Jtrick\x07 title", "en"),))
    store = Store(root / "store.sqlite")
    fill_store(store, [*real_items(), dataclasses.replace(item, record_id="zenodo:rigged",
                                                          oai_identifier="rigged",
                                                          resource=rigged)])
    update_index(store, root / "index")
    store.close()
    return root


def oer(home, *args: str):
    return CliRunner().invoke(cli, list(args), env={"OER_HOME": str(home)},
                              catch_exceptions=False)


def search_json(home, *args: str) -> dict:
    result = oer(home, "search", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_json_keeps_its_shape(home) -> None:
    data = search_json(home, "climat", "--lang", "fr")
    assert data["total"] == 1
    hit = data["hits"][0]
    assert {k: hit[k] for k in ("id", "title", "url", "license", "language", "source")} == {
        "id": "erudit:oai:erudit.org:1033634ar",
        "title": "«\xa0Les bois engendrent les frimas et les gelées\xa0»\xa0: comprendre le "
                 "climat en Nouvelle-France",
        "url": "http://id.erudit.org/iderudit/1033634ar",
        "license": {"id": "LicenseRef-All-Rights-Reserved", "url": None},
        "language": "fr", "source": "erudit"}
    assert isinstance(hit["score"], float)
    assert "facets" not in data


def test_policy_allows_and_facets(home) -> None:
    # the corpus's counts (tests/test_search_features.py) plus the rigged CC-BY-4.0 record
    free = search_json(home, "--policy", "free-cultural", "--facets")
    assert free["total"] == 51
    assert {v["value"] for v in free["facets"]["license"]} == {"CC-BY-4.0", "MIT"}
    oer_nc = search_json(home, "--policy", "unesco-oer", "--allows", "commercial")
    assert oer_nc["total"] == 51
    assert search_json(home, "--allows", "derivatives")["total"] == 82


def test_type_source_year_sort_page(home) -> None:
    data = search_json(home, "--source", "calpoly", "--year", "1924-1925", "--sort", "date",
                       "--limit", "5", "--page", "2")
    assert data["total"] == 32 and data["page"] == 2 and data["pages"] == 7
    dates = [h["date"] for h in data["hits"]]
    assert dates == sorted(dates, reverse=True) and all(d[:4] == "1925" for d in dates)
    events = [i for i in real_items() if "Event" in i.resource.dcmi_type]
    assert search_json(home, "--type", "Event")["total"] == len(events) + 1 == 7  # + rigged
    assert search_json(home, "--type", "Event", "--source", "zenodo")["total"] == 1 + sum(
        1 for i in events if i.resource.source == "zenodo")


def test_jsonl_is_one_hit_per_line(home) -> None:
    result = oer(home, "search", "polygram", "--limit", "7", "--format", "jsonl")
    lines = result.output.splitlines()
    assert len(lines) == 7
    assert all(json.loads(line)["source"] == "calpoly" for line in lines)


def test_table_shows_hits_suggestion_and_facets(home) -> None:
    table = oer(home, "search", "climte chnge").output
    assert "0 record(s) match" in table
    assert "Did you mean: climate change" in table
    table = oer(home, "search", "climat", "--lang", "fr", "--facets").output
    assert "1 record(s) match; showing 1-1 (page 1 of 1)" in table
    assert "comprendre le climat en Nouvelle-France" in table
    assert "[climat]" in table  # the snippet marks the match
    assert "source: erudit (1)" in table


def test_table_neutralises_terminal_control_characters(home) -> None:
    table = oer(home, "search", "2jtrick").output
    assert "Terminal \ufffd[2Jtrick\ufffd title" in table
    assert "\x1b" not in table and "\x07" not in table


@pytest.mark.parametrize("args", [["--year", "2020-2010"], ["--year", "soon"],
                                  ["--policy", "open-ish"], ["--allows", "printing"],
                                  ["--page", "0"], ["--sort", "random"]])
def test_bad_options_exit_2(home, args) -> None:
    assert oer(home, "search", "x", *args).exit_code == 2


def test_index_rebuild_swaps_generation(tmp_path) -> None:
    store = Store(tmp_path / "store.sqlite")
    fill_store(store, real_items()[:20])
    store.close()
    first = oer(tmp_path, "index")
    assert first.exit_code == 0 and "20 records indexed" in first.output
    before = active_dir(tmp_path / "index")
    rebuilt = oer(tmp_path, "index", "--rebuild")
    assert rebuilt.exit_code == 0
    assert "+20 updated, -0 removed; 20 records indexed" in rebuilt.output
    assert active_dir(tmp_path / "index") != before


def test_serve_help() -> None:
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert "--host TEXT" in result.output and "127.0.0.1]" in result.output
    assert "--port INTEGER RANGE" in result.output
