"""Field normalisation: dates, identifiers, DCMI types, joined names.

Inputs are values seen in the recorded fixtures (file named beside each) or the forms the
issue lists; expected values follow ISO 8601, the DOI/ARK/ISBN rules and DCMI Type.
"""

from __future__ import annotations

import pytest

from harvester.normalise.dates import normalise_date, pick_issued
from harvester.normalise.identifiers import choose_landing, classify_all, classify_identifier
from harvester.normalise.names import split_names
from harvester.normalise.types import dcmi_types
from harvester.record import DateValue, Identifier


@pytest.mark.parametrize(("raw", "value", "precision", "approximate"), [
    ("2019", "2019", "year", False),
    ("2019-05", "2019-05", "month", False),
    ("c. 2019", "2019", "year", True),
    ("ca. 1900", "1900", "year", True),
    ("[2019?]", "2019", "year", True),
    ("2019~", "2019", "year", True),
    ("2019-05-07T10:00:00Z", "2019-05-07T10:00:00Z", "second", False),
    ("2019-05-07T12:00:00+02:00", "2019-05-07T10:00:00Z", "second", False),
    ("2017-09-14T16:25:55.948Z", "2017-09-14T16:25:55Z", "second", False),  # HOOU JSON-LD
    ("07.05.2019", "2019-05-07", "day", False),
    ("May 2019", "2019-05", "month", False),
    ("7. Mai 2019", "2019-05-07", "day", False),
    ("Dec 11, 2023", "2023-12-11", "day", False),  # Zenodo RDMO abstract
    ("20190507", "2019-05-07", "day", False),
    ("1978.", "1978", "year", False),
    ("2000/2000", "2000/2000", "year", False),  # USC oai_qdc dcterms:created
    ("1998-2001", "1998/2001", "year", False),
    ("13/05/2019", "2019-05-13", "day", False),
])
def test_dates_keep_source_precision(raw: str, value: str, precision: str, approximate: bool) -> None:
    assert normalise_date(raw) == DateValue(raw, value, precision, approximate)


@pytest.mark.parametrize("raw", [
    "05/07/2019",             # day/month order unknown: not guessed
    "2019-13-01", "Includes bibliography", "PT20M0S", "spring 2019", "", "2019/2018",
])
def test_unreadable_dates_keep_raw_only(raw: str) -> None:
    assert normalise_date(raw, "Issued") == DateValue(raw, None, None, False, "issued")


def test_pick_issued() -> None:
    dspace = [normalise_date(d) for d in ("2005-09-15T14:12:55Z", "2005-09-15T14:12:55Z", "1978")]
    assert pick_issued(dspace) == "1978"  # earliest untyped date
    typed = [normalise_date("2023-12-11", "updated"), normalise_date("2014", "issued")]
    assert pick_issued(typed) == "2014"
    assert pick_issued([normalise_date("2000/2001", "created")]) == "2000"
    assert pick_issued([normalise_date("n.d.")]) is None


@pytest.mark.parametrize(("raw", "hint", "expected"), [
    ("10.5281/zenodo.10357859", "DOI", [("doi", "10.5281/zenodo.10357859")]),
    ("https://doi.org/10.5281/zenodo.8435696", None, [("doi", "10.5281/zenodo.8435696")]),
    ("doi:10.5281/zenodo.11020", None, [("doi", "10.5281/zenodo.11020")]),
    ("https://unesdoc.unesco.org/ark:/48223/pf0000397002", None,
     [("ark", "ark:/48223/pf0000397002"), ("url", "https://unesdoc.unesco.org/ark:/48223/pf0000397002")]),
    ("hdl:2200/20080423151356635T", None, [("handle", "2200/20080423151356635T")]),
    ("http://hdl.handle.net/1721.1/27225", None, [("handle", "1721.1/27225")]),
    ("2200/20080423151356635T", "Handle", [("handle", "2200/20080423151356635T")]),
    ("ISBN 978-3-16-148410-0", None, [("isbn", "9783161484100")]),
    ("3-16-148410-X", "isbn", [("isbn", "9783161484100")]),
    ("URN:ISBN:978-3-16-148410-0", None, [("isbn", "9783161484100")]),
    ("URN:NBN:de:hbz:464-20210527-123456-7", None, [("urn", "urn:nbn:de:hbz:464-20210527-123456-7")]),
    ("1796-6361", "ISSN", [("issn", "1796-6361")]),
    ("http://zenodo.org/record/11020", None, [("url", "http://zenodo.org/record/11020")]),
])
def test_identifiers_classified(raw: str, hint: str | None, expected: list[tuple[str, str]]) -> None:
    assert classify_identifier(raw, hint) == tuple(Identifier(*e) for e in expected)


@pytest.mark.parametrize(("raw", "hint"), [
    ("9783161484101", None),             # ISBN checksum wrong
    ("3-16-148410-X", None),             # an ISBN-10 only when the source says so
    ("2200/20080423151356635T", None),   # a bare handle only when the source says so
    ("1796-6361", None),                 # an ISSN only when the source says so
    ("oai:zenodo.org:8435696", None), ("Reciprocal Net Sample id 27344140", None),
    ("duepublico_mods_00074441", "citekey"), ("", None),
])
def test_non_identifiers(raw: str, hint: str | None) -> None:
    assert classify_identifier(raw, hint) == ()


def test_classify_all_dedupes_dois_case_insensitively() -> None:
    found = classify_all(["https://doi.org/10.5281/ZENODO.1", ("10.5281/zenodo.1", "DOI")])
    assert found == (Identifier("doi", "10.5281/ZENODO.1"),)


def test_landing_page_choice() -> None:
    doi_url = "https://doi.org/10.5281/zenodo.10357859"
    assert choose_landing([doi_url, "https://zenodo.org/records/10357859"]) == (
        "https://zenodo.org/records/10357859")
    assert choose_landing([doi_url, "oai:zenodo.org:10357859"]) == doi_url
    assert choose_landing(["10.5281/zenodo.11020"], [Identifier("doi", "10.5281/zenodo.11020")]) == (
        "https://doi.org/10.5281/zenodo.11020")
    assert choose_landing(["vit-m15"]) is None


def test_dcmi_types_from_each_vocabulary() -> None:
    assert dcmi_types(["info:eu-repo/semantics/article"]) == ("Text",)
    assert dcmi_types(["Software"]) == ("Software",)  # DataCite resourceTypeGeneral
    assert dcmi_types(["sound recording-nonmusical"]) == ("Sound",)  # MODS typeOfResource
    assert dcmi_types(["http://purl.org/dc/dcmitype/StillImage"]) == ("StillImage",)
    assert dcmi_types(["VideoObject", "LearningResource"]) == ("MovingImage",)
    assert dcmi_types(["Interactive Simulation", "Dataset"]) == ("InteractiveResource", "Dataset")
    assert dcmi_types(["informatiebron"], ["video/H264"]) == ("MovingImage",)
    assert dcmi_types(["info:eu-repo/semantics/other", "mixed material"]) == ()


def test_split_joined_names() -> None:
    assert split_names("UNESCO International Institute for Higher Education in Latin America "
                       "and the Caribbean, Marquina, Mónica") == (
        "UNESCO International Institute for Higher Education in Latin America and the Caribbean",
        "Marquina, Mónica")
    # a CONTENTdm qdc contributor value (University of Illinois maps, quoted in DPLA ingestion tests)
    assert split_names("Gannett, Henry, 1846-1914; Harrison, D.C.; Renshawe, John H.; "
                       "United States. Lake Survey") == (
        "Gannett, Henry, 1846-1914", "Harrison, D.C.", "Renshawe, John H.",
        "United States. Lake Survey")
    assert split_names("Klar, Jochen") == ("Klar, Jochen",)
    assert split_names("da Silva, José Maria, UNESCO Office Brasilia") == (
        "da Silva, José Maria", "UNESCO Office Brasilia")
    assert split_names("Helsingin yliopisto, soveltavan biologian laitos", commas=False) == (
        "Helsingin yliopisto, soveltavan biologian laitos",)
