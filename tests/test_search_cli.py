"""``oer search`` options and outputs, ``oer index --rebuild`` and ``oer serve``'s help,
on a store holding the real records of tests/search_corpus.py."""

from __future__ import annotations

import dataclasses
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from harvester.cli import cli
from harvester.record import LangString
from harvester.store import Store
from indexer.layout import active_dir
from indexer.lifecycle import update_index
from search.cli_serve import bind_socket
from search_corpus import fill_store, real_items

ROOT = Path(__file__).parents[1]


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
    return json.loads(result.stdout)


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


def test_page_past_the_last_says_so_on_stderr(home) -> None:
    result = oer(home, "search", "*", "--page", "999")
    assert result.exit_code == 0
    assert result.stderr == "page 999 is past the last page (42); 416 record(s) match\n"
    assert "showing" not in result.stdout
    data = search_json(home, "*", "--page", "999")
    assert (data["total"], data["page"], data["pages"], data["hits"]) == (416, 999, 42, [])
    assert "4 record(s) match; showing 1-4 (page 1 of 1)" in oer(home, "search", "resilience").stdout


def test_filters_as_people_type_them(home) -> None:
    def total(*args: str) -> int:
        return search_json(home, "*", *args)["total"]

    assert total("--type", "text") == total("--type", "Text") == 365
    # "CC BY 4.0" is how `oer export` prints the licence: it must find CC-BY-4.0 (48 + rigged)
    assert total("--license", "CC BY 4.0") == total("--license", "CC-BY-4.0") == 49
    assert total("--lang", "por") == total("--lang", "pt") == 79
    assert total("--source", "ZENODO") == 59


def test_unknown_source_is_warned_about(home) -> None:
    result = oer(home, "search", "*", "--source", "nosuch", "--source", "erudit")
    assert result.exit_code == 0
    assert "46 record(s) match" in result.stdout
    assert result.stderr == ("warning: no source named 'nosuch' in the index "
                             "(sources: calpoly, rcaap, zenodo, erudit)\n")
    assert oer(home, "search", "*", "--source", "Erudit").stderr == ""
    export = oer(home, "export", "--source", "nosuch", "--format", "jsonl")
    assert "warning: no source named 'nosuch' in the index" in export.stderr


@pytest.mark.parametrize("args", [["search", "*", "--limit", "1000"],
                                  ["search", "*", "--limit", "1000", "--format", "jsonl"],
                                  ["export", "*", "--include-unknown", "--format", "jsonl"]])
def test_closed_stdout_exits_0_quietly(home, args) -> None:
    # `oer search '*' --limit 1000 | head -1`: ~160 KB of output, the reader leaves after a line
    proc = subprocess.Popen([sys.executable, "-m", "harvester", *args], cwd=ROOT,
                            env={**os.environ, "OER_HOME": str(home)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = proc.stdout.readline()
    proc.stdout.close()
    stderr = proc.stderr.read()
    assert proc.wait(timeout=60) == 0, stderr
    assert first
    assert b"Error" not in stderr and b"Exception" not in stderr, stderr


def test_serve_on_a_busy_port_is_one_line_and_exit_1(home) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = oer(home, "serve", "--port", str(port))
    assert result.exit_code == 1
    assert result.stderr == (f"Error: port {port} on 127.0.0.1 is already in use "
                             "(another server? choose one with --port)\n")
    assert "serving on" not in result.output
    assert "Exit status 1 when the port is already in use" in oer(home, "serve", "--help").output


def test_bind_socket_takes_a_free_port() -> None:
    with bind_socket("127.0.0.1", 0) as sock:
        assert sock.getsockname()[1] > 0
