"""XML crosswalks (qualified DC, LOM, MODS, DataCite 3 and 4) on real recorded records.

Fixtures and their provenance: tests/fixtures/README.md. Expected values are read off
the fixture files.
"""

from __future__ import annotations

import json

import pytest

from harvester.crosswalks.datacite import map_datacite
from harvester.crosswalks.dcterms import map_dcterms
from harvester.crosswalks.lom import map_lom, vcard_name
from harvester.crosswalks.mods import map_mods
from harvester.licences import normalise_licence
from harvester.record import DateValue, Identifier, LangString, Resource, Term
from records_from_fixtures import oai_records, parse, sru_records

NLLOM = "http://purl.edustandaard.nl/"


# --- qualified DC ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def usc() -> Resource:
    header, element = oai_records("qdc/usc-oai_qdc-ListRecords.xml")[0]
    return map_dcterms(element, source="usc", metadata_prefix="oai_qdc", **header)


def test_qdc_refinements_go_to_their_parent_property(usc: Resource) -> None:
    assert usc.id == "usc:oai:digitallibrary.usc.edu:p15799coll117/0"
    assert usc.metadata_prefix == "oai_qdc"
    assert usc.title == (LangString("Letter, Cornelia A. Kelley to Andrew Viterbi, February 25, 2000"),)
    assert usc.relation == ("Boston Latin School", "vit-m1",
                            "Andrew J. and Erna Viterbi Family Archives", "Academic Affiliations")
    assert usc.rights_holder == (LangString("USC Libraries Special Collections"),)
    assert usc.derived_from == ("University of Southern California", "Box 1, Folder 2")
    # dc:rights and dcterms:accessRights carry the same text: kept once
    assert len(usc.rights) == 2 and usc.rights[1].value.startswith("Doheny Memorial Library 206")


def test_qdc_created_dates_keep_role_and_interval(usc: Resource) -> None:
    assert usc.dates == (DateValue("2000/2000", "2000/2000", "year", False, "created"),
                         DateValue("2000", "2000", "year", False, "created"))
    assert usc.issued == "2000"


def test_qdc_identifiers_and_landing_page(usc: Resource) -> None:
    landing = "http://digitallibrary.usc.edu/cdm/ref/collection/p15799coll117/id/0"
    assert usc.identifier == ("vit-m15", "VIT-000014", landing)
    assert usc.identifiers == (Identifier("url", landing),)
    assert usc.url == landing


def test_nsdl_dc_profile_xsi_types() -> None:
    header, element = oai_records("qdc/nsdl-nsdl_dc-GetRecord.xml")[0]
    r = map_dcterms(element, source="nsdl", metadata_prefix="nsdl_dc", **header)
    assert r.title == (LangString("Molecular Structure of Dinitrophenol"),)
    # <dc:type xsi:type="dct:DCMIType">Text</dc:type> is taken as given
    assert r.dcmi_type == ("Text",)
    assert [t.value for t in r.type] == ["Dataset", "Interactive Simulation",
                                        "Instructional Material", "Text"]
    # hdl: values are handles; the MetadataHandle names the metadata record, not the resource
    assert r.identifiers == (
        Identifier("url", "http://www.reciprocalnet.org/recipnet/showsample.jsp?sampleId=27344140"),
        Identifier("handle", "2200/20080423151356635T"))
    assert r.language_raw == ("English",) and r.language == ("en",)
    assert r.issued == "2002-09-19T18:01:07Z"  # earliest of two untyped dc:date values


# --- LOM (NL-LOM / IMS MD 1.2 over SRU) -----------------------------------------------

@pytest.fixture(scope="module")
def lom() -> list[Resource]:
    return [map_lom(element, source="edurep", oai_identifier=rid, datestamp="")
            for rid, element in sru_records("lom/edurep-sru-lom-2records.xml")]


def test_lom_general_and_lifecycle(lom: list[Resource]) -> None:
    wiki = lom[0]
    assert wiki.oai_identifier == ("wikipedia_nl:oai:collecties.edurep.nl:oaiprovider/mediawiki/"
                                   "ef1bb6d4-c229-4b46-8b1a-65441267dc90")
    assert wiki.title == (LangString("Elektrische fiets", "nl"),)
    assert wiki.description[0].value.startswith(
        "Een elektrische fiets is een fiets die door een elektromotor\naangedreven wordt")
    assert [s.value for s in wiki.subject] == ["aantal", "systeem", "gebruik", "ondersteuning",
                                               "motor", "fietsen", "accu", "elektrische", "fiets"]
    assert wiki.publisher == (LangString("Wikipedia"),)
    assert wiki.dates == (DateValue("2015-12-08T10:33:43Z", "2015-12-08T10:33:43Z", "second",
                                    False, "issued"),)
    assert wiki.language == ("nl",)
    assert wiki.format == ("text/html",)
    assert wiki.url == "http://nl.wikipedia.org/wiki/Elektrische_fiets"
    assert wiki.relation == ("http://nl.wikipedia.org/w/index.php?title=Elektrische_fiets&oldid=45328106",)


def test_lom_educational_terms_keep_their_vocabulary(lom: list[Resource]) -> None:
    wiki = lom[0]
    assert wiki.learning_resource_type == (
        Term("informatiebron", NLLOM + "vdex_learningresourcetype_czp_20060628.xml"),)
    assert wiki.audience == (Term("learner", NLLOM + "vdex_intendedenduserrole_lomv1p0_20060628.xml"),)
    context = NLLOM + "vdex_context_czp_20060628.xml"
    assert wiki.educational_level == (Term("HBO", context), Term("WO", context), Term("VO", context))
    assert wiki.typical_age_range == ("17+",)


def test_lom_nl_licence_code(lom: list[Resource]) -> None:
    wiki = lom[0]
    assert wiki.rights == (LangString("cc-by-sa-30"),)
    assert wiki.license == normalise_licence(["cc-by-sa-30"], provenance="metadata",
                                             source_field="lom:rights")
    assert wiki.license.id == "CC-BY-SA-3.0"


def test_lom_video_record_with_two_educational_blocks(lom: list[Resource]) -> None:
    tv = lom[1]
    assert tv.oai_identifier == "metaplus:Schooltv:/NTR/POMS/WO_NTR_427321"
    assert tv.title == (LangString("De geschiedenis van de fiets:Van loopfiets tot moderne fiets", "nl"),)
    assert tv.publisher == (LangString("Schooltv"),)
    assert tv.format == ("video/H264",)
    assert tv.dcmi_type == ("MovingImage",)  # from the media type: informatiebron maps to nothing
    assert tv.url == "https://schooltv.nl/video/de-geschiedenis-van-de-fiets-van-loopfiets-tot-moderne-fiets/"
    assert tv.identifier[0] == "/NTR/POMS/WO_NTR_427321"
    assert tv.typical_age_range == ("5-6", "7-8")
    assert tv.audience == (Term("learner", "LOMv1.0"),)
    levels = {(t.value, t.label) for t in tv.educational_level}
    assert ("PO", None) in levels and ("po_groep1", "PO groep 1") in levels
    assert ("82ca4442-246c-44b3-a562-7b101793feb4", "Groep 1") in levels
    assert LangString("Verkeer", "nl") in tv.subject  # discipline classification
    assert tv.rights == () and not tv.license.known  # copyrightandotherrestrictions "no"


def test_vcard_name_forms() -> None:
    assert vcard_name("BEGIN:VCARD\n   VERSION:3.0\n   FN:Schooltv\n   N:Schooltv\nEND:VCARD") == "Schooltv"
    assert vcard_name("BEGIN:VCARD\nN:Doe;Jane;;;\nEND:VCARD") == "Doe, Jane"
    assert vcard_name("BEGIN:VCARD\nVERSION:3.0\nEND:VCARD") is None


# --- MODS (DuEPublico OER) ------------------------------------------------------------

@pytest.fixture(scope="module")
def mods() -> list[Resource]:
    return [map_mods(element, source="duepublico", **header)
            for header, element in oai_records("mods/duepublico-oer-04-ListRecords-mods.xml")]


def test_mods_page_has_two_live_and_45_deleted_records(mods: list[Resource]) -> None:
    assert len(mods) == 47
    assert sum(1 for r in mods if r.title) == 2
    deleted = mods[2]
    assert deleted.oai_identifier == "oai:oer.uni-due.de:duepublico_mods_00074413"
    assert deleted.title == () and deleted.datestamp == "2021-05-18"


def test_mods_podcast_record(mods: list[Resource]) -> None:
    r = mods[0]
    assert r.set_specs == ("ddc:300", "doc-type:Sound")
    # nonSort "Der" goes in front; the host series' title is a relation, not a title
    assert r.title == (LangString("Der Streit, Episode 7 - Wagner-Pacifici: What is an Event?", "de"),)
    assert r.relation == ("Der Streit - Über neue soziologische Literatur: Podcast",)
    # marcrelator cre -> creator; the host series' own names are not the item's
    assert r.creator == (LangString("Armbruster, André"), LangString("Seyfert, Robert"))
    assert r.contributor == ()
    assert r.dates == (DateValue("2021-05-27", "2021-05-27", "day", False, "issued"),)
    assert r.issued == "2021-05-27"
    assert [t.value for t in r.type] == ["sound recording-nonmusical", "sound"]
    assert r.dcmi_type == ("Sound",)
    assert r.format == ("00:43:43",)
    assert r.language == ("de",)
    assert [s.value for s in r.subject] == ["Podcast", "Soziologie", "Review", "Besprechungen"]
    # the base64 altFormat copy of the abstract has no text and is skipped
    assert len(r.description) == 1 and r.description[0].lang == "de"
    assert r.description[0].value.startswith("Der Streit – Podcast über neue soziologische Literatur.")
    assert r.url == "https://duepublico2.uni-due.de/receive/duepublico_mods_00074441"
    href = "https://duepublico.uni-due.de/api/v1/classifications/mir_licenses#cc_by-nc-sa_4.0"
    assert r.rights == (LangString(href),)
    assert r.license == normalise_licence([href], provenance="metadata",
                                         source_field="mods:accessCondition")


def test_mods_course_material(mods: list[Resource]) -> None:
    r = mods[1]
    assert r.title == (LangString('Erich Kästner "zum Gebrauch": Unterrichtspraktische '
                                  'Anregungen für die Klassen 9 und 10', "de"),)
    assert r.creator == (LangString("Oeste, Bettina"),)
    assert r.dates == (DateValue("2021", "2021", "year", False, "issued"),)
    assert [t.value for t in r.type] == ["mixed material", "instruction"]
    assert r.dcmi_type == ()  # "mixed material" has no DCMI equivalent
    assert r.identifiers == (Identifier(
        "url", "https://duepublico2.uni-due.de/receive/duepublico_mods_00074302"),)


# --- DataCite -------------------------------------------------------------------------

def test_datacite_kernel4_zenodo_software() -> None:
    header, element = oai_records("datacite/zenodo-02-GetRecord-datacite.xml")[0]
    r = map_datacite(element, source="zenodo", **header)
    assert r.id == "zenodo:oai:zenodo.org:10357859"
    assert r.title == (LangString("Research Data Management Organiser (RDMO)"),)
    assert len(r.creator) == 9
    assert r.creator[0] == LangString("Klar, Jochen")
    assert r.creator[6] == LangString("Martínez Muñoz, David")
    assert r.publisher == (LangString("Zenodo"),)
    assert r.dates == (DateValue("2023-12-11", "2023-12-11", "day", False, "issued"),
                       DateValue("2023-12-11", "2023-12-11", "day", False, "updated"))
    assert r.issued == "2023-12-11"
    assert r.type == (LangString("Software"),) and r.dcmi_type == ("Software",)
    assert r.identifiers == (Identifier("doi", "10.5281/zenodo.10357859"),)
    assert r.url == "https://doi.org/10.5281/zenodo.10357859"
    assert r.relation == ("https://github.com/rdmorganiser/rdmo/tree/2.1.0", "10.5281/zenodo.596581",
                          "https://zenodo.org/communities/rdmo/")
    assert [x.value for x in r.rights] == ["http://www.apache.org/licenses/LICENSE-2.0",
                                           "Apache License 2.0", "info:eu-repo/semantics/openAccess"]
    assert r.license == normalise_licence([x.value for x in r.rights], provenance="metadata",
                                         source_field="datacite:rightsList/rights")
    assert r.description[0].value.startswith("RDMO 2.1.0 (Dec 11, 2023)")


def test_datacite_kernel3_zenodo_record() -> None:
    element = parse("datacite/zenodo-11020-kernel3.xml")
    r = map_datacite(element, source="zenodo", oai_identifier="oai:zenodo.org:11020",
                     datestamp="2014-07-24", metadata_prefix="oai_datacite3")
    assert r.metadata_prefix == "oai_datacite3"
    assert r.title == (LangString("triangle.py v0.1.1"),)
    assert [c.value for c in r.creator] == [
        "Dan Foreman-Mackey", "Adrian Price-Whelan", "Geoffrey Ryan", "Emily", "Michael Smith",
        "Kyle Barbary", "David W. Hogg", "Brendon J. Brewer"]
    assert r.publisher == (LangString("ZENODO"),)
    assert r.date == ("2014-07-24", "2014")
    assert r.issued == "2014-07-24"  # the Issued date wins over publicationYear
    assert r.identifiers == (Identifier("doi", "10.5281/zenodo.11020"),
                             Identifier("url", "http://zenodo.org/record/11020"))
    assert r.url == "http://zenodo.org/record/11020"  # alternateIdentifier of type URL
    # escaped markup in the abstract stays text, never rendered
    assert r.description == (LangString("<p>This is a citable release with a better name.</p>"),)
    assert [x.value for x in r.rights] == ["info:eu-repo/semantics/openAccess", "Open Access",
                                           "Other (Open)"]
    assert not r.license.known


def test_mappers_without_metadata_keep_the_header() -> None:
    for mapper in (map_dcterms, map_lom, map_mods, map_datacite):
        r = mapper(None, source="s", oai_identifier="oai:s:1", datestamp="2021-05-18",
                   set_specs=("a",))
        assert (r.id, r.datestamp, r.set_specs, r.title) == ("s:oai:s:1", "2021-05-18", ("a",), ())


def test_new_fields_survive_the_store_round_trip(lom: list[Resource]) -> None:
    tv = lom[1]
    again = Resource.from_dict(json.loads(json.dumps(tv.to_dict(), ensure_ascii=False)))
    assert again == tv
    assert isinstance(again.educational_level[0], Term) and isinstance(again.dates, tuple)
