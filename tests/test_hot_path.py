"""The harvest's hot path takes shortcuts that must not change a result (issue 9).

Each shortcut is checked against the long way on real recorded pages: the oai_dc record
built once (normalised fields computed first), whole licence results cached, the sanitiser's
clean-body check, record headers read in one pass, the store's shared namespace JSON.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from harvester.crosswalks.dcterms import map_dcterms
from harvester.licences import _normalise, normalise_licence
from harvester.normalise.fields import normalise_fields, normalised_fields
from harvester.oai_dc import _dc_values, map_oai_dc
from harvester.oai_response import parse_response
from harvester.oai_sanitise import sanitise
from harvester.record import Resource
from harvester.store import SourceState, Store, StoredItem

OAI = Path(__file__).parent / "fixtures" / "oai"
PAGES = ["zenodo-06-ListRecords.xml", "zenodo-01-ListRecords.xml", "erudit-01-ListRecords.xml"]


def _records(name: str):
    return parse_response((OAI / name).read_bytes(), verb="ListRecords").records


@pytest.mark.parametrize("name", PAGES)
def test_oai_dc_built_once_equals_built_then_normalised(name: str) -> None:
    mapped = 0
    for rec in _records(name):
        if rec.metadata is None:
            continue
        header = {"id": f"s:{rec.identifier}", "source": "s", "oai_identifier": rec.identifier,
                  "datestamp": rec.datestamp, "set_specs": rec.set_specs}
        raw = {**header, **_dc_values(rec.metadata)}
        long_way = normalise_fields(Resource(**raw))
        once = Resource(**raw, **normalised_fields(raw))
        assert once == long_way
        fast = map_oai_dc(rec.metadata, source="s", oai_identifier=rec.identifier,
                          datestamp=rec.datestamp, set_specs=rec.set_specs)
        assert (fast.dates, fast.issued, fast.identifiers, fast.dcmi_type) == (
            long_way.dates, long_way.issued, long_way.identifiers, long_way.dcmi_type)
        mapped += 1
    assert mapped >= 3


def test_normalised_fields_keeps_what_the_crosswalk_set() -> None:
    fields = {"identifier": ("https://doi.org/10.5281/zenodo.8435696",), "date": ("2023-10-10",),
              "url": "https://example.org/landing", "issued": "1999", "language": ("fr",),
              "language_raw": ("English",)}
    done = normalised_fields(fields)
    assert done["url"] == "https://example.org/landing" and done["issued"] == "1999"
    assert done["language"] == ("fr",)
    assert [(i.scheme, i.value) for i in done["identifiers"]] == [("doi", "10.5281/zenodo.8435696")]
    assert normalised_fields({})["url"] is None and normalised_fields({})["dates"] == ()


def test_other_crosswalks_still_normalise_a_built_record() -> None:
    # normalise_fields (replace on a built record) is what every other crosswalk calls.
    record = map_dcterms(None, source="s", oai_identifier="1", datestamp="2020-01-01")
    assert record.id == "s:1" and record.identifiers == () and record.url is None


@pytest.mark.parametrize("name", PAGES)
def test_licence_cache_gives_what_a_fresh_reading_gives(name: str) -> None:
    seen = 0
    for rec in _records(name):
        mapped = map_oai_dc(rec.metadata, source="s", oai_identifier=rec.identifier,
                            datestamp=rec.datestamp)
        statements = tuple(r.value for r in mapped.rights)
        for provenance, field in ((None, None), ("metadata", "dc:rights")):
            cached = normalise_licence(statements, provenance=provenance, source_field=field)
            assert cached == _normalise(statements, provenance, field)
            assert cached is normalise_licence(list(statements), provenance=provenance,
                                               source_field=field)
        seen += 1
    assert seen >= 3
    first = _records("zenodo-06-ListRecords.xml")[0]
    assert map_oai_dc(first.metadata, source="s", oai_identifier="x",
                      datestamp="d").license.id == "CC-BY-4.0"


def test_long_statements_are_read_each_time() -> None:
    long_text = "Creative Commons Attribution 4.0 International. " + "x" * 3000
    first = normalise_licence([long_text])
    assert first.id == "CC-BY-4.0" and first.raw == long_text
    assert normalise_licence([long_text]) is not first  # not cached, equal
    assert normalise_licence([long_text]) == first


def test_clean_body_check_finds_noncharacters_in_non_ascii_bodies() -> None:
    body = (OAI / "zenodo-06-ListRecords.xml").read_bytes()
    assert sanitise(body).body is body and sanitise(body).repairs == ()  # clean: as is
    dirty = body.replace(b"PocketCoffea", "Pocket\ufffeCoffea é".encode(), 1)
    out = sanitise(dirty)
    assert [r.kind for r in out.repairs] == ["illegal-char"]
    assert out.repairs[0].detail == "U+FFFE" and "Pocket\ufffe".encode() not in out.body
    assert "PocketCoffea é".encode() in out.body


def test_header_fields_read_in_one_pass() -> None:
    page = parse_response((OAI / "zenodo-06-ListRecords.xml").read_bytes(), verb="ListRecords")
    rec = page.records[0]
    assert (rec.identifier, rec.datestamp, rec.set_specs, rec.deleted) == (
        "oai:zenodo.org:8435696", "2023-10-12T14:26:07Z", ("user-pyhep2023", "openaire"), False)
    assert rec.raw.startswith(b"<record>") and rec.raw.endswith(b"</record>")
    assert b"oai:zenodo.org:8435696" in rec.raw
    assert rec.metadata.tag == "{http://www.openarchives.org/OAI/2.0/oai_dc/}dc"


def test_namespace_json_is_per_item_even_when_shared(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite")
    run = store.start_run("s", None, None, "2020-01-01T00:00:00Z")
    spaces = [{"": "http://www.openarchives.org/OAI/2.0/"},
              {"": "http://www.openarchives.org/OAI/2.0/"},
              {"xsi": "http://www.w3.org/2001/XMLSchema-instance",
               "": "http://www.openarchives.org/OAI/2.0/"},
              {"": "http://www.openarchives.org/OAI/2.0/",
               "xsi": "http://www.w3.org/2001/XMLSchema-instance"}]
    items = [StoredItem(f"s:{i}", str(i), "2020", False, b"<record>%d</record>" % i, "UTF-8",
                        ns, Resource(id=f"s:{i}", source="s", oai_identifier=str(i),
                                     datestamp="2020"))
             for i, ns in enumerate(spaces)]
    store.save_page(run, items, SourceState("s"))
    store.close()
    rows = sqlite3.connect(tmp_path / "s.sqlite").execute(
        "SELECT namespaces, (SELECT resource FROM records r WHERE r.raw_id = raw_records.id) "
        "FROM raw_records ORDER BY id").fetchall()
    assert [row[0] for row in rows] == [json.dumps(ns) for ns in spaces]
    assert rows[2][0] != rows[3][0]  # same pairs, other order: other JSON, as before
    assert rows[0][1] == json.dumps(items[0].resource.to_dict(), ensure_ascii=False)
