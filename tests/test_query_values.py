"""Engine-free reading of what people type: filter values (indexer/filter_values.py) and
operators without an operand (indexer/querytext.py)."""

from __future__ import annotations

import pytest

from indexer.backend import SearchQuery
from indexer.filter_values import canonical_value, matching_values
from indexer.querytext import strip_dangling_operators


@pytest.mark.parametrize(("facet", "typed", "kept"), [
    ("license", "CC BY 4.0", "CC-BY-4.0"),            # as `oer export`'s summary prints it
    ("license", "CC BY-NC-SA 3.0 IGO", "CC-BY-NC-SA-3.0-IGO"),
    ("license", "https://creativecommons.org/licenses/by-nc/4.0/", "CC-BY-NC-4.0"),
    ("license", "cc-by-4.0", "cc-by-4.0"),            # an id in any case: the backend folds it
    ("license", "unknown", "unknown"),
    ("license", "All rights reserved", "LicenseRef-All-Rights-Reserved"),
    ("license", "CC BY", "CC BY"),                    # no version: not a licence, kept
    ("language", "por", "pt"), ("language", "fre", "fr"), ("language", "English", "en"),
    ("language", "pt_BR", "pt-BR"), ("language", "zz", "zz"),
    ("type", "text", "text"), ("source", "Erudit", "Erudit"),
])
def test_canonical_value(facet, typed, kept) -> None:
    assert canonical_value(facet, typed) == kept


def test_search_query_reads_licence_and_language_values() -> None:
    query = SearchQuery("*", licences=["CC BY 4.0"], language="por",
                        filters={"license": ["CC BY-NC 4.0"], "language": ["English"]})
    assert query.values("license") == ("CC-BY-4.0", "CC-BY-NC-4.0")
    assert query.values("language") == ("pt", "en")


def test_matching_values_ignore_case() -> None:
    assert matching_values(["text", "EVENT"], [b"Event", b"Text", b"Image"]) == ["Event", "Text"]
    assert matching_values(["sound"], ["Text"]) == []


@pytest.mark.parametrize(("text", "kept"), [
    ("NOT climate", "NOT climate"),   # a leading NOT has its operand
    ("AND NOT climate", "NOT climate"), ("OR x AND", "x"), ("x NOT", "x"),
    ("OR OR NOT", ""), ("(open OR", "(open"),
])
def test_strip_dangling_operators(text, kept) -> None:
    assert strip_dangling_operators(text) == kept
