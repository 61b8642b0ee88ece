"""``oer licence TEXT``: what a librarian sees for a pasted statement (click's CliRunner)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from harvester.cli import cli


def run(*args: str, stdin: str | None = None):
    result = CliRunner().invoke(cli, ["licence", *args], input=stdin, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def as_json(*args: str, stdin: str | None = None) -> dict:
    return json.loads(run(*args, "--format", "json", stdin=stdin))


def test_json_shape_for_a_unesco_igo_licence() -> None:
    got = as_json("CC BY-NC-SA 3.0 IGO")
    assert {k: got[k] for k in ("id", "url", "label", "status", "attribution", "share_alike",
                                "non_commercial", "no_derivatives", "policies")} == {
        "id": "CC-BY-NC-SA-3.0-IGO", "url": "https://creativecommons.org/licenses/by-nc-sa/3.0/igo/",
        "label": "Creative Commons Attribution-NonCommercial-ShareAlike 3.0 IGO", "status": "known",
        "attribution": True, "share_alike": True, "non_commercial": True, "no_derivatives": False,
        "policies": ["unesco-oer", "any-cc"]}
    assert got["allows"] == {"commercial": False, "derivatives": True}
    assert got["spdx"] == "CC-BY-NC-SA-3.0-IGO" and got["raw"] == "CC BY-NC-SA 3.0 IGO"


@pytest.mark.parametrize(("args", "expected_id", "status"), [
    (["https://creativecommons.org/licenses/by/4.0/deed.fr"], "CC-BY-4.0", "known"),
    (["Namensnennung", "4.0", "International"], "CC-BY-4.0", "known"),  # words are joined
    (["http://creativecommons.org/licenses/by-nc-nd/2.0/uk/"], "CC-BY-NC-ND-2.0-UK", "known"),
    (["In Copyright - Educational Use Permitted"], "RS-InC-EDU-1.0", "known"),
    (["© 2016 Macmillan Publishers Limited"], "LicenseRef-All-Rights-Reserved", "custom"),
    (["info:eu-repo/semantics/openAccess"], "unknown", "unknown"),
    (["CC BY-SA"], "unknown", "unknown"),
])
def test_statuses(args: list[str], expected_id: str, status: str) -> None:
    got = as_json(*args)
    assert (got["id"], got["status"]) == (expected_id, status)


def test_unknown_has_null_flags_and_a_note() -> None:
    got = as_json("info:eu-repo/semantics/openAccess")
    assert got["url"] is got["label"] is got["attribution"] is got["no_derivatives"] is None
    assert got["policies"] == [] and got["allows"] == {"commercial": None, "derivatives": None}
    assert got["note"] == "an access statement (open/closed/embargoed access), not a licence"


def test_html_snippet_from_stdin() -> None:
    snippet = ('<a href="https://creativecommons.org/licenses/by-sa/3.0/igo/" target="_blank">'
               "CC BY-SA 3.0 IGO</a>\n")
    assert as_json("-", stdin=snippet)["id"] == "CC-BY-SA-3.0-IGO"


def test_table_output_for_people() -> None:
    out = run("https://creativecommons.org/licenses/by-nd/4.0/")
    assert out.splitlines() == [
        "licence:     CC-BY-ND-4.0  (known)",
        "label:       Creative Commons Attribution-NoDerivatives 4.0 International",
        "url:         https://creativecommons.org/licenses/by-nd/4.0/",
        "conditions:  BY (attribution required), ND (no derivatives)",
        "commercial use allowed: yes; derivatives allowed: no",
        "policies:    any-cc",
    ]
    arr = run("All rights reserved")
    assert "conditions:" not in arr and "commercial use allowed: no; derivatives allowed: no" in arr


def test_control_characters_are_not_sent_to_the_terminal() -> None:
    out = run("\x1b[31mThe present license applies exclusively to the text content\x1b[0m. CC BY 4.0")
    assert "\x1b" not in out and "licence:     CC-BY-4.0  (known)" in out


@pytest.mark.parametrize(("args", "stdin", "message"), [
    ([], None, 'give the statement to read, e.g. oer licence "CC BY-SA 3.0 IGO"'),
    (["-"], "  \n", "nothing to read: standard input was empty"),
    (["  "], None, "nothing to read: TEXT is blank"),
])
def test_no_statement_is_a_usage_error(args: list[str], stdin: str | None, message: str) -> None:
    """Not ``licence: unknown (unknown)`` with exit 0: there was nothing to read."""
    result = CliRunner().invoke(cli, ["licence", *args], input=stdin)
    assert result.exit_code == 2
    assert message in result.stderr and result.stdout == ""
