"""``oer export`` and ``GET /api/export`` on a store and index holding the real records of
tests/search_corpus.py and tests/export_records.py; atomic output files; flat memory."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import tracemalloc

import bibtexparser
import pytest
import rispy
from click.testing import CliRunner
from fastapi.testclient import TestClient

from export_records import attribution_set, zenodo_cc_by
from harvester.cli import cli
from harvester.cli_common import Home
from harvester.store import Store, StoredItem
from indexer.lifecycle import update_index
from search.export import Selection, export_chunks
from search.web import create_app
from search_corpus import fill_store, real_items, real_resources

# the corpus (415 records) and the six attribution records it lacks
EXTRA = [r for r in attribution_set() if r.id not in {i.record_id for i in real_items()}]
ALL = [*real_resources(), *EXTRA]
UNKNOWN = sum(1 for r in ALL if r.license.id == "unknown")


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    root = tmp_path_factory.mktemp("home")
    store = Store(root / "store.sqlite")
    # the extra records are not OAI-PMH records of one response: their raw bytes here are
    # their normalised JSON, which the store keeps as it would a response's slice
    extra = [StoredItem(r.id, r.oai_identifier, r.datestamp, False,
                        json.dumps(r.to_dict()).encode(), "utf-8", {}, r) for r in EXTRA]
    fill_store(store, [*real_items(), *extra])
    update_index(store, root / "index")
    store.close()
    return root


def oer(home, *args: str):
    return CliRunner().invoke(cli, list(args), env={"OER_HOME": str(home)},
                              catch_exceptions=False)


def test_ris_to_stdout_with_summary_on_stderr(home) -> None:
    result = oer(home, "export", "--source", "datacite", "--format", "ris")
    assert result.exit_code == 0, result.output
    entries = rispy.loads(result.stdout)
    assert sorted(e["title"] for e in entries) == [
        "Aus der AGMB", "Neue Arbeitsfelder in der Bibliothek des Robert Koch-Instituts : Open "
        "Access und institutionelles Repositorium"]
    assert all(e["notes"][0].endswith("is licensed under CC BY-NC-ND 3.0 DE (https://"
                                      "creativecommons.org/licenses/by-nc-nd/3.0/de/).")
               for e in entries)
    assert "Licence summary: 2 resource(s) on this list." in result.stderr
    assert "CC BY-NC-ND 3.0 DE: 2" in result.stderr
    assert "cannot be combined into one adapted work" in result.stderr


def test_unknown_licences_left_out_and_counted(home) -> None:
    result = oer(home, "export", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    summary = lines[-1]
    assert summary["exported"] == len(ALL) - UNKNOWN == len(lines) - 1
    assert summary["left_out"]["unknown_licence"] == UNKNOWN == 244
    assert f"Left out: {UNKNOWN} resource(s) whose licence could not be identified" in \
        result.stderr


def test_include_unknown_marks_them(home) -> None:
    result = oer(home, "export", "--source", "calpoly", "--include-unknown", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout.removeprefix("\ufeff"), newline="")))
    records = [r for r in rows if r["id"]]
    assert len(records) == 208
    unknown = [r for r in records if r["licence_status"] == "unknown"]
    assert len(unknown) == 206
    assert unknown[0]["licence_id"] == "unknown" and "licence not identified" in \
        unknown[0]["attribution"]


def test_policy_to_file_written_atomically(home, tmp_path) -> None:
    target = tmp_path / "free.csv"
    result = oer(home, "export", "--policy", "free-cultural", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert list(tmp_path.iterdir()) == [target]
    rows = list(csv.DictReader(io.StringIO(target.read_text("utf-8-sig"), newline="")))
    ids = {r["licence_id"] for r in rows if r["id"]}
    assert ids == {"CC-BY-4.0", "MIT", "CC-BY-SA-3.0-IGO", "CC0-1.0", "CC-PDM-1.0"}
    assert "whose licence does not meet free-cultural" in result.stderr
    assert f"to {target}" in result.stderr


def test_format_from_extension(home, tmp_path) -> None:
    target = tmp_path / "list.bib"
    assert oer(home, "export", "--source", "unesdoc", "-o", str(target)).exit_code == 0
    lib = bibtexparser.parse_string(target.read_text("utf-8"))
    assert [e["title"] for e in lib.entries][0].startswith("Mapeo de los sistemas")


def test_unwritable_output_is_refused_before_work(home, tmp_path) -> None:
    missing = tmp_path / "no" / "such" / "dir" / "x.csv"
    result = oer(home, "export", "-o", str(missing))
    assert result.exit_code == 2
    assert "does not exist" in result.output
    result = oer(home, "export", "-o", str(tmp_path))
    assert result.exit_code == 2
    assert "is a directory" in result.output


def test_a_failed_write_leaves_no_half_file(home, tmp_path, monkeypatch) -> None:
    target = tmp_path / "list.html"
    target.write_text("the previous list")
    import search.export.stream as stream

    real = stream.iter_resources

    def failing(*args, **kwargs):
        for n, resource in enumerate(real(*args, **kwargs)):
            if n == 100:
                raise OSError(28, "No space left on device")
            yield resource

    monkeypatch.setattr(stream, "iter_resources", failing)
    result = oer(home, "export", "-o", str(target))
    assert result.exit_code == 1
    assert f"cannot write {target}: No space left on device" in result.output
    assert target.read_text() == "the previous list"  # untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["list.html"]  # no .part left


def test_no_index_yet(tmp_path) -> None:
    result = oer(tmp_path / "empty", "export")
    assert result.exit_code == 1
    assert "no index yet" in result.output


# -- HTTP --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def client(home):
    app = create_app(Home(home))  # create_app wires /api/export itself
    with TestClient(app) as c:
        yield c


def test_api_export_streams_the_format(client) -> None:
    response = client.get("/api/export", params={"source": "datacite", "format": "bibtex"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-bibtex")
    assert response.headers["content-disposition"] == 'attachment; filename="oer-export.bib"'
    lib = bibtexparser.parse_string(response.text)
    assert len(lib.entries) == 2 and lib.comments[0].comment.startswith("Licence summary: 2")
    assert "/api/export" in client.get("/openapi.json").json()["paths"]


def test_api_export_policy_and_unknown(client) -> None:
    response = client.get("/api/export", params={"policy": "unesco-oer", "format": "jsonl",
                                                  "include_unknown": "true"})
    summary = json.loads(response.text.splitlines()[-1])
    assert summary["policies"] == ["unesco-oer"] and summary["include_unknown"] is True
    assert {i["id"] for i in summary["licences"]} >= {"unknown", "CC-BY-NC-4.0"}
    assert "CC-BY-NC-ND-3.0-DE" in {i["id"] for i in summary["left_out"]["policy"]}


@pytest.mark.parametrize("params, name", [({"format": "docx"}, "format"),
                                          ({"policy": "open"}, "policy")])
def test_api_export_bad_parameters(client, params, name) -> None:
    response = client.get("/api/export", params=params)
    assert response.status_code == 400
    assert response.json()["error"]["params"][0]["name"] == name


# -- streaming ---------------------------------------------------------------------------

def _copies(n: int):
    base = zenodo_cc_by()[0]
    for i in range(n):
        yield dataclasses.replace(base, id=f"{base.id}-{i}")


def _peak_bytes(fmt: str, n: int) -> int:
    tracemalloc.start()
    try:
        for _ in export_chunks(_copies(n), fmt, Selection()):
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("fmt", ["csv", "json-ld"])
def test_memory_stays_flat(fmt: str) -> None:
    """Ten times the records, the same peak: nothing grows with the list (bench/bench_export.py
    measures 100k records through the store and index)."""
    small, large = _peak_bytes(fmt, 300), _peak_bytes(fmt, 3000)
    assert large < small * 1.25 + 64 * 1024, (small, large)
    assert large < 2 * 1024 * 1024


@pytest.mark.parametrize("name, what", [("out.docx", "extension '.docx'"),
                                        ("results", "no extension")])
def test_an_output_extension_of_no_format_is_a_usage_error(home, tmp_path, name, what) -> None:
    """Not a silent CSV in ``out.docx``: the known extensions are listed, nothing is written."""
    result = oer(home, "export", "-o", str(tmp_path / name))
    assert result.exit_code == 2
    assert f"cannot tell the export format of {name} ({what}): give --format, or name the " \
           "file with one of .csv (csv), .jsonl (jsonl), .jsonld (json-ld), .xml (oai_dc), " \
           ".ris (ris), .bib (bibtex), .html (html), .md (markdown)" in result.stderr
    assert list(tmp_path.iterdir()) == []
    chosen = oer(home, "export", "--source", "datacite", "--format", "ris", "-o",
                 str(tmp_path / name))
    assert chosen.exit_code == 0, chosen.output
    assert len(rispy.loads((tmp_path / name).read_text("utf-8"))) == 2


def test_the_stderr_note_says_what_was_written_where(home, tmp_path) -> None:
    target = tmp_path / "climate.html"
    result = oer(home, "export", "--source", "datacite", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == (
        f"wrote 2 records (html) to {target}, {target.stat().st_size:,} bytes")
    ris = oer(home, "export", "--source", "datacite", "--format", "ris")
    assert ris.stderr.splitlines()[0] == (
        f"wrote 2 records (ris) to standard output, {len(ris.stdout_bytes):,} bytes")


def test_an_undecided_remix_check_says_what_is_known_and_what_to_check(home) -> None:
    # free-cultural: CC BY 4.0, CC BY-SA 3.0 IGO, CC0, PDM and the MIT License (outside CC's chart)
    result = oer(home, "export", "--policy", "free-cultural", "--format", "markdown")
    assert result.exit_code == 0, result.output
    sentence = ("whether these resources can be combined into one adapted work is not decided: "
                "some of their licences cannot be checked here (see below); the Creative "
                "Commons-licensed ones could be combined under CC BY-SA 4.0, CC BY-SA 3.0, "
                "CC BY-SA 3.0 AT and 38 more.")
    assert f"Remix check: {sentence}" in result.stderr.splitlines()
    assert "• MIT License is outside Creative Commons' compatibility chart: check its terms " \
           "before combining." in result.stderr.splitlines()
    assert f"### Remix check\n\n{sentence[0].upper()}{sentence[1:]}\n" in result.stdout
    assert "fully checked" not in result.stdout + result.stderr
