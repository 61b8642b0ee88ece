"""Real records for the export tests, one per licence the attribution rules must handle.

* CC BY 4.0: Zenodo records of tests/search_corpus.py (oai_dc crosswalk).
* CC BY-SA 3.0 IGO: the UNESDOC record (tests/fixtures/unesdoc, UNESDOC crosswalk); and the
  same record with the licence read from UNESCO's imprint wording, for the scope note.
* CC BY-NC-ND 3.0 DE: two GMS articles from DataCite's OAI-PMH (tests/fixtures/export).
* CC0 1.0: a Zenodo/Dryad dataset (tests/fixtures/export).
* Public Domain Mark 1.0: two OER Commons rows (tests/fixtures/export); OER Commons' CSV
  export has no crosswalk, so :func:`oer_commons` maps its columns here, visibly.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from functools import lru_cache
from pathlib import Path

from harvester.crosswalks.unesdoc import map_unesdoc, unesdoc_records
from harvester.licences import normalise_licence
from harvester.oai_dc import map_oai_dc
from harvester.oai_response import parse_response
from harvester.record import LangString, Resource, Term
from search_corpus import real_resources

FIXTURES = Path(__file__).parent / "fixtures"

# UNESCO's imprint wording (typed from UNESCO publications, as in tests/test_licence_statements.py).
UNESCO_IMPRINT = ("This publication is available in Open Access under the Attribution-ShareAlike 3.0 IGO "
                  "(CC-BY-SA 3.0 IGO) license (http://creativecommons.org/licenses/by-sa/3.0/igo/). "
                  "By using the content of this publication, the users accept to be bound by the terms of use "
                  "of the UNESCO Open Access Repository (http://www.unesco.org/open-access/terms-use-ccbysa-en)."
                  "\nThe present license applies exclusively to the text content of the publication. For the use "
                  "of any material not clearly identified as belonging to UNESCO, prior permission shall be "
                  "requested from: publication.copyright@unesco.org or UNESCO Publishing.")


def _oai(relative: str, source: str) -> list[Resource]:
    page = parse_response((FIXTURES / relative).read_bytes(), verb="ListRecords")
    return [map_oai_dc(r.metadata, source=source, oai_identifier=r.identifier,
                       datestamp=r.datestamp, set_specs=r.set_specs) for r in page.records]


@lru_cache(maxsize=1)
def gms_by_nc_nd_de() -> tuple[Resource, ...]:
    """'Aus der AGMB' (Hentschel, Eike) and 'Neue Arbeitsfelder …' (two creators)."""
    return tuple(_oai("export/datacite-01-ListRecords-2records.xml", "datacite"))


def zenodo_cc0() -> Resource:
    """'Birth and death dates for individuals of twelve Rhododendron species'."""
    (record,) = _oai("export/zenodo-12-ListRecords-1record.xml", "zenodo")
    return record


def zenodo_cc_by() -> tuple[Resource, ...]:
    """The CC BY 4.0 Zenodo records of the search corpus."""
    return tuple(r for r in real_resources()
                 if r.source == "zenodo" and r.license.id == "CC-BY-4.0")


def unesdoc() -> Resource:
    """'Mapeo de los sistemas de créditos académicos …', CC BY-SA 3.0 IGO, Spanish."""
    page = json.loads((FIXTURES / "unesdoc" / "root_unesdoc.json").read_text("utf-8"))
    (record,) = unesdoc_records(page)
    return map_unesdoc(record, source="unesdoc", datestamp="2026-01-01T00:00:00Z")


def unesdoc_with_scope() -> Resource:
    """The UNESDOC record with its licence read from UNESCO's imprint (with the scope note)."""
    lic = normalise_licence([UNESCO_IMPRINT], provenance="pdf-imprint")
    return dataclasses.replace(unesdoc(), license=lic)


def oer_commons() -> tuple[Resource, ...]:
    """The two OER Commons rows marked with the Public Domain Mark, mapped column by column:
    NAME -> title, URL -> url/identifier, LANGUAGES -> language, SUBJECTS -> subject,
    GRADE_SUBLEVELS -> educational_level, MATERIAL_TYPES -> type, CREATE_DATE -> date,
    LICENSE_URL -> license. The export has no author column."""
    text = (FIXTURES / "export" / "oer-commons-pdm-2rows.csv").read_text("utf-8")
    out = []
    for row in csv.DictReader(io.StringIO(text, newline=""), delimiter=";"):
        out.append(Resource(
            id=f"oercommons:{row['URL']}", source="oercommons", oai_identifier=row["URL"],
            datestamp=row["CREATE_DATE"] + "Z", title=(LangString(row["NAME"]),),
            language=tuple(row["LANGUAGES"].split("|")), url=row["URL"],
            identifier=(row["URL"],), date=(row["CREATE_DATE"],),
            issued=row["CREATE_DATE"][:10],
            subject=tuple(LangString(s) for s in row["SUBJECTS"].split("|") if s),
            educational_level=tuple(Term(v, "oercommons") for v in
                                    row["GRADE_SUBLEVELS"].split("|") if v),
            type=(LangString(row["MATERIAL_TYPES"]),),
            license=normalise_licence([row["LICENSE_URL"]], provenance="metadata",
                                      source_field="LICENSE_URL")))
    return tuple(out)


def attribution_set() -> list[Resource]:
    """One list holding every licence the attribution tests check, in this order: CC BY
    4.0 (first Zenodo record), CC BY-SA 3.0 IGO, CC BY-NC-ND 3.0 DE (two), CC0, PDM (two)."""
    return [zenodo_cc_by()[0], unesdoc(), *gms_by_nc_nd_de(), zenodo_cc0(), *oer_commons()]


def rigged(base: Resource, title: str, **changes) -> Resource:
    """``base`` with a hostile title (and other changes), under a new id."""
    changes.setdefault("id", base.id + ":rigged")
    return dataclasses.replace(base, title=(LangString(title, "en"),), **changes)
