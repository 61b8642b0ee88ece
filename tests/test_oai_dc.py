"""oai_dc -> Resource, on a real recorded Zenodo ListRecords page (tests/fixtures/README.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from harvester.oai_dc import _clean, landing_url, map_oai_dc
from harvester.record import LangString, Licence, Resource

PAGE = Path(__file__).parent / "fixtures" / "oai" / "zenodo-06-ListRecords.xml"
OAI = "{http://www.openarchives.org/OAI/2.0/}"
OAI_DC = "{http://www.openarchives.org/OAI/2.0/oai_dc/}dc"
CC_BY_4 = "https://creativecommons.org/licenses/by/4.0/"
ZENODO_RIGHTS = (
    LangString("info:eu-repo/semantics/openAccess"),
    LangString("Creative Commons Attribution 4.0 International"),
    LangString("https://creativecommons.org/licenses/by/4.0/legalcode"),
)
SAFE = etree.XMLParser(resolve_entities=False, no_network=True)


def parse(xml: bytes) -> etree._Element:
    return etree.fromstring(xml, SAFE)


def map_record(record: etree._Element) -> Resource:
    header = record.find(f"{OAI}header")
    return map_oai_dc(
        record.find(f"{OAI}metadata/{OAI_DC}"),
        source="zenodo",
        oai_identifier=header.findtext(f"{OAI}identifier"),
        datestamp=header.findtext(f"{OAI}datestamp"),
        set_specs=tuple(s.text for s in header.findall(f"{OAI}setSpec")),
    )


@pytest.fixture(scope="module")
def records() -> list[Resource]:
    root = parse(PAGE.read_bytes())
    return [map_record(r) for r in root.iter(f"{OAI}record")]


def test_page_has_three_records(records: list[Resource]) -> None:
    assert [r.id for r in records] == [
        "zenodo:oai:zenodo.org:8435696", "zenodo:oai:zenodo.org:8435639", "zenodo:oai:zenodo.org:8433301"]


def test_first_record(records: list[Resource]) -> None:
    r = records[0]
    assert (r.source, r.oai_identifier, r.datestamp, r.metadata_prefix) == (
        "zenodo", "oai:zenodo.org:8435696", "2023-10-12T14:26:07Z", "oai_dc")
    assert r.set_specs == ("user-pyhep2023", "openaire")
    assert r.title == (LangString("PocketCoffea: a configuration layer for CMS analyses with Coffea"),)
    assert r.creator == (LangString("Matteo Marchegiani"),)
    assert r.date == ("2023-10-10",)
    assert r.identifier == ("https://doi.org/10.5281/zenodo.8435696", "oai:zenodo.org:8435696")
    assert r.publisher == (LangString("Zenodo"),)
    assert r.relation == ("https://zenodo.org/communities/pyhep2023/",
                          "https://doi.org/10.5281/zenodo.8435695")
    assert r.rights == ZENODO_RIGHTS
    assert r.derived_from == ("PyHEP 2023 Workshop, 9-12 October 2023",)
    assert r.type == (LangString("info:eu-repo/semantics/lecture"),)
    assert (r.language, r.language_raw, r.subject) == ((), (), ())
    assert (r.contributor, r.coverage, r.format, r.rights_holder) == ((), (), (), ())
    assert r.license == Licence("CC-BY-4.0", CC_BY_4, "Creative Commons Attribution 4.0 International")
    assert r.url == "https://doi.org/10.5281/zenodo.8435696"  # the only http(s) identifier is the DOI
    # Zenodo escapes its HTML twice; the mapper keeps the escaped text as given.
    (description,) = r.description
    assert description.lang is None
    assert description.value.startswith(
        "&lt;p&gt;A configuration layer for the analysis of CMS data in the NanoAOD format is presented.")
    assert description.value.endswith("in a highly reproducible, computational efficient and user-friendly "
                                      "way.&lt;/p&gt;")
    assert "<p>" not in description.value


def test_second_record_language_and_subjects(records: list[Resource]) -> None:
    r = records[1]
    assert r.title == (LangString("H2020 Platone Italian Demonstrator Use Case 1-2 Market 1st quarter 2022"),)
    assert r.creator == (LangString("Gabriele Fedele"),)
    assert r.set_specs == ("openaire_data",)
    assert r.language_raw == ("eng",)
    assert r.language == ("en",)
    assert r.subject == (LangString("Flexibility  services"), LangString("DSO"))  # inner spaces as given
    assert r.identifier == ("https://doi.org/10.5281/zenodo.8435639", "oai:zenodo.org:8435639")
    assert r.relation == ("https://doi.org/10.5281/zenodo.8435638",)
    assert r.derived_from == ()
    assert r.license.id == "CC-BY-4.0"
    assert r.url == "https://doi.org/10.5281/zenodo.8435639"
    assert r.description[0].value.startswith("&lt;p&gt;areti_market_flexibility_TSO_requestes&lt;/p&gt;\n\n")


def test_third_record(records: list[Resource]) -> None:
    r = records[2]
    assert r.creator == (LangString("Lin, Sam"),)
    assert r.datestamp == "2023-10-12T02:36:57Z"
    assert r.title == (LangString(
        "A new method for quantifying flake scar organisation on cores using orientation statistics"),)
    assert r.subject == tuple(LangString(s) for s in (
        "Archaeology", "Stone tools", "3D modeling", "Orientation analysis"))
    assert r.description == (LangString(
        "&lt;p&gt;Data and R code for reproducing the results presented in &#39;in &ldquo;A new method for "
        "quantifying flake scar organisation on cores using orientation statistics&rdquo; by Lin et "
        "al.&lt;/p&gt;"),)
    assert r.rights == ZENODO_RIGHTS
    assert r.license == Licence("CC-BY-4.0", CC_BY_4, "Creative Commons Attribution 4.0 International")
    assert r.url == "https://doi.org/10.5281/zenodo.8433301"
    assert r.language == ()


def test_mapped_record_round_trips_through_dict(records: list[Resource]) -> None:
    for r in records:
        assert Resource.from_dict(r.to_dict()) == r


DC_SNIPPET = b"""<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"
    xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:x="urn:example">
  <dc:title>Open textbook</dc:title>
  <dc:title xml:lang="fr">Manuel ouvert</dc:title>
  <dc:language>fra</dc:language>
</oai_dc:dc>"""


def test_xml_lang_pairs() -> None:
    r = map_oai_dc(parse(DC_SNIPPET), source="demo", oai_identifier="oai:demo:1", datestamp="2024-01-02")
    assert r.title == (LangString("Open textbook", None), LangString("Manuel ouvert", "fr"))
    assert r.first_title() == "Open textbook"
    assert (r.language, r.language_raw) == (("fr",), ("fra",))
    assert r.license == Licence("unknown", None, None)
    assert r.url is None


def test_lang_inheritance_cleaning_and_ignored_nodes() -> None:
    xml = b"""<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"
        xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:x="urn:example" xml:lang="de">
      <dc:title>  Offenes Lehrbuch \n</dc:title>
      <dc:title xml:lang="EN_gb">Open textbook</dc:title>
      <dc:title xml:lang="">Sans langue</dc:title>
      <dc:title xml:lang="zz-foo">Unreadable tag</dc:title>
      <dc:description>Einf<x:b>\xc3\xbc</x:b>hrung<!-- a comment --></dc:description>
      <dc:subject>   </dc:subject>
      <dc:subject/>
      <x:title>not Dublin Core</x:title>
      <!-- comment --><?pi ignored?>
      <dc:language>en</dc:language><dc:language>English</dc:language><dc:language>eng</dc:language>
      <dc:language>pt_BR</dc:language><dc:language>zz-foo</dc:language>
      <dc:identifier>urn:nbn:de:0001</dc:identifier>
      <dc:identifier>https://doi.org/10.1234/abc</dc:identifier>
      <dc:identifier>HTTP://example.org/item/1</dc:identifier>
      <dc:source>ISBN 978-3-16-148410-0</dc:source>
      <dc:rights>All rights reserved</dc:rights>
      <dc:rights>CC BY-SA 3.0 IGO</dc:rights>
    </oai_dc:dc>"""
    r = map_oai_dc(parse(xml), source="s", oai_identifier="oai:s:2", datestamp="2024-01-02T03:04:05Z",
                   set_specs=("a", "b"))
    assert r.title == (LangString("Offenes Lehrbuch", "de"), LangString("Open textbook", "en-GB"),
                       LangString("Sans langue", None), LangString("Unreadable tag", None))
    assert r.description == (LangString("Einf\u00fchrung", "de"),)
    assert r.subject == ()
    assert r.language_raw == ("en", "English", "eng", "pt_BR", "zz-foo")
    assert r.language == ("en", "pt-BR")
    assert r.url == "HTTP://example.org/item/1"
    assert r.derived_from == ("ISBN 978-3-16-148410-0",)
    assert r.rights == (LangString("All rights reserved", "de"), LangString("CC BY-SA 3.0 IGO", "de"))
    assert r.license == Licence("CC-BY-SA-3.0-IGO", "https://creativecommons.org/licenses/by-sa/3.0/igo/",
                                "CC BY-SA 3.0 IGO")
    assert r.set_specs == ("a", "b")


def test_unknown_licence_keeps_all_rights_raw() -> None:
    xml = (b'<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
           b'xmlns:dc="http://purl.org/dc/elements/1.1/">'
           b'<dc:rights>info:eu-repo/semantics/openAccess</dc:rights>'
           b'<dc:rights>Other (Not Open)</dc:rights></oai_dc:dc>')
    r = map_oai_dc(parse(xml), source="s", oai_identifier="i", datestamp="2024-01-02")
    assert r.license == Licence("unknown", None, "info:eu-repo/semantics/openAccess | Other (Not Open)")


def test_no_metadata_gives_header_only() -> None:
    r = map_oai_dc(None, source="zenodo", oai_identifier="oai:zenodo.org:1", datestamp="2024-01-02",
                   set_specs=("openaire",))
    assert r == Resource(id="zenodo:oai:zenodo.org:1", source="zenodo", oai_identifier="oai:zenodo.org:1",
                         datestamp="2024-01-02", set_specs=("openaire",))


@pytest.mark.parametrize(("identifiers", "expected"), [
    (("oai:zenodo.org:1", "https://doi.org/10.5281/zenodo.1"), "https://doi.org/10.5281/zenodo.1"),
    (("https://doi.org/10.1/x", "http://dx.doi.org/10.1/y", "https://example.org/oer/7"),
     "https://example.org/oer/7"),
    (("http://dx.doi.org/10.1/y", "https://doi.org/10.1/x"), "http://dx.doi.org/10.1/y"),
    (("10.5281/zenodo.1", "doi:10.1/x", "urn:isbn:123", "ftp://example.org/f", "https://"), None),
    ((), None),
])
def test_landing_url(identifiers: tuple[str, ...], expected: str | None) -> None:
    assert landing_url(identifiers) == expected


def test_clean_strips_non_xml_characters() -> None:
    # lxml refuses such characters in a tree, so the cleaner is exercised directly.
    assert _clean(" \x00Open\x0b text\ufffe\x1f book \t\n") == "Open text book"
    assert _clean("\U0001F4DA tab\there") == "\U0001F4DA tab\there"
