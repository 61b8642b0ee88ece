"""Openness policies and permitted uses (harvester/policies.py), over the whole licence table."""

from __future__ import annotations

import pytest

from harvester.licence_table import licence_table
from harvester.policies import POLICIES, USES, allows, policies_of


@pytest.mark.parametrize(("licence_id", "expected"), [
    ("CC-BY-4.0", ("free-cultural", "unesco-oer", "any-cc")),
    ("CC-BY-SA-3.0-IGO", ("free-cultural", "unesco-oer", "any-cc")),
    ("CC-BY-NC-SA-3.0-IGO", ("unesco-oer", "any-cc")),  # NC: still OER under the 2019 Recommendation
    ("CC-BY-NC-4.0", ("unesco-oer", "any-cc")),
    ("CC-BY-ND-4.0", ("any-cc",)),  # ND: no adaptation, not OER
    ("CC-BY-NC-ND-3.0-IGO", ("any-cc",)),
    ("CC-BY-NC-ND-2.0-FR", ("any-cc",)),
    ("CC-SA-1.0", ("free-cultural", "unesco-oer", "any-cc")),
    ("CC-NC-ND-1.0", ("any-cc",)),
    ("CC0-1.0", ("free-cultural", "unesco-oer", "any-cc")),
    ("CC-PDM-1.0", ("free-cultural", "unesco-oer", "any-cc")),
    ("LicenseRef-Public-Domain", ("free-cultural", "unesco-oer")),  # not a CC tool
    ("MIT", ("free-cultural", "unesco-oer")),
    ("GPL-3.0-only", ("free-cultural", "unesco-oer")),
    ("GFDL-1.3-or-later", ("free-cultural", "unesco-oer")),
    ("RS-InC-EDU-1.0", ()),
    ("RS-NoC-US-1.0", ()),
    ("LicenseRef-All-Rights-Reserved", ()),
    ("LicenseRef-arXiv-nonexclusive-distrib-1.0", ()),
    ("unknown", ()),
    ("CC-BY-4.0-DE", ()),  # no such licence
])
def test_policies_of(licence_id: str, expected: tuple[str, ...]) -> None:
    assert policies_of(licence_id) == expected


@pytest.mark.parametrize(("licence_id", "commercial", "derivatives"), [
    ("CC-BY-SA-3.0-IGO", True, True),
    ("CC-BY-NC-SA-4.0", False, True),
    ("CC-BY-ND-2.5-SCOTLAND", True, False),
    ("CC-BY-NC-ND-1.0", False, False),
    ("CC0-1.0", True, True),
    ("Apache-2.0", True, True),
    ("RS-InC-EDU-1.0", False, None),  # educational use only; adaptations not addressed
    ("RS-NKC-1.0", None, None),
    ("LicenseRef-All-Rights-Reserved", False, False),
    ("unknown", None, None),
])
def test_allows(licence_id: str, commercial: bool | None, derivatives: bool | None) -> None:
    assert allows(licence_id, "commercial") is commercial
    assert allows(licence_id, "derivatives") is derivatives


def test_allows_rejects_unknown_uses() -> None:
    with pytest.raises(ValueError):
        allows("CC-BY-4.0", "printing")


def test_policies_agree_with_permitted_uses_on_every_row() -> None:
    """One definition: free-cultural = both uses allowed; unesco-oer = derivatives allowed."""
    assert tuple(POLICIES) == ("free-cultural", "unesco-oer", "any-cc") and USES == ("commercial", "derivatives")
    counts = dict.fromkeys(POLICIES, 0)
    for info in licence_table().values():
        names = policies_of(info.id)
        for name in names:
            counts[name] += 1
        open_family = info.family in ("cc", "cc0", "pdm", "oss")
        assert ("free-cultural" in names) == (open_family and allows(info.id, "commercial") is True
                                              and allows(info.id, "derivatives") is True), info.id
        assert ("unesco-oer" in names) == (open_family and allows(info.id, "derivatives") is True), info.id
        assert ("any-cc" in names) == info.id.startswith(("CC-", "CC0-")), info.id
    # 598 CC rows: BY and BY-SA (2 x 96), SA 1.0 (4), CC0, PDM are free-cultural, + public domain + 17 oss
    assert counts == {"free-cultural": 2 * 96 + 4 + 2 + 1 + 17, "unesco-oer": 4 * 96 + 3 * 4 + 2 + 1 + 17,
                      "any-cc": 598}
