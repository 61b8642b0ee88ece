"""What ``oer export`` and ``/api/export`` say they left out, and why, over the real corpus
of tests/search_corpus.py: each record left out is counted once, under one reason.

The corpus's 415 records by licence: unknown 244, LicenseRef-All-Rights-Reserved 90,
CC-BY-4.0 48, CC-BY-NC-4.0 30, MIT 2, CC-BY-NC-SA-4.0 1; ``unesco-oer`` accepts the last
four (81 records).
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from lxml import etree

from harvester.cli import cli
from search.web import create_app
from search_corpus import indexed_home

ARR = "All rights reserved (copyright notice, no licence granted)"


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return indexed_home(tmp_path_factory.mktemp("home"))


def export(home, *args: str) -> tuple[dict, list[str]]:
    """The JSON lines summary and the stderr lines starting "Left out" of one export."""
    result = CliRunner().invoke(cli, ["export", *args, "--format", "jsonl"],
                                env={"OER_HOME": str(home.root)}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    records = result.stdout.splitlines()
    summary = json.loads(records[-1])
    assert summary["exported"] == len(records) - 1
    return summary, [line for line in result.stderr.splitlines() if line.startswith("Left out")]


def left_out_total(summary: dict) -> int:
    left = summary["left_out"]
    return left["unknown_licence"] + sum(p["count"] for p in left["policy"])


def test_without_policy_unknown_licences_are_their_own_reason(home) -> None:
    summary, lines = export(home)
    assert summary["exported"] == 171
    assert summary["left_out"] == {"unknown_licence": 244, "policy": [],
                                   "missing_from_store": 0}
    assert lines == ["Left out: 244 resource(s) whose licence could not be identified "
                     "(include unknown licences to list them, marked)."]
    assert summary["exported"] + left_out_total(summary) == 415


def test_with_policy_unknown_licences_are_counted_once_under_it(home) -> None:
    summary, lines = export(home, "--policy", "unesco-oer")
    assert summary["exported"] == 81
    assert summary["left_out"] == {
        "unknown_licence": 0, "missing_from_store": 0,
        "policy": [{"id": "unknown", "count": 244},
                   {"id": "LicenseRef-All-Rights-Reserved", "count": 90}]}
    assert lines == [f"Left out: 334 resource(s) whose licence does not meet unesco-oer "
                     f"(licence not identified: 244, {ARR}: 90); include unknown licences "
                     "to list the 244 not identified, marked."]
    assert summary["exported"] + left_out_total(summary) == 415


def test_with_allows_the_line_names_the_use(home) -> None:
    summary, lines = export(home, "--allows", "commercial")
    assert summary["exported"] == 50
    assert lines == [f"Left out: 365 resource(s) whose licence does not allow commercial use "
                     f"(licence not identified: 244, {ARR}: 90, CC BY-NC 4.0: 30, "
                     "CC BY-NC-SA 4.0: 1); include unknown licences to list the 244 not "
                     "identified, marked."]
    assert summary["exported"] + left_out_total(summary) == 415


def test_policy_with_include_unknown_keeps_them_and_leaves_out_the_rest(home) -> None:
    summary, lines = export(home, "--policy", "unesco-oer", "--include-unknown")
    assert summary["exported"] == 325
    assert {"id": "unknown", "name": "licence not identified", "count": 244} in \
        summary["licences"]
    assert summary["left_out"]["policy"] == [{"id": "LicenseRef-All-Rights-Reserved",
                                              "count": 90}]
    assert lines == [f"Left out: 90 resource(s) whose licence does not meet unesco-oer "
                     f"({ARR}: 90)."]


def test_oai_dc_and_http_export_count_the_same(home) -> None:
    result = CliRunner().invoke(cli, ["export", "--policy", "unesco-oer", "--format", "oai_dc"],
                                env={"OER_HOME": str(home.root)}, catch_exceptions=False)
    left = etree.fromstring(result.stdout.encode()).find(".//summary/leftOut")
    assert left.get("unknownLicence") == "0"
    assert [(e.get("id"), e.get("count")) for e in left] == [
        ("unknown", "244"), ("LicenseRef-All-Rights-Reserved", "90")]
    with TestClient(create_app(home)) as client:
        response = client.get("/api/export", params={"policy": "unesco-oer", "format": "jsonl"})
    summary = json.loads(response.text.splitlines()[-1])
    assert (summary["exported"], summary["left_out"]["policy"][0]) == (
        81, {"id": "unknown", "count": 244})
