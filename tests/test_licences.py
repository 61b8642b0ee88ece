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

from harvester.licences import (
    ELEMENTS,
    IGO_VERSIONS,
    JURISDICTIONS,
    PORT_ONLY_VERSIONS,
    VERSIONS,
    canonical_licence,
    normalise_licence,
    parse_licence,
)
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
]

NOT_CC = [
    # labels without a version: the version is part of the legal terms, never guessed
    "CC BY-SA", "cc-by", "cc-by-nc-sa", "Creative Commons Attribution", "CC BY (Attribution)",
    "Creative Commons Attribution-Noncommercial-Share Alike",
    "Creative Commons Attribution-ShareAlike License",
    "Licence Creative Commons / Paternité", "CC BY 4", "CC Attribution",
    # not Creative Commons
    "MIT License", "https://opensource.org/licenses/MIT", "Apache License 2.0",
    "http://www.apache.org/licenses/LICENSE-2.0", "info:eu-repo/semantics/openAccess", "All Rights Reserved",
    "All rights reserved", "Other (Not Open)", "public-domain", "Public Domain",
    "Open Data Commons Attribution License v1.0", "https://rightsstatements.org/page/InC-EDU/1.0/",
    "http://arxiv.org/licenses/nonexclusive-distrib/1.0/", "© 2016 Macmillan Publishers Limited",
    "http://creativecommons.org/licenses/GPL/2.0/", "http://creativecommons.org/licenses/publicdomain/",
    # malformed or non-existent CC licences
    "https://creativecommons.org/licenses/by/4.0/de/",  # 4.0 has no ports
    "https://creativecommons.org/licenses/by-sa/4.0/igo/",  # IGO is 3.0 only
    "https://creativecommons.org/licenses/by/2.1/",  # 2.1 exists only as ports
    "https://creativecommons.org/licenses/by/3.0/xx/",  # no such jurisdiction
    "https://creativecommons.org/licenses/by-sa-nd/3.0/",  # SA and ND exclude each other
    "https://creativecommons.org/licenses/nc-sa/1.0/",  # no BY: not a licence we accept
    "https://creativecommons.org/licenses/by/5.0/",
    "https://creativecommons.org/publicdomain/zero/2.0/", "CC0 2.0", "CC BY 4.0 IGO", "cc by-sa-nd 3.0",
    "Attribution 3.0 Österreich",  # a jurisdiction we cannot read: do not guess "unported"
    # empty and junk
    "", "   ", "\x00\x01\ufffd\ud800", "creativecommons.org", "CC",
]

_ID_RE = re.compile(r"^CC-(BY(?:-(?:NC|ND|SA))*)-(\d\.\d)(?:-([A-Z]+))?$")
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


def test_every_element_and_version_reads_back_from_its_url() -> None:
    count = 0
    for elements in ELEMENTS:
        for version in VERSIONS:
            jurisdictions = [None, "igo", *JURISDICTIONS]
            for juris in jurisdictions:
                lic = canonical_licence(elements, version, juris)
                allowed = (
                    (juris is None and version not in PORT_ONLY_VERSIONS)
                    or (juris == "igo" and version in IGO_VERSIONS)
                    or (juris not in (None, "igo") and version != "4.0")
                )
                assert (lic is not None) == allowed, (elements, version, juris)
                if lic is None:
                    continue
                count += 1
                assert_id_agrees_with_url(lic)
                assert parse_licence(lic.url).id == lic.id
                assert parse_licence(lic.url.replace("https://", "http://www.") + "legalcode").id == lic.id
    assert count > 1500


def test_element_order_is_normalised() -> None:
    assert canonical_licence("sa-nc-by", "4.0").id == "CC-BY-NC-SA-4.0"
    assert canonical_licence("BY-ND-NC", "2.0").id == "CC-BY-NC-ND-2.0"
    assert canonical_licence("by-nc-nd", "1.0").url == f"{CC}/licenses/by-nd-nc/1.0/"
    assert canonical_licence("nc-sa", "1.0") is None
    assert canonical_licence("by-sa-sa", "3.0") is None


def test_normalise_takes_first_readable_statement_in_order() -> None:
    # The three dc:rights of a real Zenodo record, in source order.
    rights = ["info:eu-repo/semantics/openAccess", "Creative Commons Attribution 4.0 International",
              "https://creativecommons.org/licenses/by/4.0/legalcode"]
    assert normalise_licence(rights) == Licence(
        "CC-BY-4.0", f"{CC}/licenses/by/4.0/", "Creative Commons Attribution 4.0 International")
    assert normalise_licence(iter(["MIT License", "CC BY-SA 3.0 IGO", "CC0"])).id == "CC-BY-SA-3.0-IGO"


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
