"""The crosswalk registry: mappers by metadataPrefix, format choice from ListMetadataFormats.

Also C27 of shared/cases/oai-faults.md (multilingual oai_dc) through the registry, and the
normalised fields oai_dc now fills, on a real Zenodo record.
"""

from __future__ import annotations

import pytest
from lxml import etree
from records_from_fixtures import oai_records, parse

from harvester.crosswalks import (RICHNESS, XML_MAPPERS, canonical_format, choose_format,
                                  mapper_for, read_metadata_formats)
from harvester.oai_dc import map_oai_dc
from harvester.record import DateValue, Identifier, LangString


@pytest.fixture(scope="module")
def zenodo_formats() -> dict[str, str]:
    return read_metadata_formats(parse("oai/zenodo-01-ListMetadataFormats.xml"))


def test_read_zenodo_formats(zenodo_formats: dict[str, str]) -> None:
    assert list(zenodo_formats) == ["marcxml", "oai_dc", "dcat", "marc21", "datacite",
                                    "oai_datacite", "datacite4", "oai_datacite4"]
    assert zenodo_formats["datacite"] == "http://datacite.org/schema/kernel-4"


def test_choose_richest_offered(zenodo_formats: dict[str, str]) -> None:
    assert choose_format(zenodo_formats, namespaces=zenodo_formats) == "datacite"
    duepublico = read_metadata_formats(parse("oai/duepublico-02-ListMetadataFormats.xml"))
    assert list(duepublico) == ["mods", "oai_dc"]
    assert choose_format(duepublico) == "mods"


def test_choose_with_a_configured_preference(zenodo_formats: dict[str, str]) -> None:
    assert choose_format(zenodo_formats, ["oai_dc"]) == "oai_dc"
    assert choose_format(zenodo_formats, ["oai_datacite4", "oai_dc"]) == "oai_datacite4"
    assert choose_format(zenodo_formats, ["mods", "lom"]) is None
    assert choose_format(["marcxml", "mets"]) is None


def test_unknown_prefix_recognised_by_namespace() -> None:
    offered = {"ims_lom_custom": "http://ltsc.ieee.org/xsd/LOM", "oai_dc": ""}
    assert choose_format(offered, namespaces=offered) == "ims_lom_custom"
    assert canonical_format("ims_lom_custom") is None
    assert canonical_format("ims_lom_custom", "http://ltsc.ieee.org/xsd/LOM") == "lom"
    assert mapper_for("marcxml") is None


def test_registry_covers_every_format_and_alias() -> None:
    assert set(RICHNESS) == {"lom", "datacite", "mods", "dcterms", "oai_dc"}
    for prefix in ("oai_dc", "dcterms", "qdc", "oai_qdc", "nsdl_dc", "oai_lom", "lom", "lre",
                   "mods", "datacite", "oai_datacite"):
        assert prefix in XML_MAPPERS, prefix
    assert XML_MAPPERS["oai_dc"] is map_oai_dc


def test_alias_mapper_records_its_prefix() -> None:
    header, element = oai_records("datacite/zenodo-02-GetRecord-datacite.xml")[0]
    r = XML_MAPPERS["oai_datacite4"](element, source="zenodo", **header)
    assert r.metadata_prefix == "oai_datacite4"
    assert r.identifiers == (Identifier("doi", "10.5281/zenodo.10357859"),)


def test_oai_dc_fills_normalised_fields() -> None:
    header, element = oai_records("oai/zenodo-03-GetRecord-oai_dc.xml")[0]
    r = XML_MAPPERS["oai_dc"](element, source="zenodo", **header)
    assert r.dates == (DateValue("2023-12-11", "2023-12-11", "day"),)
    assert r.issued == "2023-12-11"
    assert r.identifiers == (Identifier("doi", "10.5281/zenodo.10357859"),)
    # oai_dc says only info:eu-repo/semantics/other (DataCite says Software): no DCMI type
    assert r.type == (LangString("info:eu-repo/semantics/other"),) and r.dcmi_type == ()
    assert r.url == "https://doi.org/10.5281/zenodo.10357859"


def test_c27_multilingual_oai_dc() -> None:
    # C27 (shared/cases/oai-faults.md): titles keep their xml:lang; language values are
    # ISO 639-2/T and /B codes, an English name and a locale.
    dc = etree.fromstring(
        b'<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"'
        b' xmlns:dc="http://purl.org/dc/elements/1.1/">'
        b'<dc:title>Open textbook</dc:title><dc:title xml:lang="fr">Manuel ouvert</dc:title>'
        b"<dc:language>fra</dc:language><dc:language>English</dc:language>"
        b"<dc:language>en-US</dc:language><dc:language>rus</dc:language></oai_dc:dc>")
    r = XML_MAPPERS["oai_dc"](dc, source="c27", oai_identifier="oai:c27:1", datestamp="2024-01-02")
    assert r.title == (LangString("Open textbook"), LangString("Manuel ouvert", "fr"))
    assert r.language_raw == ("fra", "English", "en-US", "rus")
    assert r.language == ("fr", "en", "en-US", "ru")
