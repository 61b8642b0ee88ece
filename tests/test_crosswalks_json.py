"""schema.org/LRMI JSON-LD and UNESDOC open-data crosswalks on real recorded data.

Fixtures and their provenance: tests/fixtures/README.md.
"""

from __future__ import annotations

import json

import pytest
from records_from_fixtures import FIXTURES

from harvester.crosswalks.schema_org import creative_works, jsonld_blocks, map_schema_org
from harvester.crosswalks.unesdoc import map_unesdoc, rights_link, unesdoc_records
from harvester.record import DateValue, Identifier, LangString, Resource, Term

HOOU_PAGE = "https://www.hoou.de/materials/ifm-erzahlung-wie"
IGO = "https://creativecommons.org/licenses/by-sa/3.0/igo/"


@pytest.fixture(scope="module")
def hoou() -> Resource:
    nodes = jsonld_blocks((FIXTURES / "jsonld" / "hoou-ifm-erzaehlung-wie.html").read_bytes())
    assert [n["@type"] for n in nodes] == ["Organization", "BreadcrumbList", "CreativeWork"]
    works = creative_works(nodes)
    assert len(works) == 1
    return map_schema_org(works[0], source="hoou", record_id=HOOU_PAGE,
                          datestamp="2018-03-27T22:30:14Z", url=HOOU_PAGE)


def test_hoou_creative_work(hoou: Resource) -> None:
    assert hoou.id == f"hoou:{HOOU_PAGE}"
    assert hoou.title == (LangString("IFM - Erzählung. Wie?"),)
    assert hoou.description[0].value.startswith(
        'Videolecture im Rahmen des Kurses "Innovatives Filme Machen" \nKapitel 1.2 Erzählung: wie?')
    assert hoou.creator == (LangString("Prof. Robert Bramkamp"),)
    # no publisher: the providing university stands in
    assert hoou.publisher == (LangString("Hochschule für bildende Künste Hamburg"),)
    assert [s.value for s in hoou.subject] == ["Kunst", "#filmemachen", "#film"]
    assert hoou.type == (LangString("CreativeWork"),) and hoou.dcmi_type == ()


def test_hoou_dates_keep_roles_and_drop_fractions(hoou: Resource) -> None:
    assert hoou.dates == (
        DateValue("2017-09-16T10:25:16.642Z", "2017-09-16T10:25:16Z", "second", False, "issued"),
        DateValue("2017-09-14T16:25:55.948Z", "2017-09-14T16:25:55Z", "second", False, "created"),
        DateValue("2018-03-27T22:30:14.555Z", "2018-03-27T22:30:14Z", "second", False, "modified"))
    assert hoou.issued == "2017-09-16T10:25:16Z"


def test_hoou_licence_and_landing(hoou: Resource) -> None:
    assert hoou.rights == (LangString("https://creativecommons.org/licenses/by-nc-sa/4.0/"),)
    assert hoou.license.id == "CC-BY-NC-SA-4.0"
    assert hoou.url == HOOU_PAGE
    assert hoou.identifiers == (Identifier("url", HOOU_PAGE),)


def test_hoou_null_lrmi_properties_are_absent(hoou: Resource) -> None:
    # HOOU sends every LRMI and accessibility key, all null
    assert (hoou.learning_resource_type, hoou.educational_level, hoou.audience, hoou.teaches,
            hoou.typical_age_range, hoou.accessibility_feature, hoou.accessibility_hazard) == (
        (), (), (), (), (), (), ())


def test_pressbooks_chapter() -> None:
    data = json.loads((FIXTURES / "jsonld" / "pb_chapter_5_metadata.json").read_text("utf-8"))
    api = "https://wtcs.pressbooks.pub/communications/wp-json/pressbooks/v2/chapters/5"
    r = map_schema_org(data, source="pressbooks", record_id=api, datestamp="2025-06-30")
    assert r.title == (LangString("Chapter 1: Introduction to Communication Situations"),)
    assert r.creator == (LangString("Jane Doe"),)
    assert r.contributor == (LangString("John Smith"),)  # editor
    assert r.publisher == (LangString("WisTech Open"),)
    assert r.language_raw == ("en",) and r.language == ("en",)
    assert r.relation == ("Oral/Interpersonal Communication",)
    assert r.dates == (DateValue("2025-06-30", "2025-06-30", "day", False, "issued"),
                       DateValue("2025", "2025", "year", False, "copyrighted"))
    assert r.type == (LangString("Chapter"),) and r.dcmi_type == ("Text",)
    assert r.rights == (LangString("https://creativecommons.org/licenses/by/4.0/"),
                        LangString("CC BY (Attribution)"))
    assert r.license.id == "CC-BY-4.0"
    assert r.url is None  # the API's self link is not a landing page


def test_lrmi_and_amb_controlled_values() -> None:
    # No recorded fixture has non-null LRMI values: shapes from the LRMI and AMB specifications.
    node = {
        "@type": ["LearningResource", "VideoObject"], "name": "x",
        "learningResourceType": [{"id": "https://w3id.org/kim/hcrt/video",
                                  "prefLabel": {"de": "Video", "en": "Video"}}],
        "educationalLevel": {"@type": "DefinedTerm", "name": "Primary school", "termCode": "1",
                             "inDefinedTermSet": "http://purl.org/dcx/lrmi-vocabs/educationalLevel/"},
        "audience": [{"@type": "EducationalAudience", "educationalRole": "teacher"}],
        "accessibilityFeature": ["captions", "transcript"], "accessMode": "auditory",
        "accessibilityHazard": "noFlashingHazard",
        "accessibilitySummary": {"@value": "Captioned video.", "@language": "en"},
        "typicalAgeRange": "6-8",
    }
    r = map_schema_org(node, source="s", record_id="r", datestamp="2024-01-01")
    assert r.learning_resource_type == (Term("https://w3id.org/kim/hcrt/video", None, "Video"),)
    assert r.educational_level == (Term("1", "http://purl.org/dcx/lrmi-vocabs/educationalLevel/",
                                        "Primary school"),)
    assert r.audience == (Term("teacher"),)
    assert r.accessibility_feature == ("captions", "transcript")
    assert r.access_mode == ("auditory",) and r.accessibility_hazard == ("noFlashingHazard",)
    assert r.accessibility_summary == (LangString("Captioned video.", "en"),)
    assert r.typical_age_range == ("6-8",)
    assert r.dcmi_type == ("MovingImage",)


# --- UNESDOC --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def unesdoc() -> Resource:
    page = json.loads((FIXTURES / "unesdoc" / "root_unesdoc.json").read_text("utf-8"))
    assert page["total_count"] == 15334
    (record,) = unesdoc_records(page)
    return map_unesdoc(record, source="unesdoc", datestamp="2026-01-01T00:00:00Z")


def test_unesdoc_identity(unesdoc: Resource) -> None:
    assert unesdoc.id == "unesdoc:ark:/48223/pf0000397002"
    assert unesdoc.oai_identifier == "ark:/48223/pf0000397002"
    assert unesdoc.identifiers == (
        Identifier("ark", "ark:/48223/pf0000397002"),
        Identifier("url", "https://unesdoc.unesco.org/ark:/48223/pf0000397002"))
    assert unesdoc.url == "https://unesdoc.unesco.org/ark:/48223/pf0000397002"


def test_unesdoc_creator_string_is_split_and_kept(unesdoc: Resource) -> None:
    raw = ("UNESCO International Institute for Higher Education in Latin America and the "
           "Caribbean, Marquina, Mónica")
    assert unesdoc.creator_raw == (raw,)
    assert unesdoc.creator == (
        LangString("UNESCO International Institute for Higher Education in Latin America and the Caribbean"),
        LangString("Marquina, Mónica"))


def test_unesdoc_fields(unesdoc: Resource) -> None:
    assert unesdoc.title[0].value.startswith("Mapeo de los sistemas de créditos académicos")
    assert unesdoc.language_raw == ("spa",) and unesdoc.language == ("es",)
    assert unesdoc.dates == (DateValue("2026", "2026", "year", False, "issued"),)
    assert unesdoc.issued == "2026"
    assert unesdoc.type == (LangString("programme and meeting document"),)
    assert unesdoc.dcmi_type == ("Text",)
    assert [s.value for s in unesdoc.subject][:2] == ["Higher education", "Student evaluation"]
    assert len(unesdoc.subject) == 7


def test_unesdoc_rights_snippet(unesdoc: Resource) -> None:
    (rights,) = unesdoc.rights
    assert rights.value.startswith('<a href="https://creativecommons.org/licenses/by-sa/3.0/igo/"')
    assert rights_link(rights.value) == (IGO, "CC BY-SA 3.0 IGO")
    assert unesdoc.license.id == "CC-BY-SA-3.0-IGO"
    assert unesdoc.license.raw == IGO


def test_unesdoc_record_without_url_is_refused() -> None:
    with pytest.raises(ValueError):
        map_unesdoc({"title": "x"}, source="unesdoc", datestamp="2026-01-01")
    assert rights_link("") == (None, None)
    assert rights_link("CC BY-SA 3.0 IGO") == (None, "CC BY-SA 3.0 IGO")
