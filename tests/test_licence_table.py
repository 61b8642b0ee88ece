"""The licence table (harvester/data/licences.tsv + cc-ports.tsv): every row checked.

The CC rows are checked against the set of licences Creative Commons published (one RDF file
per licence in cc-archive/cc.licenserdf, counted below) and the SPDX column against the SPDX
License List shipped by the license-expression package.
"""

from __future__ import annotations

import json
import re
from importlib import resources

import pytest

from harvester.licence_table import (
    FAMILIES,
    by_url,
    cc_ports,
    licence_info,
    licence_table,
    status_of,
)

CC = "https://creativecommons.org"
ROWS = list(licence_table().values())

_CC_ID_RE = re.compile(r"^CC-((?:BY|NC|ND|SA)(?:-(?:NC|ND|SA))*)-(\d\.\d)(?:-([A-Z]+))?$")
_CC_URL_RE = re.compile(r"^https://creativecommons\.org/licenses/([a-z-]+)/(\d\.\d)/(?:([a-z]+)/)?$")
_RS_ID_RE = re.compile(r"^RS-([A-Za-z-]+)-(\d\.\d)$")


@pytest.mark.parametrize("info", ROWS, ids=[r.id for r in ROWS])
def test_row_id_agrees_with_url_and_flags(info) -> None:
    """Elements BY/NC/ND/SA, version and port or IGO of the id are those of the URL."""
    assert info.family in FAMILIES
    if info.family == "cc":
        id_match, url_match = _CC_ID_RE.match(info.id), _CC_URL_RE.match(info.url or "")
        assert id_match and url_match, (info.id, info.url)
        elements, version, port = id_match.groups()
        slug, url_version, url_port = url_match.groups()
        assert set(elements.split("-")) == set(slug.upper().split("-"))
        assert len(elements.split("-")) == len(slug.split("-"))
        assert version == url_version == info.version
        assert (port or "").lower() == (url_port or "") == (info.jurisdiction or "")
        parts = elements.split("-")
        assert (info.attribution, info.share_alike, info.non_commercial, info.no_derivatives) == (
            "BY" in parts, "SA" in parts, "NC" in parts, "ND" in parts)
        assert info.version in info.label and (port is None or port == "IGO" or
                                               cc_ports()[port.lower()][0][0] in info.label)
    elif info.family in ("cc0", "pdm") and info.url:
        tool = {"CC0-1.0": "zero", "CC-PDM-1.0": "mark"}[info.id]
        assert info.url == f"{CC}/publicdomain/{tool}/1.0/"
        assert not any((info.attribution, info.share_alike, info.non_commercial, info.no_derivatives))
    elif info.family == "rightsstatements":
        code, version = _RS_ID_RE.match(info.id).groups()
        assert info.url == f"http://rightsstatements.org/vocab/{code}/{version}/"
    elif info.family == "oss":
        name, _, rest = info.id.partition("-")
        url = info.url.lower()
        assert name.lower().removeprefix("g") in url  # GFDL -> fdl-1.3
        version = re.match(r"\d\.\d", rest)
        assert version is None or version.group() in url
        assert info.attribution is True and info.non_commercial is False and info.no_derivatives is False
    else:
        assert info.id.startswith("LicenseRef-")
    if info.url:
        assert by_url(info.url) is not None


def _spdx_ids() -> set[str]:
    """Current (non-deprecated) SPDX License List ids, from license-expression's data."""
    pytest.importorskip("license_expression", reason="license-expression (test extra) ships the SPDX list")
    data = resources.files("license_expression").joinpath("data/scancode-licensedb-index.json")
    return {e["spdx_license_key"] for e in json.loads(data.read_text(encoding="utf-8"))
            if e.get("spdx_license_key") and not e["spdx_license_key"].startswith("LicenseRef-")}


def test_spdx_column_is_exactly_the_ids_spdx_has() -> None:
    spdx = _spdx_ids()
    for info in ROWS:
        if info.spdx:
            assert info.spdx in spdx and info.spdx == info.id, info.id
        else:
            assert info.id not in spdx, f"{info.id} is on the SPDX list: fill the spdx column"
    assert licence_info("CC-BY-SA-3.0-IGO").spdx == "CC-BY-SA-3.0-IGO"
    assert licence_info("CC-BY-NC-3.0-IGO").spdx is None  # SPDX lacks it: our id, same style
    assert licence_info("CC-BY-NC-SA-2.0-FR").spdx == "CC-BY-NC-SA-2.0-FR"
    assert licence_info("CC-BY-SA-2.0-FR").spdx is None


def test_cc_rows_are_exactly_what_cc_published() -> None:
    """596 CC licences: cc.licenserdf has 96 RDFs per BY combination and 4 per 1.0 non-BY one."""
    cc = [r for r in ROWS if r.family == "cc"]
    assert len(cc) == 6 * 96 + 5 * 4
    by_version: dict[str, int] = {}
    for r in cc:
        if r.id.startswith("CC-BY-") and r.jurisdiction not in (None, "igo"):
            by_version[r.version] = by_version.get(r.version, 0) + 1
    # ports per version x 6 combinations (1.0: fi il nl; 2.0: 18; 2.1: au es jp; 2.5: 28; 3.0: 38)
    assert by_version == {"1.0": 18, "2.0": 108, "2.1": 18, "2.5": 168, "3.0": 228}
    for absent in ("CC-BY-4.0-DE", "CC-BY-2.1", "CC-BY-SA-4.0-IGO", "CC-BY-2.5-DE", "CC-BY-3.0-AM"):
        assert absent not in licence_table()
    assert [r.id for r in cc if r.jurisdiction == "igo"] == [
        "CC-BY-3.0-IGO", "CC-BY-SA-3.0-IGO", "CC-BY-ND-3.0-IGO", "CC-BY-NC-3.0-IGO",
        "CC-BY-NC-SA-3.0-IGO", "CC-BY-NC-ND-3.0-IGO"]


def test_ported_rows_take_the_flags_and_title_of_their_unported_licence() -> None:
    port = licence_info("CC-BY-NC-ND-2.0-UK")
    assert port.url == f"{CC}/licenses/by-nc-nd/2.0/uk/"
    assert port.label == "Creative Commons Attribution-NonCommercial-NoDerivs 2.0 UK: England & Wales"
    assert (port.non_commercial, port.no_derivatives, port.share_alike) == (True, True, False)
    assert licence_info("CC-BY-NC-ND-1.0-NL").url == f"{CC}/licenses/by-nd-nc/1.0/nl/"
    assert licence_info("CC-BY-SA-2.1-JP").label == "Creative Commons Attribution-ShareAlike 2.1 Japan"


def test_status_comes_from_the_family() -> None:
    assert status_of("CC-BY-4.0") == "known"
    assert status_of("RS-InC-EDU-1.0") == "known"
    assert status_of("LicenseRef-All-Rights-Reserved") == "custom"
    assert status_of("LicenseRef-arXiv-nonexclusive-distrib-1.0") == "custom"
    assert status_of("unknown") == status_of("CC-BY-5.0") == "unknown"


def test_gnu_url_names_the_only_version() -> None:
    assert by_url("https://www.gnu.org/licenses/gpl-3.0.html").id == "GPL-3.0-only"
    assert licence_info("GPL-3.0-or-later").url == "https://www.gnu.org/licenses/gpl-3.0.html"
