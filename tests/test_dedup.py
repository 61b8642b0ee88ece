"""Duplicates across sources and formats, on real records.

Zenodo record 10357859 was recorded twice, as ``oai_dc`` and as ``datacite``; they must
cluster through the DOI. Zenodo 8435696 and 8435639 (a ListRecords page) are different
resources. Title + year matching is shown on a real record paired with a copy stripped
of identifiers, as a source that gives none would send it.
"""

from __future__ import annotations

import json
from dataclasses import replace

from records_from_fixtures import FIXTURES, oai_records

from harvester.crosswalks.datacite import map_datacite
from harvester.crosswalks.unesdoc import map_unesdoc, unesdoc_records
from harvester.dedup import cluster, identifier_key, match_keys, title_year_key
from harvester.oai_dc import map_oai_dc
from harvester.record import Identifier, LangString


def _zenodo_pair():
    header, element = oai_records("oai/zenodo-03-GetRecord-oai_dc.xml")[0]
    as_dc = map_oai_dc(element, source="zenodo-dc", **header)
    header, element = oai_records("datacite/zenodo-02-GetRecord-datacite.xml")[0]
    as_datacite = map_datacite(element, source="zenodo-datacite", **header)
    return as_dc, as_datacite


def test_same_record_in_two_formats_shares_the_doi_key() -> None:
    as_dc, as_datacite = _zenodo_pair()
    assert "doi:10.5281/zenodo.10357859" in match_keys(as_dc)
    assert "doi:10.5281/zenodo.10357859" in match_keys(as_datacite)
    assert cluster([as_dc, as_datacite]) == [[as_dc, as_datacite]]


def test_different_records_stay_apart() -> None:
    records = [map_oai_dc(element, source="zenodo", **header)
               for header, element in oai_records("oai/zenodo-06-ListRecords.xml")]
    groups = cluster(records)
    assert [len(g) for g in groups] == [1, 1, 1]
    assert [g[0].oai_identifier for g in groups] == [
        "oai:zenodo.org:8435696", "oai:zenodo.org:8435639", "oai:zenodo.org:8433301"]


def test_title_and_year_match_without_identifiers() -> None:
    page = json.loads((FIXTURES / "unesdoc" / "root_unesdoc.json").read_text("utf-8"))
    unesdoc = map_unesdoc(unesdoc_records(page)[0], source="unesdoc", datestamp="2026-01-01")
    copy = replace(unesdoc, id="other:1", source="other", identifiers=(), url=None,
                   title=(LangString(unesdoc.title[0].value.upper() + "."),))
    assert title_year_key(copy) == title_year_key(unesdoc)
    assert title_year_key(unesdoc).startswith("ty:mapeo de los sistemas de creditos academicos")
    assert title_year_key(unesdoc).endswith("|2026")
    assert cluster([unesdoc, copy]) == [[unesdoc, copy]]


def test_title_match_refused_when_dois_differ() -> None:
    as_dc, _ = _zenodo_pair()
    other_version = replace(as_dc, id="x:1", identifiers=(Identifier("doi", "10.5281/zenodo.596581"),),
                            url="https://doi.org/10.5281/zenodo.596581")
    assert title_year_key(other_version) == title_year_key(as_dc)
    assert cluster([as_dc, other_version]) == [[as_dc], [other_version]]


def test_identifier_keys_normalise() -> None:
    assert identifier_key(Identifier("doi", "10.5281/ZENODO.1")) == "doi:10.5281/zenodo.1"
    assert identifier_key(Identifier("ark", "ark:/48223/pf0000-397002")) == "ark:48223/pf0000397002"
    assert identifier_key(Identifier("url", "http://www.Zenodo.org:80/record/11020/#files")) == (
        "url:zenodo.org/record/11020")
    assert identifier_key(Identifier("url", "https://zenodo.org/record/11020")) == (
        "url:zenodo.org/record/11020")
    assert identifier_key(Identifier("issn", "1796-6361")) is None
