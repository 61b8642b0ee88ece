"""Tests of the per-language analysers (engine-free, indexer/analysis.py)."""

from __future__ import annotations

import pytest

from indexer.analysis import BUCKETS, OTHER, analyse, bucket_of, fold, guess_bucket, terms


@pytest.mark.parametrize(("tag", "bucket"), [
    ("fr-CA", "fr"), ("EN", "en"), ("zh-Hans", "zh"), ("kk", "kk"), ("ky-KG", "ky"),
    ("ar", "ar"), ("de", OTHER), (None, OTHER), ("", OTHER)])
def test_bucket_of(tag, bucket) -> None:
    assert bucket_of(tag) == bucket


@pytest.mark.parametrize(("bucket", "forms"), [
    ("en", ["education", "educational", "Education"]),
    ("fr", ["éducation", "éducatives", "Éducation"]),
    ("es", ["educación", "educativos"]),
    ("ru", ["лечение", "лечению", "лечения"]),
    ("ru", ["ХРОНИЧЕСКИХ", "хроническое", "хронический"]),
    ("pt", ["espirometria", "espirometrias"]),
    ("ar", ["التعليم", "تعليم"]),
])
def test_inflected_forms_share_one_term(bucket, forms) -> None:
    assert len({tuple(terms(form, bucket)) for form in forms}) == 1, [
        terms(f, bucket) for f in forms]


def test_case_and_accent_folding_everywhere() -> None:
    for bucket in BUCKETS:
        assert terms("Ééducation", bucket, stemming=False) == ["eeducation"]
    assert fold("Straße Ёлка") == "strasse елка"
    assert terms("Éducation", "fr") == terms("education", "fr")


def test_kazakh_and_kyrgyz_cut_to_five_letters() -> None:
    # no Snowball stemmer exists for them: fixed-prefix truncation
    assert terms("Ашық білім беру ресурстары", "kk") == ["ашық", "білім", "беру", "ресур"]
    assert terms("білімге", "kk") == terms("білім", "kk") == ["білім"]
    assert terms("ресурстары ресурстарды", "ky") == ["ресур", "ресур"]


def test_chinese_is_segmented_into_words() -> None:
    assert terms("开放教育资源是免费的学习材料", "zh") == [
        "开放", "教育资源", "是", "免费", "的", "学习材料"]
    # indexing also emits the words inside longer words, at the same position
    indexed = list(analyse("开放教育资源", "zh", index=True))
    assert [(t.term, t.pos) for t in indexed] == [
        ("开放", 0), ("教育", 1), ("资源", 1), ("教育资源", 1)]
    # Han text is segmented in every bucket (untagged Chinese text too)
    assert terms("AI教育", OTHER) == ["ai", "教育"]


def test_offsets_point_into_the_text() -> None:
    text = "L’industrie papetière à Trois-Rivières"
    for token in analyse(text, "fr"):
        assert fold(text[token.start:token.end].casefold()).startswith(token.term[:3])
    assert [t.pos for t in analyse(text, "fr")] == [0, 1, 2, 3, 4, 5]


def test_digits_are_kept_unstemmed() -> None:
    assert terms("1924 2015", "en") == ["1924", "2015"]


def test_unknown_bucket_raises() -> None:
    with pytest.raises(ValueError):
        list(analyse("x", "xx"))


@pytest.mark.parametrize(("text", "bucket"), [
    ("Protective Effects of Milk Phospholipids against UV-induced DNA Damage", "en"),
    ("Colaboração na realização da espirometria numa população de idosos", "pt"),
    ("Ашық білім беру ресурстары", "kk"),
    ("Билим берүү ресурстары жана окуу куралдары", "ky"),
    ("Die offenen Bildungsmaterialien der Universität", OTHER),  # German: no bucket
    ("", OTHER),
])
def test_guess_bucket(text, bucket) -> None:
    assert guess_bucket(text) == bucket
