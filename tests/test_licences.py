"""Licence normalisation: a table of real rights statements -> (id, canonical URL).

Most inputs are real strings from harvested records and web pages, as collected in
shared/fixtures/licences/rights-statements.tsv (Zenodo, Cambridge Apollo, MIT DSpace,
UNESDOC, GMU, DataCite, Edurep, OERSI/DuEPublico, UNESCO/ESA credit lines); the rest
are the URL and label forms CC itself publishes.
"""

from __future__ import annotations

import re
import time

import pytest

from harvester.licence_table import licence_table
from harvester.licences import canonical_licence, normalise_licence, parse_licence
from harvester.record import Licence

CC = "https://creativecommons.org"

# (input, expected id, expected canonical url)
KNOWN = [
    # --- URLs: schemes, www, legalcode/deed suffixes, case, trailing punctuation
    ("https://creativecommons.org/licenses/by/4.0/legalcode", "CC-BY-4.0", f"{CC}/licenses/by/4.0/"),
    ("http://creativecommons.org/licenses/by-nc/4.0/", "CC-BY-NC-4.0", f"{CC}/licenses/by-nc/4.0/"),
    ("https://creativecommons.org/licenses/by/4.0", "CC-BY-4.0", f"{CC}/licenses/by/4.0/"),
    ("http://www.creativecommons.org/licenses/by-nd/4.0/", "CC-BY-ND-4.0",
     f"{CC}/licenses/by-nd/4.0/"),
    ("https://creativecommons.org/licenses/by/4.0/deed.fr", "CC-BY-4.0", f"{CC}/licenses/by/4.0/"),
    ("https://creativecommons.org/licenses/by/4.0/legalcode.de", "CC-BY-4.0", f"{CC}/licenses/by/4.0/"),
    ("https://creativecommons.org/licenses/by/3.0/deed.de", "CC-BY-3.0", f"{CC}/licenses/by/3.0/"),
    ("//creativecommons.org/licenses/by-sa/3.0/", "CC-BY-SA-3.0", f"{CC}/licenses/by-sa/3.0/"),
    (" HTTPS://CreativeCommons.org/Licenses/BY-SA/4.0/ .\n", "CC-BY-SA-4.0",
     f"{CC}/licenses/by-sa/4.0/"),
    ("See https://creativecommons.org/licenses/by-nc-sa/4.0/.", "CC-BY-NC-SA-4.0",
     f"{CC}/licenses/by-nc-sa/4.0/"),
    # --- IGO and national ports
    ("https://creativecommons.org/licenses/by-sa/3.0/igo/", "CC-BY-SA-3.0-IGO",
     f"{CC}/licenses/by-sa/3.0/igo/"),
    ("http://creativecommons.org/licenses/by-nc-sa/3.0/igo/", "CC-BY-NC-SA-3.0-IGO",
     f"{CC}/licenses/by-nc-sa/3.0/igo/"),
    ("https://creativecommons.org/licenses/by-nc-nd/3.0/igo/legalcode", "CC-BY-NC-ND-3.0-IGO",
     f"{CC}/licenses/by-nc-nd/3.0/igo/"),
    ("http://creativecommons.org/licenses/by-nc-sa/2.0/fr/", "CC-BY-NC-SA-2.0-FR",
     f"{CC}/licenses/by-nc-sa/2.0/fr/"),
    ("http://creativecommons.org/licenses/by/3.0/us/", "CC-BY-3.0-US", f"{CC}/licenses/by/3.0/us/"),
    ("http://creativecommons.org/licenses/by-nc-nd/2.0/uk/", "CC-BY-NC-ND-2.0-UK",
     f"{CC}/licenses/by-nc-nd/2.0/uk/"),
    ("http://creativecommons.org/licenses/by/3.0/de/legalcode", "CC-BY-3.0-DE", f"{CC}/licenses/by/3.0/de/"),
    ("Licensed under http://creativecommons.org/licenses/by/3.0/us.", "CC-BY-3.0-US",
     f"{CC}/licenses/by/3.0/us/"),
    ("https://creativecommons.org/licenses/by-sa/2.5/scotland/", "CC-BY-SA-2.5-SCOTLAND",
     f"{CC}/licenses/by-sa/2.5/scotland/"),
    ("https://creativecommons.org/licenses/by/2.1/jp/", "CC-BY-2.1-JP", f"{CC}/licenses/by/2.1/jp/"),
    ("Creative Commons License [CC BY-NC-ND] http://creativecommons.org/licenses/by-nc-nd/3.0/de/",
     "CC-BY-NC-ND-3.0-DE", f"{CC}/licenses/by-nc-nd/3.0/de/"),
    ('<a href="https://creativecommons.org/licenses/by-sa/3.0/igo/" target="_blank" title="This license '
     'allows readers to share">CC BY-SA 3.0 IGO</a>', "CC-BY-SA-3.0-IGO", f"{CC}/licenses/by-sa/3.0/igo/"),
    # --- 1.0 spelt NC-ND as nd-nc; element order is normalised
    ("http://creativecommons.org/licenses/by-nd-nc/1.0/", "CC-BY-NC-ND-1.0",
     f"{CC}/licenses/by-nd-nc/1.0/"),
    ("https://creativecommons.org/licenses/by/1.0/legalcode", "CC-BY-1.0", f"{CC}/licenses/by/1.0/"),
    # --- public-domain tools
    ("https://creativecommons.org/publicdomain/zero/1.0/legalcode", "CC0-1.0", f"{CC}/publicdomain/zero/1.0/"),
    ("http://creativecommons.org/publicdomain/zero/1.0/deed.de", "CC0-1.0", f"{CC}/publicdomain/zero/1.0/"),
    ("https://creativecommons.org/publicdomain/mark/1.0/", "CC-PDM-1.0", f"{CC}/publicdomain/mark/1.0/"),
    ("Creative Commons Zero v1.0 Universal", "CC0-1.0", f"{CC}/publicdomain/zero/1.0/"),
    ("CC0 1.0", "CC0-1.0", f"{CC}/publicdomain/zero/1.0/"),
    ("CC0", "CC0-1.0", f"{CC}/publicdomain/zero/1.0/"),
    ("Public Domain Mark 1.0", "CC-PDM-1.0", f"{CC}/publicdomain/mark/1.0/"),
    # --- abbreviations
    ("CC BY-SA 3.0 IGO", "CC-BY-SA-3.0-IGO", f"{CC}/licenses/by-sa/3.0/igo/"),
    ("CC BY 3.0 IGO", "CC-BY-3.0-IGO", f"{CC}/licenses/by/3.0/igo/"),
    ("CC-BY-NC-ND 4.0", "CC-BY-NC-ND-4.0", f"{CC}/licenses/by-nc-nd/4.0/"),
    ("cc by 4.0", "CC-BY-4.0", f"{CC}/licenses/by/4.0/"),
    ("cc-by-sa-30", "CC-BY-SA-3.0", f"{CC}/licenses/by-sa/3.0/"),
    ("CC BY-NC-SA 3.0 https://creativecommons.org/licenses/by-nc-sa/3.0/", "CC-BY-NC-SA-3.0",
     f"{CC}/licenses/by-nc-sa/3.0/"),
    ("ESA/TGO/CaSSIS (CC BY-SA 3.0 IGO)", "CC-BY-SA-3.0-IGO", f"{CC}/licenses/by-sa/3.0/igo/"),
    ("UNESCO uses Creative Commons CC BY SA 3.0 IGO license in line with its Open Access Policy.",
     "CC-BY-SA-3.0-IGO", f"{CC}/licenses/by-sa/3.0/igo/"),
    ("This dataset is an adaptation of original works published by the World Health Organization (WHO). "
     "License: CC BY-NC-SA 3.0 IGO", "CC-BY-NC-SA-3.0-IGO", f"{CC}/licenses/by-nc-sa/3.0/igo/"),
    ("https://duepublico.uni-due.de/api/v1/classifications/mir_licenses#cc_by-nc-sa_4.0", "CC-BY-NC-SA-4.0",
     f"{CC}/licenses/by-nc-sa/4.0/"),
    ("CC BY 3.0 DE", "CC-BY-3.0-DE", f"{CC}/licenses/by/3.0/de/"),
    # --- licence titles
    ("Creative Commons Attribution 4.0 International", "CC-BY-4.0", f"{CC}/licenses/by/4.0/"),
    ("Creative Commons Attribution Non Commercial 4.0 International", "CC-BY-NC-4.0",
     f"{CC}/licenses/by-nc/4.0/"),
    ("Creative Commons Attribution Non Commercial Share Alike 4.0 International", "CC-BY-NC-SA-4.0",
     f"{CC}/licenses/by-nc-sa/4.0/"),
    ("Attribution-NonCommercial-ShareAlike 3.0 IGO (CC BY-NC-SA 3.0 IGO)", "CC-BY-NC-SA-3.0-IGO",
     f"{CC}/licenses/by-nc-sa/3.0/igo/"),
    ("Creative Commons Attribution-ShareAlike 3.0 IGO", "CC-BY-SA-3.0-IGO", f"{CC}/licenses/by-sa/3.0/igo/"),
    ("All UNESCO publications listed below are licensed using the Creative Commons - Attribution 3.0 IGO "
     "license.", "CC-BY-3.0-IGO", f"{CC}/licenses/by/3.0/igo/"),
    ("Attribution 4.0 International (CC BY 4.0)", "CC-BY-4.0", f"{CC}/licenses/by/4.0/"),
    ("Creative Commons Attribution License 4.0 International", "CC-BY-4.0", f"{CC}/licenses/by/4.0/"),
    ("Creative Commons Attribution 1.0 Generic", "CC-BY-1.0", f"{CC}/licenses/by/1.0/"),
    ("Creative Commons Attribution 3.0 unported license", "CC-BY-3.0", f"{CC}/licenses/by/3.0/"),
    ("This work is licensed under a Creative Commons Attribution-NonCommercial-ShareAlike 3.0 Unported "
     "License.", "CC-BY-NC-SA-3.0", f"{CC}/licenses/by-nc-sa/3.0/"),
    ("Attribution-NonCommercial-ShareAlike 2.0 UK: England & Wales", "CC-BY-NC-SA-2.0-UK",
     f"{CC}/licenses/by-nc-sa/2.0/uk/"),
    ("Attribution-NonCommercial-NoDerivs 2.0 UK: England & Wales", "CC-BY-NC-ND-2.0-UK",
     f"{CC}/licenses/by-nc-nd/2.0/uk/"),
    ("Attribution 3.0 United States", "CC-BY-3.0-US", f"{CC}/licenses/by/3.0/us/"),
    ("Creative Commons Attribution-Noncommercial-No Derivative Works 2.5 Italy", "CC-BY-NC-ND-2.5-IT",
     f"{CC}/licenses/by-nc-nd/2.5/it/"),
    ("Attribution-NoDerivs-NonCommercial 1.0 Generic", "CC-BY-NC-ND-1.0", f"{CC}/licenses/by-nd-nc/1.0/"),
    ("Attribution-NoDerivatives 4.0 International", "CC-BY-ND-4.0", f"{CC}/licenses/by-nd/4.0/"),
    # --- German titles as CC publishes them on its German deeds (4.0) and 3.0/2.0 DE legal code
    ("Namensnennung 4.0 International", "CC-BY-4.0", f"{CC}/licenses/by/4.0/"),
    ("Namensnennung - Weitergabe unter gleichen Bedingungen 4.0 International", "CC-BY-SA-4.0",
     f"{CC}/licenses/by-sa/4.0/"),
    ("Namensnennung - Nicht kommerziell - Keine Bearbeitungen 4.0 International", "CC-BY-NC-ND-4.0",
     f"{CC}/licenses/by-nc-nd/4.0/"),
    ("Creative Commons Namensnennung - Nicht-kommerziell - Weitergabe unter gleichen Bedingungen 4.0 "
     "International Lizenz", "CC-BY-NC-SA-4.0", f"{CC}/licenses/by-nc-sa/4.0/"),
    ("Namensnennung-Keine kommerzielle Nutzung-Weitergabe unter gleichen Bedingungen 3.0 Deutschland",
     "CC-BY-NC-SA-3.0-DE", f"{CC}/licenses/by-nc-sa/3.0/de/"),
    ("Namensnennung - Keine Bearbeitung 3.0 Deutschland", "CC-BY-ND-3.0-DE", f"{CC}/licenses/by-nd/3.0/de/"),
    ("Namensnennung 3.0 Österreich", "CC-BY-3.0-AT", f"{CC}/licenses/by/3.0/at/"),
    ("Attribution 3.0 Österreich", "CC-BY-3.0-AT", f"{CC}/licenses/by/3.0/at/"),  # was unread: now a port name
    # --- 1.0 licences without BY, and 2.0/jp's by-nd-nc spelling of by-nc-nd
    ("https://creativecommons.org/licenses/nc-sa/1.0/", "CC-NC-SA-1.0", f"{CC}/licenses/nc-sa/1.0/"),
    ("http://creativecommons.org/licenses/sa/1.0/nl/", "CC-SA-1.0-NL", f"{CC}/licenses/sa/1.0/nl/"),
    ("http://creativecommons.org/licenses/by-nd-nc/2.0/jp/", "CC-BY-NC-ND-2.0-JP",
     f"{CC}/licenses/by-nc-nd/2.0/jp/"),
    # --- British spelling in a URL path, a Wikipedia page title naming the licence
    ("creativecommons.org/licences/by-sa/4.0/", "CC-BY-SA-4.0", f"{CC}/licenses/by-sa/4.0/"),
    ("//en.wikipedia.org/wiki/Wikipedia:Text_of_Creative_Commons_Attribution-ShareAlike_3.0_Unported_License",
     "CC-BY-SA-3.0", f"{CC}/licenses/by-sa/3.0/"),
]

NOT_CC = [
    # labels without a version: the version is part of the legal terms, never guessed
    "CC BY-SA", "cc-by", "cc-by-nc-sa", "Creative Commons Attribution", "CC BY (Attribution)",
    "Creative Commons Attribution-Noncommercial-Share Alike",
    "Creative Commons Attribution-ShareAlike License",
    "Licence Creative Commons / Paternité", "CC BY 4", "CC Attribution",
    # not a licence of the table (MIT, Apache, rightsstatements.org, "All rights reserved" and
    # public-domain statements are read now: see NOT_CC_BUT_READ)
    "info:eu-repo/semantics/openAccess", "Other (Not Open)",
    "Open Data Commons Attribution License v1.0",
    "http://creativecommons.org/licenses/GPL/2.0/", "http://creativecommons.org/licenses/publicdomain/",
    # malformed or non-existent CC licences
    "https://creativecommons.org/licenses/by/4.0/de/",  # 4.0 has no ports
    "https://creativecommons.org/licenses/by-sa/4.0/igo/",  # IGO is 3.0 only
    "https://creativecommons.org/licenses/by/2.1/",  # 2.1 exists only as ports
    "https://creativecommons.org/licenses/by/3.0/xx/",  # no such jurisdiction
    "https://creativecommons.org/licenses/by-sa-nd/3.0/",  # SA and ND exclude each other
    "https://creativecommons.org/licenses/by/5.0/",
    "https://creativecommons.org/publicdomain/zero/2.0/", "CC0 2.0", "CC BY 4.0 IGO", "cc by-sa-nd 3.0",
    "Attribution 3.0 Atlantis",  # a jurisdiction we cannot read: do not guess "unported"
    "Attribution 2.5 Germany",  # CC published no 2.5 German port
    "https://creativecommons.org/licenses/by/3.0/am/",  # Armenia's port was never published
    # empty and junk
    "", "   ", "\x00\x01\ufffd\ud800", "creativecommons.org", "CC",
]

#: Statements the CC-only parser left unread that now read as a table row (expectations updated:
#: an open-source licence, a rights statement or a copyright notice is more than "unknown").
NOT_CC_BUT_READ = [
    ("MIT License", "MIT"), ("https://opensource.org/licenses/MIT", "MIT"),
    ("Apache License 2.0", "Apache-2.0"), ("http://www.apache.org/licenses/LICENSE-2.0", "Apache-2.0"),
    ("All Rights Reserved", "LicenseRef-All-Rights-Reserved"),
    ("All rights reserved", "LicenseRef-All-Rights-Reserved"),
    ("© 2016 Macmillan Publishers Limited", "LicenseRef-All-Rights-Reserved"),
    ("public-domain", "LicenseRef-Public-Domain"), ("Public Domain", "LicenseRef-Public-Domain"),
    ("https://rightsstatements.org/page/InC-EDU/1.0/", "RS-InC-EDU-1.0"),
    ("http://arxiv.org/licenses/nonexclusive-distrib/1.0/", "LicenseRef-arXiv-nonexclusive-distrib-1.0"),
]

_ID_RE = re.compile(r"^CC-((?:BY|NC|ND|SA)(?:-(?:NC|ND|SA))*)-(\d\.\d)(?:-([A-Z]+))?$")
_URL_RE = re.compile(r"^https://creativecommons\.org/licenses/([a-z-]+)/(\d\.\d)/(?:([a-z]+)/)?$")


def assert_id_agrees_with_url(lic: Licence) -> None:
    """The id's elements, version and jurisdiction are exactly those of its URL."""
    if lic.id in ("CC0-1.0", "CC-PDM-1.0"):
        tool = "zero" if lic.id == "CC0-1.0" else "mark"
        assert lic.url == f"{CC}/publicdomain/{tool}/1.0/"
        return
    id_match, url_match = _ID_RE.match(lic.id), _URL_RE.match(lic.url or "")
    assert id_match and url_match, (lic.id, lic.url)
    id_elements, id_version, id_juris = id_match.groups()
    slug, url_version, url_juris = url_match.groups()
    assert set(id_elements.split("-")) == set(slug.upper().split("-"))
    assert licence_table()[lic.id].url == lic.url
    assert id_version == url_version
    assert (id_juris or "").lower() == (url_juris or "")


@pytest.mark.parametrize(("text", "expected_id", "expected_url"), KNOWN)
def test_parse_known_statement(text: str, expected_id: str, expected_url: str) -> None:
    lic = parse_licence(text)
    assert lic == Licence(id=expected_id, url=expected_url, raw=text)
    assert_id_agrees_with_url(lic)


@pytest.mark.parametrize(("text", "expected_id", "expected_url"), KNOWN)
def test_expected_rows_are_consistent(text: str, expected_id: str, expected_url: str) -> None:
    """The table itself: every expected id agrees with its expected URL, and that URL reads back."""
    assert_id_agrees_with_url(Licence(id=expected_id, url=expected_url))
    assert parse_licence(expected_url).id == expected_id


def test_table_covers_enough_rows() -> None:
    assert len(KNOWN) >= 30
    assert {"CC-BY-SA-3.0-IGO", "CC-BY-NC-SA-2.0-FR", "CC0-1.0", "CC-PDM-1.0"} <= {r[1] for r in KNOWN}


@pytest.mark.parametrize("text", NOT_CC)
def test_non_cc_statement_is_not_read(text: str) -> None:
    assert parse_licence(text) is None


@pytest.mark.parametrize(("text", "expected_id"), NOT_CC_BUT_READ)
def test_other_statement_is_read_as_its_table_row(text: str, expected_id: str) -> None:
    lic = parse_licence(text)
    assert lic is not None and lic.id == expected_id and lic.raw == text
    assert lic.url == licence_table()[expected_id].url


def test_every_cc_row_reads_back_from_its_url_in_other_forms() -> None:
    count = 0
    for info in licence_table().values():
        if not (info.url or "").startswith(CC):
            continue
        count += 1
        assert parse_licence(info.url).id == info.id
        assert parse_licence(info.url.replace("https://", "http://www.") + "legalcode").id == info.id
        assert parse_licence(info.url.rstrip("/") + "/deed.de").id == info.id
    assert count == 598  # 596 CC licences (cc-archive/cc.licenserdf) + CC0 + PDM


def test_element_order_is_normalised() -> None:
    assert canonical_licence("sa-nc-by", "4.0").id == "CC-BY-NC-SA-4.0"
    assert canonical_licence("BY-ND-NC", "2.0").id == "CC-BY-NC-ND-2.0"
    assert canonical_licence("by-nc-nd", "1.0").url == f"{CC}/licenses/by-nd-nc/1.0/"
    assert canonical_licence("nc-sa", "1.0").id == "CC-NC-SA-1.0"  # 1.0 had licences without BY
    assert canonical_licence("nc-sa", "2.0") is None
    assert canonical_licence("by-sa-sa", "3.0") is None


def test_normalise_takes_first_readable_statement_in_order() -> None:
    # The three dc:rights of a real Zenodo record, in source order.
    rights = ["info:eu-repo/semantics/openAccess", "Creative Commons Attribution 4.0 International",
              "https://creativecommons.org/licenses/by/4.0/legalcode"]
    assert normalise_licence(rights) == Licence(
        "CC-BY-4.0", f"{CC}/licenses/by/4.0/", "Creative Commons Attribution 4.0 International")
    # MIT is read now (it was skipped as "not CC"), so it is the first readable statement
    assert normalise_licence(iter(["MIT License", "CC BY-SA 3.0 IGO", "CC0"])).id == "MIT"
    # a standard licence wins over an earlier copyright notice
    assert normalise_licence(["© 2016 UNESCO", "CC BY-SA 3.0 IGO"]).id == "CC-BY-SA-3.0-IGO"


def test_normalise_unknown_keeps_all_statements_raw() -> None:
    assert normalise_licence(["info:eu-repo/semantics/openAccess", "Other (Not Open)"]) == Licence(
        "unknown", None, "info:eu-repo/semantics/openAccess | Other (Not Open)")
    assert normalise_licence([]) == Licence("unknown", None, None)
    assert not normalise_licence(["CC BY-SA"]).known


def test_non_strings_do_not_crash() -> None:
    assert parse_licence(None) is None  # type: ignore[arg-type]
    assert parse_licence(b"CC BY 4.0") is None  # type: ignore[arg-type]
    assert normalise_licence([None, "CC BY 4.0"]).id == "CC-BY-4.0"  # type: ignore[list-item]


@pytest.mark.parametrize("text", [
    "cc by-" * 200_000,
    "Attribution-NonCommercial-" * 50_000,
    "creativecommons.org/licenses/by/" * 30_000,
    "CC BY 3.0 " * 100_000,
    "a" * 5_000_000,
    "".join(chr(c) for c in range(0x20, 0x3000)) * 20,
])
def test_hostile_input_is_bounded(text: str) -> None:
    start = time.perf_counter()
    parse_licence(text)
    assert time.perf_counter() - start < 1.0


def test_long_statement_keeps_raw_untruncated() -> None:
    text = "Licensed CC BY 4.0. " + "Terms follow. " * 2000
    lic = parse_licence(text)
    assert lic is not None and lic.id == "CC-BY-4.0" and lic.raw == text
