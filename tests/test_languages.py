"""Language values (codes, locales, names) to BCP 47 tags."""

from __future__ import annotations

import pytest

from harvester.languages import to_bcp47


@pytest.mark.parametrize(("value", "expected"), [
    # ISO 639-1
    ("en", "en"), ("fr", "fr"), ("EN", "en"),
    # ISO 639-2/B and /T (Zenodo gives "eng")
    ("eng", "en"), ("fre", "fr"), ("fra", "fr"), ("ger", "de"), ("deu", "de"), ("rus", "ru"),
    ("chi", "zh"), ("zho", "zh"), ("gre", "el"), ("spa", "es"),
    # ISO 639-3 only
    ("ast", "ast"), ("yue", "yue"),
    # locales and regions
    ("en_US", "en-US"), ("pt-br", "pt-BR"), ("pt_BR", "pt-BR"), ("zh-hant-tw", "zh-Hant-TW"),
    # whitespace and case
    ("  fre\n", "fr"), (" EN_us ", "en-US"),
    # names, in English and in the language itself
    ("English", "en"), ("english", "en"), ("French", "fr"), ("Français", "fr"), ("Русский", "ru"),
    ("español", "es"), ("Deutsch", "de"), ("Nederlands", "nl"), ("日本語", "ja"),
])
def test_to_bcp47(value: str, expected: str) -> None:
    assert to_bcp47(value) == expected


@pytest.mark.parametrize("value", [
    "", "   ", "und", "zz-foo", "123", "x-private", "Other", "n/a", "\x00",
    "English; French", "en, fr", "English and French",  # lists: never silently keep only one
    "a" * 500,
])
def test_garbage_is_none(value: str) -> None:
    assert to_bcp47(value) is None


def test_non_string_is_none() -> None:
    assert to_bcp47(None) is None  # type: ignore[arg-type]


def test_results_are_cached() -> None:
    from harvester import languages

    languages._to_bcp47.cache_clear()
    to_bcp47("fre")
    to_bcp47(" fre ")
    info = languages._to_bcp47.cache_info()
    assert (info.misses, info.hits) == (1, 1)
