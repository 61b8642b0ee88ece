"""The licence parser on real statements: every line of the recorded rights statements.

Fixtures (tests/fixtures/licences/, see tests/fixtures/README.md):
- ``rights-statements.tsv``: real rights/licence strings from harvested records and pages,
  copied byte for byte from shared/fixtures/licences/;
- ``expected-licences.tsv``: the expected id of each of those lines, of the dc:rights values
  of the shared OAI-PMH fixtures not already there, and of the distinct OER Commons
  LICENSE_URL/LICENSE_TITLE values, each checked by hand.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from harvester.licence_table import licence_info
from harvester.licences import (
    normalise_licence,
    parse_licence,
    scope_note_of,
    statement_note,
)
from harvester.record import Licence

FIXTURES = Path(__file__).parent / "fixtures"
DC_RIGHTS = "{http://purl.org/dc/elements/1.1/}rights"


def _tsv(name: str) -> list[list[str]]:
    lines = (FIXTURES / "licences" / name).read_text(encoding="utf-8").splitlines()
    rows = [line.split("\t") for line in lines if line and not line.startswith("#")]
    return rows[1:]  # header


STATEMENTS = [row[0] for row in _tsv("rights-statements.tsv")]
EXPECTED = {row[1]: row[0] for row in _tsv("expected-licences.tsv")}


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_every_recorded_statement_has_an_expected_answer() -> None:
    assert len(STATEMENTS) == 262
    missing = [s for s in STATEMENTS if s not in EXPECTED]
    assert not missing


@pytest.mark.parametrize(("statement", "expected_id"), sorted(EXPECTED.items()))
def test_real_statement_reads_as_expected(statement: str, expected_id: str) -> None:
    lic = parse_licence(statement)
    got = lic.id if lic else "unknown"
    assert got == expected_id
    if lic:
        assert lic.raw == statement and lic.url == licence_info(got).url


def test_answers_cover_the_kinds_a_librarian_meets() -> None:
    counts: dict[str, int] = {}
    for lic_id in EXPECTED.values():
        kind = licence_info(lic_id).family if licence_info(lic_id) else "unknown"
        counts[kind] = counts.get(kind, 0) + 1
    assert counts == {"cc": 86, "cc0": 2, "pdm": 6, "rightsstatements": 4, "oss": 5,
                      "arr": 70, "custom": 1, "unknown": 112}


def _dc_rights(paths: list[Path]) -> list[str]:
    values = []
    for path in paths:
        tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
        values += [el.text or "" for el in tree.iter(DC_RIGHTS)]
    return values


def test_dc_rights_of_the_oai_fixtures_read_as_expected() -> None:
    values = _dc_rights(sorted((FIXTURES / "oai").glob("*.xml")))
    assert len(values) >= 9
    for value in values:
        lic = parse_licence(value)
        assert (lic.id if lic else "unknown") == EXPECTED[_collapse(value)], value


def test_whitespace_as_harvested_does_not_change_the_answer() -> None:
    # dc:rights values exactly as two shared OAI fixtures hold them (Zenodo, Nature)
    assert parse_licence("\n        info:eu-repo/semantics/openAccess\n      ") is None
    nature = "© 2016 Nature Publishing Group, a division of Macmillan Publishers Limited. All Rights\n" \
             "                Reserved."
    assert parse_licence(nature).id == "LicenseRef-All-Rights-Reserved"


# --- OER Commons: LICENSE_TITLE is a versionless slug, LICENSE_URL carries the version ------

def test_oer_commons_url_decides_and_the_slug_alone_is_unknown() -> None:
    assert normalise_licence(["cc-by-nc", "http://creativecommons.org/licenses/by-nc/2.5/in/"]).id == \
        "CC-BY-NC-2.5-IN"
    assert normalise_licence(["public-domain", "https://creativecommons.org/publicdomain/mark/1.0/"]).id \
        == "LicenseRef-Public-Domain"  # both known: the first statement wins
    assert normalise_licence(["https://creativecommons.org/publicdomain/mark/1.0/", "public-domain"]).id \
        == "CC-PDM-1.0"
    assert normalise_licence(["cc-by-nd"]) == Licence("unknown", None, "cc-by-nd")
    assert statement_note("cc-by-nd").startswith("a Creative Commons licence named without its version")


# --- HTML snippets -------------------------------------------------------------------

UNESDOC_RIGHTS = next(s for s in STATEMENTS if s.startswith('<a href="https://creativecommons.org/'))


def test_unesdoc_html_snippet_reads_its_href() -> None:
    lic = parse_licence(UNESDOC_RIGHTS)
    assert lic == Licence("CC-BY-SA-3.0-IGO", "https://creativecommons.org/licenses/by-sa/3.0/igo/",
                          UNESDOC_RIGHTS)


@pytest.mark.parametrize(("html", "expected_id"), [
    # rel=license wins over other links; the text is read when no href names a licence
    ('<p><a href="https://example.org/about">About</a> <a rel="license" '
     'href="http://creativecommons.org/licenses/by-nc/3.0/us/">CC</a></p>', "CC-BY-NC-3.0-US"),
    ('<a rel="license" href="https://example.org/terms">Attribution-ShareAlike 4.0 International</a>',
     "CC-BY-SA-4.0"),
    ('<span>Lizenz: <a href="https://creativecommons.org/licenses/by/4.0/deed.de">'
     "Namensnennung 4.0 International</a></span>", "CC-BY-4.0"),
    ('<a href="http://rightsstatements.org/vocab/InC/1.0/">In Copyright</a>', "RS-InC-1.0"),
    ("<p>&copy; 2019 UNESCO</p>", "LicenseRef-All-Rights-Reserved"),
])
def test_html_snippets(html: str, expected_id: str) -> None:
    assert parse_licence(html).id == expected_id


@pytest.mark.parametrize("html", [
    '<script>document.write("CC BY 4.0")</script>',
    '<a href="javascript:alert(1)">click</a>',
    "<a href=", "<<<>>>", "<a>" * 5000, '<img src=x onerror="alert(1)">',
])
def test_html_without_a_licence_is_unknown(html: str) -> None:
    assert parse_licence(html) is None


# --- access statements, scope notes, provenance ------------------------------------------

@pytest.mark.parametrize("text", ["info:eu-repo/semantics/openAccess", "info:eu-repo/semantics/closedAccess",
                                  "openAccess", "open", "closed access", "Free access", "embargoedAccess",
                                  "info:eu-repo/date/embargoEnd/2061-02-14"])
def test_access_statements_are_not_licences(text: str) -> None:
    assert parse_licence(text) is None
    assert statement_note(text) == "an access statement (open/closed/embargoed access), not a licence"


# The wording UNESCO prints on the title-page verso of its CC BY-SA 3.0 IGO publications (not a
# recorded fixture: no shared fixture holds a UNESCO imprint; typed from UNESCO publications).
UNESCO_IMPRINT = ("This publication is available in Open Access under the Attribution-ShareAlike 3.0 IGO "
                  "(CC-BY-SA 3.0 IGO) license (http://creativecommons.org/licenses/by-sa/3.0/igo/). "
                  "By using the content of this publication, the users accept to be bound by the terms of use "
                  "of the UNESCO Open Access Repository (http://www.unesco.org/open-access/terms-use-ccbysa-en)."
                  "\nThe present license applies exclusively to the text content of the publication. For the use "
                  "of any material not clearly identified as belonging to UNESCO, prior permission shall be "
                  "requested from: publication.copyright@unesco.org or UNESCO Publishing.")


def test_scope_note_and_provenance_are_kept() -> None:
    lic = normalise_licence([UNESCO_IMPRINT], provenance="pdf-imprint")
    assert (lic.id, lic.provenance, lic.source_field) == ("CC-BY-SA-3.0-IGO", "pdf-imprint", None)
    assert lic.scope_note == "The present license applies exclusively to the text content of the publication."
    assert lic.raw == UNESCO_IMPRINT
    meta = normalise_licence(["CC BY 4.0"], provenance="metadata", source_field="dc:rights")
    assert (meta.provenance, meta.source_field, meta.scope_note) == ("metadata", "dc:rights", None)
    assert scope_note_of("CC BY 4.0") is None
    with pytest.raises(ValueError):
        normalise_licence(["CC BY 4.0"], provenance="guess")


def test_licence_round_trips_through_a_stored_dict() -> None:
    from dataclasses import asdict
    lic = normalise_licence([UNESCO_IMPRINT], provenance="pdf-imprint", source_field="pdf")
    assert Licence(**asdict(lic)) == lic
    assert Licence(**{"id": "CC0-1.0", "url": None, "raw": None}).status == "known"  # older stored form
