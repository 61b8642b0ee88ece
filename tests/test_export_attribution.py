"""Attribution lines (TASL), licence names, the remix check and the export selection,
on real records (tests/export_records.py) and licence table ids."""

from __future__ import annotations

import dataclasses

import pytest

from export_records import (attribution_set, gms_by_nc_nd_de, oer_commons, unesdoc,
                            unesdoc_with_scope, zenodo_cc0, zenodo_cc_by)
from harvester.licence_table import licence_info
from harvester.licences import normalise_licence
from harvester.record import Licence, LangString
from search.export.attribution import attribute, licence_name, render
from search.export.remix import remix_check, sharealike_targets
from search.export.selection import Selection


def test_cc_by_4_0() -> None:
    record = zenodo_cc_by()[0]
    a = attribute(record)
    assert a.text == ("“Meika4/mabs_mds7_gaussians: mAbs.MDS7 Gaussians” by Meika4 (source: "
                      "https://doi.org/10.5281/zenodo.20510666) is licensed under CC BY 4.0 "
                      "(https://creativecommons.org/licenses/by/4.0/).")
    assert (a.kind, a.missing) == ("required", ())


def test_cc_by_sa_3_0_igo_keeps_the_port_and_the_scope_note() -> None:
    assert attribute(unesdoc()).text.endswith(
        "by UNESCO International Institute for Higher Education in Latin America and the "
        "Caribbean; Marquina, Mónica (source: https://unesdoc.unesco.org/ark:/48223/pf0000397002) "
        "is licensed under CC BY-SA 3.0 IGO (https://creativecommons.org/licenses/by-sa/3.0/igo/).")
    scoped = attribute(unesdoc_with_scope())
    assert scoped.scope_note == ("The present license applies exclusively to the text content "
                                 "of the publication.")
    assert scoped.text.endswith("is licensed under CC BY-SA 3.0 IGO (https://creativecommons.org/"
                                "licenses/by-sa/3.0/igo/). Scope stated by the source: “The present "
                                "license applies exclusively to the text content of the "
                                "publication.”")


def test_cc_by_nc_nd_3_0_de_port() -> None:
    first, second = (attribute(r) for r in gms_by_nc_nd_de())
    assert first.text == ("“Aus der AGMB” by Hentschel, Eike (source: https://doi.org/10.3205/"
                          "mbi000252) is licensed under CC BY-NC-ND 3.0 DE "
                          "(https://creativecommons.org/licenses/by-nc-nd/3.0/de/).")
    # the harvested title spans lines; the attribution has it on one
    assert second.title == ("Neue Arbeitsfelder in der Bibliothek des Robert Koch-Instituts : "
                            "Open Access und institutionelles Repositorium")
    assert second.authors == ("Senst, Henriette", "Erling, Jens")


def test_cc0_is_a_courtesy() -> None:
    a = attribute(zenodo_cc0())
    assert a.kind == "courtesy"
    assert a.text == ("“Birth and death dates for individuals of twelve Rhododendron species” by "
                      "Dahlgren, Johan; Baden, Heide Maria; Colchero, Fernando; Cubey, Robert "
                      "(source: https://doi.org/10.5061/dryad.cz8w9gj8q) is marked with CC0 1.0 "
                      "(https://creativecommons.org/publicdomain/zero/1.0/). No attribution is "
                      "required; crediting the work is a courtesy.")


def test_pdm_without_author_says_it_is_missing() -> None:
    a = attribute(oer_commons()[0])
    assert a.missing == ("author",)
    assert a.text == ("“Marketing Mix” (author not given in the source record; source: "
                      "https://oercommons.org/courseware/lesson/65913/overview) is marked with "
                      "Public Domain Mark 1.0 (https://creativecommons.org/publicdomain/mark/1.0/)."
                      " No attribution is required; crediting the work is a courtesy.")


def test_nothing_is_invented_when_the_record_lacks_facts() -> None:
    bare = dataclasses.replace(gms_by_nc_nd_de()[0], title=(), creator=(), url=None)
    a = attribute(bare)
    assert a.missing == ("title", "author", "source")
    assert a.text == ("This resource (title not given in the source record; author not given in "
                      "the source record; source link not given in the source record) is "
                      "licensed under CC BY-NC-ND 3.0 DE "
                      "(https://creativecommons.org/licenses/by-nc-nd/3.0/de/).")


def test_unknown_and_statement_lines_name_what_the_record_says() -> None:
    record = zenodo_cc_by()[0]
    unknown = dataclasses.replace(record, license=Licence(raw="info:eu-repo/semantics/openAccess"))
    assert attribute(unknown).text.endswith(
        ": licence not identified (the record states: “info:eu-repo/semantics/openAccess”). "
        "Check the terms at the source before reuse.")
    arr = dataclasses.replace(record, license=normalise_licence(["© 2015 Érudit"]))
    assert arr.license.id == "LicenseRef-All-Rights-Reserved"
    line = attribute(arr).text
    assert ": All rights reserved (copyright notice, no licence granted) (licence URL not "\
           "known). Not an open licence" in line
    assert line.endswith("The record states: “© 2015 Érudit”.")


@pytest.mark.parametrize("licence_id, name", [
    ("CC-BY-4.0", "CC BY 4.0"), ("CC-BY-SA-3.0-IGO", "CC BY-SA 3.0 IGO"),
    ("CC-BY-NC-ND-3.0-DE", "CC BY-NC-ND 3.0 DE"), ("CC-BY-NC-SA-2.1-JP", "CC BY-NC-SA 2.1 JP"),
    ("CC-BY-NC-ND-3.0-IGO", "CC BY-NC-ND 3.0 IGO"), ("CC-SA-1.0", "CC SA 1.0"),
    ("CC0-1.0", "CC0 1.0"), ("CC-PDM-1.0", "Public Domain Mark 1.0"), ("MIT", "MIT License"),
])
def test_licence_names(licence_id: str, name: str) -> None:
    assert licence_name(licence_info(licence_id)) == name


def test_every_cc_licence_of_the_table_gets_a_line_with_its_url() -> None:
    from harvester.licence_table import licence_table

    record = zenodo_cc_by()[0]
    for info in licence_table().values():
        if info.family != "cc":
            continue
        a = attribute(dataclasses.replace(record, license=Licence(info.id, info.url)))
        assert f"is licensed under {licence_name(info)} ({info.url})." in a.text, info.id
        assert (a.kind == "required") is bool(info.attribution), info.id


def test_linked_render_links_title_to_source_and_name_to_deed() -> None:
    a = attribute(unesdoc())
    line = render(a, link=lambda text, href: f"[{text}]({href})")
    assert line.startswith("“[Mapeo de los sistemas")
    assert "](https://unesdoc.unesco.org/ark:/48223/pf0000397002)” by" in line
    assert line.endswith("[CC BY-SA 3.0 IGO](https://creativecommons.org/licenses/by-sa/3.0/igo/).")


# -- remix check (CC FAQ / compatibility chart) -----------------------------------------

@pytest.mark.parametrize("ids, compatible, first", [
    ({"CC-BY-SA-4.0", "CC-BY-NC-SA-4.0"}, False, None),   # each SA pins its own elements
    ({"CC-BY-SA-4.0", "CC-BY-NC-4.0"}, False, None),      # SA requires commercial use allowed
    ({"CC-BY-4.0", "CC-BY-ND-4.0"}, False, None),         # ND cannot be adapted
    ({"CC-BY-ND-4.0"}, False, None),                      # not even alone
    ({"CC-BY-SA-1.0", "CC-BY-SA-4.0"}, False, None),      # 1.0 allows only itself
    ({"CC-BY-4.0", "CC0-1.0", "CC-PDM-1.0"}, True, "CC-BY-4.0"),
    ({"CC0-1.0", "CC-PDM-1.0"}, True, "CC0-1.0"),
    ({"CC-BY-4.0", "CC-BY-NC-4.0"}, True, "CC-BY-NC-4.0"),
    ({"CC-BY-NC-4.0", "CC-BY-NC-SA-4.0"}, True, "CC-BY-NC-SA-4.0"),
    ({"CC-BY-SA-3.0-IGO", "CC-BY-SA-4.0", "CC-BY-4.0"}, True, "CC-BY-SA-4.0"),
    ({"CC-BY-SA-2.0-UK", "CC-BY-SA-3.0-DE"}, True, "CC-BY-SA-4.0"),
    ({"CC-BY-4.0", "unknown"}, None, "CC-BY-4.0"),
    ({"MIT", "CC-BY-4.0"}, None, "CC-BY-4.0"),
    ({"LicenseRef-All-Rights-Reserved", "CC0-1.0"}, False, None),
])
def test_remix_check(ids, compatible, first) -> None:
    result = remix_check(ids)
    assert result.compatible is compatible
    assert (result.licences[0] if result.licences else None) == first
    assert result.reasons


def test_remix_reasons_name_the_licences() -> None:
    result = remix_check(["CC-BY-SA-4.0", "CC-BY-NC-SA-4.0"])
    assert result.reasons == (
        "CC BY-NC-SA 4.0 and CC BY-SA 4.0 are ShareAlike licences with different elements: each "
        "requires adaptations under its own, so no licence satisfies both.",)
    nd = remix_check(["CC-BY-NC-ND-3.0-DE", "CC-BY-4.0"])
    assert nd.reasons[0].startswith("CC BY-NC-ND 3.0 DE (NoDerivatives) material may not be adapted")


def test_sharealike_targets_follow_the_licence_clauses() -> None:
    igo = sharealike_targets("CC-BY-SA-3.0-IGO")
    assert igo[:2] == ("CC-BY-SA-4.0", "CC-BY-SA-3.0")
    assert "CC-BY-SA-3.0-DE" in igo and "CC-BY-SA-2.5" not in igo
    assert sharealike_targets("CC-BY-SA-4.0") == ("CC-BY-SA-4.0",)
    assert sharealike_targets("CC-BY-SA-1.0") == ("CC-BY-SA-1.0",)
    assert all(licence_info(i).non_commercial for i in sharealike_targets("CC-BY-NC-SA-2.0"))
    assert sharealike_targets("CC-BY-4.0") == ()


# -- selection: unknown licences and policies ---------------------------------------------

def _with_unknown():
    record = zenodo_cc_by()[0]
    unknown = dataclasses.replace(record, id="zenodo:unknown", license=Licence(),
                                  title=(LangString("No licence here"),))
    return [*attribution_set(), unknown]


def test_unknown_licences_are_left_out_and_counted() -> None:
    selection = Selection()
    kept = [e.resource.id for e in selection.entries(_with_unknown())]
    assert "zenodo:unknown" not in kept and len(kept) == 7
    summary = selection.summary()
    assert (summary.exported, summary.left_out_unknown) == (7, 1)
    assert summary.by_licence[0] == ("CC-BY-NC-ND-3.0-DE", "CC BY-NC-ND 3.0 DE", 2)
    assert "Left out: 1 resource(s) whose licence could not be identified" in \
        "\n".join(summary.lines())


def test_include_unknown_keeps_them_marked() -> None:
    selection = Selection(include_unknown=True)
    entries = list(selection.entries(_with_unknown()))
    marked = [e for e in entries if e.status == "unknown"]
    assert [e.resource.id for e in marked] == ["zenodo:unknown"]
    assert marked[0].attribution.kind == "unknown"
    assert ("unknown", "licence not identified", 1) in selection.summary().by_licence
    assert selection.summary().remix.compatible is False  # ND is on the list too


@pytest.mark.parametrize("policy, kept", [
    ("free-cultural", {"CC-BY-4.0", "CC-BY-SA-3.0-IGO", "CC0-1.0", "CC-PDM-1.0"}),
    ("unesco-oer", {"CC-BY-4.0", "CC-BY-SA-3.0-IGO", "CC0-1.0", "CC-PDM-1.0"}),
    ("any-cc", {"CC-BY-4.0", "CC-BY-SA-3.0-IGO", "CC-BY-NC-ND-3.0-DE", "CC0-1.0", "CC-PDM-1.0"}),
])
def test_policies(policy: str, kept: set[str]) -> None:
    selection = Selection([policy])
    assert {e.resource.license.id for e in selection.entries(_with_unknown())} == kept
    summary = selection.summary()
    left = dict(summary.left_out_policy)
    # the unknown licence meets no policy: counted once, under the policy
    assert left == ({"unknown": 1} if policy == "any-cc"
                    else {"CC-BY-NC-ND-3.0-DE": 2, "unknown": 1})
    assert summary.left_out_unknown == 0


def test_uses_and_bad_names() -> None:
    selection = Selection(uses=["commercial", "derivatives"])
    ids = {e.resource.license.id for e in selection.entries(attribution_set())}
    assert "CC-BY-NC-ND-3.0-DE" not in ids and "CC-BY-SA-3.0-IGO" in ids
    with pytest.raises(ValueError, match="unknown policy"):
        Selection(["open"])
    with pytest.raises(ValueError, match="unknown use"):
        Selection(uses=["remix"])
